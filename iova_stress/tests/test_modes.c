// SPDX-License-Identifier: GPL-2.0
/*
 * The real sweep and threads modes against the mock backend (mock.h):
 * counts, skips, errors, page-table deltas, JSON and exit codes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "harness.h"
#include "jschema.h"
#include "mode.h"
#include "mock.h"


static char *procdir;
static char out[1 << 16], err[1 << 16];

static const struct pci_dev edu = {
	.bdf = "0000:00:03.0", .vendor = 0x1234, .device = 0x11e8, .group = 5, .cdev = 0,
};

static void cleanup(void)
{
	mock_free();
	tmpdir_remove(procdir);
}

static void setup(void)
{
	if (!procdir) {
		procdir = tmpdir_make();
		atexit(cleanup);
	}
	mock_reset(procdir);
}

/* Run a mode with argv (NULL-terminated); stdout/stderr into out/err. */
static int run_(const char *const *args)
{
	char *argv[32] = { "iova_stress" };
	const struct app_env env = { 0, "/nonexistent", procdir, "/nonexistent", NULL };
	struct opts o;
	int argc = 1, ret;

	for (; args[argc - 1] && argc < 31; argc++)
		argv[argc] = (char *)args[argc - 1];
	argv[argc] = NULL;
	ret = cli_parse(argc, argv, &o);
	if (ret) {
		t_fail(__FILE__, __LINE__, "cli_parse failed");
		return ret;
	}
	capture_begin(2);
	capture_begin(1);
	ret = o.mode->run(&o, &env, &edu);
	snprintf(out, sizeof(out), "%s", capture_end());
	snprintf(err, sizeof(err), "%s", capture_end());
	return ret;
}
#define run(...) T_CALL(run_(__VA_ARGS__))

/* Number under "key" in the n-th JSON line of out (NAN: absent/null). */
static double num(int line, const char *key)
{
	char pat[64];
	const char *p = out, *q;

	for (int i = 0; i < line && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return NAN;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	q = strstr(p, pat);
	if (!q || (strchr(p, '\n') && q > strchr(p, '\n')))
		return NAN;
	q += strlen(pat);
	if (!strncmp(q, "null", 4))
		return NAN;
	return strtod(q, NULL);
}

static bool json_lines_valid(int want)
{
	char buf[sizeof(out)];
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", out);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"), n++)
		if (json_validate(line))
			return false;
	CHECK_SCHEMA(out);
	return n == want;
}

TEST(modes_sweep_measures_tables)
{
	static const char *const a[] = { "sweep", "--size", "4G", "--json", "-q", NULL };

	setup();
	CHECK_INT(run(a), 0);
	CHECK(json_lines_valid(1));
	/* 2048 slots, the one at 0xfee00000 skipped */
	CHECK(num(0, "pairs") == 2047);
	CHECK(num(0, "skipped") == 1);
	CHECK(num(0, "map_errors") == 0);
	/* vanilla model: 2047 leaf + 4 level-2 + 1 level-3 tables stay */
	CHECK(num(0, "pt_pages_before") == 3);
	CHECK(num(0, "pt_pages_after") == 3 + 2052);
	CHECK(num(0, "pt_kib_delta") == 2052 * 4);
	CHECK(num(0, "secpt_kib_delta") == 0);
	CHECK(num(0, "size_bytes") == 4294967296.0);
	CHECK(num(0, "p50") >= 0);
	CHECK(isnan(num(0, "pt_kib_peak_delta")));
	CHECK_U64(mock.maps, 2047);
	CHECK_U64(mock.unmaps, 2047);
	CHECK_U64(mock.max_live, 1);
	CHECK_U64(mock.mapped.used, 0);
	CHECK_STR(err, "");
}

TEST(modes_sweep_human_report)
{
	static const char *const a[] = { "--size", "1G", "-q", NULL };

	setup();
	CHECK_INT(run(a), 0);
	CHECK(!strncmp(out, "dma_size: 4K iova space: 1G iommu: 2.01M time: ", 47));
	CHECK(strstr(out, "\npairs:           512\n"));
	CHECK(strstr(out, "nr_iommu_pages 3 -> 517: +514 pages = +2056 KiB"));
}

