// SPDX-License-Identifier: GPL-2.0
/*
 * threads mode: concurrent map/unmap on one container or IOAS.
 *   partition  the sweep split in N IOVA ranges
 *   churn      distinct 4K slots of the same few 2M leaf tables, so that a
 *              table empties while another thread maps into it; --anchor
 *              keeps one mapping alive there and DMAs through it all along
 *   random     random sparse 4K map/unmap over --size
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "dmabuf.h"
#include "edu.h"
#include "failinject.h"
#include "rng.h"
#include "json.h"
#include "progress.h"
#include "session.h"
#include "threads.h"
#include "units.h"

#define SLOTS_PER_TABLE	512		/* 4K PTEs in one leaf table */
#define CHURN_BURST	8		/* slots mapped at once by a thread */
#define RANDOM_LIVE	64		/* live mappings per random thread */
#define SHOW_ANCHOR_ERRORS 5
#define PREFAULT_STACK	(64 * 1024)	/* stack touched before make-it-fail */

struct run;

struct worker {
	struct run *run;
	unsigned id;
	pthread_t th;
	bool started;
	uint64_t rng;
	uint64_t quota;			/* pairs to do, 0 = unlimited */
	struct map_acct acct;
	atomic_uint_fast64_t done;	/* acct.pairs, for the progress line */
	uint64_t end_ns;		/* when its loop ended */
};

struct run {
	struct session *s;
	const struct opts *o;
	const char *procfs;
	void *buf;
	uint64_t deadline;		/* now_ns() limit, 0 = none */
	atomic_int stop;
	atomic_int running;		/* mapping threads not done yet */
	struct err_budget budget;	/* all threads, for --max-errors */

	/* churn */
	uint64_t win_start, nslots, anchor_slot;

	/* anchor */
	bool anchor;
	struct edu edu;
	uint8_t *anchor_buf;
	uint64_t anchor_iova;
	atomic_int churn_done;
	uint64_t anchor_dmas, anchor_failures;
};

static bool should_stop(struct worker *w)
{
	struct run *run = w->run;

	atomic_store_explicit(&w->done, w->acct.pairs, memory_order_relaxed);
	if (ist_stop || atomic_load_explicit(&run->stop, memory_order_relaxed) ||
	    acct_exceeded(&w->acct))
		return true;
	if (w->quota && w->acct.pairs >= w->quota)
		return true;
	return run->deadline && now_ns() >= run->deadline;
}

static bool do_map(struct worker *w, uint64_t iova, uint64_t len)
{
	return acct_map(&w->acct, iova, len, w->run->buf);
}

static void do_unmap(struct worker *w, uint64_t iova, uint64_t len)
{
	acct_unmap(&w->acct, iova, len);
}

static void partition(struct worker *w)
{
	const struct opts *o = w->run->o;
	uint64_t nslots = (o->size - o->dma_size) / o->stride + 1;
	uint64_t k0 = nslots * w->id / o->threads;
	uint64_t k1 = nslots * (w->id + 1) / o->threads;
	bool loop = o->ops || o->duration > 0;

	if (k0 >= k1)
		return;
	for (uint64_t k = k0; !should_stop(w);) {
		uint64_t iova = k * o->stride;

		if (do_map(w, iova, o->dma_size))
			do_unmap(w, iova, o->dma_size);
		if (++k == k1) {
			if (!loop)
				break;
			k = k0;
		}
	}
}

