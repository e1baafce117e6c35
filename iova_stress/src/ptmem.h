/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_PTMEM_H
#define IST_PTMEM_H

#include <stdbool.h>
#include <stdint.h>

/*
 * One reading of the IOMMU page-table counters: /proc/vmstat
 * nr_iommu_pages (pages) and /proc/meminfo SecPageTables (KiB), taken
 * right after writing 1 to /proc/sys/vm/stat_refresh so that the per-CPU
 * vmstat batches are folded in; plus free RAM (sysinfo), which is only a
 * rough secondary figure.
 */
struct ptmem {
	bool have_pages;
	uint64_t pages;
	bool have_secpt;
	uint64_t secpt_kib;
	bool have_free;
	uint64_t free_kib;
	bool refreshed;		/* stat_refresh succeeded */
	uint64_t page_size;
};

/* Read the counters under procfs ("/proc" outside the tests). */
void ptmem_read(const char *procfs, struct ptmem *m);

/*
 * Ask the kernel's shrinkers to give back what they keep (vm.drop_caches
 * = 2: slab caches and the like, an IOMMU driver's pool of spare page
 * tables among them).  0, or the errno of the write.
 */
int ptmem_shrink(const char *procfs);

/* Value of "key value" / "key: value kB" lines; -1 if absent. */
int ptmem_parse_vmstat(const char *text, const char *key, uint64_t *out);
int ptmem_parse_meminfo(const char *text, const char *key, uint64_t *out);

/* Deltas after - before in KiB; false if either reading lacks it. */
bool ptmem_pt_kib_delta(const struct ptmem *before, const struct ptmem *after, int64_t *kib);
bool ptmem_secpt_kib_delta(const struct ptmem *before, const struct ptmem *after, int64_t *kib);
bool ptmem_free_kib_delta(const struct ptmem *before, const struct ptmem *after, int64_t *kib);

#endif
