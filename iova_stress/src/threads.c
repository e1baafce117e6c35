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
#include "session.h"

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
	uint64_t ops, enomem, skipped, map_errors, unmap_errors;
	int last_errno;
	uint64_t last_err_iova;
	uint64_t skipped_iova[RESULT_SHOW_SKIPPED];
	struct lat_hist map_h, unmap_h;
};

struct run {
	struct session *s;
	const struct opts *o;
	const char *procfs;
	void *buf;
	uint64_t deadline;		/* now_ns() limit, 0 = none */
	atomic_int stop;
	atomic_uint_fast64_t errors;	/* all threads, for --max-errors */
	atomic_bool aborted;

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

	if (ist_stop || atomic_load_explicit(&run->stop, memory_order_relaxed))
		return true;
	if (w->quota && w->ops >= w->quota)
		return true;
	return run->deadline && now_ns() >= run->deadline;
}

static void count_error(struct worker *w, bool is_map, int err, uint64_t iova)
{
	struct run *run = w->run;

	if (is_map)
		w->map_errors++;
	else
		w->unmap_errors++;
	w->last_errno = -err;
	w->last_err_iova = iova;
	if (atomic_fetch_add(&run->errors, 1) + 1 > run->o->max_errors) {
		atomic_store(&run->aborted, true);
		atomic_store(&run->stop, 1);
	}
}

static void skip(struct worker *w, uint64_t iova)
{
	if (w->skipped < RESULT_SHOW_SKIPPED)
		w->skipped_iova[w->skipped] = iova;
	w->skipped++;
}

static bool do_map(struct worker *w, uint64_t iova, uint64_t len)
{
	struct backend *b = &w->run->s->b;
	uint64_t t0, t1;
	int ret;

	if (!aperture_allows(&w->run->s->ap, iova, len)) {
		skip(w, iova);
		return false;
	}
	t0 = now_ns();
	ret = b->ops->map(b, iova, len, w->run->buf);
	t1 = now_ns();
	if (!ret) {
		lat_add(&w->map_h, t1 - t0);
		return true;
	}
	if (ret == -ENOMEM)
		w->enomem++;
	else if (ret == -EINVAL && iova_in_msi_window(iova, len))
		skip(w, iova);
	else
		count_error(w, true, ret, iova);
	return false;
}

static void do_unmap(struct worker *w, uint64_t iova, uint64_t len)
{
	struct backend *b = &w->run->s->b;
	uint64_t t0, t1;
	int ret;

	t0 = now_ns();
	ret = b->ops->unmap(b, iova, len);
	t1 = now_ns();
	if (ret)
		count_error(w, false, ret, iova);
	else
		lat_add(&w->unmap_h, t1 - t0);
	w->ops++;
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
	count_error(w, true, ret, 0);
	atomic_store(&w->run->stop, 1);
	return -1;
}