static void churn(struct worker *w)
{
	struct run *run = w->run;
	uint64_t n = run->o->threads, tables = run->nslots / SLOTS_PER_TABLE;
	uint64_t iovas[CHURN_BURST];

	while (!should_stop(w)) {
		uint64_t base = rng_below(&w->rng, tables) * SLOTS_PER_TABLE;
		/* first slot of this thread in the table, and how many it owns */
		uint64_t first = base + (w->id + n - base % n) % n;
		uint64_t own = first < base + SLOTS_PER_TABLE ?
			       (base + SLOTS_PER_TABLE - first + n - 1) / n : 0;
		uint64_t burst = 1 + rng_below(&w->rng, CHURN_BURST), u, nm = 0;

		if (!own)
			continue;
		if (burst > own)
			burst = own;
		u = rng_below(&w->rng, own);
		for (uint64_t i = 0; i < burst; i++) {
			uint64_t slot = first + ((u + i) % own) * n;

			if (run->anchor && slot == run->anchor_slot)
				continue;
			if (do_map(w, run->win_start + slot * SZ_4K, SZ_4K))
				iovas[nm++] = run->win_start + slot * SZ_4K;
		}
		/* unmap in a random order: the table empties at a random point */
		while (nm) {
			uint64_t i = rng_below(&w->rng, nm);

			do_unmap(w, iovas[i], SZ_4K);
			iovas[i] = iovas[--nm];
		}
	}
}

static void random_sparse(struct worker *w)
{
	struct run *run = w->run;
	uint64_t n = run->o->threads, npages = run->o->size / SZ_4K;
	uint64_t live[RANDOM_LIVE];
	unsigned nlive = 0;

	while (!should_stop(w)) {
		if (!nlive || (nlive < RANDOM_LIVE && (rng_next(&w->rng) & 1))) {
			uint64_t p = rng_below(&w->rng, npages / n) * n + w->id, iova;
			bool dup = false;

			if (p >= npages)
				continue;
			iova = p * SZ_4K;
			for (unsigned i = 0; i < nlive; i++)
				dup |= live[i] == iova;
			if (!dup && do_map(w, iova, SZ_4K))
				live[nlive++] = iova;
		} else {
			unsigned i = (unsigned)rng_below(&w->rng, nlive);

			do_unmap(w, live[i], SZ_4K);
			live[i] = live[--nlive];
		}
	}
	while (nlive)
		do_unmap(w, live[--nlive], SZ_4K);
}

/*
 * Touch the stack the loop will use, so that its page faults happen before
 * make-it-fail is on (a failed user page fault is only retried, but it
 * would be noise in the kernel log).
 */
static void __attribute__((noinline)) prefault_stack(void)
{
	volatile char pad[PREFAULT_STACK];

	for (size_t i = 0; i < sizeof(pad); i += 4096)
		pad[i] = 0;
}

/* --make-it-fail: fault injection on for this thread; fd or -1 on error. */
static int make_it_fail_on(struct worker *w)
{
	int fd = failinject_open(w->run->procfs), ret;

	if (fd < 0) {
		ret = fd;
	} else {
		prefault_stack();
		ret = failinject_set(fd, true);
		if (!ret)
			return fd;
		close(fd);
	}
	ist_warn("thread %u: cannot turn make-it-fail on: %s", w->id, strerror(-ret));
	acct_other_error(&w->acct);
	atomic_store(&w->run->stop, 1);
	return -1;
}

static void make_it_fail_off(struct worker *w, int fd)
{
	int ret = failinject_set(fd, false);

	if (ret) {
		ist_warn("thread %u: cannot turn make-it-fail off: %s", w->id, strerror(-ret));
		acct_other_error(&w->acct);
	}
	close(fd);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int fi_fd = -1;

	if (w->run->o->make_it_fail) {
		fi_fd = make_it_fail_on(w);
		if (fi_fd < 0) {
			w->end_ns = now_ns();
			atomic_fetch_sub(&w->run->running, 1);
			return NULL;
		}
	}
	switch (w->run->o->pattern) {
	case PAT_CHURN:
		churn(w);
		break;
	case PAT_RANDOM:
		random_sparse(w);
		break;
	default:
		partition(w);
	}
	if (fi_fd >= 0)
		make_it_fail_off(w, fi_fd);
	w->end_ns = now_ns();
	atomic_fetch_sub(&w->run->running, 1);
	return NULL;
}

