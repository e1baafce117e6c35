// SPDX-License-Identifier: GPL-2.0
/* Latency histogram and percentiles. */
#include <string.h>

#include "stats.h"

void lat_init(struct lat_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

unsigned lat_bucket(uint64_t v)
{
	unsigned p;

	if (v < LAT_SUB)
		return (unsigned)v;
	p = 63u - (unsigned)__builtin_clzll(v);	/* p >= LAT_SUB_BITS */
	return LAT_SUB + (p - LAT_SUB_BITS) * LAT_SUB +
	       (unsigned)((v >> (p - LAT_SUB_BITS)) & (LAT_SUB - 1));
}

uint64_t lat_bucket_low(unsigned idx)
{
	unsigned p, sub;

	if (idx < LAT_SUB)
		return idx;
	p = (idx - LAT_SUB) / LAT_SUB + LAT_SUB_BITS;
	sub = (idx - LAT_SUB) % LAT_SUB;
	return (uint64_t)(LAT_SUB + sub) << (p - LAT_SUB_BITS);
}

uint64_t lat_bucket_width(unsigned idx)
{
	if (idx < LAT_SUB)
		return 1;
	return 1ULL << ((idx - LAT_SUB) / LAT_SUB);
}

void lat_add(struct lat_hist *h, uint64_t v)
{
	h->bucket[lat_bucket(v)]++;
	h->count++;
	h->sum += (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void lat_merge(struct lat_hist *dst, const struct lat_hist *src)
{
	if (!src->count)
		return;
	for (unsigned i = 0; i < LAT_NBUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t lat_percentile(const struct lat_hist *h, double q)
{
	uint64_t rank, seen = 0, v;

	if (!h->count)
		return 0;
	if (!(q > 0.0))
		return h->min;
	if (q >= 1.0)
		return h->max;
	/* nearest rank: the smallest value with at least q*count samples <= it */
	rank = (uint64_t)((double)h->count * q);
	if ((double)rank < (double)h->count * q)
		rank++;
	if (rank == 0)
		rank = 1;
	for (unsigned i = 0; i < LAT_NBUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank) {
			v = lat_bucket_low(i) + lat_bucket_width(i) / 2;
			if (v < h->min)
				v = h->min;
			if (v > h->max)
				v = h->max;
			return v;
		}
	}
	return h->max;
}

double lat_mean(const struct lat_hist *h)
{
	return h->count ? h->sum / (double)h->count : 0.0;
}

void lat_summarize(const struct lat_hist *h, struct lat_summary *s)
{
	s->count = h->count;
	s->p50 = lat_percentile(h, 0.50);
	s->p99 = lat_percentile(h, 0.99);
	s->p999 = lat_percentile(h, 0.999);
	s->max = h->count ? h->max : 0;
	s->mean = lat_mean(h);
}
