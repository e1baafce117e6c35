// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "aperture.h"
#include "common.h"
#include "harness.h"

/* What VT-d with aw-bits=48 reports: everything but the MSI window. */
static void lab_aperture(struct aperture *ap)
{
	aperture_init(ap);
	CHECK_INT(aperture_add(ap, MSI_WINDOW_END + 1, (1ULL << 48) - 1), 0);
	CHECK_INT(aperture_add(ap, 0, MSI_WINDOW_START - 1), 0);
}

TEST(aperture_ranges)
{
	struct aperture ap;

	lab_aperture(&ap);
	CHECK(ap.known);
	CHECK_U64(ap.nr, 2);
	CHECK_U64(ap.range[0].start, 0);		/* kept sorted */
	CHECK_U64(aperture_last(&ap), (1ULL << 48) - 1);
	CHECK(aperture_allows(&ap, 0, 4096));
	CHECK(aperture_allows(&ap, 0xfec00000, 2 << 20));
	CHECK(!aperture_allows(&ap, 0xfee00000, 4096));	/* MSI window */
	CHECK(!aperture_allows(&ap, 0xfeeff000, 4096));
	CHECK(aperture_allows(&ap, 0xfef00000, 4096));
	CHECK(!aperture_allows(&ap, 0xfed00000, 2 << 20));	/* straddles */
	CHECK(!aperture_allows(&ap, (1ULL << 48) - 4096, 8192));
	CHECK(aperture_allows(&ap, (1ULL << 48) - 4096, 4096));
	CHECK(!aperture_allows(&ap, UINT64_MAX - 4095, 8192));	/* wraps */
	CHECK(!aperture_allows(&ap, 0, 0));
	CHECK_INT(aperture_add(&ap, 10, 9), -1);

	aperture_init(&ap);
	CHECK(!ap.known);
	CHECK(aperture_allows(&ap, 0xfee00000, 4096));	/* unknown: allowed */
	CHECK_U64(aperture_last(&ap), UINT64_MAX);
	for (int i = 0; i < APERTURE_MAX_RANGES; i++)
		CHECK_INT(aperture_add(&ap, (uint64_t)i << 20, ((uint64_t)i << 20) + 10), 0);
	CHECK_INT(aperture_add(&ap, 1ULL << 40, 1ULL << 41), -1);
}

TEST(aperture_size_check)
{
	struct aperture ap;
	const char *err;
	int ret;

	lab_aperture(&ap);
	capture_begin(2);
	ret = aperture_check_size(&ap, "size", 1ULL << 48);
	err = capture_end();
	CHECK_INT(ret, 0);
	CHECK_STR(err, "");

	capture_begin(2);
	ret = aperture_check_size(&ap, "size", 512ULL << 40);
	err = capture_end();
	CHECK_INT(ret, EX_APERTURE);
	CHECK_STR(err, "iova_stress: --size 512T is beyond the IOMMU aperture: maximum is 256T "
		  "(last IOVA 0xffffffffffff)\n");

	/* 39-bit (QEMU's default aw-bits): 512G */
	aperture_init(&ap);
	aperture_add(&ap, 0, (1ULL << 39) - 1);
	capture_begin(2);
	ret = aperture_check_size(&ap, "size2", 1ULL << 40);
	err = capture_end();
	CHECK_INT(ret, EX_APERTURE);
	CHECK(strstr(err, "--size2 1T") && strstr(err, "maximum is 512G"));
	CHECK_INT(count_lines(err), 1);

	aperture_init(&ap);
	CHECK_INT(aperture_check_size(&ap, "size", UINT64_MAX), 0);
}