/* Round trips through the anchor until the churners are done (at least one). */
static void *anchor_main(void *arg)
{
	struct run *run = arg;
	uint64_t seed = run->o->seed ^ 0x616e63686f72ULL;

	do {
		int ret = edu_round_trip(&run->edu, run->anchor_buf, run->anchor_iova,
					 EDU_DMA_MAX, rng_next(&seed));

		run->anchor_dmas += 2;
		if (ret) {
			if (++run->anchor_failures <= SHOW_ANCHOR_ERRORS)
				ist_warn("anchor: round trip at 0x%" PRIx64 " %s", run->anchor_iova,
					 ret > 0 ? "returned wrong data" : "did not complete");
		}
	} while (!atomic_load(&run->churn_done) && !ist_stop);
	return NULL;
}

/*
 * pthread_create(), retried: under fail_page_alloc injection the stack
 * mmap may fail transiently with EAGAIN/ENOMEM.
 */
static int start_thread(pthread_t *th, void *(*fn)(void *), void *arg)
{
	int ret = 0;

	for (int i = 0; i < 100; i++) {
		ret = pthread_create(th, NULL, fn, arg);
		if (ret != EAGAIN && ret != ENOMEM)
			break;
		usleep(1000);
	}
	return ret;
}

static int setup_churn(struct run *run)
{
	struct session *s = run->s;
	const struct opts *o = run->o;
	uint64_t len, half = o->tables / 2;
	int devfd, ret;

	/*
	 * A window of leaf tables straddling the 1G boundary at 8G, so that
	 * level-2 tables empty too; clear of everything reserved below 4G.
	 */
	run->win_start = 8 * SZ_1G - half * SZ_2M;
	run->nslots = o->tables * SLOTS_PER_TABLE;
	len = o->tables * SZ_2M;
	if (!aperture_allows(&s->ap, run->win_start, len))
		return ist_err(EX_APERTURE, "churn window 0x%" PRIx64 "-0x%" PRIx64
			       " is outside the IOMMU aperture (maximum 0x%" PRIx64 ")",
			       run->win_start, run->win_start + len - 1, aperture_last(&s->ap));
	if (!o->anchor)
		return 0;

	run->anchor = true;
	run->anchor_slot = half * SLOTS_PER_TABLE + SLOTS_PER_TABLE / 2;
	run->anchor_iova = run->win_start + run->anchor_slot * SZ_4K;
	ret = s->b.ops->device_fd(&s->b, &devfd);
	if (ret)
		return ret;
	ret = edu_open(&run->edu, devfd);
	if (ret)
		return ret;
	run->anchor_buf = dmabuf_alloc(SZ_4K);
	if (!run->anchor_buf)
		return ist_err(EX_FAIL, "out of memory");
	ret = s->b.ops->map(&s->b, run->anchor_iova, SZ_4K, run->anchor_buf);
	if (ret)
		return ist_err(EX_FAIL, "cannot map the anchor at 0x%" PRIx64 ": %s",
			       run->anchor_iova, strerror(-ret));
	return 0;
}

/*
 * Wait for the mapping threads, with a progress line: of --ops, of
 * --duration, or of partition's one pass over its slots.
 */
static void wait_progress(struct run *run, struct worker *ws, uint64_t t0)
{
	const struct opts *o = run->o;
	struct progress pr;

	if (o->ops)
		progress_start(&pr, o->quiet, "threads", PROGRESS_COUNT, o->ops);
	else if (o->duration > 0)
		progress_start(&pr, o->quiet, "threads", PROGRESS_TIME, run->deadline - t0);
	else
		progress_start(&pr, o->quiet, "threads", PROGRESS_COUNT,
				(o->size - o->dma_size) / o->stride + 1);
	pr.count_name = "ops";
	if (!pr.enabled)
		return;
	while (atomic_load(&run->running) > 0) {
		uint64_t done = 0;

		for (uint64_t i = 0; i < o->threads; i++)
			done += atomic_load_explicit(&ws[i].done, memory_order_relaxed);
		progress_update(&pr, o->duration > 0 && !o->ops ? now_ns() - t0 : done);
		usleep(50000);
	}
	progress_end(&pr);
}

