/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_RESULT_H
#define IST_RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "ptmem.h"
#include "stats.h"

#define RESULT_SHOW_SKIPPED 4

/*
 * Everything one run measured.  The human report and the JSON object are
 * both printed from this struct only.
 */
struct run_result {
	enum mode mode;
	const char *backend;		/* NULL for uring and dmamap */
	char device[16];
	int group;

	uint64_t size, dma_size, stride;
	bool keep;
	uint64_t pairs;			/* map+unmap pairs done */
	uint64_t skipped;		/* slots in reserved IOVA ranges */
	uint64_t skipped_iova[RESULT_SHOW_SKIPPED];
	uint64_t map_errors, unmap_errors;
	int last_errno;
	uint64_t last_err_iova;
	bool aborted;			/* too many errors */
	bool interrupted;		/* SIGINT/SIGTERM */

	double wall_s;
	double ns_per_pair;
	struct lat_summary map_ns, unmap_ns;

	bool have_pt;
	struct ptmem before, after;
	bool have_peak;			/* --keep: everything mapped */
	struct ptmem peak;

	bool aperture_known;
	uint64_t aperture_last;

	struct {
		bool ran;
		uint64_t samples;
		uint64_t verified, failed, faulted_expected, unexpected;
	} verify;

	struct {
		bool ran;
		uint64_t threads;
		enum pattern pattern;
		uint64_t ops;
		double ops_per_s;
		uint64_t enomem, errors;
		bool make_it_fail;		/* fault injection was on */
		bool anchor;
		uint64_t anchor_iova;
		uint64_t anchor_dmas, anchor_failures;
		uint64_t window_start, window_len;
		uint64_t leftover_bytes;	/* unmapped by the final sweep-up */
	} threads;

	struct {
		bool ran;
		char dev[256];
		uint64_t dev_size;
		uint64_t qd, bs;
		double duration_s;
		uint64_t ios, errors;
		double iops;
		struct lat_summary lat_ns;
		bool have_cpu;		/* /proc/stat could be read */
		double cpu_busy_s;	/* busy CPU time, all CPUs */
		double busy_us_per_io;	/* cpu_busy_s per completed read */
	} uring;

	struct {
		bool ran;
		char dev[256];		/* --dev as given */
		char device[16];	/* the PCI device it resolved to */
		char domain[16];	/* "dma" (strict) or "dma-fq" (lazy) */
		uint64_t iterations, warmup;
		/* sums over the iterations, from the kernel's clock */
		uint64_t map_ns, unmap_ns, total_ns;
		double map_ns_per_op, unmap_ns_per_op;
		double pair_ns;			/* (map_ns + unmap_ns) / iterations */
		double loop_ns_per_pair;	/* total_ns / iterations */
	} dmamap;
};

void result_init(struct run_result *r, const struct opts *o);

/* "dma_size: 4K iova space: 64G iommu: 128M time: 1.234s" (and friends). */
void report_summary_line(FILE *f, const struct run_result *r);
void report_human(FILE *f, const struct run_result *r);
void report_json(FILE *f, const struct run_result *r);
/* Human report or one JSON line, per --json. */
void report_print(FILE *f, const struct run_result *r, bool json);

#endif
