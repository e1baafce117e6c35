// SPDX-License-Identifier: GPL-2.0
/* Human report and JSON object, both from struct run_result. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "common.h"
#include "json.h"
#include "result.h"
#include "units.h"

void result_init(struct run_result *r, const struct opts *o)
{
	memset(r, 0, sizeof(*r));
	r->mode = o->mode;
	r->backend = mode_uses_backend(o->mode) ? backend_name(o->backend) : NULL;
	r->group = -1;
	r->size = o->size;
	r->dma_size = o->dma_size;
	r->stride = o->stride;
	r->keep = o->keep;
	r->aperture_last = UINT64_MAX;
}

static bool iommu_delta_kib(const struct run_result *r, int64_t *kib)
{
	if (!r->have_pt)
		return false;
	return ptmem_pt_kib_delta(&r->before, &r->after, kib) ||
	       ptmem_secpt_kib_delta(&r->before, &r->after, kib);
}

/* "128M", "-8K", "0" or "?" */
static const char *fmt_delta(char *buf, size_t len, bool ok, int64_t kib)
{
	if (!ok)
		snprintf(buf, len, "?");
	else if (kib < 0)
		fmt_ssize(buf, len, kib * 1024);
	else
		fmt_size(buf, len, (uint64_t)kib * 1024);
	return buf;
}

void report_summary_line(FILE *f, const struct run_result *r)
{
	char a[32], b[32], c[32], d[32];
	int64_t kib = 0;
	bool ok = iommu_delta_kib(r, &kib);

	switch (r->mode) {
	case MODE_DMAMAP:
		/* ns with a decimal: a pair is a few hundred to a few thousand */
		fprintf(f, "dmamap: device %s domain %s pairs %" PRIu64
			" map: %.1fns unmap: %.1fns pair: %.1fns\n",
			r->dmamap.device[0] ? r->dmamap.device : "-",
			r->dmamap.domain[0] ? r->dmamap.domain : "-", r->dmamap.iterations,
			r->dmamap.map_ns_per_op, r->dmamap.unmap_ns_per_op, r->dmamap.pair_ns);
		break;
	case MODE_URING:
		fprintf(f, "uring: qd %" PRIu64 " iops: %.0f p50: %s p99: %s time: %.3fs\n",
			r->uring.qd, r->uring.iops,
			fmt_ns(a, sizeof(a), (double)r->uring.lat_ns.p50),
			fmt_ns(b, sizeof(b), (double)r->uring.lat_ns.p99),
			r->wall_s);
		break;
	case MODE_THREADS:
		fprintf(f, "threads: %" PRIu64 " pattern: %s ops: %" PRIu64
			" ops/s: %.0f iommu: %s time: %.3fs\n",
			r->threads.threads, pattern_name(r->threads.pattern),
			r->threads.ops, r->threads.ops_per_s,
			fmt_delta(c, sizeof(c), ok, kib), r->wall_s);
		break;
	default:
		fprintf(f, "dma_size: %s iova space: %s iommu: %s time: %.3fs\n",
			fmt_size(a, sizeof(a), r->dma_size),
			fmt_size(b, sizeof(b), r->size),
			fmt_delta(d, sizeof(d), ok, kib), r->wall_s);
	}
}

static void human_lat(FILE *f, const char *what, const struct lat_summary *s)
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

static void human_pt(FILE *f, const struct run_result *r)
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
	if (ptmem_secpt_kib_delta(&r->before, &r->after, &kib))
		fprintf(f, "%-16s %" PRIu64 " -> %" PRIu64 " kB: %+" PRId64 " KiB\n",
			"SecPageTables:", r->before.secpt_kib, r->after.secpt_kib, kib);
	if (ptmem_free_kib_delta(&r->before, &r->after, &kib))
		fprintf(f, "%-16s %+" PRId64 " KiB (secondary figure, noisy)\n", "free RAM:", kib);
	if (!r->before.refreshed || !r->after.refreshed)
		fprintf(f, "%-16s vm.stat_refresh could not be written: counters may lag by tens of pages\n",
			"warning:");
}

static const char *domain_text(const char *domain)
{
	if (!strcmp(domain, "dma"))
		return " (strict invalidation)";
	if (!strcmp(domain, "dma-fq"))
		return " (lazy invalidation, flush queue)";
	return "";
}

