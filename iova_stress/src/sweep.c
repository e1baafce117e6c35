// SPDX-License-Identifier: GPL-2.0
/*
 * sweep / verify modes: one --dma-size mapping every --stride of IOVA from
 * 0 to --size, as map+unmap pairs (or --keep: map all, then unmap all),
 * measuring page-table memory before and after while still open.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "dmabuf.h"
#include "progress.h"
#include "session.h"
#include "units.h"

struct sweep {
	struct session *s;
	void *buf;
	struct lat_hist map_h, unmap_h;
	uint8_t *mapped;	/* --keep: bitmap of slots really mapped */
};

static inline bool slot_test(const uint8_t *bm, uint64_t k)
{
	return bm[k >> 3] & (1u << (k & 7));
}

static inline void slot_set(uint8_t *bm, uint64_t k)
{
	bm[k >> 3] |= (uint8_t)(1u << (k & 7));
}

/* Map slot k; true if it is now mapped. */
static bool map_slot(struct sweep *sw, struct run_result *r, uint64_t iova)
{
	struct backend *b = &sw->s->b;
	uint64_t t0, t1;
	int ret;

	if (!aperture_allows(&sw->s->ap, iova, r->dma_size)) {
		note_skip(r, iova);
		return false;
	}
	t0 = now_ns();
	ret = b->ops->map(b, iova, r->dma_size, sw->buf);
	t1 = now_ns();
	if (ret) {
		if (ret == -EINVAL && iova_in_msi_window(iova, r->dma_size)) {
			note_skip(r, iova);
			return false;
		}
		if (!r->map_errors && !sw->map_h.count && r->dma_size > SZ_4K) {
			char a[32];

			ist_warn("the kernel cannot map a %s mapping of anonymous memory here (%s); try --dma-size 4K",
				 fmt_size(a, sizeof(a), r->dma_size), strerror(-ret));
		}
		note_error(r, true, ret, iova);
		return false;
	}
	lat_add(&sw->map_h, t1 - t0);
	return true;
}

static void unmap_slot(struct sweep *sw, struct run_result *r, uint64_t iova)
{
	struct backend *b = &sw->s->b;
	uint64_t t0, t1;
	int ret;

	t0 = now_ns();
	ret = b->ops->unmap(b, iova, r->dma_size);
	t1 = now_ns();
	if (ret)
		note_error(r, false, ret, iova);
	else
		lat_add(&sw->unmap_h, t1 - t0);
}

static bool too_many_errors(const struct sweep *sw, struct run_result *r)
{
	if (r->map_errors + r->unmap_errors <= sw->s->o->max_errors)
		return false;
	r->aborted = true;
	return true;
}

static int run_one(struct sweep *sw, uint64_t size, struct run_result *r)
{
	const struct opts *o = sw->s->o;
	uint64_t nslots, k, t0, pairs = 0;
	struct progress pr;

	result_init(r, o);
	session_describe(sw->s, r);
	r->size = size;
	nslots = (size - o->dma_size) / o->stride + 1;
	lat_init(&sw->map_h);
	lat_init(&sw->unmap_h);
	if (o->keep) {
		sw->mapped = calloc((size_t)(nslots / 8 + 1), 1);
		if (!sw->mapped)
			return ist_err(EX_FAIL, "out of memory for %" PRIu64 " slots", nslots);
	}

	ptmem_read(sw->s->env->procfs, &r->before);
	progress_start(&pr, o->quiet, size, sw->s->env->procfs, &r->before);
	t0 = now_ns();
	for (k = 0; k < nslots; k++) {
		uint64_t iova = k * o->stride;

		if (ist_stop) {
			r->interrupted = true;
			break;
		}
		if (map_slot(sw, r, iova)) {
			if (o->keep) {
				slot_set(sw->mapped, k);
			} else {
				unmap_slot(sw, r, iova);
				pairs++;
			}
		}
		if (too_many_errors(sw, r))
			break;
		progress_update(&pr, iova + o->stride);
	}
	if (o->keep) {
		ptmem_read(sw->s->env->procfs, &r->peak);
		r->have_peak = true;
		for (uint64_t j = 0; j < nslots; j++) {
			if (!slot_test(sw->mapped, j))
				continue;
			unmap_slot(sw, r, j * o->stride);
			pairs++;
		}
		free(sw->mapped);
		sw->mapped = NULL;
	}
	r->wall_s = (double)(now_ns() - t0) / 1e9;
	progress_end(&pr);
	ptmem_read(sw->s->env->procfs, &r->after);
	r->have_pt = true;

	r->pairs = pairs;
	r->ns_per_pair = pairs ? r->wall_s * 1e9 / (double)pairs : 0;
	lat_summarize(&sw->map_h, &r->map_ns);
	lat_summarize(&sw->unmap_h, &r->unmap_ns);
	return 0;
}