/* Every thread's accounting into r (the totals, one latency histogram). */
static int collect(struct run *run, struct worker *ws, struct run_result *r,
		   struct threads_result *t)
{
	struct map_acct *all = malloc(sizeof(*all));

	if (!all)
		return ist_err(EX_FAIL, "out of memory");
	acct_init(all, run->s, &run->budget, true);
	for (uint64_t i = 0; i < run->o->threads; i++)
		acct_merge(all, &ws[i].acct);
	acct_result(all, r);
	t->ops = all->pairs;
	t->enomem = all->enomem;
	t->ops_per_s = r->wall_ns ? (double)all->pairs * 1e9 / (double)r->wall_ns : 0;
	r->interrupted = ist_stop;
	free(all);
	return 0;
}

static int status(const struct run_result *r)
{
	const struct threads_result *t = r->mode_res;

	if (t->anchor_failures)
		return ist_err(EX_VERIFY, "anchor DMA failed %" PRIu64 " times out of %" PRIu64,
			       t->anchor_failures, t->anchor_dmas);
	return session_status(r);
}

static int threads_run(const struct opts *o, const struct app_env *env,
		       const struct pci_dev *dev)
{
	struct run_result *r = calloc(1, sizeof(*r));
	struct worker *ws = calloc(o->threads, sizeof(*ws));
	struct run *run = calloc(1, sizeof(*run));
	uint64_t buf_size = o->pattern == PAT_PARTITION ? o->dma_size : SZ_4K, t0;
	uint64_t start_failures = 0;
	struct threads_result t = { 0 };
	struct session s;
	pthread_t anchor_th;
	bool anchor_started = false;
	int ret;

	if (!r || !ws || !run) {
		ret = ist_err(EX_FAIL, "out of memory");
		goto out_free;
	}
	ist_install_signals();
	ret = session_open(&s, o, env, dev);
	if (ret)
		goto out_free;
	run->s = &s;
	run->o = o;
	run->procfs = env->procfs;
	budget_init(&run->budget, o->max_errors);
	session_result_init(&s, r);
	r->mode_res = &t;
	t.make_it_fail = o->make_it_fail;
	t.threads = o->threads;
	t.pattern = o->pattern;
	if (o->pattern == PAT_CHURN) {
		r->dma_size = SZ_4K;
		r->stride = SZ_4K;
	} else if (o->pattern == PAT_RANDOM) {
		r->dma_size = SZ_4K;
		r->stride = 0;
	}

	/* "before": nothing of ours mapped yet (not even the anchor). */
	ptmem_read(env->procfs, &r->before);
	if (o->pattern == PAT_CHURN)
		ret = setup_churn(run);
	else
		ret = aperture_check_size(&s.ap, "size", o->size);
	if (!ret && o->make_it_fail) {
		ret = failinject_probe(env->procfs);
		if (ret)
			ret = ist_err(EX_FAIL, "--make-it-fail: cannot write %s/thread-self/make-it-fail: %s (a kernel without CONFIG_FAULT_INJECTION?)",
				      env->procfs, strerror(-ret));
	}
	if (ret)
		goto out_close;
	if (o->pattern == PAT_CHURN) {
		r->size = run->win_start + run->nslots * SZ_4K;
		t.window_start = run->win_start;
		t.window_len = run->nslots * SZ_4K;
		t.anchor = run->anchor;
		t.anchor_iova = run->anchor_iova;
	}
	run->buf = dmabuf_alloc(buf_size);
	if (!run->buf) {
		ret = ist_err(EX_FAIL, "cannot allocate the DMA buffer: %s", strerror(errno));
		goto out_close;
	}

	t0 = now_ns();
	if (o->duration > 0)
		run->deadline = t0 + (uint64_t)(o->duration * 1e9);
	for (uint64_t i = 0; i < o->threads; i++) {
		struct worker *w = &ws[i];

		w->run = run;
		w->id = (unsigned)i;
		w->rng = o->seed * 0x100000001b3ULL + i;
		if (o->ops)
			w->quota = o->ops / o->threads + (i < o->ops % o->threads);
		acct_init(&w->acct, &s, &run->budget, true);
		if (o->ops && !w->quota)
			continue;
		atomic_fetch_add(&run->running, 1);
		ret = start_thread(&w->th, worker_main, w);
		if (ret) {
			atomic_fetch_sub(&run->running, 1);
			ist_warn("cannot start thread %" PRIu64 ": %s", i, strerror(ret));
			atomic_store(&run->stop, 1);
			start_failures++;
			ret = 0;
			break;
		}
		w->started = true;
	}
	if (run->anchor) {
		ret = start_thread(&anchor_th, anchor_main, run);
		if (ret)
			ist_warn("cannot start the anchor thread: %s", strerror(ret));
		else
			anchor_started = true;
		ret = 0;
	}
	wait_progress(run, ws, t0);
	/* wall time of the map/unmap threads, not of the anchor's last DMA */
	r->wall_ns = 0;
	for (uint64_t i = 0; i < o->threads; i++)
		if (ws[i].started) {
			pthread_join(ws[i].th, NULL);
			if (ws[i].end_ns - t0 > r->wall_ns)
				r->wall_ns = ws[i].end_ns - t0;
		}
	if (!r->wall_ns)
		r->wall_ns = now_ns() - t0;
	atomic_store(&run->churn_done, 1);
	if (anchor_started)
		pthread_join(anchor_th, NULL);

	if (run->anchor) {
		t.anchor_dmas = run->anchor_dmas;
		t.anchor_failures = run->anchor_failures + !anchor_started;
		ret = s.b.ops->unmap(&s.b, run->anchor_iova, SZ_4K);
		if (ret)
			ist_warn("unmap of the anchor at 0x%" PRIx64 " failed: %s", run->anchor_iova,
				 strerror(-ret));
		ret = 0;
	}
	ptmem_read(env->procfs, &r->after);
	r->have_pt = true;
	ret = collect(run, ws, r, &t);
	if (ret)
		goto out_close;
	r->other_errors += start_failures;
	session_close(&s, &r->leftover_bytes);
	report_print(stdout, r, o->json);
	ret = status(r);
	goto out_free_bufs;

out_close:
	session_close(&s, NULL);
out_free_bufs:
	if (run) {
		dmabuf_free(run->buf, buf_size);
		dmabuf_free(run->anchor_buf, SZ_4K);
		edu_close(&run->edu);
	}
out_free:
	free(r);
	free(ws);
	free(run);
	return ret;
}

