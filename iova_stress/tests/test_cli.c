// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "common.h"
#include "harness.h"
#include "mode.h"
#include "rng.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

/* Parse; expect code; for errors expect exactly one "iova_stress: " line. */
static int parse_(int argc, char **argv, struct opts *o, int want)
{
	const char *err;
	int ret;

	capture_begin(2);
	ret = cli_parse(argc, argv, o);
	err = capture_end();
	if (ret != want)
		t_fail(__FILE__, __LINE__, "%s...: code %d, want %d (%s)", argv[1] ? argv[1] : "",
		       ret, want, err);
	if (want && (count_lines(err) != 1 || strncmp(err, "iova_stress: ", 13)))
		t_fail(__FILE__, __LINE__, "error output is not one line: '%s'", err);
	if (!want && err[0])
		t_fail(__FILE__, __LINE__, "unexpected stderr: '%s'", err);
	return ret;
}
#define parse(...) T_CALL(parse_(__VA_ARGS__))

TEST(cli_defaults)
{
	struct opts o;
	char *a0[] = { "iova_stress", NULL };
	char *a1[] = { "iova_stress", "verify", NULL };
	char *a2[] = { "iova_stress", "threads", "--pattern", "churn", NULL };
	char *a3[] = { "iova_stress", "uring", NULL };

	parse(ARGC(a0), a0, &o, 0);
	CHECK(o.mode == &mode_sweep);
	CHECK(!o.mode_given);
	CHECK_U64(o.size, 1ULL << 40);
	CHECK_U64(o.dma_size, 4096);
	CHECK_U64(o.stride, 2ULL << 20);
	CHECK_INT(o.backend, BACKEND_VFIO);
	CHECK_U64(o.verify, 0);
	CHECK_U64(o.size2, 0);
	CHECK(!o.json && !o.keep && !o.help);

	parse(ARGC(a1), a1, &o, 0);
	CHECK(o.mode == &mode_verify);
	CHECK_U64(o.size, 64ULL << 30);
	CHECK_U64(o.verify, 8);

	parse(ARGC(a2), a2, &o, 0);
	CHECK_INT(o.pattern, PAT_CHURN);
	CHECK_U64(o.threads, 2);
	CHECK(o.duration == 5);
	CHECK_U64(o.tables, 4);

	parse(ARGC(a3), a3, &o, 0);
	CHECK_STR(o.dev, "/dev/nvme0n1");
	CHECK_U64(o.qd, 32);
	CHECK(o.duration == 10);
	CHECK_U64(o.bs, 4096);
}

TEST(cli_all_options)
{
	struct opts o;
	char *a[] = { "iova_stress", "sweep", "-s", "16T", "--size2=64G", "--dma-size", "2M",
		      "--stride", "1G", "--keep", "--verify", "3", "-b", "iommufd",
		      "--device", "00:03.0", "--max-errors", "5", "--seed", "9", "-j", "-q", NULL };
	char *b[] = { "iova_stress", "threads", "-t", "8", "-p", "random", "--ops", "1000",
		      "--duration=2.5", "--size", "8G", NULL };
	char *c[] = { "iova_stress", "threads", "--pattern", "churn", "--anchor", "--tables",
		      "16", "--backend", "iommufd", "-n", "50", NULL };
	char *d[] = { "iova_stress", "uring", "--dev", "/dev/nvme1n1", "--qd", "1", "-T",
		      "500ms", "--bs", "8K", "--json", NULL };

	parse(ARGC(a), a, &o, 0);
	CHECK_U64(o.size, 16ULL << 40);
	CHECK_U64(o.size2, 64ULL << 30);
	CHECK_U64(o.dma_size, 2ULL << 20);
	CHECK_U64(o.stride, 1ULL << 30);
	CHECK(o.keep && o.json && o.quiet);
	CHECK_U64(o.verify, 3);
	CHECK_INT(o.backend, BACKEND_IOMMUFD);
	CHECK_STR(o.device, "0000:00:03.0");
	CHECK_U64(o.max_errors, 5);
	CHECK_U64(o.seed, 9);

	{
		char *e[] = { "iova_stress", "--dma-size", "1G", "--size", "8G", NULL };

		parse(ARGC(e), e, &o, 0);
		CHECK_U64(o.stride, 1ULL << 30);	/* follows a larger --dma-size */
	}

	parse(ARGC(b), b, &o, 0);
	CHECK_U64(o.threads, 8);
	CHECK_INT(o.pattern, PAT_RANDOM);
	CHECK_U64(o.ops, 1000);
	CHECK(o.duration == 2.5);
	CHECK_U64(o.size, 8ULL << 30);

	parse(ARGC(c), c, &o, 0);
	CHECK(o.anchor);
	CHECK_U64(o.tables, 16);
	CHECK_U64(o.ops, 50);
	CHECK(o.duration == 0);

	parse(ARGC(d), d, &o, 0);
	CHECK_STR(o.dev, "/dev/nvme1n1");
	CHECK_U64(o.qd, 1);
	CHECK(o.duration == 0.5);
	CHECK_U64(o.bs, 8192);
}

