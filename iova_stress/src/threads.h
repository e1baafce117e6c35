/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_THREADS_H
#define IST_THREADS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

/* The threads mode's own figures (its run_result's mode_res). */
struct threads_result {
	uint64_t threads;
	enum pattern pattern;
	uint64_t ops;
	double ops_per_s;
	uint64_t enomem;
	bool make_it_fail;		/* fault injection was on */
	bool anchor;
	uint64_t anchor_iova;
	uint64_t anchor_dmas, anchor_failures;
	uint64_t window_start, window_len;
};

#endif
