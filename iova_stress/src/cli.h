/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_CLI_H
#define IST_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define KEEP_MAX_MAPPINGS (1u << 20)
#define DMAMAP_MAX_ITERS 100000000u	/* dmamap --iters and --warmup */
#define DMA_SIZE_MAX_HUGETLB (16ull << 30)	/* --dma-size with --hugetlb */

enum backend_kind { BACKEND_VFIO, BACKEND_IOMMUFD };
enum pattern { PAT_PARTITION, PAT_CHURN, PAT_RANDOM };

struct mode_ops;

/* Every option; a mode lists those it accepts (struct mode_opt). */
enum opt_id {
	O_SIZE, O_SIZE2, O_DMA_SIZE, O_STRIDE, O_KEEP, O_SHRINK, O_HUGETLB, O_VERIFY, O_BACKEND,
	O_DEVICE, O_MAX_ERRORS, O_SEED, O_THREADS, O_PATTERN, O_OPS,
	O_DURATION, O_ANCHOR, O_TABLES, O_MAKE_IT_FAIL, O_DEV, O_QD, O_BS, O_ITERS,
	O_WARMUP, O_JSON, O_QUIET, O_HELP, O_VERSION,
};

#define GIVEN(id) (1u << (id))

/* The size options, whose values messages quote as typed. */
enum typed_opt { TY_SIZE, TY_SIZE2, TY_DMA_SIZE, TY_STRIDE, TY_BS, TY_NR };

struct opts {
	const struct mode_ops *mode;
	bool mode_given;
	bool help;
	bool version;		/* --version */
	uint32_t given;		/* GIVEN(id) of every option given */
	char typed[TY_NR][32];	/* the size options as typed, "" if not given */

	/* sweep / verify / threads */
	enum backend_kind backend;
	char device[16];	/* normalised BDF, "" = first vfio-pci device */
	uint64_t size;
	uint64_t size2;		/* 0: no second run */
	uint64_t dma_size;
	uint64_t stride;
	bool stride_given;
	bool keep;
	bool shrink;		/* measure again after the kernel's shrinkers */
	bool hugetlb;		/* 1G hugetlb pages, mapped from 4K into the first */
	uint64_t verify;	/* sample IOVAs to DMA-verify, 0 = none */
	uint64_t max_errors;
	uint64_t seed;

	/* threads */
	uint64_t threads;
	enum pattern pattern;
	uint64_t ops;		/* 0: not limited by count */
	double duration;	/* 0: not limited by time */
	bool anchor;
	uint64_t tables;	/* churn window, in 2 MiB leaf tables */
	bool make_it_fail;	/* fault injection in the mapping threads */

	/* uring; dmamap (a block device or a PCI address) */
	char dev[256];
	uint64_t qd;
	uint64_t bs;

	/* dmamap */
	uint64_t iters;		/* timed map+unmap pairs */
	uint64_t warmup;	/* untimed pairs run first, 0 = none */

	bool json;
	bool quiet;
};

const char *backend_name(enum backend_kind b);
const char *pattern_name(enum pattern p);

/*
 * Parse argv into o.  Returns 0 (o->help or o->version set if that was
 * asked for) or EX_USAGE after printing one "iova_stress: ..." line on
 * stderr.
 */
int cli_parse(int argc, char **argv, struct opts *o);

/*
 * Help for o->mode: its options with its defaults and its exit codes
 * (a general overview when no mode was named).
 */
void cli_help(FILE *f, const struct opts *o);

/* "iova_stress VERSION" */
void cli_version(FILE *f);

/* "0000:00:03.0" or "00:03.0" -> "0000:00:03.0"; -1 if malformed. */
int normalize_bdf(const char *in, char *out, size_t len);

/*
 * For the modes' validate(): a size option's value for a message, 'as
 * typed' or "4K (the default)"; the checks of --size, --size2, --dma-size,
 * --stride and --keep the IOMMU modes share (0 or EX_USAGE).
 */
const char *cli_shown(char *buf, size_t len, const struct opts *o, enum typed_opt t,
		      uint64_t v);
int cli_check_iova_options(struct opts *o);

#endif