TEST(cli_usage_errors)
{
	static const char *const bad[][8] = {
		{ "bogus" },
		{ "--size", "12Q" },
		{ "--size", "-1G" },
		{ "--size" },
		{ "--size", "0" },
		{ "--size", "4097" },
		{ "--size", "1M" },			/* below the stride */
		{ "--nope" },
		{ "-x" },
		{ "stray" },
		{ "sweep", "stray" },
		{ "sweep", "--" },
		{ "sweep", "-" },
		{ "sweep", "--keep=yes" },
		{ "sweep", "--dma-size", "3K" },
		{ "sweep", "--dma-size", "2G" },
		{ "sweep", "--hugetlb", "--dma-size", "32G" },
		{ "threads", "--hugetlb" },		/* a sweep option only */
		{ "sweep", "--dma-size", "2M", "--stride", "3M" },
		{ "sweep", "--backend", "kvm" },
		{ "sweep", "--device", "00:03" },
		{ "sweep", "--device", "0000:00:20.0" },
		{ "sweep", "--device", "0000:00:03.8" },
		{ "sweep", "--device", "zz:03.0" },
		{ "sweep", "--threads", "2" },		/* not a sweep option */
		{ "sweep", "--qd", "2" },
		{ "sweep", "--verify", "many" },
		{ "sweep", "--keep", "--size", "4T" },	/* pin count limit */
		{ "sweep", "--keep", "--size2", "4T" },
		{ "threads", "--threads", "0" },
		{ "threads", "--threads", "257" },
		{ "threads", "--pattern", "zigzag" },
		{ "threads", "--anchor" },		/* needs churn */
		{ "threads", "--ops", "0" },
		{ "threads", "--duration", "0" },
		{ "threads", "--duration", "-3" },
		{ "threads", "--duration", "soon" },
		{ "threads", "--tables", "513" },
		{ "threads", "--keep" },
		{ "threads", "--pattern", "random", "--size", "2M", "--threads", "64" },
		{ "uring", "--qd", "0" },
		{ "uring", "--qd", "5000" },
		{ "uring", "--bs", "100" },
		{ "uring", "--bs", "2M" },
		{ "uring", "--dev", "" },
		{ "uring", "--size", "1G" },
		{ "uring", "--duration" },
		{ "uring", "--iters", "10" },		/* dmamap's options */
		{ "uring", "--warmup", "10" },
		{ "sweep", "--iters", "10" },
		{ "threads", "--warmup", "0" },
		{ "dmamap", "--iters", "0" },
		{ "dmamap", "--iters", "100000001" },
		{ "dmamap", "--iters", "1e5" },
		{ "dmamap", "--iters", "-5" },
		{ "dmamap", "--iters" },
		{ "dmamap", "--warmup", "100000001" },
		{ "dmamap", "--warmup", "some" },
		{ "dmamap", "--dev", "" },
		{ "dmamap", "--dev", "nvme0n1" },	/* neither a path nor a BDF */
		{ "dmamap", "--dev", "00:04" },
		{ "dmamap", "--qd", "4" },		/* other modes' options */
		{ "dmamap", "--bs", "4K" },
		{ "dmamap", "--duration", "1" },
		{ "dmamap", "--size", "1G" },
		{ "dmamap", "--device", "00:04.0" },
		{ "dmamap", "--backend", "iommufd" },
		{ "dmamap", "--threads", "2" },
		{ "dmamap", "stray" },
	};
	struct opts o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[10] = { "iova_stress" };
		int argc = 1;

		for (int k = 0; k < 8 && bad[i][k]; k++)
			argv[argc++] = (char *)bad[i][k];
		parse(argc, argv, &o, EX_USAGE);
	}
}

