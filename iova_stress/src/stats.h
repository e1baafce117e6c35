/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_STATS_H
#define IST_STATS_H

#include <stdint.h>

/*
 * Log-linear latency histogram: values below 2^LAT_SUB_BITS are exact,
 * larger ones fall into 2^LAT_SUB_BITS buckets per power of two, so a
 * percentile is within 1/2^(LAT_SUB_BITS+1) of the true sample.  Fixed
 * size (~30 KiB) however many samples: a 16T sweep records 8 Mi pairs.
 */
#define LAT_SUB_BITS	6
#define LAT_SUB		(1u << LAT_SUB_BITS)
#define LAT_NBUCKETS	(LAT_SUB + (64 - LAT_SUB_BITS) * LAT_SUB)

struct lat_hist {
	uint64_t count;
	uint64_t min;
	uint64_t max;
	double sum;
	uint64_t bucket[LAT_NBUCKETS];
};

void lat_init(struct lat_hist *h);
void lat_add(struct lat_hist *h, uint64_t v);
void lat_merge(struct lat_hist *dst, const struct lat_hist *src);
/* Nearest-rank percentile, q in [0, 1]; 0 when empty. */
uint64_t lat_percentile(const struct lat_hist *h, double q);
double lat_mean(const struct lat_hist *h);

/* Bucket helpers, exported for the unit tests. */
unsigned lat_bucket(uint64_t v);
uint64_t lat_bucket_low(unsigned idx);
uint64_t lat_bucket_width(unsigned idx);

/* The figures every report prints. */
struct lat_summary {
	uint64_t count;
	uint64_t p50, p99, p999, max;
	double mean;
};

void lat_summarize(const struct lat_hist *h, struct lat_summary *s);

#endif
