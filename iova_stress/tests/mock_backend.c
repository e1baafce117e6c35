// SPDX-License-Identifier: GPL-2.0
/* Fake backend for the mode tests: see mock.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "common.h"
#include "harness.h"
#include "mock.h"

struct mock_state mock;

static uint64_t hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static void hset_free(struct hset *h)
{
	free(h->keys);
	free(h->state);
	memset(h, 0, sizeof(*h));
}

static bool hset_has(const struct hset *h, uint64_t k)
{
	if (!h->cap)
		return false;
	for (size_t i = hash(k) & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
		if (h->state[i] == 0)
			return false;
		if (h->state[i] == 1 && h->keys[i] == k)
			return true;
	}
}

static bool hset_add(struct hset *h, uint64_t k);

static void hset_grow(struct hset *h)
{
	struct hset old = *h;

	h->cap = old.cap ? old.cap * 2 : 1024;
	if (old.cap && old.used < old.cap / 4)
		h->cap = old.cap;	/* only tombstones: rehash in place */
	h->keys = calloc(h->cap, sizeof(*h->keys));
	h->state = calloc(h->cap, 1);
	h->used = h->tomb = 0;
	if (!h->keys || !h->state)
		abort();
	for (size_t i = 0; i < old.cap; i++)
		if (old.state[i] == 1)
			hset_add(h, old.keys[i]);
	free(old.keys);
	free(old.state);
}

/* true if added, false if already there */
static bool hset_add(struct hset *h, uint64_t k)
{
	size_t i;

	if (hset_has(h, k))
		return false;
	if ((h->used + h->tomb + 1) * 2 > h->cap)
		hset_grow(h);
	for (i = hash(k) & (h->cap - 1); h->state[i] == 1; i = (i + 1) & (h->cap - 1))
		;
	if (h->state[i] == 2)
		h->tomb--;
	h->state[i] = 1;
	h->keys[i] = k;
	h->used++;
	return true;
}

static bool hset_del(struct hset *h, uint64_t k)
{
	if (!h->cap)
		return false;
	for (size_t i = hash(k) & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
		if (h->state[i] == 0)
			return false;
		if (h->state[i] == 1 && h->keys[i] == k) {
			h->state[i] = 2;
			h->used--;
			h->tomb++;
			return true;
		}
	}
}

void mock_free(void)
{
	hset_free(&mock.mapped);
	hset_free(&mock.leaf);
	hset_free(&mock.l2);
	hset_free(&mock.l3);
}

static void write_vmstat(void)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "nr_iommu_pages %llu\n",
		 (unsigned long long)(mock.base_pages + mock.leaf.used + mock.l2.used +
				      mock.l3.used));
	write_file(mock.procfs, "vmstat", buf);
}

void mock_reset(const char *procfs)
{
	mock_free();
	memset(&mock, 0, sizeof(mock));
	pthread_mutex_init(&mock.lock, NULL);
	mock.aperture_last = (1ULL << 48) - 1;
	mock.procfs = procfs;
	mock.base_pages = 3;
	mock.min_iova = UINT64_MAX;
	write_vmstat();
	write_file(procfs, "meminfo", "SecPageTables:      12 kB\n");
	write_file(procfs, "sys/vm/stat_refresh", "");
}

static int m_open(struct backend *b)
{
	if (mock.open_ret)
		return ist_err(mock.open_ret, "mock: open refused");
	b->priv = &mock;
	return 0;
}

static void m_close(struct backend *b)
{
	b->priv = NULL;
}

const char *mock_make_it_fail_path(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/thread-self/make-it-fail", mock.procfs);
	return path;
}

char mock_make_it_fail_value(void)
{
	char c = 0;
	FILE *f = fopen(mock_make_it_fail_path(), "r");

	if (!f)
		return 0;
	if (fread(&c, 1, 1, f) != 1)
		c = 0;
	fclose(f);
	return c;
}

static int m_map(struct backend *b, uint64_t iova, uint64_t len, void *vaddr)
{
	bool grew = false;
	int ret = 0;

	(void)b;
	if (!vaddr || !len || iova % 4096 || len % 4096)
		return -EINVAL;
	if (iova <= MSI_WINDOW_END && iova + len - 1 >= MSI_WINDOW_START)
		return -EINVAL;
	if (iova + len - 1 > mock.aperture_last)
		return -EINVAL;
	pthread_mutex_lock(&mock.lock);
	mock.map_calls++;
	if (mock.watch_make_it_fail && mock_make_it_fail_value() == '1')
		mock.maps_failing++;
	if (mock.enomem_every && mock.map_calls % mock.enomem_every == 0) {
		ret = -ENOMEM;
	} else if (!hset_add(&mock.mapped, iova)) {
		ret = -EEXIST;
	} else {
		mock.maps++;
		if (++mock.live > mock.max_live)
			mock.max_live = mock.live;
		if (iova < mock.min_iova)
			mock.min_iova = iova;
		if (iova > mock.max_iova)
			mock.max_iova = iova;
		for (uint64_t a = iova; a < iova + len; a += 1ULL << 21) {
			grew |= hset_add(&mock.leaf, a >> 21);
			grew |= hset_add(&mock.l2, a >> 30);
			grew |= hset_add(&mock.l3, a >> 39);
		}
		if (grew)
			write_vmstat();
	}
	pthread_mutex_unlock(&mock.lock);
	return ret;
}

static int m_unmap(struct backend *b, uint64_t iova, uint64_t len)
{
	int ret = 0;

	(void)b;
	(void)len;
	pthread_mutex_lock(&mock.lock);
	if (hset_del(&mock.mapped, iova)) {
		mock.unmaps++;
		mock.live--;
	} else {
		ret = -ENXIO;
	}
	pthread_mutex_unlock(&mock.lock);
	return ret;
}

static int m_unmap_all(struct backend *b, uint64_t *bytes)
{
	(void)b;
	pthread_mutex_lock(&mock.lock);
	*bytes = mock.mapped.used * 4096;
	hset_free(&mock.mapped);
	mock.live = 0;
	pthread_mutex_unlock(&mock.lock);
	return 0;
}

static int m_device_fd(struct backend *b, int *fd)
{
	(void)b;
	*fd = -1;
	return ist_err(EX_FAIL, "mock: no device fd");
}

static int m_aperture(struct backend *b, struct aperture *ap)
{
	(void)b;
	aperture_init(ap);
	if (mock.aperture_unknown)
		return 0;
	aperture_add(ap, 0, MSI_WINDOW_START - 1);
	aperture_add(ap, MSI_WINDOW_END + 1, mock.aperture_last);
	return 0;
}

const struct backend_ops backend_vfio_ops = {
	.name = "vfio",
	.open = m_open,
	.close = m_close,
	.map = m_map,
	.unmap = m_unmap,
	.unmap_all = m_unmap_all,
	.device_fd = m_device_fd,
	.aperture = m_aperture,
};

const struct backend_ops backend_iommufd_ops = {
	.name = "iommufd",
	.open = m_open,
	.close = m_close,
	.map = m_map,
	.unmap = m_unmap,
	.unmap_all = m_unmap_all,
	.device_fd = m_device_fd,
	.aperture = m_aperture,
};
