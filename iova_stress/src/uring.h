/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_URING_H
#define IST_URING_H

#include <stdbool.h>
#include <stdint.h>

#include "stats.h"

/* The uring mode's own figures (its run_result's mode_res). */
struct uring_result {
	char dev[256];
	uint64_t dev_size;
	uint64_t qd, bs;
	uint64_t duration_ns;	/* of the reads, first submission to last completion */
	uint64_t ios, errors;
	double iops;
	struct lat_summary lat_ns;
	bool have_cpu;		/* /proc/stat could be read */
	uint64_t cpu_busy_ns;	/* busy CPU time, all CPUs */
	uint64_t busy_ns_per_io;	/* cpu_busy_ns per completed read */
};

#endif
