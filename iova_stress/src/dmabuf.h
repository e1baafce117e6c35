/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_DMABUF_H
#define IST_DMABUF_H

#include <stdint.h>

/*
 * Anonymous memory to map for DMA: size bytes aligned to min(size, 1G)
 * (so that a 2M or 1G mapping may use a large IOMMU page when the memory
 * happens to be contiguous), populated.  NULL (errno set) on failure.
 */
void *dmabuf_alloc(uint64_t size);
void dmabuf_free(void *p, uint64_t size);

/*
 * --hugetlb: size bytes from 4K into whole 1G hugetlb pages, populated.
 * Each 1G page is physically contiguous and the mapping starts 4K into
 * it, so an IOVA aligned to 2M never lines up with it: the IOMMU maps it
 * with 4K entries, one call per contiguous run.  NULL (errno) on failure,
 * e.g. ENOMEM when too few 1G pages are reserved.
 */
uint64_t dmabuf_hugetlb_len(uint64_t size);
void *dmabuf_alloc_hugetlb(uint64_t size);
void dmabuf_free_hugetlb(void *p, uint64_t size);

#endif
