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
#include "json.h"
#include "dmabuf.h"
#include "progress.h"
#include "session.h"
#include "units.h"

struct sweep {
	struct session *s;
	void *buf;
	struct err_budget budget;
	struct map_acct acct;
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

struct pt_extra {
	const char *procfs;
	const struct ptmem *before;
};

/* ", page tables +2G" on a progress line. */
static void pt_so_far(void *ctx, char *buf, size_t len)
{
	const struct pt_extra *x = ctx;
	char a[32];
	struct ptmem m;
	int64_t kib;

	ptmem_read(x->procfs, &m);
	if (ptmem_pt_kib_delta(x->before, &m, &kib))
		snprintf(buf, len, "page tables %s", fmt_ssize(a, sizeof(a), kib * 1024));
}

/*
 * --shrink: what is left once the kernel's shrinkers ran.  Memory an
 * IOMMU driver keeps for its next map (a pool of spare tables) is then
 * given back, and only what the mappings really hold is left.
 */
static void sweep_shrink(const char *procfs, struct run_result *r)
{
	int err = ptmem_shrink(procfs);

	if (err) {
		ist_warn("warning: --shrink: cannot write %s/sys/vm/drop_caches: %s: no figure after the shrinkers",
			 procfs, strerror(err));
		return;
	}
	ptmem_read(procfs, &r->shrunk);
	r->have_shrunk = true;
}

static int run_one(struct sweep *sw, uint64_t size, struct run_result *r)
{
	const struct opts *o = sw->s->o;
	struct map_acct *a = &sw->acct;
	uint64_t nslots, k, t0;
	struct progress pr;
	struct pt_extra x;

	session_result_init(sw->s, r);
	r->size = size;
	nslots = (size - o->dma_size) / o->stride + 1;
	budget_init(&sw->budget, o->max_errors);
	acct_init(a, sw->s, &sw->budget, false);
	if (o->keep) {
		sw->mapped = calloc((size_t)(nslots / 8 + 1), 1);
		if (!sw->mapped)
			return ist_err(EX_FAIL, "out of memory for %" PRIu64 " slots", nslots);
	}

	ptmem_read(sw->s->env->procfs, &r->before);
	/* --keep: mapping everything, then unmapping it */
	progress_start(&pr, o->quiet, "sweep", PROGRESS_BYTES, o->keep ? 2 * size : size);
	x = (struct pt_extra){ sw->s->env->procfs, &r->before };
	pr.extra = pt_so_far;
	pr.extra_ctx = &x;
	t0 = now_ns();
	for (k = 0; k < nslots; k++) {
		uint64_t iova = k * o->stride;

		if (ist_stop) {
			r->interrupted = true;
			break;
		}
		if (acct_map(a, iova, o->dma_size, sw->buf)) {
			if (o->keep)
				slot_set(sw->mapped, k);
			else
				acct_unmap(a, iova, o->dma_size);
		}
		if (acct_exceeded(a))
			break;
		progress_update(&pr, iova + o->stride);
	}
	if (o->keep) {
		ptmem_read(sw->s->env->procfs, &r->peak);
		r->have_peak = true;
		for (uint64_t j = 0; j < nslots; j++) {
			if (slot_test(sw->mapped, j))
				acct_unmap(a, j * o->stride, o->dma_size);
			progress_update(&pr, size + (j + 1) * o->stride);
		}
		free(sw->mapped);
		sw->mapped = NULL;
	}
	r->wall_ns = now_ns() - t0;
	progress_end(&pr);
	ptmem_read(sw->s->env->procfs, &r->after);
	r->have_pt = true;
	if (o->shrink)
		sweep_shrink(sw->s->env->procfs, r);
	acct_result(a, r);
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
	const struct verify_result *v = r->mode_res;

	if (v && v->ran && (v->failed || v->unexpected))
		return ist_err(EX_VERIFY, "DMA verification failed: %" PRIu64 " failed, %"
			       PRIu64 " unexpected", v->failed, v->unexpected);
	return session_status(r);
}

int sweep_run(const struct opts *o, const struct app_env *env, const struct pci_dev *dev)
{
	struct session s;
	struct sweep *sw;
	struct run_result *r;
	struct verify_result v;
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
	sw->buf = o->hugetlb ? dmabuf_alloc_hugetlb(o->dma_size) : dmabuf_alloc(o->dma_size);
	if (!sw->buf) {
		char a[32], b[32];

		if (o->hugetlb)
			ret = ist_err(EX_FAIL, "cannot allocate %s of 1G hugetlb pages for a %s mapping: %s (reserve them: hugepagesz=1G hugepages=N on the kernel command line)",
				      fmt_size(b, sizeof(b), dmabuf_hugetlb_len(o->dma_size)),
				      fmt_size(a, sizeof(a), o->dma_size), strerror(errno));
		else
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
		memset(&v, 0, sizeof(v));
		r->mode_res = &v;
		if (o->verify && !r->interrupted && !r->aborted) {
			ret = verify_run(&s, sizes[i], sw->buf, &v);
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
	if (o->hugetlb)
		dmabuf_free_hugetlb(sw->buf, o->dma_size);
	else
		dmabuf_free(sw->buf, o->dma_size);
out_close:
	session_close(&s, NULL);
out_free:
	free(sw);
	free(r);
	return ret ? ret : status;
}

/* ---- report ---- */

void sweep_summary_line(FILE *f, const struct run_result *r)
{
	char a[32], b[32], d[32];

	fprintf(f, "dma_size: %s%s iova space: %s iommu: %s time: %.3fs\n",
		fmt_size(a, sizeof(a), r->dma_size), r->hugetlb ? " (hugetlb)" : "",
		fmt_size(b, sizeof(b), r->size),
		report_pt_delta(d, sizeof(d), r), report_wall_s(r));
}

void sweep_report_human(FILE *f, const struct run_result *r)
{
	const struct verify_result *v = r->mode_res;
	char a[32], b[32], c[32];

	report_mode_line(f, r, r->keep ? "sweep (map all, then unmap all)" :
			 "sweep (map+unmap pairs)");
	fprintf(f, "%-16s 0x0-0x%" PRIx64 " (%s), stride %s, dma size %s", "iova range:",
		r->size - 1, fmt_size(a, sizeof(a), r->size),
		fmt_size(b, sizeof(b), r->stride), fmt_size(c, sizeof(c), r->dma_size));
	report_range_end(f, r);
	fprintf(f, "%-16s %" PRIu64 "\n", "pairs:", r->pairs);
	report_map_acct(f, r);
	report_pt(f, r);
	if (v && v->ran)
		fprintf(f, "%-16s %" PRIu64 " samples: %" PRIu64 " verified, %" PRIu64
			" failed, %" PRIu64 " faulted as expected, %" PRIu64 " unexpected\n",
			"verify:", v->samples, v->verified, v->failed, v->faulted_expected,
			v->unexpected);
}

void sweep_report_json(struct jw *w, const struct run_result *r)
{
	const struct verify_result *v = r->mode_res;

	if (!v || !v->ran) {
		jw_null(w, "verify");
		return;
	}
	jw_obj_begin(w, "verify");
	jw_u64(w, "samples", v->samples);
	jw_u64(w, "verified", v->verified);
	jw_u64(w, "failed", v->failed);
	jw_u64(w, "faulted_expected", v->faulted_expected);
	jw_u64(w, "unexpected", v->unexpected);
	jw_obj_end(w);
}

int sweep_validate(struct opts *o)
{
	return cli_check_iova_options(o);
}

static void sweep_defaults(struct opts *o)
{
	o->size = SZ_1T;
}

static const struct mode_opt sweep_opts[] = {
	{ O_SIZE, "IOVA space from 0 to sweep (K M G T P units)", NULL, NULL },
	{ O_SIZE2, "then a second run of SIZE in the same process and container", NULL, NULL },
	{ O_DMA_SIZE, "bytes per mapping: a power of two, 4K..1G (16G with --hugetlb)", NULL, NULL },
	{ O_STRIDE, "IOVA distance between mappings, multiple of --dma-size",
	  "2M, or --dma-size if larger", NULL },
	{ O_KEEP, "map everything, measure, then unmap everything (at most 1Mi mappings)",
	  NULL, NULL },
	{ O_SHRINK, "then run the kernel's shrinkers (vm.drop_caches=2) and measure again",
	  NULL, NULL },
	{ O_HUGETLB, "back each mapping with 1G hugetlb pages from 4K into the first: 1G-contiguous runs that no IOMMU superpage fits, each mapped in one call of 4K entries (--dma-size up to 16G; reserve the pages: hugepagesz=1G hugepages=N)",
	  NULL, NULL },
	{ O_VERIFY, "after the sweep, DMA-verify N sample IOVAs with edu, 0..100000",
	  "0: none", NULL },
	{ O_BACKEND, "VFIO type1 container or iommufd IOAS", NULL, NULL },
	{ O_DEVICE, "PCI device bound to vfio-pci", "the first edu, else the first", NULL },
	{ O_MAX_ERRORS, "abort after N failed maps/unmaps", NULL, NULL },
	{ O_SEED, "seed of the random choices", NULL, NULL },
	{ 0 },
};

/* Shared with verify.c's table. */
const struct mode_exit sweep_exits[] = {
	{ EX_OK, "success" },
	{ EX_FAIL, "other runtime failure (map errors beyond --max-errors, interrupted...)" },
	{ EX_USAGE, "usage: unknown mode, option or help topic, bad value" },
	{ EX_APERTURE, "--size beyond the IOMMU aperture (the message gives the maximum)" },
	{ EX_NODEV, "no device bound to vfio-pci, a missing VFIO node, not an edu device (--verify)" },
	{ EX_NOTROOT, "not root" },
	{ EX_BUSY, "device busy (EBUSY on open or bind)" },
	{ EX_NOIOMMUFD, "iommufd missing (/dev/iommu absent; --backend iommufd)" },
	{ EX_VERIFY, "DMA verification failed" },
	{ 0 },
};

const struct mode_ops mode_sweep = {
	.name = "sweep",
	.summary = "map+unmap pairs over an IOVA range, measure page tables",
	.help =
	"Map then unmap one --dma-size mapping every --stride of IOVA from 0 up to\n"
	"--size (pairs: map at iova, unmap it, next), and report the IOMMU page-table\n"
	"memory left behind (nr_iommu_pages / SecPageTables, read after\n"
	"vm.stat_refresh while the container is still open), wall time and map/unmap\n"
	"latency.  IOVAs in reserved ranges (the MSI window 0xfee00000) are skipped\n"
	"and counted.  The first line is the summary of the original tool:\n"
	"  dma_size: 4K iova space: 64G iommu: 128M time: 1.234s\n",
	.help_tail = SWEEP_HELP_TAIL,
	.opts = sweep_opts,
	.exits = sweep_exits,
	.uses_backend = true,
	.section = "verify",
	.defaults = sweep_defaults,
	.validate = sweep_validate,
	.run = sweep_run,
	.summary_line = sweep_summary_line,
	.report_human = sweep_report_human,
	.report_json = sweep_report_json,
};