TEST(modes_sweep_keep_size2)
{
	static const char *const a[] = { "sweep", "--keep", "--size", "1G", "--size2", "2G",
					 "--json", "-q", NULL };

	setup();
	CHECK_INT(run(a), 0);
	CHECK(json_lines_valid(2));
	CHECK(num(0, "pairs") == 512);
	CHECK(num(0, "pt_kib_peak_delta") == 514 * 4);
	CHECK(num(0, "pt_kib_delta") == 514 * 4);
	/* second run in the same container: only 1G..2G is new */
	CHECK(num(1, "pairs") == 1024);
	CHECK(num(1, "pt_kib_delta") == 513 * 4);
	CHECK_U64(mock.max_live, 1024);
	CHECK_U64(mock.mapped.used, 0);
}

/* --shrink writes vm.drop_caches and measures again; no file, no figure. */
TEST(modes_sweep_shrink)
{
	static const char *const a[] = { "sweep", "--shrink", "--size", "1G", "--json", "-q",
					 NULL };
	static const char *const b[] = { "sweep", "--size", "1G", "--json", "-q", NULL };
	char path[512], got[8] = "";
	FILE *f;

	setup();
	write_file(procdir, "sys/vm/drop_caches", "");
	CHECK_INT(run(a), 0);
	CHECK(json_lines_valid(1));
	/* the mock keeps its tables, as vanilla does: nothing more to give back */
	CHECK(num(0, "pt_kib_shrunk_delta") == 514 * 4);
	snprintf(path, sizeof(path), "%s/sys/vm/drop_caches", procdir);
	f = fopen(path, "r");
	CHECK(f && fgets(got, sizeof(got), f));
	if (f)
		fclose(f);
	CHECK(!strcmp(got, "2\n"));

	setup();
	CHECK_INT(run(b), 0);
	CHECK(isnan(num(0, "pt_kib_shrunk_delta")));

	setup();
	remove(path);
	CHECK_INT(run(a), 0);
	CHECK(isnan(num(0, "pt_kib_shrunk_delta")));
	CHECK(strstr(err, "iova_stress: warning: --shrink: cannot write "));
}

/*
 * --hugetlb takes 1G pages, here none are reserved: the error says how
 * many it wanted and how to reserve them.  16G is accepted with it only.
 */
TEST(modes_sweep_hugetlb_without_pages)
{
	static const char *const a[] = { "sweep", "--hugetlb", "--dma-size", "16G",
					 "--size", "16G", "-q", NULL };

	setup();
	CHECK_INT(run(a), EX_FAIL);
	CHECK(strstr(err, "cannot allocate 17G of 1G hugetlb pages for a 16G mapping"));
	CHECK(strstr(err, "hugepagesz=1G hugepages=N"));
	CHECK_U64(mock.mapped.used, 0);
}

TEST(modes_sweep_msi_einval_without_ranges)
{
	static const char *const a[] = { "--size", "8G", "--json", "-q", "--stride", "1G",
					 "--dma-size", "4K", NULL };
	static const char *const b[] = { "--size", "8G", "--json", "-q", NULL };

	setup();
	mock.aperture_unknown = true;
	CHECK_INT(run(a), 0);
	CHECK(num(0, "pairs") == 8);
	CHECK(num(0, "skipped") == 0);
	CHECK(isnan(num(0, "aperture_last")));
	setup();
	mock.aperture_unknown = true;
	CHECK_INT(run(b), 0);			/* EINVAL at 0xfee00000: skipped */
	CHECK(num(0, "pairs") == 4095);
	CHECK(num(0, "skipped") == 1);
	CHECK(num(0, "map_errors") == 0);
}

TEST(modes_sweep_errors)
{
	static const char *const a[] = { "--size", "1G", "--json", "-q", NULL };
	static const char *const b[] = { "--size", "1G", "--json", "-q", "--max-errors", "2",
					 NULL };

	setup();
	mock.enomem_every = 100;
	CHECK_INT(run(a), EX_FAIL);
	CHECK(num(0, "map_errors") == 5);
	CHECK(num(0, "pairs") == 507);
	CHECK(strstr(err, "Cannot allocate memory"));
	CHECK(strstr(err, "iova_stress: 5 map and 0 unmap errors\n"));
	CHECK(strstr(out, "\"aborted\":false"));

	setup();
	mock.enomem_every = 10;
	CHECK_INT(run(b), EX_FAIL);
	CHECK(strstr(out, "\"aborted\":true"));
	CHECK(num(0, "map_errors") == 3);
	CHECK(strstr(err, "iova_stress: aborted after 3"));
	CHECK_U64(mock.mapped.used, 0);
}

