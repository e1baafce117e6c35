// SPDX-License-Identifier: GPL-2.0
/* Progress lines / bar on stderr. */
#include <stdio.h>
#include <unistd.h>

#include "common.h"
#include "progress.h"
#include "units.h"

#define BAR_WIDTH 30

void progress_start(struct progress *p, bool quiet, uint64_t total, const char *procfs,
		    const struct ptmem *before)
{
	p->enabled = !quiet;
	p->tty = isatty(STDERR_FILENO);
	p->total = total;
	p->next_mark = SZ_1T;
	p->t0 = p->last_draw = now_ns();
	p->procfs = procfs;
	p->before = before;
}

static void draw_bar(struct progress *p, uint64_t done, uint64_t now)
{
	char a[32], b[32], bar[BAR_WIDTH + 1];
	unsigned fill = p->total ? (unsigned)((double)done / (double)p->total * BAR_WIDTH) : 0;

	for (unsigned i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[BAR_WIDTH] = 0;
	fprintf(stderr, "\r[%s] %s/%s %5.1f%% %.1fs ", bar, fmt_size(a, sizeof(a), done),
		fmt_size(b, sizeof(b), p->total),
		p->total ? 100.0 * (double)done / (double)p->total : 0.0,
		(double)(now - p->t0) / 1e9);
	fflush(stderr);
}

void progress_update(struct progress *p, uint64_t done)
{
	uint64_t now;

	if (!p->enabled)
		return;
	if (p->tty) {
		now = now_ns();
		if (now - p->last_draw >= 200000000ULL) {
			p->last_draw = now;
			draw_bar(p, done, now);
		}
		return;
	}
	if (done < p->next_mark)
		return;
	while (p->next_mark <= done)
		p->next_mark += SZ_1T;
	{
		char a[32], b[32], c[32];
		struct ptmem m;
		int64_t kib;

		now = now_ns();
		ptmem_read(p->procfs, &m);
		fprintf(stderr, "progress: iova %s of %s (%.1f%%) %.1fs page tables %s\n",
			fmt_size(a, sizeof(a), done), fmt_size(b, sizeof(b), p->total),
			100.0 * (double)done / (double)p->total, (double)(now - p->t0) / 1e9,
			ptmem_pt_kib_delta(p->before, &m, &kib) ?
			fmt_ssize(c, sizeof(c), kib * 1024) : "?");
		fflush(stderr);
	}
}

void progress_end(struct progress *p)
{
	if (p->enabled && p->tty) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}
