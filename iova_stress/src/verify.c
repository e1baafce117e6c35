// SPDX-License-Identifier: GPL-2.0
/*
 * DMA verification with edu after a sweep: map sample IOVAs spread over
 * the range, check a round trip through each, unmap it, then check that
 * DMA to it faults (memory untouched, nothing read from stale memory).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "dmabuf.h"
#include "edu.h"
#include "progress.h"
#include "rng.h"
#include "session.h"

#define CANARY 0x5a

static bool all_bytes(const uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void expect_fault(uint64_t iova)
{
	/* The lab's checker allows DMAR faults only at announced IOVAs. */
	printf("EXPECT_DMAR_FAULT 0x%" PRIx64 "\n", iova);
	fflush(stdout);
}

/* A free IOVA outside [0, size) for the scratch page, or UINT64_MAX. */
static uint64_t scratch_iova(const struct aperture *ap, uint64_t size)
{
	uint64_t cand = (size + SZ_2M - 1) & ~(SZ_2M - 1);

	if (cand >= size && aperture_allows(ap, cand, SZ_4K))
		return cand;
	return UINT64_MAX;
}

/* Slot near position i of n over the range that the aperture allows. */
static bool pick_slot(const struct session *s, uint64_t nslots, uint64_t i, uint64_t n,
		      uint64_t *iova)
{
	uint64_t k = (2 * i + 1) * nslots / (2 * n);

	for (uint64_t tries = 0; tries < nslots; tries++, k = (k + 1) % nslots) {
		*iova = k * s->o->stride;
		if (aperture_allows(&s->ap, *iova, s->o->dma_size))
			return true;
	}
	return false;
}

/* DMA to the just-unmapped dev_iova must not reach memory. */
static void check_faults(struct session *s, struct edu *e, uint8_t *cpu, uint64_t dev_iova,
			 uint8_t *scratch, uint64_t scr_iova, const uint8_t *pattern,
			 struct verify_result *v)
{
	uint32_t len = EDU_DMA_MAX;
	int ret;

	(void)s;
	/* Write direction: the old backing memory must stay untouched. */
	memset(cpu, CANARY, len);
	expect_fault(dev_iova);
	ret = edu_to_ram(e, dev_iova, len);
	if (ret) {
		ist_warn("verify: DMA write to unmapped 0x%" PRIx64 " did not complete: %s",
			 dev_iova, strerror(-ret));
		v->unexpected++;
	} else if (!all_bytes(cpu, len, CANARY)) {
		ist_warn("verify: DMA write to unmapped 0x%" PRIx64 " reached memory", dev_iova);
		v->unexpected++;
	} else {
		v->faulted_expected++;
	}

	if (scr_iova == UINT64_MAX)
		return;
	/*
	 * Read direction: the device buffer must not pick up the canary
	 * from the old memory; it keeps the previous pattern (or zeros,
	 * what QEMU returns for a blocked read).  Read it back through
	 * the scratch page to see.
	 */
	memset(scratch, 0x11, len);
	expect_fault(dev_iova);
	ret = edu_to_device(e, dev_iova, len);
	if (!ret)
		ret = edu_to_ram(e, scr_iova, len);
	if (ret) {
		ist_warn("verify: DMA read from unmapped 0x%" PRIx64 " did not complete: %s",
			 dev_iova, strerror(-ret));
		v->unexpected++;
	} else if (!memcmp(scratch, pattern, len) || all_bytes(scratch, len, 0)) {
		v->faulted_expected++;
	} else {
		ist_warn("verify: DMA read from unmapped 0x%" PRIx64 " returned %s", dev_iova,
			 all_bytes(scratch, len, CANARY) ? "the old memory" : "unexpected data");
		v->unexpected++;
	}
}