/* Page tables a kernel that never frees them needs for [0, size). */
static uint64_t table_bytes_estimate(const struct opts *o, uint64_t size)
{
	uint64_t leaf = o->stride >= SZ_2M ? (size - o->dma_size) / o->stride + 1 :
			(size + SZ_2M - 1) / SZ_2M;

	if (o->dma_size >= SZ_2M)
		leaf = 0;		/* may be superpages */
	return (leaf + (size + SZ_1G - 1) / SZ_1G + (size >> 39) + 1) * SZ_4K;
}

/* Warn (only) when a vanilla kernel would run out of memory. */
static void check_memory(const struct opts *o, const char *procfs, uint64_t size)
{
	char path[512], a[32], b[32];
	static char buf[16384];
	uint64_t avail_kib, need = table_bytes_estimate(o, size);
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/meminfo", procfs);
	f = fopen(path, "r");
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	if (ptmem_parse_meminfo(buf, "MemAvailable", &avail_kib))
		return;
	if (need / 1024 > avail_kib)
		ist_warn("warning: a kernel that keeps empty page tables needs ~%s of them for this sweep; MemAvailable is %s",
			 fmt_size(a, sizeof(a), need), fmt_size(b, sizeof(b), avail_kib * 1024));
}

/* Exit code of a finished run (the report is already printed). */
static int run_status(const struct run_result *r)
{
	if (r->verify.ran && (r->verify.failed || r->verify.unexpected))
		return ist_err(EX_VERIFY, "DMA verification failed: %" PRIu64 " failed, %"
			       PRIu64 " unexpected", r->verify.failed, r->verify.unexpected);
	if (r->aborted)
		return ist_err(EX_FAIL, "aborted after %" PRIu64 " map/unmap errors (last: %s at 0x%"
			       PRIx64 ")", r->map_errors + r->unmap_errors,
			       strerror(r->last_errno), r->last_err_iova);
	if (r->interrupted)
		return ist_err(EX_FAIL, "interrupted");
	if (r->map_errors || r->unmap_errors)
		return ist_err(EX_FAIL, "%" PRIu64 " map and %" PRIu64 " unmap errors",
			       r->map_errors, r->unmap_errors);
	return 0;
}

int mode_sweep(const struct opts *o, const struct app_env *env, const struct pci_dev *dev)
{
	struct session s;
	struct sweep *sw;
	struct run_result *r;
	uint64_t sizes[2] = { o->size, o->size2 };
	int ret, status = 0;

	sw = calloc(1, sizeof(*sw));
	r = calloc(1, sizeof(*r));
	if (!sw || !r) {
		free(sw);
		free(r);
		return ist_err(EX_FAIL, "out of memory");
	}
	ist_install_signals();
	ret = session_open(&s, o, env, dev);
	if (ret)
		goto out_free;
	ret = aperture_check_size(&s.ap, "size", o->size);
	if (!ret && o->size2)
		ret = aperture_check_size(&s.ap, "size2", o->size2);
	if (ret)
		goto out_close;

	sw->s = &s;
	sw->buf = dmabuf_alloc(o->dma_size);
	if (!sw->buf) {
		char a[32];

		ret = ist_err(EX_FAIL, "cannot allocate a %s buffer: %s",
			      fmt_size(a, sizeof(a), o->dma_size), strerror(errno));
		goto out_close;
	}

	for (int i = 0; i < 2 && sizes[i]; i++) {
		if (!o->quiet)
			check_memory(o, env->procfs, sizes[i]);
		ret = run_one(sw, sizes[i], r);
		if (ret)
			break;
		if (o->verify && !r->interrupted && !r->aborted) {
			ret = verify_run(&s, sizes[i], sw->buf, r);
			if (ret) {
				report_print(stdout, r, o->json);
				break;
			}
		}
		report_print(stdout, r, o->json);
		if (!o->json && i == 0 && o->size2)
			fputc('\n', stdout);
		ret = run_status(r);
		if (!status)
			status = ret;
		ret = 0;
		if (r->aborted || r->interrupted || ist_stop)
			break;
	}
	dmabuf_free(sw->buf, o->dma_size);
out_close:
	session_close(&s, NULL);
out_free:
	free(sw);
	free(r);
	return ret ? ret : status;
}