TEST(modes_sweep_aperture_and_busy)
{
	static const char *const a[] = { "--size", "512T", "-q", NULL };
	static const char *const b[] = { "--size", "1T", "-q", NULL };
	static const char *const c[] = { "--size", "64G", "--size2", "1T", "-q", NULL };

	setup();
	CHECK_INT(run(a), EX_APERTURE);
	CHECK_STR(err, "iova_stress: --size 512T is beyond the IOMMU aperture: maximum is 256T "
		  "(last IOVA 0xffffffffffff)\n");
	CHECK_STR(out, "");
	setup();
	mock.aperture_last = (1ULL << 39) - 1;	/* QEMU's default aw-bits=39 */
	CHECK_INT(run(b), EX_APERTURE);
	CHECK(strstr(err, "maximum is 512G"));
	setup();
	mock.aperture_last = (1ULL << 39) - 1;
	CHECK_INT(run(c), EX_APERTURE);		/* checked before the first run */
	CHECK(strstr(err, "--size2 1T"));
	CHECK_U64(mock.maps, 0);
	setup();
	mock.open_ret = EX_BUSY;
	CHECK_INT(run(b), EX_BUSY);
	CHECK_INT(count_lines(err), 1);
}

TEST(modes_sweep_memory_warning)
{
	static const char *const a[] = { "--size", "1G", NULL };

	setup();
	write_file(procdir, "meminfo", "MemAvailable:    1000 kB\nSecPageTables:      12 kB\n");
	CHECK_INT(run(a), 0);
	CHECK(strstr(err, "iova_stress: warning: a kernel that keeps empty page tables needs ~2.01M"));
	CHECK(strstr(err, "MemAvailable is 1000K"));
}

TEST(modes_threads_partition)
{
	static const char *const a[] = { "threads", "-t", "3", "--size", "4G", "--json", "-q",
					 NULL };

	setup();
	CHECK_INT(run(a), 0);
	CHECK(json_lines_valid(1));
	CHECK(num(0, "ops") == 2047);
	CHECK(num(0, "pairs") == 2047);
	CHECK(num(0, "skipped") == 1);
	CHECK(num(0, "pt_kib_delta") == 2052 * 4);
	CHECK(num(0, "errors") == 0);
	CHECK(num(0, "leftover_bytes") == 0);
	CHECK(strstr(out, "\"pattern\":\"partition\""));
}

TEST(modes_threads_churn)
{
	static const char *const a[] = { "threads", "-t", "4", "-p", "churn", "--ops", "20000",
					 "-b", "iommufd", "--json", "-q", NULL };

	setup();
	CHECK_INT(run(a), 0);
	CHECK(num(0, "ops") >= 20000);
	CHECK(num(0, "errors") == 0);
	CHECK(num(0, "enomem") == 0);
	CHECK(num(0, "leftover_bytes") == 0);
	CHECK(num(0, "anchor_dmas") == 0);
	/* 4 leaf tables straddling 8G, under 2 level-2 tables */
	CHECK(mock.min_iova >= 8 * SZ_1G - 2 * SZ_2M);
	CHECK(mock.max_iova < 8 * SZ_1G + 2 * SZ_2M);
	CHECK_U64(mock.leaf.used, 4);
	CHECK_U64(mock.l2.used, 2);
	CHECK(mock.max_live >= 2);
	CHECK_U64(mock.mapped.used, 0);
	CHECK(strstr(out, "\"backend\":\"iommufd\""));
}

TEST(modes_threads_random_enomem)
{
	static const char *const a[] = { "threads", "-t", "3", "-p", "random", "--ops", "5000",
					 "--size", "1G", "--json", "-q", NULL };

	setup();
	mock.enomem_every = 13;
	CHECK_INT(run(a), 0);			/* ENOMEM is counted, not fatal */
	CHECK(num(0, "ops") >= 5000);
	CHECK(num(0, "enomem") > 0);
	CHECK(num(0, "errors") == 0);
	CHECK(num(0, "leftover_bytes") == 0);
	CHECK(mock.max_iova < SZ_1G);
	CHECK(mock.max_live > 3);
	CHECK_U64(mock.mapped.used, 0);
}