/* Each fault gets its own words, and the value is quoted as typed. */
TEST(cli_messages)
{
	static const struct {
		const char *args[10];
		const char *msg;
	} cases[] = {
		{ { "--size", "4097" }, "--size '4097' is not a multiple of 4K" },
		{ { "--size", "0x1001" }, "--size '0x1001' is not a multiple of 4K" },
		{ { "--size", "0" }, "--size '0' must be > 0" },
		{ { "--size", "16E" }, "--size '16E' is too large (more than 64 bits)" },
		{ { "--size", "18446744073709551616" },
		  "--size '18446744073709551616' is too large (more than 64 bits)" },
		{ { "--size", "12Q" },
		  "bad value for --size: '12Q' (expected a size like 4K, 2M, 64G or 16T)" },
		{ { "--size", "1M" }, "--size '1M' is smaller than --stride 2M (the default)" },
		{ { "--size", "1M", "--stride", "2048K" },
		  "--size '1M' is smaller than --stride '2048K'" },
		{ { "--size2", "5000" }, "--size2 '5000' is not a multiple of 4K" },
		{ { "--dma-size", "3K" }, "--dma-size '3K' must be a power of two from 4K to 1G" },
		{ { "--dma-size", "2G" },
		  "--dma-size '2G' is too large (at most 1G; up to 16G with --hugetlb)" },
		{ { "--hugetlb", "--dma-size", "32G", "--size", "64G" },
		  "--dma-size '32G' is too large (at most 16G)" },
		{ { "threads", "--hugetlb" }, "option --hugetlb does not apply to mode threads" },
		{ { "--dma-size", "0" }, "--dma-size '0' must be > 0" },
		{ { "--dma-size", "2M", "--stride", "3M" },
		  "--stride '3M' is not a multiple of --dma-size '2M'" },
		{ { "--stride", "6K" }, "--stride '6K' is not a multiple of --dma-size 4K (the default)" },
		{ { "sweep", "--verify", "100001" }, "--verify '100001' is too large (at most 100000)" },
		{ { "verify", "--verify", "0" }, "--verify '0' must be > 0" },
		{ { "threads", "--threads", "0" }, "--threads '0' must be > 0" },
		{ { "threads", "--threads", "257" }, "--threads '257' is too large (at most 256)" },
		{ { "threads", "--ops", "0" }, "--ops '0' must be > 0" },
		{ { "threads", "--duration", "0" }, "--duration '0' must be > 0" },
		{ { "threads", "--duration", "0ms" }, "--duration '0ms' must be > 0" },
		{ { "threads", "--duration", "2e7" }, "--duration '2e7' is too large (at most 10000000 s)" },
		{ { "threads", "--seed", "18446744073709551616" },
		  "--seed '18446744073709551616' is too large (more than 64 bits)" },
		{ { "threads", "--max-errors", "4294967296" },
		  "--max-errors '4294967296' is too large (at most 4294967295)" },
		{ { "threads", "--pattern", "random", "--size", "2M", "--threads", "64" },
		  "--size '2M' is too small for 64 random threads (at least 256K per thread)" },
		/* options a pattern does not use are refused by name */
		{ { "threads", "-p", "churn", "--size", "16T" },
		  "option --size does not apply to --pattern churn (churn maps 4K slots of --tables leaf tables around 8G)" },
		{ { "threads", "-p", "churn", "--dma-size", "2M" },
		  "option --dma-size does not apply to --pattern churn (churn and random map 4K)" },
		{ { "threads", "-p", "churn", "--stride", "1G" },
		  "option --stride does not apply to --pattern churn (churn and random map 4K slots, not a stride)" },
		{ { "threads", "-p", "random", "--dma-size", "2M" },
		  "option --dma-size does not apply to --pattern random (churn and random map 4K)" },
		{ { "threads", "--tables", "8" },
		  "option --tables does not apply to --pattern partition (it sizes the churn window)" },
		{ { "threads", "-p", "random", "--anchor" },
		  "option --anchor does not apply to --pattern random (the anchor sits in the churned tables)" },
		{ { "uring", "--qd", "0" }, "--qd '0' must be > 0" },
		{ { "uring", "--qd", "4097" }, "--qd '4097' is too large (at most 4096)" },
		{ { "uring", "--bs", "100" }, "--bs '100' is not a multiple of 512" },
		{ { "uring", "--bs", "2M" }, "--bs '2M' is too large (at most 1M)" },
		{ { "uring", "--size", "1G" }, "option --size does not apply to mode uring" },
		{ { "dmamap", "--iters", "0" }, "--iters '0' must be > 0" },
		{ { "dmamap", "--iters", "100000001" }, "--iters '100000001' is too large (at most 100000000)" },
		{ { "dmamap", "--warmup", "1e3" }, "bad value for --warmup: '1e3' (expected a count 0..100000000)" },
		{ { "help", "bogus" },
		  "unknown help topic 'bogus' (topics: sweep, verify, threads, uring, dmamap)" },
		{ { "help", "sweep", "more" }, "unexpected argument 'more' after help sweep" },
	};
	struct opts o;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *argv[12] = { "iova_stress" }, want[256];
		const char *err;
		int argc = 1, ret;

		for (int k = 0; k < 10 && cases[i].args[k]; k++)
			argv[argc++] = (char *)cases[i].args[k];
		capture_begin(2);
		ret = cli_parse(argc, argv, &o);
		err = capture_end();
		snprintf(want, sizeof(want), "iova_stress: %s\n", cases[i].msg);
		if (ret != EX_USAGE || strcmp(err, want))
			t_fail(__FILE__, __LINE__, "case %zu (%s %s): exit %d, '%s', want 2, '%s'", i,
			       argv[1], argv[2] ? argv[2] : "", ret, err, want);
	}
}

