// SPDX-License-Identifier: GPL-2.0
/* Progress lines: the rate limit, on a terminal and off, and the ETA, with a fake clock. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "harness.h"
#include "progress.h"

#define SEC 1000000000ULL

static uint64_t fake_ns;

static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	return fake_ns;
}

static void extra(void *ctx, char *buf, size_t len)
{
	snprintf(buf, len, "%s", (const char *)ctx);
}

/* A progress on the fake clock writing to f. */
static void start(struct progress *p, FILE *f, bool tty, enum progress_unit unit,
		  uint64_t total)
{
	progress_start(p, false, "sweep", unit, total);
	p->out = f;
	p->tty = tty;
	p->now = fake_now;
	fake_ns = 1000 * SEC;
	progress_restart(p);
}

TEST(progress_eta_format)
{
	char b[32];
	uint64_t eta;

	CHECK_STR(fmt_eta(b, sizeof(b), 0), "0s");
	CHECK_STR(fmt_eta(b, sizeof(b), 7 * SEC + SEC / 3), "7s");
	CHECK_STR(fmt_eta(b, sizeof(b), 59 * SEC + SEC / 2), "1m00s");
	CHECK_STR(fmt_eta(b, sizeof(b), 185 * SEC), "3m05s");
	CHECK_STR(fmt_eta(b, sizeof(b), 3720 * SEC), "1h02m");
	CHECK_STR(fmt_eta(b, sizeof(b), (2 * 86400 + 3 * 3600 + 59) * SEC), "2d03h");
	CHECK_STR(fmt_eta(b, sizeof(b), UINT64_MAX), "213503d23h");

	/* the rest at the rate so far */
	CHECK(progress_eta(25, 100, 10 * SEC, &eta));
	CHECK_U64(eta, 30 * SEC);
	CHECK(progress_eta(100, 100, 10 * SEC, &eta));
	CHECK_U64(eta, 0);
	CHECK(progress_eta(1, 1ULL << 44, 1000, &eta));	/* 16T a byte at a time */
	CHECK(eta > 17000000000000000ULL);
	CHECK(!progress_eta(0, 100, 10 * SEC, &eta));	/* no rate yet */
	CHECK(!progress_eta(5, 0, 10 * SEC, &eta));		/* no total */
	CHECK(!progress_eta(101, 100, 10 * SEC, &eta));	/* past it */
}

TEST(progress_lines)
{
	struct progress p;
	char b[256];

	start(&p, stderr, false, PROGRESS_BYTES, 4ULL << 40);
	CHECK_STR(progress_format(&p, 1ULL << 40, fake_ns + 10 * SEC, b, sizeof(b)),
		  "sweep: 1T of 4T (25.0%), 10s, ETA 30s");
	CHECK_STR(progress_format(&p, 0, fake_ns + 10 * SEC, b, sizeof(b)),
		  "sweep: 0 of 4T (0.0%), 10s, ETA ?");
	p.extra = extra;
	p.extra_ctx = "page tables +2G";
	CHECK_STR(progress_format(&p, 2ULL << 40, fake_ns + 600 * SEC, b, sizeof(b)),
		  "sweep: 2T of 4T (50.0%), 10m00s, ETA 10m00s, page tables +2G");
	p.tty = true;		/* no page-table reading on every redraw */
	CHECK_STR(progress_format(&p, 2ULL << 40, fake_ns + 600 * SEC, b, sizeof(b)),
		  "sweep: 2T of 4T (50.0%), 10m00s, ETA 10m00s");

	start(&p, stderr, false, PROGRESS_COUNT, 200);
	p.what = "threads";
	p.count_name = "ops";
	CHECK_STR(progress_format(&p, 50, fake_ns + 5 * SEC, b, sizeof(b)),
		  "threads: 50 of 200 ops (25.0%), 5s, ETA 15s");
	start(&p, stderr, false, PROGRESS_TIME, 10 * SEC);
	p.what = "uring";
	CHECK_STR(progress_format(&p, 4 * SEC, fake_ns + 4 * SEC, b, sizeof(b)),
		  "uring: 4s of 10s (40.0%), ETA 6s");
	start(&p, stderr, false, PROGRESS_TIME, 0);	/* dmamap without a warm-up */
	p.what = "dmamap";
	CHECK_STR(progress_format(&p, 3 * SEC, fake_ns + 3 * SEC, b, sizeof(b)),
		  "dmamap: 3s, ETA ?");
}

/* Off a terminal: one line at most every 10 s, the first after 10 s. */
TEST(progress_rate_limit_lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct progress p;
	uint64_t t0;

	start(&p, f, false, PROGRESS_BYTES, 100ULL << 30);
	t0 = fake_ns;
	for (int s = 1; s <= 95; s++) {
		fake_ns = t0 + (uint64_t)s * SEC;
		for (int k = 0; k < 3; k++)
			progress_update(&p, (uint64_t)s << 30);
		fflush(f);
		if (s < 10)
			CHECK_INT((int)len, 0);
	}
	progress_end(&p);
	fclose(f);
	CHECK_INT(count_lines(buf), 9);		/* at 10, 20, ... 90 s */
	CHECK(!strchr(buf, '\r'));
	CHECK(!strncmp(buf, "sweep: 10G of 100G (10.0%), 10s, ETA 1m30s\n",
		       strlen("sweep: 10G of 100G (10.0%), 10s, ETA 1m30s\n")));
	CHECK(strstr(buf, "\nsweep: 90G of 100G (90.0%), 1m30s, ETA 10s\n"));
	free(buf);
}

/* On a terminal: redrawn in place, at most every 200 ms, cleared at the end. */
TEST(progress_rate_limit_tty)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct progress p;
	uint64_t t0;
	int draws = 0;

	start(&p, f, true, PROGRESS_COUNT, 1000);
	p.count_name = "samples";
	t0 = fake_ns;
	for (int ms = 10; ms <= 2000; ms += 10) {
		fake_ns = t0 + (uint64_t)ms * 1000000ULL;
		progress_update(&p, (uint64_t)ms / 2);
	}
	progress_end(&p);
	fclose(f);
	for (const char *q = buf; (q = strstr(q, "\r")); q++)
		draws++;
	CHECK_INT(draws, 10 + 1);		/* every 200 ms, then the clearing */
	CHECK(!strchr(buf, '\n'));
	CHECK(strstr(buf, "\rsweep: 100 of 1000 samples (10.0%), 0s, ETA 2s\033[K"));
	CHECK(strstr(buf, "\rsweep: 1000 of 1000 samples (100.0%), 2s, ETA 0s\033[K\r\033[K"));
	free(buf);
}

TEST(progress_quiet)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct progress p;

	start(&p, f, true, PROGRESS_BYTES, 100);
	p.enabled = false;		/* what --quiet gives */
	fake_ns += 100 * SEC;
	progress_update(&p, 50);
	progress_end(&p);
	fclose(f);
	CHECK_INT((int)len, 0);
	free(buf);
}