TEST(modes_threads_duration)
{
	static const char *const a[] = { "threads", "-p", "churn", "--duration", "200ms",
					 "--tables", "1", "--json", "-q", NULL };
	double w;

	setup();
	CHECK_INT(run(a), 0);
	w = num(0, "wall_ns") / 1e9;
	CHECK(w >= 0.2 && w < 5);
	CHECK(num(0, "ops") > 0);
	CHECK_U64(mock.leaf.used, 1);
	CHECK_U64(mock.mapped.used, 0);
}

TEST(modes_threads_make_it_fail)
{
	/* one thread: the fake thread-self is one file for all threads */
	static const char *const a[] = { "threads", "-t", "1", "-p", "churn", "--ops", "2000",
					 "--make-it-fail", "--json", "-q", NULL };

	setup();
	write_file(procdir, "thread-self/make-it-fail", "0\n");
	mock.watch_make_it_fail = true;
	mock.enomem_every = 7;
	CHECK_INT(run(a), 0);			/* ENOMEM is counted, not fatal */
	CHECK(num(0, "enomem") > 0);
	CHECK(num(0, "errors") == 0);
	CHECK(strstr(out, "\"make_it_fail\":true"));
	/* every map ran with injection on; it is off again at the end */
	CHECK(mock.map_calls > 0);
	CHECK_U64(mock.maps_failing, mock.map_calls);
	CHECK(mock_make_it_fail_value() == '0');
}

TEST(modes_threads_make_it_fail_unavailable)
{
	static const char *const a[] = { "threads", "-p", "churn", "--ops", "100",
					 "--make-it-fail", "-q", NULL };

	setup();
	remove(mock_make_it_fail_path());
	CHECK_INT(run(a), EX_FAIL);
	CHECK(strstr(err, "--make-it-fail: cannot write"));
	CHECK(strstr(err, "CONFIG_FAULT_INJECTION"));
	CHECK_U64(mock.map_calls, 0);		/* nothing ran */
}

TEST(modes_threads_without_make_it_fail)
{
	static const char *const a[] = { "threads", "-p", "churn", "--ops", "200",
					 "--json", "-q", NULL };

	setup();
	write_file(procdir, "thread-self/make-it-fail", "0\n");
	mock.watch_make_it_fail = true;
	CHECK_INT(run(a), 0);
	CHECK(mock.map_calls > 0);
	CHECK_U64(mock.maps_failing, 0);
	CHECK(strstr(out, "\"make_it_fail\":false"));
}

/* The mock has no edu: the verify mode reports what it got to, in the schema. */
TEST(modes_verify_without_edu)
{
	static const char *const a[] = { "verify", "--size", "1G", "--verify", "2", "--json", "-q",
					 NULL };

	setup();
	CHECK_INT(run(a), EX_FAIL);
	CHECK(json_lines_valid(1));
	CHECK(strstr(out, "\"mode\":\"verify\","));
	CHECK(strstr(out, "\"verify\":{\"samples\":0,"));
	CHECK(strstr(err, "mock: no device fd"));
	CHECK_U64(mock.mapped.used, 0);
}

/* Every JSON line the modes print against the mock holds to the schema. */
TEST(modes_json_schema)
{
	static const char *const runs[][16] = {
		{ "sweep", "--size", "4G", "--json", "-q" },
		{ "sweep", "--keep", "--size", "1G", "--size2", "2G", "--json", "-q" },
		{ "sweep", "--size", "1G", "--max-errors", "0", "--json", "-q" },
		{ "threads", "-t", "2", "--size", "1G", "--json", "-q" },
		{ "threads", "-p", "churn", "--ops", "2000", "-b", "iommufd", "--json", "-q" },
		{ "threads", "-p", "random", "--ops", "2000", "--size", "1G", "--json", "-q" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(runs); i++) {
		const char *a[17];
		size_t n = 0;

		for (; n < 16 && runs[i][n]; n++)
			a[n] = runs[i][n];
		a[n] = NULL;
		setup();
		if (i == 2)
			mock.enomem_every = 3;
		run(a);
		CHECK_SCHEMA(out);
	}
}