/*
 * The command lines the lab runs the tool with (the scripts/guest/tests,
 * scripts/compare.sh, scripts/dmamap-reclaim.sh, the README), their
 * variables filled in as the lab fills them: a CLI change that breaks one
 * fails here, not in a guest.  Keep them in step with the scripts.
 */
TEST(cli_lab_command_lines)
{
	static const struct {
		const char *where;
		const char *line;
	} lines[] = {
		{ "guest/tests/churn.sh", "threads --pattern churn --backend iommufd --threads 2 "
		  "--ops 1000000 --anchor --json -q" },
		{ "guest/tests/churn.sh", "verify --size 64G --verify 4 --json -q" },
		{ "guest/tests/dmamap.sh", "dmamap --dev /dev/nvme0n1 --iters 20000 --json -q" },
		{ "guest/tests/dmamap.sh", "dmamap --dev 0000:00:1f.7 --iters 10 -q" },
		{ "guest/tests/failalloc.sh", "threads --pattern churn --backend iommufd --threads 2 "
		  "--ops 50000 --make-it-fail --max-errors 1000000000 --json -q" },
		{ "guest/tests/reclaim.sh", "sweep --backend vfio --size 64G --json -q" },
		{ "guest/tests/reclaim.sh", "sweep --backend iommufd --size 256G --json -q" },
		{ "guest/tests/reclaim.sh", "sweep --backend vfio --size 1T --json -q" },
		{ "guest/tests/reclaim.sh", "sweep --backend iommufd --size 16T --json -q" },
		{ "guest/tests/pool.sh", "sweep --backend iommufd --size 64G --shrink --json -q" },
		{ "guest/tests/latency.sh", "sweep --backend iommufd --hugetlb --dma-size 1G "
		  "--size 1G --json -q" },
		{ "guest/tests/latency.sh", "sweep --backend iommufd --hugetlb --dma-size 16G "
		  "--stride 16G --size 32G --json -q" },
		{ "guest/tests/latency.sh", "sweep --backend iommufd --size 1T --json -q" },
		{ "guest/tests/latency.sh", "threads --pattern churn --backend iommufd --threads 2 "
		  "--duration 5 --json -q" },
		{ "guest/tests/sata.sh", "uring --dev /dev/sda --qd 8 --duration 10 --json -q" },
		{ "guest/tests/sata.sh", "uring --dev /dev/nvme0n1 --qd 8 --duration 10 --json -q" },
		{ "guest/tests/sata.sh", "threads --pattern churn --backend iommufd --threads 2 "
		  "--duration 10 --json -q" },
		{ "guest/tests/stats.sh", "threads --pattern churn --backend iommufd --threads 2 "
		  "--duration 6 --json -q" },
		{ "guest/tests/stats.sh", "uring --dev /dev/nvme0n1 --qd 8 --duration 2 -q" },
		{ "guest/tests/uring.sh", "uring --dev /dev/nvme0n1 --qd 32 --duration 5 --json -q" },
		{ "compare.sh", "uring --dev /dev/nvme0n1 --qd 1 --duration 10 --json -q" },
		{ "compare.sh", "uring --dev /dev/nvme0n1 --qd 32 --duration 15 --json -q" },
		{ "compare.sh", "dmamap --dev /dev/nvme0n1 --iters 200000 --json -q" },
		{ "compare.sh", "threads --pattern churn --backend iommufd --threads 2 --duration 10 "
		  "--json -q" },
		{ "compare.sh", "sweep --shrink --json -q -b vfio -s 64G" },
		{ "compare.sh", "sweep --shrink --json -q -b iommufd -s 256G" },
		{ "compare.sh", "sweep --shrink --json -q -b vfio -s 1T" },
		{ "compare.sh", "sweep --shrink --json -q -b iommufd -s 2T" },
		{ "compare.sh", "sweep --shrink --json -q -b vfio -s 16T" },
		{ "dmamap-reclaim.sh", "uring --dev /dev/nvme0n1 --qd 32 --duration 3 -q" },
		{ "dmamap-reclaim.sh", "dmamap --iters 200000 --json -q" },
	};
	struct opts o;

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		char buf[256], *argv[24] = { "iova_stress" }, *save = NULL;
		const char *err;
		int argc = 1, ret;

		snprintf(buf, sizeof(buf), "%s", lines[i].line);
		for (char *t = strtok_r(buf, " ", &save); t && argc < 23; t = strtok_r(NULL, " ", &save))
			argv[argc++] = t;
		argv[argc] = NULL;
		capture_begin(2);
		ret = cli_parse(argc, argv, &o);
		err = capture_end();
		if (ret || err[0] || o.help || o.version)
			t_fail(__FILE__, __LINE__, "%s: 'iova_stress %s' no longer parses: %s",
			       lines[i].where, lines[i].line, err);
		/* and still means what the scripts read from it */
		if (!ret && o.mode != &mode_uring && o.mode != &mode_dmamap && !o.json)
			t_fail(__FILE__, __LINE__, "%s: not --json", lines[i].where);
	}

	/* a few meanings the scripts rely on */
	{
		char *a[] = { "iova_stress", "sweep", "--json", "-q", "-b", "iommufd", "-s", "16T", NULL };
		char *b[] = { "iova_stress", "threads", "--pattern", "churn", "--backend", "iommufd",
			      "--threads", "2", "--ops", "50000", "--make-it-fail", "--max-errors",
			      "1000000000", "--json", "-q", NULL };
		char *c[] = { "iova_stress", "uring", "--dev", "/dev/sda", "--qd", "8", "--duration",
			      "10", "--json", "-q", NULL };

		parse(ARGC(a), a, &o, 0);
		CHECK(o.mode == &mode_sweep && o.backend == BACKEND_IOMMUFD && o.json && o.quiet);
		CHECK_U64(o.size, 16ULL << 40);
		CHECK_U64(o.stride, 2ULL << 20);
		CHECK_U64(o.dma_size, 4096);
		parse(ARGC(b), b, &o, 0);
		CHECK(o.mode == &mode_threads && o.pattern == PAT_CHURN && o.make_it_fail);
		CHECK_U64(o.ops, 50000);
		CHECK_U64(o.max_errors, 1000000000);
		CHECK(o.duration == 0);
		parse(ARGC(c), c, &o, 0);
		CHECK_STR(o.dev, "/dev/sda");
		CHECK_U64(o.qd, 8);
		CHECK(o.duration == 10);
		CHECK_U64(o.bs, 4096);
	}
}