static void make_it_fail_off(struct worker *w, int fd)
{
	int ret = failinject_set(fd, false);

	if (ret) {
		ist_warn("thread %u: cannot turn make-it-fail off: %s", w->id, strerror(-ret));
		count_error(w, false, ret, 0);
	}
	close(fd);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int fi_fd = -1;

	if (w->run->o->make_it_fail) {
		fi_fd = make_it_fail_on(w);
		if (fi_fd < 0)
			return NULL;
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

static void collect(struct run *run, struct worker *ws, struct run_result *r)
{
	struct lat_hist *map_h = malloc(sizeof(*map_h)), *unmap_h = malloc(sizeof(*unmap_h));
	uint64_t ops = 0;

	if (map_h && unmap_h) {
		lat_init(map_h);
		lat_init(unmap_h);
	}
	for (uint64_t i = 0; i < run->o->threads; i++) {
		struct worker *w = &ws[i];

		ops += w->ops;
		r->threads.enomem += w->enomem;
		r->map_errors += w->map_errors;
		r->unmap_errors += w->unmap_errors;
		if (w->map_errors || w->unmap_errors) {
			r->last_errno = w->last_errno;
			r->last_err_iova = w->last_err_iova;
		}
		for (uint64_t j = 0; j < w->skipped && j < RESULT_SHOW_SKIPPED; j++)
			note_skip(r, w->skipped_iova[j]);
		if (w->skipped > RESULT_SHOW_SKIPPED)
			r->skipped += w->skipped - RESULT_SHOW_SKIPPED;
		if (map_h && unmap_h) {
			lat_merge(map_h, &w->map_h);
			lat_merge(unmap_h, &w->unmap_h);
		}
	}
	if (map_h && unmap_h) {
		lat_summarize(map_h, &r->map_ns);
		lat_summarize(unmap_h, &r->unmap_ns);
	}
	free(map_h);
	free(unmap_h);
	r->pairs = ops;
	r->threads.ops = ops;
	r->threads.errors += r->map_errors + r->unmap_errors;
	r->threads.ops_per_s = r->wall_s > 0 ? (double)ops / r->wall_s : 0;
	r->ns_per_pair = ops ? r->wall_s * 1e9 / (double)ops : 0;
	r->aborted = atomic_load(&run->aborted);
	r->interrupted = ist_stop;
}

static int status(const struct run_result *r)
{
	if (r->threads.anchor_failures)
		return ist_err(EX_VERIFY, "anchor DMA failed %" PRIu64 " times out of %" PRIu64,
			       r->threads.anchor_failures, r->threads.anchor_dmas);
	if (r->aborted)
		return ist_err(EX_FAIL, "aborted after %" PRIu64 " errors (last: %s at 0x%" PRIx64 ")",
			       r->threads.errors, strerror(r->last_errno), r->last_err_iova);
	if (r->interrupted)
		return ist_err(EX_FAIL, "interrupted");
	if (r->threads.errors)
		return ist_err(EX_FAIL, "%" PRIu64 " map/unmap errors other than ENOMEM",
			       r->threads.errors);
	if (r->threads.leftover_bytes)
		return ist_err(EX_FAIL, "%" PRIu64 " bytes were still mapped at the end",
			       r->threads.leftover_bytes);
	return 0;
}

int mode_threads(const struct opts *o, const struct app_env *env, const struct pci_dev *dev)
{
	struct run_result *r = calloc(1, sizeof(*r));
	struct worker *ws = calloc(o->threads, sizeof(*ws));
	struct run *run = calloc(1, sizeof(*run));
	uint64_t buf_size = o->pattern == PAT_PARTITION ? o->dma_size : SZ_4K, t0;
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
	result_init(r, o);
	session_describe(&s, r);
	r->threads.ran = true;
	r->threads.make_it_fail = o->make_it_fail;
	r->threads.threads = o->threads;
	r->threads.pattern = o->pattern;
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
		r->threads.window_start = run->win_start;
		r->threads.window_len = run->nslots * SZ_4K;
		r->threads.anchor = run->anchor;
		r->threads.anchor_iova = run->anchor_iova;
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
		lat_init(&w->map_h);
		lat_init(&w->unmap_h);
		if (o->ops && !w->quota)
			continue;
		ret = start_thread(&w->th, worker_main, w);
		if (ret) {
			ist_warn("cannot start thread %" PRIu64 ": %s", i, strerror(ret));
			atomic_store(&run->stop, 1);
			r->threads.errors++;
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
	for (uint64_t i = 0; i < o->threads; i++)
		if (ws[i].started)
			pthread_join(ws[i].th, NULL);
	/* wall time of the map/unmap threads, not of the anchor's last DMA */
	r->wall_s = (double)(now_ns() - t0) / 1e9;
	atomic_store(&run->churn_done, 1);
	if (anchor_started)
		pthread_join(anchor_th, NULL);

	if (run->anchor) {
		r->threads.anchor_dmas = run->anchor_dmas;
		r->threads.anchor_failures = run->anchor_failures + !anchor_started;
		ret = s.b.ops->unmap(&s.b, run->anchor_iova, SZ_4K);
		if (ret)
			ist_warn("unmap of the anchor at 0x%" PRIx64 " failed: %s", run->anchor_iova,
				 strerror(-ret));
		ret = 0;
	}
	ptmem_read(env->procfs, &r->after);
	r->have_pt = true;
	collect(run, ws, r);
	session_close(&s, &r->threads.leftover_bytes);
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
