// SPDX-License-Identifier: GPL-2.0
/*
 * Human report and JSON object, both from struct run_result: what every
 * mode prints here, the mode's own part through its struct mode_ops.
 */
#include <inttypes.h>
#include <string.h>

#include "common.h"
#include "json.h"
#include "result.h"
#include "units.h"
#include "version.h"

/* The JSON contract (docs/json.md, schema/result-v2.schema.json). */
#define JSON_SCHEMA 2

void result_init(struct run_result *r, const struct opts *o)
{
	memset(r, 0, sizeof(*r));
	r->mode = o->mode;
	r->started = time(NULL);
	r->backend = o->mode->uses_backend ? backend_name(o->backend) : NULL;
	r->group = -1;
	if (o->mode->uses_backend) {
		r->size = o->size;
		r->dma_size = o->dma_size;
		r->stride = o->stride;
		r->keep = o->keep;
		r->hugetlb = o->hugetlb;
		r->have_pairs = true;
		r->have_map_acct = true;
	}
	r->aperture_last = UINT64_MAX;
}

double report_wall_s(const struct run_result *r)
{
	return (double)r->wall_ns / 1e9;
}

static bool iommu_delta_kib(const struct run_result *r, int64_t *kib)
{
	if (!r->have_pt)
		return false;
	return ptmem_pt_kib_delta(&r->before, &r->after, kib) ||
	       ptmem_secpt_kib_delta(&r->before, &r->after, kib);
}

const char *report_pt_delta(char *buf, size_t len, const struct run_result *r)
{
	int64_t kib = 0;

	if (!iommu_delta_kib(r, &kib))
		snprintf(buf, len, "?");
	else if (kib < 0)
		fmt_ssize(buf, len, kib * 1024);
	else
		fmt_size(buf, len, (uint64_t)kib * 1024);
	return buf;
}

void report_summary_line(FILE *f, const struct run_result *r)
{
	r->mode->summary_line(f, r);
}

void report_lat(FILE *f, const char *what, const struct lat_summary *s)
{
	char a[32], b[32], c[32], d[32], e[32];

	if (!s->count) {
		fprintf(f, "%-16s -\n", what);
		return;
	}
	fprintf(f, "%-16s p50 %s  p99 %s  p99.9 %s  max %s  (mean %s, %" PRIu64 " calls)\n",
		what, fmt_ns(a, sizeof(a), (double)s->p50), fmt_ns(b, sizeof(b), (double)s->p99),
		fmt_ns(c, sizeof(c), (double)s->p999), fmt_ns(d, sizeof(d), (double)s->max),
		fmt_ns(e, sizeof(e), s->mean), s->count);
}

void report_pt(FILE *f, const struct run_result *r)
{
	char a[32];
	int64_t kib;

	if (!r->have_pt)
		return;
	if (ptmem_pt_kib_delta(&r->before, &r->after, &kib))
		fprintf(f, "%-16s nr_iommu_pages %" PRIu64 " -> %" PRIu64 ": %+" PRId64
			" pages = %+" PRId64 " KiB (%s)\n", "page tables:",
			r->before.pages, r->after.pages,
			(int64_t)(r->after.pages - r->before.pages), kib,
			fmt_ssize(a, sizeof(a), kib * 1024));
	else
		fprintf(f, "%-16s nr_iommu_pages not available in /proc/vmstat\n", "page tables:");
	if (r->have_peak && ptmem_pt_kib_delta(&r->before, &r->peak, &kib))
		fprintf(f, "%-16s %+" PRId64 " KiB (%s) while everything was mapped\n",
			"  peak:", kib, fmt_ssize(a, sizeof(a), kib * 1024));
	if (r->have_shrunk && ptmem_pt_kib_delta(&r->before, &r->shrunk, &kib))
		fprintf(f, "%-16s %+" PRId64 " KiB (%s) after the kernel's shrinkers ran\n",
			"  shrunk:", kib, fmt_ssize(a, sizeof(a), kib * 1024));
	if (ptmem_secpt_kib_delta(&r->before, &r->after, &kib))
		fprintf(f, "%-16s %" PRIu64 " -> %" PRIu64 " kB: %+" PRId64 " KiB\n",
			"SecPageTables:", r->before.secpt_kib, r->after.secpt_kib, kib);
	if (ptmem_free_kib_delta(&r->before, &r->after, &kib))
		fprintf(f, "%-16s %+" PRId64 " KiB (secondary figure, noisy)\n", "free RAM:", kib);
	if (!r->before.refreshed || !r->after.refreshed)
		fprintf(f, "%-16s vm.stat_refresh could not be written: counters may lag by tens of pages\n",
			"warning:");
}