TEST(cli_version)
{
	struct opts o;
	char *a[] = { "iova_stress", "--version", NULL };
	char *b[] = { "iova_stress", "dmamap", "--iters", "5", "--version", NULL };
	char *c[] = { "iova_stress", "uring", "--version=1", NULL };
	const char *out;

	parse(ARGC(a), a, &o, 0);
	CHECK(o.version && !o.help);
	parse(ARGC(b), b, &o, 0);
	CHECK(o.version && o.mode == &mode_dmamap);
	parse(ARGC(c), c, &o, EX_USAGE);
	capture_begin(1);
	cli_version(stdout);
	out = capture_end();
	CHECK(!strncmp(out, "iova_stress ", 12));
	CHECK_INT(count_lines(out), 1);
	CHECK(strchr("0123456789", out[12]));
}

TEST(cli_dmamap)
{
	struct opts o;
	char *a[] = { "iova_stress", "dmamap", NULL };
	char *b[] = { "iova_stress", "dmamap", "--dev", "00:04.0", "--iters", "1", "--warmup",
		      "0", "--json", "-q", NULL };
	char *c[] = { "iova_stress", "dmamap", "--dev=/dev/nvme1n1", "--iters=100000000",
		      "--warmup=100000000", NULL };
	char *d[] = { "iova_stress", "dmamap", "--dev", "0000:00:1f.7", NULL };

	parse(ARGC(a), a, &o, 0);
	CHECK(o.mode == &mode_dmamap);
	CHECK(o.mode_given && !o.json && !o.quiet && !o.help);
	CHECK_STR(o.dev, "/dev/nvme0n1");
	CHECK_U64(o.iters, 100000);
	CHECK_U64(o.warmup, 1000);
	CHECK(!o.mode->uses_backend);
	CHECK_STR(o.mode->name, "dmamap");

	parse(ARGC(b), b, &o, 0);
	CHECK_STR(o.dev, "00:04.0");		/* resolved, and normalised, at run time */
	CHECK_U64(o.iters, 1);
	CHECK_U64(o.warmup, 0);
	CHECK(o.json && o.quiet);

	parse(ARGC(c), c, &o, 0);
	CHECK_STR(o.dev, "/dev/nvme1n1");
	CHECK_U64(o.iters, 100000000);
	CHECK_U64(o.warmup, 100000000);

	parse(ARGC(d), d, &o, 0);
	CHECK_STR(o.dev, "0000:00:1f.7");
}

