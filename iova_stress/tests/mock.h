/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_MOCK_H
#define IST_MOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Open-addressing set of u64 keys (with deletion). */
struct hset {
	uint64_t *keys;
	uint8_t *state;		/* 0 empty, 1 used, 2 deleted */
	size_t cap, used, tomb;
};

/*
 * A fake IOMMU backend (both "vfio" and "iommufd" ops) that behaves like
 * VFIO type1 on vanilla 6.12: refuses the MSI window and overlaps, never
 * frees page tables, and keeps nr_iommu_pages in a fake /proc/vmstat.
 */
struct mock_state {
	/* configuration */
	int open_ret;			/* exit code of open(), 0 = works */
	bool aperture_unknown;
	uint64_t aperture_last;
	unsigned enomem_every;		/* every Nth map fails with ENOMEM */
	const char *procfs;
	uint64_t base_pages;

	/* state */
	pthread_mutex_t lock;
	struct hset mapped, leaf, l2, l3;
	uint64_t maps, unmaps, map_calls;
	uint64_t min_iova, max_iova;
	uint64_t live, max_live;
	/* maps made while <procfs>/thread-self/make-it-fail read 1 */
	bool watch_make_it_fail;
	uint64_t maps_failing;
};

extern struct mock_state mock;

void mock_reset(const char *procfs);
void mock_free(void);

/* The fake <procfs>/thread-self/make-it-fail, and its first byte (0: none). */
const char *mock_make_it_fail_path(void);
char mock_make_it_fail_value(void);

#endif
