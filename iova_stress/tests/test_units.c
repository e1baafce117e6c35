// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "harness.h"
#include "units.h"

/*
 * tests/sizes.tsv: the size grammar's cases, shared with the lab's Python
 * (scripts/report/tests/test_sizes.py).  Found from the working directory
 * (make test runs in iova_stress/) or from the runner's own path.
 */
static FILE *open_sizes_tsv(void)
{
	char exe[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n;
	FILE *f = fopen("tests/sizes.tsv", "r");

	if (f)
		return f;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (strrchr(exe, '/'))
		*strrchr(exe, '/') = '\0';
	snprintf(path, sizeof(path), "%s/../tests/sizes.tsv", exe);
	return fopen(path, "r");
}

/* A field of the table: \t \n \r \\ and \xHH decoded, in place. */
static char *unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (*r != '\\' || !r[1]) {
			*w++ = *r;
			continue;
		}
		r++;
		if (*r == 't')
			*w++ = '\t';
		else if (*r == 'n')
			*w++ = '\n';
		else if (*r == 'r')
			*w++ = '\r';
		else if (*r == 'x' && r[1] && r[2]) {
			char hex[3] = { r[1], r[2], 0 };

			*w++ = (char)strtol(hex, NULL, 16);
			r += 2;
		} else
			*w++ = *r;
	}
	*w = '\0';
	return s;
}

/* What a size option makes of s: parse_size(), and 0 is too small. */
static int size_option(const char *s, uint64_t *v)
{
	int ret = parse_size(s, v);

	return !ret && *v == 0 ? UNITS_TOO_SMALL : ret;
}

/* The message of iova_stress --size=s, "" if it is accepted. */
static const char *size_message(const char *s)
{
	static char arg[600];
	char *argv[] = { "iova_stress", arg, NULL };
	struct opts o;

	snprintf(arg, sizeof(arg), "--size=%s", s);
	capture_begin(2);
	cli_parse(2, argv, &o);
	return capture_end();
}

TEST(units_sizes_table)
{
	static const char *const kinds[] = { "bad", "too-large", "too-small" };
	static const int errs[] = { UNITS_BAD, UNITS_TOO_LARGE, UNITS_TOO_SMALL };
	char line[1024], want[600];
	FILE *f = open_sizes_tsv();
	int lineno = 0, rows = 0;

	ASSERT(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		char *in, *exp, *msg;
		uint64_t v = 0;
		int ret, kind = -1;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		in = line;
		exp = strchr(in, '\t');
		if (!exp) {
			t_fail(__FILE__, __LINE__, "sizes.tsv:%d: no tab", lineno);
			continue;
		}
		*exp++ = '\0';
		msg = strchr(exp, '\t');
		if (msg)
			*msg++ = '\0';
		unescape(in);
		rows++;
		ret = size_option(in, &v);
		if (exp[0] >= '0' && exp[0] <= '9') {
			if (ret || v != strtoull(exp, NULL, 10))
				t_fail(__FILE__, __LINE__, "sizes.tsv:%d: parse_size(\"%s\"): %d, %llu; want %s",
				       lineno, in, ret, (unsigned long long)v, exp);
			continue;
		}
		for (int k = 0; k < 3; k++)
			if (!strcmp(exp, kinds[k]))
				kind = k;
		if (kind < 0) {
			t_fail(__FILE__, __LINE__, "sizes.tsv:%d: unknown kind '%s'", lineno, exp);
			continue;
		}
		if (ret != errs[kind])
			t_fail(__FILE__, __LINE__, "sizes.tsv:%d: parse_size(\"%s\"): %d, want %s (%d)",
			       lineno, in, ret, exp, errs[kind]);
		snprintf(want, sizeof(want), "iova_stress: %s\n", msg ? unescape(msg) : "");
		if (strcmp(size_message(in), want))
			t_fail(__FILE__, __LINE__, "sizes.tsv:%d: --size=%s: '%s', want '%s'", lineno,
			       in, size_message(in), want);
	}
	fclose(f);
	CHECK(rows > 80);
}

TEST(units_parse_size_valid)
{
	static const struct {
		const char *s;
		uint64_t v;
	} ok[] = {
		{ "0", 0 }, { "4096", 4096 }, { "0x1000", 4096 }, { "4K", 4096 },
		{ "4k", 4096 }, { "2M", 2 << 20 }, { "1G", 1ULL << 30 },
		{ "64G", 64ULL << 30 }, { "16T", 16ULL << 40 }, { "1P", 1ULL << 50 },
		{ "2E", 2ULL << 60 }, { "64GiB", 64ULL << 30 }, { "64GB", 64ULL << 30 },
		{ "512B", 512 }, { "15E", 15ULL << 60 }, { "18446744073709551615", UINT64_MAX },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t v = 1234;

		CHECK_INT(parse_size(ok[i].s, &v), 0);
		CHECK_U64(v, ok[i].v);
	}
}

