/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_PROGRESS_H
#define IST_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Progress of a long run on stderr, with an ETA from the rate so far:
 * redrawn in place (\r) at most every PROGRESS_TTY_NS when stderr is a
 * terminal, else one line at most every PROGRESS_LINE_NS (the first after
 * that long, so a short run prints nothing).  --quiet turns it off.
 */
#define PROGRESS_TTY_NS		200000000ULL
#define PROGRESS_LINE_NS	10000000000ULL

enum progress_unit {
	PROGRESS_BYTES,		/* "1.5T of 4T" */
	PROGRESS_COUNT,		/* "1200 of 5000 ops" */
	PROGRESS_TIME,		/* done is elapsed ns: "4s of 10s" */
};

struct progress {
	bool enabled;
	bool tty;
	FILE *out;			/* stderr */
	uint64_t (*now)(void *ctx);	/* the clock, ns; the tests set their own */
	void *now_ctx;
	const char *what;		/* "sweep" */
	const char *count_name;		/* PROGRESS_COUNT: "ops" */
	enum progress_unit unit;
	uint64_t total;			/* 0: unknown, no ETA */
	uint64_t t0, last;
	bool drawn;			/* a \r line is on the terminal */
	/* an extra figure for a line (the page tables so far), or NULL */
	void (*extra)(void *ctx, char *buf, size_t len);
	void *extra_ctx;
};

/* Start now (the real clock, stderr, isatty(2)); off when quiet. */
void progress_start(struct progress *p, bool quiet, const char *what, enum progress_unit unit,
		    uint64_t total);
/* Restart the clock (after the tests set p->now). */
void progress_restart(struct progress *p);
/* done so far: cheap unless something is printed. */
void progress_update(struct progress *p, uint64_t done);
/* Clear a terminal line. */
void progress_end(struct progress *p);

/*
 * The ETA from the rate so far: false (unknown) before anything is done,
 * without a total, or past it.
 */
bool progress_eta(uint64_t done, uint64_t total, uint64_t elapsed_ns, uint64_t *eta_ns);
/* "7s", "3m05s", "1h02m", "2d03h". */
char *fmt_eta(char *buf, size_t len, uint64_t ns);
/* The line (no \r or \n) for done at time now. */
char *progress_format(const struct progress *p, uint64_t done, uint64_t now, char *buf,
		      size_t len);

#endif
