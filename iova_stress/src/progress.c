// SPDX-License-Identifier: GPL-2.0
/* Progress lines on stderr, with an ETA (progress.h). */
#include <inttypes.h>
#include <unistd.h>

#include "common.h"
#include "progress.h"
#include "units.h"

static uint64_t real_now(void *ctx)
{
	(void)ctx;
	return now_ns();
}

void progress_start(struct progress *p, bool quiet, const char *what, enum progress_unit unit,
		    uint64_t total)
{
	*p = (struct progress){
		.enabled = !quiet,
		.tty = isatty(STDERR_FILENO),
		.out = stderr,
		.now = real_now,
		.what = what,
		.count_name = "",
		.unit = unit,
		.total = total,
	};
	progress_restart(p);
}

void progress_restart(struct progress *p)
{
	p->t0 = p->last = p->now(p->now_ctx);
	p->drawn = false;
}

bool progress_eta(uint64_t done, uint64_t total, uint64_t elapsed_ns, uint64_t *eta_ns)
{
	double eta;

	if (!done || !total || done > total)
		return false;
	/* the rest at the rate so far, in double: bytes of 16T times ns */
	eta = (double)elapsed_ns * (double)(total - done) / (double)done;
	*eta_ns = eta >= 1.8e19 ? UINT64_MAX : (uint64_t)eta;
	return true;
}

char *fmt_eta(char *buf, size_t len, uint64_t ns)
{
	uint64_t s = ns / 1000000000ULL + (ns % 1000000000ULL >= 500000000ULL);

	if (s < 60)
		snprintf(buf, len, "%" PRIu64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h", s / 86400, s / 3600 % 24);
	return buf;
}

static const char *amount(char *buf, size_t len, const struct progress *p, uint64_t v)
{
	if (p->unit == PROGRESS_BYTES)
		return fmt_size(buf, len, v);
	if (p->unit == PROGRESS_TIME)
		return fmt_eta(buf, len, v);
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

char *progress_format(const struct progress *p, uint64_t done, uint64_t now, char *buf,
		      size_t len)
{
	char a[32], b[32], c[32], e[64] = "";
	uint64_t elapsed = now - p->t0, eta;
	size_t n;

	n = (size_t)snprintf(buf, len, "%s: %s", p->what, amount(a, sizeof(a), p, done));
	if (p->total && n < len)
		n += (size_t)snprintf(buf + n, len - n, " of %s%s%s (%.1f%%)",
				      amount(b, sizeof(b), p, p->total),
				      p->unit == PROGRESS_COUNT ? " " : "",
				      p->unit == PROGRESS_COUNT ? p->count_name : "",
				      100.0 * (double)done / (double)p->total);
	else if (p->unit == PROGRESS_COUNT && n < len)
		n += (size_t)snprintf(buf + n, len - n, " %s", p->count_name);
	if (p->unit != PROGRESS_TIME && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", %s", fmt_eta(c, sizeof(c), elapsed));
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, ", ETA %s",
				      progress_eta(done, p->total, elapsed, &eta) ?
				      fmt_eta(c, sizeof(c), eta) : "?");
	if (p->extra && !p->tty && n < len) {
		p->extra(p->extra_ctx, e, sizeof(e));
		if (e[0])
			snprintf(buf + n, len - n, ", %s", e);
	}
	return buf;
}

void progress_update(struct progress *p, uint64_t done)
{
	char line[256];
	uint64_t now;

	if (!p->enabled)
		return;
	now = p->now(p->now_ctx);
	if (now - p->last < (p->tty ? PROGRESS_TTY_NS : PROGRESS_LINE_NS))
		return;
	p->last = now;
	progress_format(p, done, now, line, sizeof(line));
	if (p->tty) {
		fprintf(p->out, "\r%s\033[K", line);
		p->drawn = true;
	} else {
		fprintf(p->out, "%s\n", line);
	}
	fflush(p->out);
}

void progress_end(struct progress *p)
{
	if (p->enabled && p->drawn) {
		fputs("\r\033[K", p->out);
		fflush(p->out);
		p->drawn = false;
	}
}
