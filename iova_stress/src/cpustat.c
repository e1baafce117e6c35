// SPDX-License-Identifier: GPL-2.0
/* CPU time from procfs: the cost of an I/O as busy CPU time. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "cpustat.h"

/* Field order of the "cpu" line (proc(5)); guest time is inside user/nice. */
enum { F_USER, F_NICE, F_SYSTEM, F_IDLE, F_IOWAIT, F_IRQ, F_SOFTIRQ, F_STEAL, NR_FIELDS };

int cpustat_parse(const char *text, struct cpustat *c)
{
	uint64_t f[NR_FIELDS] = { 0 };
	const char *p = text;
	int n;

	memset(c, 0, sizeof(*c));
	while (p && strncmp(p, "cpu ", 4)) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return -1;
	p += 4;
	/* Kernels before 2.6.11 have no steal field: at least idle and iowait. */
	for (n = 0; n < NR_FIELDS; n++) {
		char *end;

		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			break;
		errno = 0;
		f[n] = strtoull(p, &end, 10);
		if (errno)
			return -1;
		p = end;
	}
	if (n <= F_IOWAIT)
		return -1;
	c->idle = f[F_IDLE] + f[F_IOWAIT];
	c->busy = f[F_USER] + f[F_NICE] + f[F_SYSTEM] + f[F_IRQ] + f[F_SOFTIRQ] + f[F_STEAL];
	c->ok = true;
	return 0;
}

void cpustat_read(const char *procfs, struct cpustat *c)
{
	char path[PATH_MAX];
	static char buf[16 * 1024];

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "%s/stat", procfs);
	if (!read_small_file(path, buf, sizeof(buf)))
		cpustat_parse(buf, c);
}

bool cpustat_busy_s(const struct cpustat *before, const struct cpustat *after,
		    long ticks_per_s, double *s)
{
	if (!before->ok || !after->ok || ticks_per_s <= 0 || after->busy < before->busy ||
	    after->idle < before->idle)
		return false;
	*s = (double)(after->busy - before->busy) / (double)ticks_per_s;
	return true;
}
