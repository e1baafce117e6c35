/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_RESULT_H
#define IST_RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "mode.h"
#include "ptmem.h"
#include "stats.h"

#define RESULT_SHOW_SKIPPED 4

struct jw;

/*
 * Everything one run measured.  The human report and the JSON object are
 * both printed from this struct only: the fields every mode may fill
 * here, the mode's own figures behind mode_res (its file's struct, which
 * its report hooks read).
 */
struct run_result {
	const struct mode_ops *mode;
	time_t started;			/* wall clock at result_init(), for "timestamp" */
	const char *backend;		/* NULL unless the mode uses one */
	char device[16];		/* the PCI device, "" if none */
	int group;

	/* 0 where the mode has no such figure (null in JSON) */
	uint64_t size, dma_size, stride;
	bool keep;
	bool hugetlb;			/* --hugetlb: 1G pages, from 4K into the first */

	bool have_pairs;		/* the mode does map+unmap pairs */
	bool have_map_acct;		/* ...and counts them (session.c): skips, errors, latency */
	uint64_t pairs;			/* map+unmap pairs done */
	uint64_t skipped;		/* slots in reserved IOVA ranges */
	uint64_t skipped_iova[RESULT_SHOW_SKIPPED];
	uint64_t map_errors, unmap_errors;
	uint64_t other_errors;		/* neither a map nor an unmap (a thread start...) */
	int last_errno;
	uint64_t last_err_iova;
	uint64_t leftover_bytes;	/* still mapped at the end, unmapped by the close */
	bool aborted;			/* too many errors */
	bool interrupted;		/* SIGINT/SIGTERM */

	uint64_t wall_ns;
	double ns_per_pair;
	struct lat_summary map_ns, unmap_ns;

	bool have_pt;
	struct ptmem before, after;
	bool have_peak;			/* --keep: everything mapped */
	struct ptmem peak;
	bool have_shrunk;		/* --shrink: after the kernel's shrinkers */
	struct ptmem shrunk;

	bool aperture_known;
	uint64_t aperture_last;

	void *mode_res;			/* the mode's own figures, or NULL */
};

void result_init(struct run_result *r, const struct opts *o);

/* The mode's first line: "dma_size: 4K iova space: 64G iommu: 128M time: 1.234s". */
void report_summary_line(FILE *f, const struct run_result *r);
void report_human(FILE *f, const struct run_result *r);
void report_json(FILE *f, const struct run_result *r);
/* Human report or one JSON line, per --json. */
void report_print(FILE *f, const struct run_result *r, bool json);

/* ---- pieces the modes' report hooks share ---- */

/* "128M", "-8K", "0": the page-table growth; "?" if unknown. */
const char *report_pt_delta(char *buf, size_t len, const struct run_result *r);
/* wall time in seconds */
double report_wall_s(const struct run_result *r);
/* "what:    p50 12us  p99 ...", or "what: -" with no samples. */
void report_lat(FILE *f, const char *what, const struct lat_summary *s);
/* The page-table lines (nothing without a reading). */
void report_pt(FILE *f, const struct run_result *r);
/* "mode:   DESC, backend vfio, device 0000:00:03.0 (group 5)" */
void report_mode_line(FILE *f, const struct run_result *r, const char *desc);
/* ", aperture up to 0x...\n" (or only "\n") after an IOVA range line. */
void report_range_end(FILE *f, const struct run_result *r);
/* skipped, errors, wall time and per-call latency of a map/unmap mode. */
void report_map_acct(FILE *f, const struct run_result *r);
/* A latency summary as a JSON object of integer ns under key. */
void report_json_lat(struct jw *w, const char *key, const struct lat_summary *s);

#endif
