// SPDX-License-Identifier: GPL-2.0
/* IOMMU aperture: allowed IOVA ranges and the --size check. */
#include <string.h>

#include "aperture.h"
#include "common.h"
#include "units.h"

void aperture_init(struct aperture *ap)
{
	memset(ap, 0, sizeof(*ap));
}

int aperture_add(struct aperture *ap, uint64_t start, uint64_t last)
{
	unsigned i;

	if (last < start || ap->nr >= APERTURE_MAX_RANGES)
		return -1;
	for (i = ap->nr; i > 0 && ap->range[i - 1].start > start; i--)
		ap->range[i] = ap->range[i - 1];
	ap->range[i].start = start;
	ap->range[i].last = last;
	ap->nr++;
	ap->known = true;
	return 0;
}

uint64_t aperture_last(const struct aperture *ap)
{
	uint64_t last = 0;

	if (!ap->known)
		return UINT64_MAX;
	for (unsigned i = 0; i < ap->nr; i++)
		if (ap->range[i].last > last)
			last = ap->range[i].last;
	return last;
}

bool aperture_allows(const struct aperture *ap, uint64_t iova, uint64_t len)
{
	uint64_t last;

	if (!len)
		return false;
	last = iova + len - 1;
	if (last < iova)
		return false;
	if (!ap->known)
		return true;
	for (unsigned i = 0; i < ap->nr; i++)
		if (iova >= ap->range[i].start && last <= ap->range[i].last)
			return true;
	return false;
}

int aperture_check_size(const struct aperture *ap, const char *opt, uint64_t size)
{
	char a[32], b[32];
	uint64_t last = aperture_last(ap);

	if (!ap->known || !size || size - 1 <= last)
		return 0;
	if (last == UINT64_MAX)
		return 0;
	return ist_err(EX_APERTURE,
		       "--%s %s is beyond the IOMMU aperture: maximum is %s (last IOVA 0x%llx)",
		       opt, fmt_size(a, sizeof(a), size),
		       fmt_size(b, sizeof(b), last + 1),
		       (unsigned long long)last);
}