/* ---- report ---- */

static void threads_summary_line(FILE *f, const struct run_result *r)
{
	const struct threads_result *t = r->mode_res;
	char c[32];

	fprintf(f, "threads: %" PRIu64 " pattern: %s ops: %" PRIu64
		" ops/s: %.0f iommu: %s time: %.3fs\n",
		t->threads, pattern_name(t->pattern), t->ops, t->ops_per_s,
		report_pt_delta(c, sizeof(c), r), report_wall_s(r));
}

static void threads_report_human(FILE *f, const struct run_result *r)
{
	const struct threads_result *t = r->mode_res;
	char a[32], b[32], c[32];

	report_mode_line(f, r, "threads");
	if (t->pattern == PAT_CHURN)
		fprintf(f, "%-16s 0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " leaf tables of 2M), 4K slots",
			"churn window:", t->window_start, t->window_start + t->window_len - 1,
			(uint64_t)(t->window_len / SZ_2M));
	else if (t->pattern == PAT_RANDOM)
		fprintf(f, "%-16s 0x0-0x%" PRIx64 " (%s), random 4K mappings", "iova range:",
			r->size - 1, fmt_size(a, sizeof(a), r->size));
	else
		fprintf(f, "%-16s 0x0-0x%" PRIx64 " (%s), stride %s, dma size %s", "iova range:",
			r->size - 1, fmt_size(a, sizeof(a), r->size),
			fmt_size(b, sizeof(b), r->stride), fmt_size(c, sizeof(c), r->dma_size));
	report_range_end(f, r);
	fprintf(f, "%-16s %" PRIu64 " x %s: %" PRIu64 " map+unmap pairs, %.0f ops/s\n",
		"threads:", t->threads, pattern_name(t->pattern), t->ops, t->ops_per_s);
	fprintf(f, "%-16s ENOMEM %" PRIu64 ", other errors %" PRIu64
		", left mapped at the end %" PRIu64 " bytes%s\n", "failures:",
		t->enomem, r->map_errors + r->unmap_errors + r->other_errors, r->leftover_bytes,
		t->make_it_fail ? " (make-it-fail on)" : "");
	if (t->anchor)
		fprintf(f, "%-16s iova 0x%" PRIx64 ": %" PRIu64 " DMAs, %" PRIu64 " failures\n",
			"anchor:", t->anchor_iova, t->anchor_dmas, t->anchor_failures);
	report_map_acct(f, r);
	report_pt(f, r);
}

