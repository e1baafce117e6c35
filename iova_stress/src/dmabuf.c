// SPDX-License-Identifier: GPL-2.0
/* Backing memory for the mappings. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "common.h"
#include "dmabuf.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void *dmabuf_alloc(uint64_t size)
{
	uint64_t align = size < SZ_1G ? size : SZ_1G;
	uintptr_t start, aligned;
	size_t len;
	char *p;

	if (size <= SZ_4K) {
		p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	if (size > SIZE_MAX - align) {
		errno = ENOMEM;
		return NULL;
	}
	/* Over-allocate, then trim to an aligned window. */
	len = (size_t)(size + align);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (uintptr_t)p;
	aligned = (start + align - 1) & ~(uintptr_t)(align - 1);
	if (aligned > start)
		munmap(p, aligned - start);
	if (start + len > aligned + size)
		munmap((void *)(aligned + size), start + len - (aligned + size));
	p = (char *)aligned;
	madvise(p, size, MADV_HUGEPAGE);	/* best effort */
	if (madvise(p, size, MADV_POPULATE_WRITE))
		memset(p, 0, size);
	return p;
}

#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB (30 << 26)
#endif

uint64_t dmabuf_hugetlb_len(uint64_t size)
{
	return (size + SZ_4K + SZ_1G - 1) & ~(uint64_t)(SZ_1G - 1);
}

void *dmabuf_alloc_hugetlb(uint64_t size)
{
	uint64_t len = dmabuf_hugetlb_len(size);
	char *p;

	if (len > SIZE_MAX) {
		errno = ENOMEM;
		return NULL;
	}
	p = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB | MAP_POPULATE, -1, 0);
	return p == MAP_FAILED ? NULL : p + SZ_4K;
}

void dmabuf_free_hugetlb(void *p, uint64_t size)
{
	if (p)
		munmap((char *)p - SZ_4K, (size_t)dmabuf_hugetlb_len(size));
}

void dmabuf_free(void *p, uint64_t size)
{
	if (p)
		munmap(p, size < SZ_4K ? SZ_4K : size);
}
