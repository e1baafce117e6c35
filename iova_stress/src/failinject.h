/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_FAILINJECT_H
#define IST_FAILINJECT_H

#include <stdbool.h>

/*
 * Per-thread fault injection (threads --make-it-fail): the kernel's
 * fail_page_alloc with task-filter=Y fails only the allocations of tasks
 * whose /proc/<tid>/make-it-fail is 1.  A mapping thread opens its own
 * file before it starts (opening may allocate), turns it on around its
 * map/unmap loop only, and off again before it reports.  Setup, thread
 * creation and the report are never hit, so a run always gets to report.
 */

/* Can the calling thread's make-it-fail be written?  0 or -errno. */
int failinject_probe(const char *procfs);

/* Open the calling thread's make-it-fail; an fd or -errno. */
int failinject_open(const char *procfs);

/* Write 1 (on) or 0 (off) to an fd from failinject_open(); 0 or -errno. */
int failinject_set(int fd, bool on);

#endif
