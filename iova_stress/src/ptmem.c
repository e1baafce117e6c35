// SPDX-License-Identifier: GPL-2.0
/* IOMMU page-table memory counters from procfs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "common.h"
#include "ptmem.h"

static int find_value(const char *text, const char *key, char sep, uint64_t *out)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == sep) {
			const char *v = p + klen + 1;
			char *end;
			unsigned long long x;

			while (*v == ' ' || *v == '\t')
				v++;
			if (*v < '0' || *v > '9')
				return -1;
			errno = 0;
			x = strtoull(v, &end, 10);
			if (errno)
				return -1;
			*out = x;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

int ptmem_parse_vmstat(const char *text, const char *key, uint64_t *out)
{
	return find_value(text, key, ' ', out);
}

int ptmem_parse_meminfo(const char *text, const char *key, uint64_t *out)
{
	return find_value(text, key, ':', out);
}

int ptmem_shrink(const char *procfs)
{
	char path[PATH_MAX];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/sys/vm/drop_caches", procfs);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, "2\n", 2) != 2)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

void ptmem_read(const char *procfs, struct ptmem *m)
{
	char path[PATH_MAX];
	static char buf[64 * 1024];
	struct sysinfo si;
	int fd;

	memset(m, 0, sizeof(*m));
	m->page_size = (uint64_t)sysconf(_SC_PAGESIZE);

	snprintf(path, sizeof(path), "%s/sys/vm/stat_refresh", procfs);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		m->refreshed = write(fd, "1\n", 2) == 2;
		close(fd);
	}

	snprintf(path, sizeof(path), "%s/vmstat", procfs);
	if (!read_small_file(path, buf, sizeof(buf)))
		m->have_pages = !ptmem_parse_vmstat(buf, "nr_iommu_pages", &m->pages);
	snprintf(path, sizeof(path), "%s/meminfo", procfs);
	if (!read_small_file(path, buf, sizeof(buf)))
		m->have_secpt = !ptmem_parse_meminfo(buf, "SecPageTables", &m->secpt_kib);
	if (!sysinfo(&si)) {
		m->have_free = true;
		m->free_kib = (uint64_t)si.freeram * si.mem_unit / 1024;
	}
}

/* after - before, clamped so that a KiB conversion cannot overflow. */
static int64_t diff(uint64_t after, uint64_t before)
{
	const uint64_t lim = (uint64_t)INT64_MAX >> 12;
	uint64_t d = after >= before ? after - before : before - after;

	if (d > lim)
		d = lim;
	return after >= before ? (int64_t)d : -(int64_t)d;
}

bool ptmem_pt_kib_delta(const struct ptmem *b, const struct ptmem *a, int64_t *kib)
{
	if (!b->have_pages || !a->have_pages)
		return false;
	*kib = diff(a->pages, b->pages) * (int64_t)((a->page_size ? a->page_size : 4096) / 1024);
	return true;
}

bool ptmem_secpt_kib_delta(const struct ptmem *b, const struct ptmem *a, int64_t *kib)
{
	if (!b->have_secpt || !a->have_secpt)
		return false;
	*kib = diff(a->secpt_kib, b->secpt_kib);
	return true;
}

bool ptmem_free_kib_delta(const struct ptmem *b, const struct ptmem *a, int64_t *kib)
{
	if (!b->have_free || !a->have_free)
		return false;
	*kib = diff(a->free_kib, b->free_kib);
	return true;
}
