/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_PROGRESS_H
#define IST_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "ptmem.h"

/*
 * Progress of a sweep on stderr: a line every TiB of IOVA (with the page
 * table growth so far), or a \r bar when stderr is a terminal.
 */
struct progress {
	bool enabled;
	bool tty;
	uint64_t total;
	uint64_t next_mark;
	uint64_t t0, last_draw;
	const char *procfs;
	const struct ptmem *before;
};

void progress_start(struct progress *p, bool quiet, uint64_t total, const char *procfs,
		    const struct ptmem *before);
/* done: bytes of IOVA swept so far; cheap unless something is printed. */
void progress_update(struct progress *p, uint64_t done);
void progress_end(struct progress *p);

#endif