static void human_dmamap(FILE *f, const struct run_result *r)
{
	fprintf(f, "%-16s %s", "device:", r->dmamap.device);
	if (strcmp(r->dmamap.dev, r->dmamap.device))
		fprintf(f, " (%s)", r->dmamap.dev);
	fprintf(f, ", domain %s%s\n", r->dmamap.domain, domain_text(r->dmamap.domain));
	fprintf(f, "%-16s %" PRIu64 " dma_map_page+dma_unmap_page of 4K, after %" PRIu64
		" untimed\n", "pairs:", r->dmamap.iterations, r->dmamap.warmup);
	fprintf(f, "%-16s %10.1f ns per call (%" PRIu64 " ns in all)\n", "map:",
		r->dmamap.map_ns_per_op, r->dmamap.map_ns);
	fprintf(f, "%-16s %10.1f ns per call (%" PRIu64 " ns in all)\n", "unmap:",
		r->dmamap.unmap_ns_per_op, r->dmamap.unmap_ns);
	fprintf(f, "%-16s %10.1f ns map+unmap\n", "pair:", r->dmamap.pair_ns);
	fprintf(f, "%-16s %10.1f ns per pair, whole loop (%" PRIu64 " ns)\n", "loop:",
		r->dmamap.loop_ns_per_pair, r->dmamap.total_ns);
	fprintf(f, "%-16s %.3f s (the timed write)\n", "wall time:", r->wall_s);
}

void report_human(FILE *f, const struct run_result *r)
{
	char a[32], b[32], c[32];

	report_summary_line(f, r);
	/* every mode's report says so, not only the error line after it */
	if (r->interrupted)
		fprintf(f, "%-16s by a signal after %.3f s: the figures cover only the part that ran\n",
			"INTERRUPTED:", r->wall_s);
	if (r->mode == MODE_DMAMAP) {
		human_dmamap(f, r);
		human_pt(f, r);
		return;
	}
	if (r->mode == MODE_URING) {
		fprintf(f, "%-16s %s (%s), qd %" PRIu64 ", bs %s, random O_DIRECT reads\n",
			"device:", r->uring.dev, fmt_size(a, sizeof(a), r->uring.dev_size),
			r->uring.qd, fmt_size(b, sizeof(b), r->uring.bs));
		fprintf(f, "%-16s %" PRIu64 " reads in %.3f s: %.0f IOPS, %" PRIu64 " errors\n",
			"reads:", r->uring.ios, r->uring.duration_s, r->uring.iops,
			r->uring.errors);
		human_lat(f, "latency:", &r->uring.lat_ns);
		if (r->uring.have_cpu)
			fprintf(f, "%-16s %.2f s busy (all CPUs): %.2f us per read\n", "cpu:",
				r->uring.cpu_busy_s, r->uring.busy_us_per_io);
		human_pt(f, r);
		return;
	}

	fprintf(f, "%-16s %s, backend %s, device %s (group %d)\n", "mode:",
		r->mode == MODE_THREADS ? "threads" :
		r->keep ? "sweep (map all, then unmap all)" : "sweep (map+unmap pairs)",
		r->backend ? r->backend : "-", r->device[0] ? r->device : "-", r->group);
	if (r->mode == MODE_THREADS && r->threads.pattern == PAT_CHURN)
		fprintf(f, "%-16s 0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " leaf tables of 2M), 4K slots",
			"churn window:", r->threads.window_start,
			r->threads.window_start + r->threads.window_len - 1,
			(uint64_t)(r->threads.window_len / SZ_2M));
	else if (r->mode == MODE_THREADS && r->threads.pattern == PAT_RANDOM)
		fprintf(f, "%-16s 0x0-0x%" PRIx64 " (%s), random 4K mappings", "iova range:",
			r->size - 1, fmt_size(a, sizeof(a), r->size));
	else
		fprintf(f, "%-16s 0x0-0x%" PRIx64 " (%s), stride %s, dma size %s", "iova range:",
			r->size - 1, fmt_size(a, sizeof(a), r->size),
			fmt_size(b, sizeof(b), r->stride), fmt_size(c, sizeof(c), r->dma_size));
	if (r->aperture_known)
		fprintf(f, ", aperture up to 0x%" PRIx64, r->aperture_last);
	fputc('\n', f);
	if (r->mode == MODE_THREADS) {
		fprintf(f, "%-16s %" PRIu64 " x %s: %" PRIu64 " map+unmap pairs, %.0f ops/s\n",
			"threads:", r->threads.threads, pattern_name(r->threads.pattern),
			r->threads.ops, r->threads.ops_per_s);
		fprintf(f, "%-16s ENOMEM %" PRIu64 ", other errors %" PRIu64
			", left mapped at the end %" PRIu64 " bytes%s\n", "failures:",
			r->threads.enomem, r->threads.errors, r->threads.leftover_bytes,
			r->threads.make_it_fail ? " (make-it-fail on)" : "");
		if (r->threads.anchor)
			fprintf(f, "%-16s iova 0x%" PRIx64 ": %" PRIu64 " DMAs, %" PRIu64 " failures\n",
				"anchor:", r->threads.anchor_iova, r->threads.anchor_dmas,
				r->threads.anchor_failures);
	} else {
		fprintf(f, "%-16s %" PRIu64 "\n", "pairs:", r->pairs);
	}
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
	fprintf(f, "%-16s %.3f s", "wall time:", r->wall_s);
	if (r->pairs)
		fprintf(f, ", %s per map+unmap pair", fmt_ns(a, sizeof(a), r->ns_per_pair));
	fputc('\n', f);
	human_lat(f, "map latency:", &r->map_ns);
	human_lat(f, "unmap latency:", &r->unmap_ns);
	human_pt(f, r);
	if (r->verify.ran)
		fprintf(f, "%-16s %" PRIu64 " samples: %" PRIu64 " verified, %" PRIu64
			" failed, %" PRIu64 " faulted as expected, %" PRIu64 " unexpected\n",
			"verify:", r->verify.samples, r->verify.verified, r->verify.failed,
			r->verify.faulted_expected, r->verify.unexpected);
}