TEST(cli_help)
{
	struct opts o;
	char *a[] = { "iova_stress", "threads", "--bogus", "--help", NULL };
	char *b[] = { "iova_stress", "help", "uring", NULL };
	char *c[] = { "iova_stress", "-h", NULL };
	char *d[] = { "iova_stress", "dmamap", "--help", NULL };
	char *e[] = { "iova_stress", "uring", "--help", NULL };
	const char *out;

	parse(ARGC(a), a, &o, 0);
	CHECK(o.help);
	CHECK(o.mode == &mode_threads);
	capture_begin(1);
	cli_help(stdout, &o);
	out = capture_end();
	CHECK(strstr(out, "Usage: iova_stress threads"));
	CHECK(strstr(out, "--pattern"));
	CHECK(strstr(out, "serialises"));
	CHECK(!strstr(out, "--qd"));
	CHECK(strstr(out, "7  iommufd missing"));

	parse(ARGC(b), b, &o, 0);
	CHECK(o.help);
	CHECK(o.mode == &mode_uring);
	{
		char *h[] = { "iova_stress", "help", NULL };
		char *hh[] = { "iova_stress", "help", "--help", NULL };

		parse(ARGC(h), h, &o, 0);
		CHECK(o.help && !o.mode_given);
		parse(ARGC(hh), hh, &o, 0);
		CHECK(o.help && !o.mode_given);
	}

	parse(ARGC(c), c, &o, 0);
	CHECK(o.help && !o.mode_given);
	capture_begin(1);
	cli_help(stdout, &o);
	out = capture_end();
	CHECK(strstr(out, "Modes:"));
	CHECK(strstr(out, "--size2"));
	CHECK(strstr(out, "8  DMA verification failed"));
	CHECK(strstr(out, "  dmamap "));

	/* --dev has its own help per mode */
	parse(ARGC(d), d, &o, 0);
	CHECK(o.help && o.mode == &mode_dmamap);
	capture_begin(1);
	cli_help(stdout, &o);
	out = capture_end();
	CHECK(strstr(out, "Usage: iova_stress dmamap"));
	CHECK(strstr(out, "dma_map_bench"));
	CHECK(strstr(out, "--dev PATH|BDF"));
	CHECK(strstr(out, "--iters N"));
	CHECK(strstr(out, "--warmup N"));
	CHECK(!strstr(out, "--qd") && !strstr(out, "block device to read"));
	CHECK(!strstr(out, "SIZE takes"));
	parse(ARGC(e), e, &o, 0);
	capture_begin(1);
	cli_help(stdout, &o);
	out = capture_end();
	CHECK(strstr(out, "--dev PATH "));
	CHECK(strstr(out, "block device to read"));
	CHECK(!strstr(out, "--iters") && !strstr(out, "PATH|BDF"));
}

