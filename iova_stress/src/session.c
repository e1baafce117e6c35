// SPDX-License-Identifier: GPL-2.0
/*
 * Backend session shared by sweep, verify and threads, and the one
 * accounting path of their maps and unmaps: timing, skips, errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "common.h"
#include "session.h"
#include "units.h"

#define SHOW_ERRORS 5

int session_open(struct session *s, const struct opts *o, const struct app_env *env,
		 const struct pci_dev *dev)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->o = o;
	s->env = env;
	s->dev = dev;
	ret = backend_open(&s->b, o->backend, dev, env->devfs);
	if (ret)
		return ret;
	ret = s->b.ops->aperture(&s->b, &s->ap);
	if (ret) {
		backend_close(&s->b);
		return ret;
	}
	return 0;
}

void session_close(struct session *s, uint64_t *leftover)
{
	uint64_t bytes = 0;

	if (!s->b.priv)
		return;
	if (s->b.ops->unmap_all(&s->b, &bytes))
		bytes = 0;
	if (leftover)
		*leftover = bytes;
	backend_close(&s->b);
}

void session_result_init(const struct session *s, struct run_result *r)
{
	result_init(r, s->o);
	str_copy(r->device, s->dev->bdf, sizeof(r->device));
	r->group = s->dev->group;
	r->backend = s->b.ops->name;
	r->aperture_known = s->ap.known;
	r->aperture_last = aperture_last(&s->ap);
}

bool iova_in_msi_window(uint64_t iova, uint64_t len)
{
	uint64_t last = iova + len - 1;

	return iova <= MSI_WINDOW_END && last >= MSI_WINDOW_START;
}

void budget_init(struct err_budget *b, uint64_t max)
{
	atomic_init(&b->errors, 0);
	atomic_init(&b->exceeded, false);
	b->max = max;
}

void acct_init(struct map_acct *a, struct session *s, struct err_budget *b, bool enomem_counted)
{
	memset(a, 0, sizeof(*a));
	a->s = s;
	a->budget = b;
	a->enomem_counted = enomem_counted;
	lat_init(&a->map_h);
	lat_init(&a->unmap_h);
}

/* One more error of the run: over --max-errors?  The first few on stderr. */
static uint64_t budget_take(struct err_budget *b)
{
	uint64_t n = atomic_fetch_add(&b->errors, 1) + 1;

	if (n > b->max)
		atomic_store(&b->exceeded, true);
	return n;
}

static void note_error(struct map_acct *a, bool is_map, int err, uint64_t iova)
{
	uint64_t n;

	if (is_map)
		a->map_errors++;
	else
		a->unmap_errors++;
	a->last_errno = err < 0 ? -err : err;
	a->last_err_iova = iova;
	n = budget_take(a->budget);
	if (n <= SHOW_ERRORS)
		ist_warn("%s at iova 0x%" PRIx64 " failed: %s%s", is_map ? "map" : "unmap", iova,
			 strerror(a->last_errno),
			 n == SHOW_ERRORS ? " (further errors only counted)" : "");
}

static void note_skip(struct map_acct *a, uint64_t iova)
{
	if (a->skipped < RESULT_SHOW_SKIPPED)
		a->skipped_iova[a->skipped] = iova;
	a->skipped++;
}

bool acct_map(struct map_acct *a, uint64_t iova, uint64_t len, void *buf)
{
	struct backend *b = &a->s->b;
	uint64_t t0, t1;
	int ret;

	if (!aperture_allows(&a->s->ap, iova, len)) {
		note_skip(a, iova);
		return false;
	}
	t0 = now_ns();
	ret = b->ops->map(b, iova, len, buf);
	t1 = now_ns();
	if (!ret) {
		lat_add(&a->map_h, t1 - t0);
		return true;
	}
	if (ret == -ENOMEM && a->enomem_counted) {
		a->enomem++;
		return false;
	}
	if (ret == -EINVAL && iova_in_msi_window(iova, len)) {
		note_skip(a, iova);
		return false;
	}
	if (!a->map_errors && !a->map_h.count && len > SZ_4K) {
		char s[32];

		ist_warn("the kernel cannot map a %s mapping of anonymous memory here (%s); try --dma-size 4K",
			 fmt_size(s, sizeof(s), len), strerror(-ret));
	}
	note_error(a, true, ret, iova);
	return false;
}

void acct_unmap(struct map_acct *a, uint64_t iova, uint64_t len)
{
	struct backend *b = &a->s->b;
	uint64_t t0, t1;
	int ret;

	t0 = now_ns();
	ret = b->ops->unmap(b, iova, len);
	t1 = now_ns();
	if (ret)
		note_error(a, false, ret, iova);
	else
		lat_add(&a->unmap_h, t1 - t0);
	a->pairs++;
}

void acct_other_error(struct map_acct *a)
{
	a->other_errors++;
	budget_take(a->budget);
}

bool acct_exceeded(const struct map_acct *a)
{
	return atomic_load_explicit(&a->budget->exceeded, memory_order_relaxed);
}

void acct_merge(struct map_acct *dst, const struct map_acct *src)
{
	dst->pairs += src->pairs;
	dst->enomem += src->enomem;
	dst->map_errors += src->map_errors;
	dst->unmap_errors += src->unmap_errors;
	dst->other_errors += src->other_errors;
	if (src->map_errors || src->unmap_errors) {
		dst->last_errno = src->last_errno;
		dst->last_err_iova = src->last_err_iova;
	}
	for (uint64_t j = 0; j < src->skipped && j < RESULT_SHOW_SKIPPED; j++)
		note_skip(dst, src->skipped_iova[j]);
	if (src->skipped > RESULT_SHOW_SKIPPED)
		dst->skipped += src->skipped - RESULT_SHOW_SKIPPED;
	lat_merge(&dst->map_h, &src->map_h);
	lat_merge(&dst->unmap_h, &src->unmap_h);
}

void acct_result(const struct map_acct *a, struct run_result *r)
{
	r->pairs = a->pairs;
	r->skipped = a->skipped;
	memcpy(r->skipped_iova, a->skipped_iova, sizeof(r->skipped_iova));
	r->map_errors = a->map_errors;
	r->unmap_errors = a->unmap_errors;
	r->other_errors = a->other_errors;
	r->last_errno = a->last_errno;
	r->last_err_iova = a->last_err_iova;
	r->aborted = acct_exceeded(a);
	r->ns_per_pair = a->pairs ? (double)r->wall_ns / (double)a->pairs : 0;
	lat_summarize(&a->map_h, &r->map_ns);
	lat_summarize(&a->unmap_h, &r->unmap_ns);
}

int session_status(const struct run_result *r)
{
	if (r->aborted)
		return ist_err(EX_FAIL, "aborted after %" PRIu64 " map/unmap errors (last: %s at 0x%"
			       PRIx64 ")", r->map_errors + r->unmap_errors + r->other_errors,
			       strerror(r->last_errno), r->last_err_iova);
	if (r->interrupted)
		return ist_err(EX_FAIL, "interrupted");
	if (r->map_errors || r->unmap_errors)
		return ist_err(EX_FAIL, "%" PRIu64 " map and %" PRIu64 " unmap errors",
			       r->map_errors, r->unmap_errors);
	if (r->other_errors)
		return ist_err(EX_FAIL, "%" PRIu64 " errors besides maps and unmaps (a thread that could not start, make-it-fail)",
			       r->other_errors);
	if (r->leftover_bytes)
		return ist_err(EX_FAIL, "%" PRIu64 " bytes were still mapped at the end",
			       r->leftover_bytes);
	return 0;
}