void report_mode_line(FILE *f, const struct run_result *r, const char *desc)
{
	fprintf(f, "%-16s %s, backend %s, device %s (group %d)\n", "mode:", desc,
		r->backend ? r->backend : "-", r->device[0] ? r->device : "-", r->group);
}

void report_range_end(FILE *f, const struct run_result *r)
{
	if (r->aperture_known)
		fprintf(f, ", aperture up to 0x%" PRIx64, r->aperture_last);
	fputc('\n', f);
}

void report_map_acct(FILE *f, const struct run_result *r)
{
	char a[32];

	fprintf(f, "%-16s %" PRIu64, "skipped:", r->skipped);
	if (r->skipped) {
		fputs(" slot(s) in reserved IOVA ranges (MSI window):", f);
		for (uint64_t i = 0; i < r->skipped && i < RESULT_SHOW_SKIPPED; i++)
			fprintf(f, " 0x%" PRIx64, r->skipped_iova[i]);
		if (r->skipped > RESULT_SHOW_SKIPPED)
			fputs(" ...", f);
	}
	fputc('\n', f);
	fprintf(f, "%-16s map %" PRIu64 ", unmap %" PRIu64, "errors:", r->map_errors,
		r->unmap_errors);
	if (r->map_errors || r->unmap_errors)
		fprintf(f, " (last: %s at 0x%" PRIx64 ")", strerror(r->last_errno),
			r->last_err_iova);
	if (r->aborted)
		fputs(" -- ABORTED", f);
	if (r->interrupted)
		fputs(" -- INTERRUPTED", f);
	fputc('\n', f);
	fprintf(f, "%-16s %.3f s", "wall time:", report_wall_s(r));
	if (r->pairs)
		fprintf(f, ", %s per map+unmap pair", fmt_ns(a, sizeof(a), r->ns_per_pair));
	fputc('\n', f);
	report_lat(f, "map latency:", &r->map_ns);
	report_lat(f, "unmap latency:", &r->unmap_ns);
}

void report_human(FILE *f, const struct run_result *r)
{
	r->mode->summary_line(f, r);
	/* every mode's report says so, not only the error line after it */
	if (r->interrupted)
		fprintf(f, "%-16s by a signal after %.3f s: the figures cover only the part that ran\n",
			"INTERRUPTED:", report_wall_s(r));
	r->mode->report_human(f, r);
}

void report_json_lat(struct jw *w, const char *key, const struct lat_summary *s)
{
	jw_obj_begin(w, key);
	jw_u64(w, "p50", s->p50);
	jw_u64(w, "p99", s->p99);
	jw_u64(w, "p999", s->p999);
	jw_u64(w, "max", s->max);
	jw_double(w, "mean", s->mean);
	jw_u64(w, "count", s->count);
	jw_obj_end(w);
}

static void json_u64_or_null(struct jw *w, const char *key, bool ok, uint64_t v)
{
	if (ok)
		jw_u64(w, key, v);
	else
		jw_null(w, key);
}

static void json_i64_or_null(struct jw *w, const char *key, bool ok, int64_t v)
{
	if (ok)
		jw_i64(w, key, v);
	else
		jw_null(w, key);
}

/* "2026-12-03T14:05:09Z" */
static void json_timestamp(struct jw *w, time_t t)
{
	char buf[32];
	struct tm tm;

	if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		jw_str(w, "timestamp", buf);
	else
		jw_str(w, "timestamp", "1970-01-01T00:00:00Z");
}