static void json_lat(struct jw *w, const char *key, const struct lat_summary *s, bool us)
{
	double div = us ? 1000.0 : 1.0;

	jw_obj_begin(w, key);
	if (us) {
		jw_double(w, "p50", (double)s->p50 / div);
		jw_double(w, "p99", (double)s->p99 / div);
		jw_double(w, "p999", (double)s->p999 / div);
		jw_double(w, "max", (double)s->max / div);
		jw_double(w, "mean", s->mean / div);
	} else {
		jw_u64(w, "p50", s->p50);
		jw_u64(w, "p99", s->p99);
		jw_u64(w, "p999", s->p999);
		jw_u64(w, "max", s->max);
		jw_double(w, "mean", s->mean);
	}
	jw_u64(w, "count", s->count);
	jw_obj_end(w);
}

static void json_i64_or_null(struct jw *w, const char *key, bool ok, int64_t v)
{
	if (ok)
		jw_i64(w, key, v);
	else
		jw_null(w, key);
}

void report_json(FILE *f, const struct run_result *r)
{
	bool iommu = mode_uses_backend(r->mode);
	struct jw w;
	int64_t kib = 0;
	bool ok;

	jw_init(&w, f);
	jw_obj_begin(&w, NULL);
	jw_str(&w, "mode", mode_name(r->mode));
	jw_str(&w, "backend", r->backend);
	if (iommu) {
		jw_str(&w, "device", r->device);
		jw_u64(&w, "size_bytes", r->size);
		jw_u64(&w, "dma_size_bytes", r->dma_size);
		jw_u64(&w, "stride_bytes", r->stride);
		jw_bool(&w, "keep", r->keep);
		jw_u64(&w, "pairs", r->pairs);
		jw_u64(&w, "skipped", r->skipped);
		jw_u64(&w, "map_errors", r->map_errors);
		jw_u64(&w, "unmap_errors", r->unmap_errors);
	} else if (r->mode == MODE_DMAMAP) {
		/* one 4K page mapped and unmapped iterations times */
		jw_str(&w, "device", r->dmamap.device);
		jw_null(&w, "size_bytes");
		jw_u64(&w, "dma_size_bytes", SZ_4K);
		jw_null(&w, "stride_bytes");
		jw_bool(&w, "keep", false);
		jw_u64(&w, "pairs", r->dmamap.iterations);
		jw_null(&w, "skipped");
		jw_null(&w, "map_errors");
		jw_null(&w, "unmap_errors");
	} else {
		jw_str(&w, "device", r->uring.dev);
		jw_u64(&w, "size_bytes", r->uring.dev_size);
		jw_null(&w, "dma_size_bytes");
		jw_null(&w, "stride_bytes");
		jw_bool(&w, "keep", false);
		jw_null(&w, "pairs");
		jw_null(&w, "skipped");
		jw_null(&w, "map_errors");
		jw_null(&w, "unmap_errors");
	}
	jw_bool(&w, "aborted", r->aborted);
	jw_bool(&w, "interrupted", r->interrupted);
	jw_double(&w, "wall_s", r->wall_s);
	if (iommu && r->pairs)
		jw_double(&w, "ns_per_pair", r->ns_per_pair);
	else
		jw_null(&w, "ns_per_pair");
	if (iommu) {
		json_lat(&w, "map_ns", &r->map_ns, false);
		json_lat(&w, "unmap_ns", &r->unmap_ns, false);
	} else {
		jw_null(&w, "map_ns");
		jw_null(&w, "unmap_ns");
	}
	if (r->have_pt && r->before.have_pages && r->after.have_pages) {
		jw_u64(&w, "pt_pages_before", r->before.pages);
		jw_u64(&w, "pt_pages_after", r->after.pages);
	} else {
		jw_null(&w, "pt_pages_before");
		jw_null(&w, "pt_pages_after");
	}
	ok = r->have_pt && ptmem_pt_kib_delta(&r->before, &r->after, &kib);
	json_i64_or_null(&w, "pt_kib_delta", ok, kib);
	ok = r->have_pt && r->have_peak && ptmem_pt_kib_delta(&r->before, &r->peak, &kib);
	json_i64_or_null(&w, "pt_kib_peak_delta", ok, kib);
	ok = r->have_pt && ptmem_secpt_kib_delta(&r->before, &r->after, &kib);
	json_i64_or_null(&w, "secpt_kib_delta", ok, kib);
	ok = r->have_pt && ptmem_free_kib_delta(&r->before, &r->after, &kib);
	json_i64_or_null(&w, "free_kib_delta", ok, kib);
	jw_bool(&w, "stat_refreshed", r->have_pt && r->before.refreshed && r->after.refreshed);
	if (iommu && r->aperture_known)
		jw_u64(&w, "aperture_last", r->aperture_last);
	else
		jw_null(&w, "aperture_last");

	if (r->verify.ran) {
		jw_obj_begin(&w, "verify");
		jw_u64(&w, "samples", r->verify.samples);
		jw_u64(&w, "verified", r->verify.verified);
		jw_u64(&w, "failed", r->verify.failed);
		jw_u64(&w, "faulted_expected", r->verify.faulted_expected);
		jw_u64(&w, "unexpected", r->verify.unexpected);
		jw_obj_end(&w);
	} else {
		jw_null(&w, "verify");
	}

	if (r->threads.ran) {
		jw_obj_begin(&w, "threads");
		jw_u64(&w, "threads", r->threads.threads);
		jw_str(&w, "pattern", pattern_name(r->threads.pattern));
		jw_u64(&w, "ops", r->threads.ops);
		jw_double(&w, "ops_per_s", r->threads.ops_per_s);
		jw_u64(&w, "enomem", r->threads.enomem);
		jw_u64(&w, "errors", r->threads.errors);
		jw_bool(&w, "make_it_fail", r->threads.make_it_fail);
		jw_u64(&w, "leftover_bytes", r->threads.leftover_bytes);
		jw_bool(&w, "anchor", r->threads.anchor);
		jw_u64(&w, "anchor_dmas", r->threads.anchor_dmas);
		jw_u64(&w, "anchor_failures", r->threads.anchor_failures);
		jw_obj_end(&w);
	} else {
		jw_null(&w, "threads");
	}

	if (r->uring.ran) {
		jw_obj_begin(&w, "uring");
		jw_u64(&w, "qd", r->uring.qd);
		jw_u64(&w, "bs", r->uring.bs);
		jw_double(&w, "duration_s", r->uring.duration_s);
		jw_u64(&w, "ios", r->uring.ios);
		jw_u64(&w, "errors", r->uring.errors);
		jw_double(&w, "iops", r->uring.iops);
		json_lat(&w, "lat_us", &r->uring.lat_ns, true);
		if (r->uring.have_cpu) {
			jw_double(&w, "cpu_busy_s", r->uring.cpu_busy_s);
			jw_double(&w, "busy_us_per_io", r->uring.busy_us_per_io);
		} else {
			jw_null(&w, "cpu_busy_s");
			jw_null(&w, "busy_us_per_io");
		}
		jw_obj_end(&w);
	} else {
		jw_null(&w, "uring");
	}

	if (r->dmamap.ran) {
		jw_obj_begin(&w, "dmamap");
		jw_str(&w, "device", r->dmamap.device);
		jw_str(&w, "domain", r->dmamap.domain);
		jw_u64(&w, "iterations", r->dmamap.iterations);
		jw_u64(&w, "warmup", r->dmamap.warmup);
		jw_u64(&w, "map_ns", r->dmamap.map_ns);
		jw_u64(&w, "unmap_ns", r->dmamap.unmap_ns);
		jw_u64(&w, "total_ns", r->dmamap.total_ns);
		jw_double(&w, "map_ns_per_op", r->dmamap.map_ns_per_op);
		jw_double(&w, "unmap_ns_per_op", r->dmamap.unmap_ns_per_op);
		jw_double(&w, "pair_ns", r->dmamap.pair_ns);
		jw_double(&w, "loop_ns_per_pair", r->dmamap.loop_ns_per_pair);
		jw_obj_end(&w);
	} else {
		jw_null(&w, "dmamap");
	}
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
