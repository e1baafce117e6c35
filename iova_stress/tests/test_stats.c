// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "common.h"
#include "harness.h"
#include "rng.h"
#include "stats.h"

static struct lat_hist h, h2;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

TEST(stats_empty_and_small)
{
	struct lat_summary s;

	lat_init(&h);
	CHECK_U64(lat_percentile(&h, 0.5), 0);
	lat_summarize(&h, &s);
	CHECK_U64(s.count, 0);
	CHECK_U64(s.max, 0);

	for (uint64_t v = 1; v <= 100; v++)
		lat_add(&h, v);
	/* exact below 128: nearest rank */
	CHECK_U64(lat_percentile(&h, 0.50), 50);
	CHECK_U64(lat_percentile(&h, 0.99), 99);
	CHECK_U64(lat_percentile(&h, 0.999), 100);
	CHECK_U64(lat_percentile(&h, 0.01), 1);
	CHECK_U64(lat_percentile(&h, 0.0), 1);
	CHECK_U64(lat_percentile(&h, 1.0), 100);
	lat_summarize(&h, &s);
	CHECK_U64(s.max, 100);
	CHECK(s.mean > 50.49 && s.mean < 50.51);

	lat_init(&h);
	lat_add(&h, 42);
	CHECK_U64(lat_percentile(&h, 0.5), 42);
	CHECK_U64(lat_percentile(&h, 0.99), 42);
}

TEST(stats_buckets)
{
	unsigned prev = 0;

	for (unsigned i = 0; i < LAT_NBUCKETS; i++) {
		uint64_t lo = lat_bucket_low(i), w = lat_bucket_width(i);

		CHECK_U64(lat_bucket(lo), i);
		CHECK_U64(lat_bucket(lo + w - 1), i);
	}
	for (uint64_t v = 0; v < 100000; v += 7) {
		unsigned b = lat_bucket(v);

		CHECK(b >= prev);
		prev = b;
	}
	CHECK_U64(lat_bucket(UINT64_MAX), LAT_NBUCKETS - 1);
}

TEST(stats_percentiles_vs_exact)
{
	enum { N = 20000 };
	static uint64_t v[N];
	uint64_t rng = 7;
	const double qs[] = { 0.5, 0.9, 0.99, 0.999 };

	lat_init(&h);
	for (int i = 0; i < N; i++) {
		/* long-tailed, like syscall latencies: 1us..10ms */
		uint64_t x = 1000 + rng_below(&rng, 30000);

		if (!rng_below(&rng, 100))
			x *= 1 + rng_below(&rng, 300);
		v[i] = x;
		lat_add(&h, x);
	}
	qsort(v, N, sizeof(v[0]), cmp_u64);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		size_t rank = (size_t)(qs[i] * N + 0.999999);
		uint64_t exact = v[rank - 1], got = lat_percentile(&h, qs[i]);
		double err = (double)(got > exact ? got - exact : exact - got) / (double)exact;

		/* the bound stats.h promises */
		if (err > 1.0 / (2 << LAT_SUB_BITS))
			t_fail(__FILE__, __LINE__, "q=%g exact %" PRIu64 " got %" PRIu64, qs[i],
			       exact, got);
	}
	CHECK_U64(lat_percentile(&h, 1.0), v[N - 1]);
	CHECK_U64(h.max, v[N - 1]);
	CHECK_U64(h.min, v[0]);
}

/*
 * stats.h promises a percentile within 1/2^(LAT_SUB_BITS+1) of the true
 * sample, for every value: put each bucket's lowest and highest value as
 * the median of {1, v, v, UINT64_MAX} (min and max cannot clamp it).
 */
TEST(stats_percentile_bound)
{
	const double bound = 1.0 / (2 << LAT_SUB_BITS);

	for (unsigned i = 1; i < LAT_NBUCKETS; i++) {
		uint64_t lo = lat_bucket_low(i), w = lat_bucket_width(i);
		const uint64_t edges[] = { lo, lo + (w - 1) };

		for (size_t k = 0; k < ARRAY_SIZE(edges); k++) {
			uint64_t v = edges[k], got;
			double err;

			lat_init(&h);
			lat_add(&h, 1);
			lat_add(&h, v);
			lat_add(&h, v);
			lat_add(&h, UINT64_MAX);
			got = lat_percentile(&h, 0.5);
			err = ((double)got - (double)v) / (double)v;
			if (err > bound || err < -bound) {
				t_fail(__FILE__, __LINE__, "bucket %u: median of %" PRIu64 " is %"
				       PRIu64 " (off by %.5f, more than 1/%d)", i, v, got, err,
				       2 << LAT_SUB_BITS);
				return;
			}
		}
	}
}

TEST(stats_merge)
{
	lat_init(&h);
	lat_init(&h2);
	for (uint64_t i = 1; i <= 50; i++)
		lat_add(&h, i);
	for (uint64_t i = 51; i <= 100; i++)
		lat_add(&h2, i);
	lat_merge(&h, &h2);
	CHECK_U64(h.count, 100);
	CHECK_U64(h.min, 1);
	CHECK_U64(h.max, 100);
	CHECK_U64(lat_percentile(&h, 0.5), 50);
	lat_init(&h2);
	lat_merge(&h, &h2);	/* empty: no change */
	CHECK_U64(h.count, 100);
	CHECK_U64(h.min, 1);
}