TEST(units_parse_size_invalid)
{
	static const char *const bad[] = {
		"", "G", "-1", "+4K", " 4K", "4K ", "4 K", "4Q", "4KK", "4Ki", "4KiBB",
		"1.5G", "0x", "0xG", "4K\n", "1e3", "K4", "99999999999999999999Q",
	};
	/* well formed, but beyond 64 bits */
	static const char *const big[] = {
		"16E", "18446744073709551616", "99999999999999999999T", "0x10000000000000000",
		"17179869184G",
	};
	uint64_t v = 77;
	int ret;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ret = parse_size(bad[i], &v);
		if (ret != UNITS_BAD)
			t_fail(__FILE__, __LINE__, "parse_size(\"%s\"): %d, not UNITS_BAD", bad[i], ret);
	}
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		ret = parse_size(big[i], &v);
		if (ret != UNITS_TOO_LARGE)
			t_fail(__FILE__, __LINE__, "parse_size(\"%s\"): %d, not UNITS_TOO_LARGE",
			       big[i], ret);
	}
	CHECK_INT(parse_size(NULL, &v), UNITS_BAD);
	CHECK_U64(v, 77);
}

TEST(units_parse_uint_and_seconds)
{
	uint64_t v;
	double d;

	CHECK_INT(parse_uint("8", 1, 16, &v), 0);
	CHECK_U64(v, 8);
	CHECK_INT(parse_uint("0", 1, 16, &v), UNITS_TOO_SMALL);
	CHECK_INT(parse_uint("17", 1, 16, &v), UNITS_TOO_LARGE);
	CHECK_INT(parse_uint("18446744073709551616", 0, UINT64_MAX, &v), UNITS_TOO_LARGE);
	CHECK_INT(parse_uint("18446744073709551616x", 0, UINT64_MAX, &v), UNITS_BAD);
	CHECK_INT(parse_uint("4K", 0, 100000, &v), -1);
	CHECK_INT(parse_uint("-3", 0, 10, &v), -1);
	CHECK_INT(parse_uint("", 0, 10, &v), -1);

	CHECK_INT(parse_seconds("10", &d), 0);
	CHECK(d == 10.0);
	CHECK_INT(parse_seconds("2.5s", &d), 0);
	CHECK(d == 2.5);
	CHECK_INT(parse_seconds("500ms", &d), 0);
	CHECK(d > 0.4999 && d < 0.5001);
	CHECK_INT(parse_seconds("0", &d), UNITS_TOO_SMALL);
	CHECK_INT(parse_seconds("-1", &d), -1);
	CHECK_INT(parse_seconds("nan", &d), -1);
	CHECK_INT(parse_seconds("inf", &d), -1);
	CHECK_INT(parse_seconds("1e99", &d), UNITS_TOO_LARGE);
	CHECK_INT(parse_seconds("10m", &d), -1);
	CHECK_INT(parse_seconds("", &d), -1);
	CHECK_INT(parse_seconds("0x10", &d), -1);
}

TEST(units_format)
{
	char b[32];

	CHECK_STR(fmt_size(b, sizeof(b), 0), "0");
	CHECK_STR(fmt_size(b, sizeof(b), 512), "512B");
	CHECK_STR(fmt_size(b, sizeof(b), 4096), "4K");
	CHECK_STR(fmt_size(b, sizeof(b), 64ULL << 30), "64G");
	CHECK_STR(fmt_size(b, sizeof(b), 16ULL << 40), "16T");
	CHECK_STR(fmt_size(b, sizeof(b), 131072ULL * 1024), "128M");
	CHECK_STR(fmt_size(b, sizeof(b), 131084ULL * 1024), "128.01M");
	CHECK_STR(fmt_size(b, sizeof(b), 2052ULL << 20), "2.00G");
	CHECK_STR(fmt_size(b, sizeof(b), UINT64_MAX), "16.00E");
	CHECK_STR(fmt_ssize(b, sizeof(b), -8192), "-8K");
	CHECK_STR(fmt_ssize(b, sizeof(b), 8192), "+8K");
	CHECK_STR(fmt_ssize(b, sizeof(b), INT64_MIN), "-8E");
	CHECK_STR(fmt_ns(b, sizeof(b), 850), "850ns");
	CHECK_STR(fmt_ns(b, sizeof(b), 12345), "12.3us");
	CHECK_STR(fmt_ns(b, sizeof(b), 1.2e6), "1.20ms");
	CHECK_STR(fmt_ns(b, sizeof(b), 2.5e9), "2.500s");
	CHECK_STR(fmt_ns(b, sizeof(b), -1), "-");
}

TEST(units_roundtrip)
{
	char b[32];

	/* every exact power-of-two size prints in a form that parses back */
	for (unsigned s = 10; s < 64; s++) {
		uint64_t v = 1ULL << s, w = 0;

		fmt_size(b, sizeof(b), v);
		CHECK_INT(parse_size(b, &w), 0);
		CHECK_U64(w, v);
	}
}