/* Every mode's section: r's mode writes its own, the others are null. */
static void json_sections(struct jw *w, const struct run_result *r)
{
	for (unsigned i = 0; i < mode_count; i++) {
		const char *key = mode_table[i]->section;
		bool seen = false;

		if (!key)
			continue;
		for (unsigned j = 0; j < i; j++)
			seen |= mode_table[j]->section && !strcmp(mode_table[j]->section, key);
		if (seen)
			continue;
		if (r->mode->section && !strcmp(r->mode->section, key))
			r->mode->report_json(w, r);
		else
			jw_null(w, key);
	}
}

void report_json(FILE *f, const struct run_result *r)
{
	bool acct = r->have_map_acct;
	struct jw w;
	int64_t kib = 0;
	bool ok;

	jw_init(&w, f);
	jw_obj_begin(&w, NULL);
	jw_str(&w, "tool", "iova_stress");
	jw_str(&w, "version", IST_VERSION);
	jw_u64(&w, "schema", JSON_SCHEMA);
	json_timestamp(&w, r->started);
	jw_str(&w, "mode", r->mode->name);
	jw_str(&w, "backend", r->backend);
	jw_str(&w, "device", r->device[0] ? r->device : NULL);
	json_u64_or_null(&w, "size_bytes", r->size, r->size);
	json_u64_or_null(&w, "dma_size_bytes", r->dma_size, r->dma_size);
	json_u64_or_null(&w, "stride_bytes", r->stride, r->stride);
	jw_bool(&w, "keep", r->keep);
	jw_bool(&w, "hugetlb", r->hugetlb);
	json_u64_or_null(&w, "pairs", r->have_pairs, r->pairs);
	json_u64_or_null(&w, "skipped", acct, r->skipped);
	json_u64_or_null(&w, "map_errors", acct, r->map_errors);
	json_u64_or_null(&w, "unmap_errors", acct, r->unmap_errors);
	jw_bool(&w, "aborted", r->aborted);
	jw_bool(&w, "interrupted", r->interrupted);
	jw_u64(&w, "wall_ns", r->wall_ns);
	if (acct && r->pairs)
		jw_double(&w, "ns_per_pair", r->ns_per_pair);
	else
		jw_null(&w, "ns_per_pair");
	if (acct) {
		report_json_lat(&w, "map_ns", &r->map_ns);
		report_json_lat(&w, "unmap_ns", &r->unmap_ns);
	} else {
		jw_null(&w, "map_ns");
		jw_null(&w, "unmap_ns");
	}
	ok = r->have_pt && r->before.have_pages && r->after.have_pages;
	json_u64_or_null(&w, "pt_pages_before", ok, r->before.pages);
	json_u64_or_null(&w, "pt_pages_after", ok, r->after.pages);
	ok = r->have_pt && ptmem_pt_kib_delta(&r->before, &r->after, &kib);
	json_i64_or_null(&w, "pt_kib_delta", ok, kib);
	ok = r->have_pt && r->have_peak && ptmem_pt_kib_delta(&r->before, &r->peak, &kib);
	json_i64_or_null(&w, "pt_kib_peak_delta", ok, kib);
	ok = r->have_pt && r->have_shrunk && ptmem_pt_kib_delta(&r->before, &r->shrunk, &kib);
	json_i64_or_null(&w, "pt_kib_shrunk_delta", ok, kib);
	ok = r->have_pt && ptmem_secpt_kib_delta(&r->before, &r->after, &kib);
	json_i64_or_null(&w, "secpt_kib_delta", ok, kib);
	ok = r->have_pt && ptmem_free_kib_delta(&r->before, &r->after, &kib);
	json_i64_or_null(&w, "free_kib_delta", ok, kib);
	jw_bool(&w, "stat_refreshed", r->have_pt && r->before.refreshed && r->after.refreshed);
	json_u64_or_null(&w, "aperture_last", r->aperture_known, r->aperture_last);
	json_sections(&w, r);
	jw_obj_end(&w);
	fflush(f);
}

void report_print(FILE *f, const struct run_result *r, bool json)
{
	if (json)
		report_json(f, r);
	else
		report_human(f, r);
	fflush(f);
}
