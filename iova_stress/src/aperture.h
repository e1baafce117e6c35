/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_APERTURE_H
#define IST_APERTURE_H

#include <stdbool.h>
#include <stdint.h>

#define APERTURE_MAX_RANGES 32

/* Usable IOVA ranges (inclusive), sorted, as the kernel reports them. */
struct aperture {
	bool known;
	unsigned nr;
	struct {
		uint64_t start, last;
	} range[APERTURE_MAX_RANGES];
	uint64_t pgsizes;	/* IOMMU page sizes bitmap, 0 if unknown */
};

void aperture_init(struct aperture *ap);
/* Add a range; keeps the list sorted; -1 when full or last < start. */
int aperture_add(struct aperture *ap, uint64_t start, uint64_t last);
/* Highest usable IOVA (UINT64_MAX when unknown). */
uint64_t aperture_last(const struct aperture *ap);
/* Is [iova, iova + len) inside one usable range? (true when unknown) */
bool aperture_allows(const struct aperture *ap, uint64_t iova, uint64_t len);

/*
 * Check that [0, size) fits below the top of the aperture (holes such as
 * the MSI window are skipped, not refused).  Returns 0 or EX_APERTURE
 * after printing one line naming the maximum; opt names the option.
 */
int aperture_check_size(const struct aperture *ap, const char *opt, uint64_t size);

#endif
