/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_SESSION_H
#define IST_SESSION_H

#include <stdatomic.h>

#include "aperture.h"
#include "app.h"
#include "backend.h"
#include "result.h"

/* An open backend on the chosen device, shared by the IOMMU modes. */
struct session {
	const struct opts *o;
	const struct app_env *env;
	const struct pci_dev *dev;
	struct backend b;
	struct aperture ap;
};

/* Open the backend and read the aperture.  0 or an exit code. */
int session_open(struct session *s, const struct opts *o, const struct app_env *env,
		 const struct pci_dev *dev);
/* Unmap whatever is left (reported in *leftover if not NULL), close. */
void session_close(struct session *s, uint64_t *leftover);
/* result_init() plus the device, backend and aperture facts. */
void session_result_init(const struct session *s, struct run_result *r);

/* Is a failed map at [iova, iova+len) one of the reserved MSI window? */
bool iova_in_msi_window(uint64_t iova, uint64_t len);

/*
 * The one accounting path of map/unmap for the IOMMU modes: every map
 * and unmap goes through acct_map()/acct_unmap(), which time it, skip the
 * reserved ranges, count errors against --max-errors (shared by all the
 * threads of a run) and print the first few.  One struct map_acct per
 * thread; acct_merge() adds them up, acct_result() puts them in the result.
 */
struct err_budget {
	atomic_uint_fast64_t errors;	/* of every thread */
	uint64_t max;			/* --max-errors */
	atomic_bool exceeded;
};

struct map_acct {
	struct session *s;
	struct err_budget *budget;
	bool enomem_counted;		/* a failed map with ENOMEM is counted, not an error */
	uint64_t pairs;			/* unmaps of what was mapped */
	uint64_t skipped, enomem, map_errors, unmap_errors, other_errors;
	uint64_t skipped_iova[RESULT_SHOW_SKIPPED];
	int last_errno;
	uint64_t last_err_iova;
	struct lat_hist map_h, unmap_h;
};

void budget_init(struct err_budget *b, uint64_t max);
void acct_init(struct map_acct *a, struct session *s, struct err_budget *b, bool enomem_counted);
/* Map [iova, iova+len) to buf; true if it is now mapped. */
bool acct_map(struct map_acct *a, uint64_t iova, uint64_t len, void *buf);
/* Unmap what acct_map() mapped; one pair more, whatever the outcome. */
void acct_unmap(struct map_acct *a, uint64_t iova, uint64_t len);
/* An error that is neither a map nor an unmap (it counts against --max-errors). */
void acct_other_error(struct map_acct *a);
/* Has the run gone beyond --max-errors? */
bool acct_exceeded(const struct map_acct *a);
void acct_merge(struct map_acct *dst, const struct map_acct *src);
/* Pairs, skips, errors, latencies and ns per pair (over r->wall_ns) into r. */
void acct_result(const struct map_acct *a, struct run_result *r);

/*
 * The exit code of a finished map/unmap run (the report is printed):
 * too many errors, interrupted, errors, something left mapped.  A mode
 * checks its own DMA verdict (EX_VERIFY) first.
 */
int session_status(const struct run_result *r);

/* The figures of the DMA verification (verify.c), sweep's and verify's mode_res. */
struct verify_result {
	bool ran;
	uint64_t samples;
	uint64_t verified, failed, faulted_expected, unexpected;
};

int verify_run(struct session *s, uint64_t size, void *buf, struct verify_result *v);

/* The sweep that sweep and verify run (sweep.c). */
int sweep_run(const struct opts *o, const struct app_env *env, const struct pci_dev *dev);
void sweep_summary_line(FILE *f, const struct run_result *r);
void sweep_report_human(FILE *f, const struct run_result *r);
void sweep_report_json(struct jw *w, const struct run_result *r);
int sweep_validate(struct opts *o);
extern const struct mode_exit sweep_exits[];
#define SWEEP_HELP_TAIL "SIZE takes binary units K, M, G, T, P (64G, 16T); --json prints one object\n" \
	"per run (JSON Lines with --size2).\n"

#endif