int verify_run(struct session *s, uint64_t size, void *buf, struct verify_result *v)
{
	const struct opts *o = s->o;
	struct backend *b = &s->b;
	uint64_t nslots = (size - o->dma_size) / o->stride + 1;
	uint64_t n = o->verify < nslots ? o->verify : nslots;
	uint64_t rng = o->seed ^ 0x766572696679ULL, scr_iova;
	uint8_t pattern[EDU_DMA_MAX];
	uint8_t *scratch;
	struct progress pr;
	struct edu e;
	int devfd, ret;

	v->ran = true;
	ret = b->ops->device_fd(b, &devfd);
	if (ret)
		return ret;
	ret = edu_open(&e, devfd);
	if (ret)
		return ret;
	scratch = dmabuf_alloc(SZ_4K);
	if (!scratch) {
		edu_close(&e);
		return ist_err(EX_FAIL, "out of memory");
	}
	scr_iova = scratch_iova(&s->ap, size);
	if (scr_iova != UINT64_MAX && b->ops->map(b, scr_iova, SZ_4K, scratch)) {
		ist_warn("verify: cannot map the scratch page at 0x%" PRIx64 ": read-fault checks skipped",
			 scr_iova);
		scr_iova = UINT64_MAX;
	}

	/* each DMA takes ~100 ms of virtual time: a few thousand samples take minutes */
	progress_start(&pr, o->quiet, "verify", PROGRESS_COUNT, n);
	pr.count_name = "samples";
	for (uint64_t i = 0; i < n && !ist_stop; i++) {
		uint64_t iova, off, dev_iova, seed;
		uint8_t *cpu;

		progress_update(&pr, i);
		v->samples++;
		if (!pick_slot(s, nslots, i, n, &iova)) {
			v->failed++;
			break;
		}
		off = rng_below(&rng, o->dma_size / SZ_4K) * SZ_4K;
		dev_iova = iova + off;
		cpu = (uint8_t *)buf + off;
		ret = b->ops->map(b, iova, o->dma_size, buf);
		if (ret) {
			ist_warn("verify: map at 0x%" PRIx64 " failed: %s", iova, strerror(-ret));
			v->failed++;
			continue;
		}
		seed = rng_next(&rng);
		edu_pattern(pattern, EDU_DMA_MAX, seed);
		ret = edu_round_trip(&e, cpu, dev_iova, EDU_DMA_MAX, seed);
		if (ret == 0) {
			v->verified++;
		} else {
			v->failed++;
			ist_warn("verify: round trip at 0x%" PRIx64 " %s%s", dev_iova,
				 ret > 0 ? "returned wrong data" : "did not complete",
				 dev_iova >> 28 && ret > 0 ?
				 " (edu dma_mask too small? QEMU needs -device edu,dma_mask=...)" : "");
		}
		ret = b->ops->unmap(b, iova, o->dma_size);
		if (ret) {
			ist_warn("verify: unmap at 0x%" PRIx64 " failed: %s", iova, strerror(-ret));
			v->failed++;
			continue;
		}
		check_faults(s, &e, cpu, dev_iova, scratch, scr_iova, pattern, v);
	}

	progress_end(&pr);
	if (scr_iova != UINT64_MAX)
		b->ops->unmap(b, scr_iova, SZ_4K);
	dmabuf_free(scratch, SZ_4K);
	edu_close(&e);
	return 0;
}

/* ---- the verify mode: a sweep (sweep.c) with --verify 8 by default ---- */

static void verify_defaults(struct opts *o)
{
	o->verify = 8;
}

static int verify_validate(struct opts *o)
{
	if (!o->verify)
		return ist_err(EX_USAGE, "--verify '0' must be > 0");
	return sweep_validate(o);
}

static const struct mode_opt verify_opts[] = {
	{ O_SIZE, "IOVA space from 0 to sweep (K M G T P units)", NULL, NULL },
	{ O_SIZE2, "then a second run of SIZE in the same process and container", NULL, NULL },
	{ O_DMA_SIZE, "bytes per mapping: a power of two, 4K..1G", NULL, NULL },
	{ O_STRIDE, "IOVA distance between mappings, multiple of --dma-size",
	  "2M, or --dma-size if larger", NULL },
	{ O_KEEP, "map everything, measure, then unmap everything (at most 1Mi mappings)",
	  NULL, NULL },
	{ O_VERIFY, "DMA-verify N sample IOVAs with edu after the sweep, 1..100000", "8", NULL },
	{ O_BACKEND, "VFIO type1 container or iommufd IOAS", NULL, NULL },
	{ O_DEVICE, "PCI device bound to vfio-pci", "the first edu", NULL },
	{ O_MAX_ERRORS, "abort after N failed maps/unmaps", NULL, NULL },
	{ O_SEED, "seed of the random choices", NULL, NULL },
	{ 0 },
};

const struct mode_ops mode_verify = {
	.name = "verify",
	.summary = "sweep, then DMA-verify sample IOVAs with the edu device",
	.help =
	"A sweep (default --size 64G) followed by DMA verification with the QEMU edu\n"
	"device (1234:11e8): --verify N sample IOVAs spread over the range are mapped\n"
	"and checked by a round trip RAM -> device -> RAM, then unmapped, and DMA to\n"
	"them must fault (memory untouched).  A line EXPECT_DMAR_FAULT 0x<iova> is\n"
	"printed on stdout before every DMA that is expected to fault (also with\n"
	"--json: the JSON object is the line starting with '{').  Each DMA takes\n"
	"~100 ms of virtual time.  Exit 8 if a round trip fails or a DMA to an\n"
	"unmapped IOVA reaches memory.\n",
	.help_tail = SWEEP_HELP_TAIL,
	.opts = verify_opts,
	.exits = sweep_exits,
	.uses_backend = true,
	.section = "verify",
	.defaults = verify_defaults,
	.validate = verify_validate,
	.run = sweep_run,
	.summary_line = sweep_summary_line,
	.report_human = sweep_report_human,
	.report_json = sweep_report_json,
};