/*
 * Help of one mode, with each run of blanks made one space (so that a
 * phrase matches across the wrapping) but the exit code lines kept apart.
 */
static const char *mode_help_(const char *mode)
{
	static char flat[1 << 14];
	char *argv[] = { "iova_stress", (char *)mode, "--help", NULL };
	const char *p;
	struct opts o;
	size_t n = 0;

	parse(3, argv, &o, 0);
	CHECK(o.help && o.mode_given);
	capture_begin(1);
	cli_help(stdout, &o);
	p = strstr(capture_end(), "Options:");
	for (; p && *p && n + 1 < sizeof(flat); p++) {
		bool blank = *p == ' ' || *p == '\n';

		if (*p == '\n' && p[1] == ' ' && p[2] == ' ' && p[3] >= '0' && p[3] <= '9')
			flat[n++] = '|';	/* an exit code line */
		else if (!blank || (n && flat[n - 1] != ' '))
			flat[n++] = blank ? ' ' : *p;
	}
	flat[n] = 0;
	return flat;
}
#define mode_help(...) T_CALL(mode_help_(__VA_ARGS__))

TEST(cli_help_per_mode)
{
	const char *out;

	out = mode_help("sweep");
	CHECK(strstr(out, "--size SIZE IOVA space from 0 to sweep (K M G T P units) (default 1T)"));
	CHECK(strstr(out, "edu, 0..100000 (default 0: none)"));
	CHECK(strstr(out, "| 3 --size beyond the IOMMU aperture"));
	CHECK(strstr(out, "| 8 DMA verification failed"));
	CHECK(!strstr(out, "(default 64G)") && !strstr(out, "uring") && !strstr(out, "hook"));
	CHECK(!strstr(out, "partition") && !strstr(out, "threads"));

	out = mode_help("verify");
	CHECK(strstr(out, "sweep (K M G T P units) (default 64G)"));
	CHECK(strstr(out, "1..100000 (default 8)"));
	CHECK(!strstr(out, "1T"));

	out = mode_help("threads");
	CHECK(strstr(out, "SECONDS (like 10, 2.5 or 500ms) (default none; churn and random "
			  "without --ops: 5)"));
	CHECK(strstr(out, "partition, random: IOVA space from 0 (K M G T P units) (default 64G)"));
	CHECK(strstr(out, "(default partition)"));
	CHECK(strstr(out, "| 8 an anchor DMA failed (--anchor)"));
	CHECK(!strstr(out, "(default 10)") && !strstr(out, "uring") && !strstr(out, "1T"));
	CHECK(!strstr(out, "--size2") && !strstr(out, "--keep") && !strstr(out, "--verify"));

	out = mode_help("uring");
	CHECK(strstr(out, "read for SECONDS (like 10, 2.5 or 500ms) (default 10)"));
	CHECK(strstr(out, "queue depth, 1..4096 (default 32)"));
	CHECK(strstr(out, "block device to read (default /dev/nvme0n1)"));
	CHECK(strstr(out, "| 4 no such block device"));
	CHECK(!strstr(out, "| 3 ") && !strstr(out, "| 7 ") && !strstr(out, "| 8 "));
	CHECK(!strstr(out, "--ops") && !strstr(out, "churn") && !strstr(out, "vfio-pci"));

	out = mode_help("dmamap");
	CHECK(strstr(out, "1..100000000 (default 100000)"));
	CHECK(strstr(out, "0..100000000 (default 1000)"));
	CHECK(strstr(out, "| 6 the hook is busy with another run"));
	CHECK(!strstr(out, "| 3 ") && !strstr(out, "| 7 ") && !strstr(out, "| 8 "));
	CHECK(!strstr(out, "iommufd") && !strstr(out, "vfio-pci"));
}

