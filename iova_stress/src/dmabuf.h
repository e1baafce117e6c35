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

#endif