static void threads_report_json(struct jw *w, const struct run_result *r)
{
	const struct threads_result *t = r->mode_res;

	jw_obj_begin(w, "threads");
	jw_u64(w, "threads", t->threads);
	jw_str(w, "pattern", pattern_name(t->pattern));
	jw_u64(w, "ops", t->ops);
	jw_double(w, "ops_per_s", t->ops_per_s);
	jw_u64(w, "enomem", t->enomem);
	jw_u64(w, "errors", r->map_errors + r->unmap_errors + r->other_errors);
	jw_bool(w, "make_it_fail", t->make_it_fail);
	jw_u64(w, "leftover_bytes", r->leftover_bytes);
	jw_bool(w, "anchor", t->anchor);
	jw_u64(w, "anchor_dmas", t->anchor_dmas);
	jw_u64(w, "anchor_failures", t->anchor_failures);
	jw_obj_end(w);
}

/*
 * The patterns each use some of the options: one given to a pattern that
 * ignores it is refused by name.
 */
static int check_pattern_options(const struct opts *o)
{
	static const struct {
		enum opt_id id;
		const char *name;
		unsigned patterns;	/* bit per enum pattern that uses it */
		const char *why;
	} uses[] = {
		{ O_SIZE, "size", 1u << PAT_PARTITION | 1u << PAT_RANDOM,
		  "churn maps 4K slots of --tables leaf tables around 8G" },
		{ O_DMA_SIZE, "dma-size", 1u << PAT_PARTITION,
		  "churn and random map 4K" },
		{ O_STRIDE, "stride", 1u << PAT_PARTITION,
		  "churn and random map 4K slots, not a stride" },
		{ O_TABLES, "tables", 1u << PAT_CHURN, "it sizes the churn window" },
		{ O_ANCHOR, "anchor", 1u << PAT_CHURN, "the anchor sits in the churned tables" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(uses); i++)
		if ((o->given & GIVEN(uses[i].id)) && !(uses[i].patterns & (1u << o->pattern)))
			return ist_err(EX_USAGE, "option --%s does not apply to --pattern %s (%s)",
				       uses[i].name, pattern_name(o->pattern), uses[i].why);
	return 0;
}

static int threads_validate(struct opts *o)
{
	char a[48];
	int ret = check_pattern_options(o);

	if (!ret)
		ret = cli_check_iova_options(o);
	if (ret)
		return ret;
	if (o->pattern != PAT_PARTITION && !o->ops && o->duration == 0)
		o->duration = 5;
	if (o->pattern == PAT_RANDOM && o->size / SZ_4K < o->threads * 64)
		return ist_err(EX_USAGE, "--size %s is too small for %llu random threads (at least 256K per thread)",
			       cli_shown(a, sizeof(a), o, TY_SIZE, o->size),
			       (unsigned long long)o->threads);
	return 0;
}

static const struct mode_opt threads_opts[] = {
	{ O_SIZE, "partition, random: IOVA space from 0 (K M G T P units)", NULL, NULL },
	{ O_DMA_SIZE, "partition: bytes per mapping, a power of two, 4K..1G", NULL, NULL },
	{ O_STRIDE, "partition: IOVA distance between mappings, multiple of --dma-size",
	  "2M, or --dma-size if larger", NULL },
	{ O_BACKEND, "VFIO type1 container or iommufd IOAS", NULL, NULL },
	{ O_DEVICE, "PCI device bound to vfio-pci", "the first edu", NULL },
	{ O_MAX_ERRORS, "abort after N failed maps/unmaps", NULL, NULL },
	{ O_SEED, "seed of the random choices", NULL, NULL },
	{ O_THREADS, "number of mapping threads, 1..256", NULL, NULL },
	{ O_PATTERN, "partition|churn|random", NULL, NULL },
	{ O_OPS, "stop after N map+unmap pairs in total", NULL, NULL },
	{ O_DURATION, "stop after SECONDS (like 10, 2.5 or 500ms)",
	  "none; churn and random without --ops: 5", NULL },
	{ O_ANCHOR, "churn: keep one 4K anchor mapped in the churned tables and DMA through it with edu all along",
	  NULL, NULL },
	{ O_TABLES, "churn: number of 2M leaf tables churned, 1..512", NULL, NULL },
	{ O_MAKE_IT_FAIL, "set make-it-fail in the mapping threads around their map/unmap loop only (kernel fault injection with task-filter; ENOMEM is counted, not an error)",
	  NULL, NULL },
	{ 0 },
};

static const struct mode_exit threads_exits[] = {
	{ EX_OK, "success" },
	{ EX_FAIL, "other runtime failure (map errors beyond --max-errors, interrupted...)" },
	{ EX_USAGE, "usage: unknown mode, option or help topic, bad value" },
	{ EX_APERTURE, "--size beyond the IOMMU aperture (the message gives the maximum)" },
	{ EX_NODEV, "no device bound to vfio-pci, a missing VFIO node, not an edu device (--anchor)" },
	{ EX_NOTROOT, "not root" },
	{ EX_BUSY, "device busy (EBUSY on open or bind)" },
	{ EX_NOIOMMUFD, "iommufd missing (/dev/iommu absent; --backend iommufd)" },
	{ EX_VERIFY, "an anchor DMA failed (--anchor)" },
	{ 0 },
};

const struct mode_ops mode_threads = {
	.name = "threads",
	.summary = "concurrent map/unmap: partition, churn or random",
	.help =
	"Concurrent map/unmap from --threads threads on one container/IOAS:\n"
	"  partition  the sweep split in N IOVA ranges (one pass unless --ops/--duration)\n"
	"  churn      threads map/unmap distinct 4K slots of the same 2M leaf tables\n"
	"             (a window of --tables tables straddling the 8G boundary), so a\n"
	"             table empties while another thread maps into it\n"
	"  random     random sparse 4K map/unmap over --size\n"
	"Use --backend iommufd for real concurrency: VFIO type1 serialises every\n"
	"MAP/UNMAP_DMA of a container under one mutex.  Failed maps (ENOMEM under\n"
	"fault injection) are counted and the run goes on; everything mapped is\n"
	"unmapped at the end.  With --anchor, every anchor DMA must succeed\n"
	"(anchor_dmas counts transfers, two per round trip), else exit 8.\n",
	.help_tail = "SIZE takes binary units K, M, G, T, P (64G, 16T).\n",
	.opts = threads_opts,
	.exits = threads_exits,
	.uses_backend = true,
	.section = "threads",
	.validate = threads_validate,
	.run = threads_run,
	.summary_line = threads_summary_line,
	.report_human = threads_report_human,
	.report_json = threads_report_json,
};