TEST(cli_bdf)
{
	char b[16];

	CHECK_INT(normalize_bdf("0000:00:03.0", b, sizeof(b)), 0);
	CHECK_STR(b, "0000:00:03.0");
	CHECK_INT(normalize_bdf("00:1F.7", b, sizeof(b)), 0);
	CHECK_STR(b, "0000:00:1f.7");
	CHECK_INT(normalize_bdf("ABCD:ff:1f.0", b, sizeof(b)), 0);
	CHECK_STR(b, "abcd:ff:1f.0");
	CHECK_INT(normalize_bdf("0000:00:03.0x", b, sizeof(b)), -1);
	CHECK_INT(normalize_bdf("0000-00:03.0", b, sizeof(b)), -1);
	CHECK_INT(normalize_bdf("", b, sizeof(b)), -1);
	CHECK_INT(normalize_bdf("0:0:3.0", b, sizeof(b)), -1);
	CHECK_INT(normalize_bdf("00:03.0", b, 8), -1);
}

/* Random argument vectors: the parser never crashes and says 0 or 2. */
TEST(cli_fuzz)
{
	static const char *const tok[] = {
		"sweep", "verify", "threads", "uring", "help", "--size", "-s", "--size2",
		"--dma-size", "--stride", "--keep", "--verify", "--backend", "--device",
		"--max-errors", "--seed", "--threads", "--pattern", "--ops", "--duration",
		"--anchor", "--tables", "--dev", "--qd", "--bs", "--json", "--quiet", "-j",
		"-q", "-t", "-p", "-n", "-T", "-b", "-D", "-d", "-S", "-k", "vfio", "iommufd",
		"churn", "random", "partition", "4K", "2M", "1G", "64G", "16T", "0", "1", "7",
		"-1", "0x10", "1e9", "", "-", "--", "---", "--size=", "--size=8G", "=",
		"00:03.0", "0000:00:03.0", "/dev/x", "999999999999999999999", "4KiB",
		"\xff\xfe", "%s%n", "--verify=2", "--qd=4096", "--bs=512", "dmamap",
		"--iters", "--warmup", "100000000", "/dev/nvme0n1", "--dev=00:04.0",
	};
	uint64_t rng = 1;
	struct opts o;

	capture_begin(2);
	for (int i = 0; i < 20000; i++) {
		char *argv[12] = { "iova_stress" };
		int argc = 1 + (int)rng_below(&rng, 10), ret;
		char junk[16];

		for (int k = 1; k < argc; k++) {
			if (rng_below(&rng, 20)) {
				argv[k] = (char *)tok[rng_below(&rng, sizeof(tok) / sizeof(tok[0]))];
			} else {
				size_t n = rng_below(&rng, sizeof(junk));

				for (size_t j = 0; j < n; j++)
					junk[j] = (char)(1 + rng_below(&rng, 255));
				junk[n] = 0;
				argv[k] = junk;
			}
		}
		argv[argc] = NULL;
		ret = cli_parse(argc, argv, &o);
		if (ret != 0 && ret != EX_USAGE) {
			capture_end();
			t_fail(__FILE__, __LINE__, "code %d", ret);
			return;
		}
		if (!ret && !o.help && o.mode->uses_backend)
			CHECK(o.dma_size >= 4096 && o.stride % o.dma_size == 0 &&
			      o.size >= o.stride && o.threads >= 1);
	}
	capture_end();
}
