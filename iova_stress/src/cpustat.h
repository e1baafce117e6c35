/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_CPUSTAT_H
#define IST_CPUSTAT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The guest's CPU time summed over all CPUs, from the "cpu" line of
 * /proc/stat, in USER_HZ ticks.  Busy is everything but idle and iowait.
 * With a tickless-idle kernel (NO_HZ_IDLE) idle and iowait are measured
 * around every idle period, interrupts taken while idle count as busy, and
 * so busy time per I/O is the CPU cost of an I/O; under QEMU -icount it
 * counts guest instructions.
 */
struct cpustat {
	bool ok;
	uint64_t busy;
	uint64_t idle;		/* idle + iowait */
};

/* Parse the text of /proc/stat; -1 if it has no usable "cpu" line. */
int cpustat_parse(const char *text, struct cpustat *c);

/* Read <procfs>/stat ("/proc" outside the tests); c->ok says if it worked. */
void cpustat_read(const char *procfs, struct cpustat *c);

/*
 * Busy CPU seconds from @before to @after at @ticks_per_s (USER_HZ);
 * false if either reading failed or the counters went backwards.
 */
bool cpustat_busy_s(const struct cpustat *before, const struct cpustat *after,
		    long ticks_per_s, double *s);

#endif
