// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "dmamap.h"
#include "harness.h"
#include "jschema.h"
#include "result.h"
#include "rng.h"
#include "session.h"
#include "threads.h"
#include "uring.h"
#include "version.h"

/* Zeroed figures of the right kind for mode m's report hooks. */
static void *mode_res_for(const struct mode_ops *m)
{
	static struct verify_result v;
	static struct threads_result t;
	static struct uring_result u;
	static struct dmamap_result d;

	memset(&v, 0, sizeof(v));
	memset(&t, 0, sizeof(t));
	memset(&u, 0, sizeof(u));
	memset(&d, 0, sizeof(d));
	if (m == &mode_threads)
		return &t;
	if (m == &mode_uring)
		return &u;
	if (m == &mode_dmamap)
		return &d;
	return &v;
}

static char *render(const struct run_result *r, int what)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (what == 0)
		report_summary_line(f, r);
	else if (what == 1)
		report_human(f, r);
	else
		report_json(f, r);
	fclose(f);
	return buf;
}

static void sweep_result(struct run_result *r)
{
	struct opts o;
	char *argv[] = { "iova_stress", "sweep", "--size", "64G", NULL };

	CHECK_INT(cli_parse(4, argv, &o), 0);
	result_init(r, &o);
	snprintf(r->device, sizeof(r->device), "0000:00:03.0");
	r->group = 5;
	r->pairs = 32767;
	r->skipped = 1;
	r->skipped_iova[0] = 0xfee00000;
	r->wall_ns = 1234000000;
	r->ns_per_pair = 37660.0;
	r->map_ns = (struct lat_summary){ 32767, 12000, 40000, 90000, 1200000, 15000.5 };
	r->unmap_ns = (struct lat_summary){ 32767, 20000, 50000, 95000, 1300000, 22000.25 };
	r->have_pt = true;
	r->before = (struct ptmem){ true, 3, true, 12, true, 4000000, true, 4096 };
	r->after = (struct ptmem){ true, 3 + 32768, true, 12 + 131072, true, 3860000, true, 4096 };
}

TEST(report_summary_line_format)
{
	struct run_result r;
	char *s;

	sweep_result(&r);
	s = render(&r, 0);
	CHECK_STR(s, "dma_size: 4K iova space: 64G iommu: 128M time: 1.234s\n");
	free(s);

	r.after.pages = 3 + 32771;	/* +131084 KiB */
	s = render(&r, 0);
	CHECK_STR(s, "dma_size: 4K iova space: 64G iommu: 128.01M time: 1.234s\n");
	free(s);

	r.after.pages = 1;		/* tables freed below the start */
	s = render(&r, 0);
	CHECK_STR(s, "dma_size: 4K iova space: 64G iommu: -8K time: 1.234s\n");
	free(s);

	r.have_pt = false;
	s = render(&r, 0);
	CHECK_STR(s, "dma_size: 4K iova space: 64G iommu: ? time: 1.234s\n");
	free(s);
}

static const char *const required_keys[] = {
	"{\"tool\":\"iova_stress\",\"version\":\"", "\"schema\":2,\"timestamp\":\"",
	"\"mode\":", "\"backend\":", "\"size_bytes\":", "\"dma_size_bytes\":",
	"\"stride_bytes\":", "\"pairs\":", "\"skipped\":", "\"map_errors\":", "\"wall_ns\":",
	"\"ns_per_pair\":", "\"map_ns\":{\"p50\":", "\"unmap_ns\":{\"p50\":", "\"p99\":",
	"\"max\":", "\"pt_pages_before\":", "\"pt_pages_after\":", "\"pt_kib_delta\":",
	"\"secpt_kib_delta\":", "\"free_kib_delta\":", "\"verify\":", "\"threads\":",
	"\"uring\":", "\"dmamap\":",
};

TEST(report_json_sweep)
{
	struct verify_result v = { 0 };
	struct run_result r;
	char *s;

	sweep_result(&r);
	s = render(&r, 2);
	CHECK_INT(json_validate(s), 0);
	CHECK_INT(count_lines(s), 1);
	for (size_t i = 0; i < sizeof(required_keys) / sizeof(required_keys[0]); i++)
		if (!strstr(s, required_keys[i]))
			t_fail(__FILE__, __LINE__, "key %s missing in %s", required_keys[i], s);
	CHECK(strstr(s, "\"mode\":\"sweep\",\"backend\":\"vfio\""));
	CHECK(strstr(s, "\"wall_ns\":1234000000,"));
	CHECK(strstr(s, "\"size_bytes\":68719476736,"));
	CHECK(strstr(s, "\"dma_size_bytes\":4096,"));
	CHECK(strstr(s, "\"stride_bytes\":2097152,"));
	CHECK(strstr(s, "\"pairs\":32767,"));
	CHECK(strstr(s, "\"skipped\":1,"));
	CHECK(strstr(s, "\"map_ns\":{\"p50\":12000,\"p99\":40000,"));
	CHECK(strstr(s, "\"pt_pages_before\":3,\"pt_pages_after\":32771,\"pt_kib_delta\":131072,"));
	CHECK(strstr(s, "\"secpt_kib_delta\":131072,"));
	CHECK(strstr(s, "\"free_kib_delta\":-140000,"));
	CHECK(strstr(s, "\"verify\":null,\"threads\":null,\"uring\":null,\"dmamap\":null}\n"));
	free(s);

	r.mode_res = &v;
	v.ran = true;
	v.samples = 8;
	v.verified = 8;
	v.faulted_expected = 16;
	s = render(&r, 2);
	CHECK_INT(json_validate(s), 0);
	CHECK(strstr(s, "\"verify\":{\"samples\":8,\"verified\":8,\"failed\":0,"
			"\"faulted_expected\":16,\"unexpected\":0}"));
	free(s);
}

TEST(report_json_threads_uring)
{
	struct run_result r;
	struct threads_result t = { 0 };
	struct uring_result u = { 0 };
	struct opts o;
	char *argv[] = { "iova_stress", "threads", "--pattern", "churn", "--threads", "4", NULL };
	char *argv2[] = { "iova_stress", "uring", "--qd", "32", NULL };
	char *s;

	CHECK_INT(cli_parse(6, argv, &o), 0);
	result_init(&r, &o);
	r.mode_res = &t;
	t.threads = 4;
	t.pattern = PAT_CHURN;
	t.ops = 1000;
	t.ops_per_s = 2500.5;
	t.enomem = 3;
	t.anchor = true;
	t.anchor_dmas = 20;
	s = render(&r, 2);
	CHECK_INT(json_validate(s), 0);
	CHECK(strstr(s, "\"threads\":{\"threads\":4,\"pattern\":\"churn\",\"ops\":1000,"
			"\"ops_per_s\":2500.5,\"enomem\":3,\"errors\":0,"));
	CHECK(strstr(s, "\"anchor_dmas\":20,\"anchor_failures\":0}"));
	CHECK(strstr(s, "\"pt_kib_delta\":null"));
	free(s);
	s = render(&r, 0);
	CHECK(!strncmp(s, "threads: 4 pattern: churn ops: 1000 ops/s: 2500", 47));
	free(s);

	CHECK_INT(cli_parse(4, argv2, &o), 0);
	result_init(&r, &o);
	r.mode_res = &u;
	snprintf(u.dev, sizeof(u.dev), "/dev/nvme0n1");
	u.dev_size = 1ULL << 30;
	u.qd = 32;
	u.duration_ns = 10000000000ULL;
	u.ios = 200000;
	u.iops = 20000;
	u.lat_ns = (struct lat_summary){ 200000, 1500000, 3000000, 4500000, 9000000, 1.6e6 };
	s = render(&r, 2);
	CHECK_INT(json_validate(s), 0);
	CHECK(strstr(s, "\"mode\":\"uring\",\"backend\":null,\"device\":null,\"size_bytes\":null,"));
	CHECK(strstr(s, "\"uring\":{\"dev\":\"/dev/nvme0n1\",\"dev_size_bytes\":1073741824,"
			"\"qd\":32,"));
	CHECK(strstr(s, "\"duration_ns\":10000000000,"));
	CHECK(strstr(s, "\"lat_ns\":{\"p50\":1500000,\"p99\":3000000,\"p999\":4500000,"
			"\"max\":9000000,\"mean\":1600000,\"count\":200000}"));
	CHECK(strstr(s, "\"cpu_busy_ns\":null,\"busy_ns_per_io\":null}"));
	free(s);
	s = render(&r, 1);
	CHECK(strstr(s, "IOPS"));
	CHECK(!strstr(s, "cpu:"));
	free(s);
	u.have_cpu = true;
	u.cpu_busy_ns = 1860000000;
	u.busy_ns_per_io = 9300;
	s = render(&r, 2);
	CHECK_INT(json_validate(s), 0);
	CHECK(strstr(s, "\"cpu_busy_ns\":1860000000,\"busy_ns_per_io\":9300}"));
	free(s);
	s = render(&r, 1);
	CHECK(strstr(s, "1.86 s busy (all CPUs): 9.30 us per read"));
	free(s);
}

/* An interrupted run says so in every mode's report, human and JSON. */
TEST(report_interrupted_every_mode)
{
	struct run_result r;

	for (unsigned m = 0; m < mode_count; m++) {
		char *s;

		sweep_result(&r);
		r.mode = mode_table[m];
		r.mode_res = mode_res_for(r.mode);
		r.wall_ns = 2500000000ULL;
		r.interrupted = false;
		s = render(&r, 1);
		if (strstr(s, "INTERRUPTED"))
			t_fail(__FILE__, __LINE__, "%s: a complete run reads as interrupted",
			       r.mode->name);
		free(s);
		r.interrupted = true;
		s = render(&r, 1);
		if (!strstr(s, "\nINTERRUPTED:     by a signal after 2.500 s: the figures cover only the part that ran\n"))
			t_fail(__FILE__, __LINE__, "%s: the report does not say it was interrupted:\n%s",
			       r.mode->name, s);
		free(s);
		s = render(&r, 2);
		CHECK(strstr(s, "\"interrupted\":true,"));
		free(s);
	}
}

TEST(report_human_and_json_fuzz)
{
	struct run_result r;
	uint64_t rng = 99;

	for (int i = 0; i < 300; i++) {
		char *s;

		sweep_result(&r);
		r.mode = mode_table[rng_below(&rng, mode_count)];
		r.mode_res = rng_below(&rng, 4) || r.mode == &mode_sweep ? mode_res_for(r.mode) :
			     NULL;
		if (!r.mode_res && r.mode != &mode_verify)
			r.mode_res = mode_res_for(r.mode);
		if (r.mode_res && (r.mode == &mode_sweep || r.mode == &mode_verify))
			((struct verify_result *)r.mode_res)->ran = rng_below(&rng, 2);
		r.pairs = rng_next(&rng);
		r.skipped = rng_below(&rng, 10);
		r.map_errors = rng_below(&rng, 3);
		r.last_errno = (int)rng_below(&rng, 140);
		r.wall_ns = rng_next(&rng) >> 10;
		r.ns_per_pair = rng_below(&rng, 2) ? 0.0 / 0.0 : 1.0;
		r.before.pages = rng_next(&rng);
		r.after.pages = rng_next(&rng) >> 20;
		r.have_peak = rng_below(&rng, 2);
		r.have_map_acct = rng_below(&rng, 2);
		r.keep = rng_below(&rng, 2);
		s = render(&r, 2);
		if (json_validate(s))
			t_fail(__FILE__, __LINE__, "invalid JSON: %s", s);
		free(s);
		s = render(&r, 1);
		CHECK(count_lines(s) >= 3);
		free(s);
	}
}

/* What tests/test_dmamap.c's fake hook answers, through dmamap_fill(). */
static void dmamap_result(struct run_result *r, struct dmamap_result *d)
{
	static const struct dmamap_reply rep = {
		.device = "0000:00:04.0", .domain = "dma", .iterations = 100000,
		.map_ns = 81234567, .unmap_ns = 123456789, .total_ns = 214567890,
	};
	struct opts o;
	char *argv[] = { "iova_stress", "dmamap", NULL };

	CHECK_INT(cli_parse(2, argv, &o), 0);
	result_init(r, &o);
	r->started = 1764770709;	/* 2025-12-03T14:05:09Z */
	r->wall_ns = 215100000;
	memset(d, 0, sizeof(*d));
	dmamap_fill(r, d, o.dev, o.warmup, &rep);
}

TEST(report_dmamap)
{
	struct run_result r;
	struct dmamap_result d;
	char *s, want[2048];

	dmamap_result(&r, &d);
	s = render(&r, 0);
	CHECK_STR(s, "dmamap: device 0000:00:04.0 domain dma pairs 100000 map: 812.3ns "
		  "unmap: 1234.6ns pair: 2046.9ns\n");
	free(s);

	s = render(&r, 1);
	CHECK_STR(s,
		  "dmamap: device 0000:00:04.0 domain dma pairs 100000 map: 812.3ns unmap: 1234.6ns pair: 2046.9ns\n"
		  "device:          0000:00:04.0 (/dev/nvme0n1), domain dma (strict invalidation)\n"
		  "pairs:           100000 dma_map_page+dma_unmap_page of 4K, after 1000 untimed\n"
		  "map:                  812.3 ns per call (81234567 ns in all)\n"
		  "unmap:               1234.6 ns per call (123456789 ns in all)\n"
		  "pair:                2046.9 ns map+unmap\n"
		  "loop:                2145.7 ns per pair, whole loop (214567890 ns)\n"
		  "wall time:       0.215 s (the timed write)\n");
	free(s);

	s = render(&r, 2);
	CHECK_INT(json_validate(s), 0);
	CHECK_INT(count_lines(s), 1);
	snprintf(want, sizeof(want),
		 "{\"tool\":\"iova_stress\",\"version\":\"%s\",\"schema\":2,"
		 "\"timestamp\":\"2025-12-03T14:05:09Z\","
		 "\"mode\":\"dmamap\",\"backend\":null,\"device\":\"0000:00:04.0\","
		 "\"size_bytes\":null,\"dma_size_bytes\":4096,\"stride_bytes\":null,"
		 "\"keep\":false,\"hugetlb\":false,\"pairs\":100000,\"skipped\":null,\"map_errors\":null,"
		 "\"unmap_errors\":null,\"aborted\":false,\"interrupted\":false,"
		 "\"wall_ns\":215100000,\"ns_per_pair\":null,\"map_ns\":null,\"unmap_ns\":null,"
		 "\"pt_pages_before\":null,\"pt_pages_after\":null,\"pt_kib_delta\":null,"
		 "\"pt_kib_peak_delta\":null,\"pt_kib_shrunk_delta\":null,\"secpt_kib_delta\":null,\"free_kib_delta\":null,"
		 "\"stat_refreshed\":false,\"aperture_last\":null,\"verify\":null,"
		 "\"threads\":null,\"uring\":null,\"dmamap\":{\"device\":\"0000:00:04.0\","
		 "\"domain\":\"dma\",\"iterations\":100000,\"warmup\":1000,"
		 "\"map_ns_total\":81234567,\"unmap_ns_total\":123456789,\"total_ns\":214567890,"
		 "\"map_ns_per_op\":812.34567,\"unmap_ns_per_op\":1234.56789,"
		 "\"pair_ns\":2046.91356,\"loop_ns_per_pair\":2145.6789}}\n", IST_VERSION);
	CHECK_STR(s, want);
	free(s);

	/* given as a PCI address, the device is not repeated; lazy domain */
	str_copy(d.dev, "0000:00:04.0", sizeof(d.dev));
	str_copy(d.domain, "dma-fq", sizeof(d.domain));
	s = render(&r, 1);
	CHECK(strstr(s, "\ndevice:          0000:00:04.0, domain dma-fq (lazy invalidation, flush queue)\n"));
	free(s);
}

/* A result of mode m as its run fills it in: figures of every kind set. */
static void mode_result(struct run_result *r, const struct mode_ops *m, bool ran)
{
	static const struct dmamap_reply rep = {
		.device = "0000:00:04.0", .domain = "dma-fq", .iterations = 7,
		.map_ns = 7000, .unmap_ns = 9000, .total_ns = 20000,
	};
	char *argv[] = { "iova_stress", (char *)m->name, NULL };
	struct opts o;

	CHECK_INT(cli_parse(2, argv, &o), 0);
	result_init(r, &o);
	r->mode_res = mode_res_for(m);
	r->wall_ns = 1234567;
	r->have_pt = true;
	r->before = (struct ptmem){ true, 3, true, 12, true, 4000000, true, 4096 };
	r->after = (struct ptmem){ true, 9, false, 0, true, 3990000, false, 4096 };
	if (m->uses_backend) {
		snprintf(r->device, sizeof(r->device), "0000:00:03.0");
		r->group = 5;
		r->pairs = 100;
		r->ns_per_pair = 12345.5;
		r->map_ns = (struct lat_summary){ 100, 1000, 2000, 3000, 4000, 1500.25 };
		r->aperture_known = true;
		r->aperture_last = (1ULL << 48) - 1;
	}
	if (m == &mode_sweep || m == &mode_verify) {
		struct verify_result *v = r->mode_res;

		v->ran = ran;
		v->samples = 8;
	} else if (m == &mode_threads) {
		struct threads_result *t = r->mode_res;

		t->threads = 2;
		t->ops = 100;
		t->ops_per_s = ran ? 1e5 : 0.0 / 0.0;
	} else if (m == &mode_uring) {
		struct uring_result *u = r->mode_res;

		snprintf(u->dev, sizeof(u->dev), "/dev/nvme0n1");
		u->ios = 10;
		u->have_cpu = ran;
		u->cpu_busy_ns = 100000;
		u->busy_ns_per_io = 10000;
		u->lat_ns = (struct lat_summary){ 10, 100, 200, 300, 400, 150 };
	} else if (m == &mode_dmamap) {
		dmamap_fill(r, r->mode_res, "/dev/nvme0n1", 3, &rep);
	}
}

/* Every mode's JSON, with and without its optional figures, holds to the schema. */
TEST(report_json_schema_every_mode)
{
	struct run_result r;

	for (unsigned m = 0; m < mode_count; m++)
		for (int ran = 0; ran < 2; ran++) {
			char *s;

			mode_result(&r, mode_table[m], ran);
			r.interrupted = ran;
			s = render(&r, 2);
			CHECK_SCHEMA(s);
			if (!strstr(s, "\"mode\":\"") || strncmp(s, "{\"tool\":\"iova_stress\",", 21))
				t_fail(__FILE__, __LINE__, "%s: %s", mode_table[m]->name, s);
			free(s);
		}
}

/* s with the first occurrence of from replaced by to. */
static char *swap_(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	char *out;

	ASSERT(p);
	ASSERT(asprintf(&out, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from)) > 0);
	return out;
}
#define swap(...) T_CALL(swap_(__VA_ARGS__))

static void schema_refuses_(const char *s, const char *reason)
{
	char why[512];

	if (!result_schema_check(s, why, sizeof(why)))
		t_fail(__FILE__, __LINE__, "the schema accepts %s", s);
	else if (!strstr(why, reason))
		t_fail(__FILE__, __LINE__, "refused for '%s', not '%s'", why, reason);
}
#define schema_refuses(...) T_DO(schema_refuses_(__VA_ARGS__))

/* A key the schema does not know, one missing, one of the wrong kind: refused. */
TEST(report_json_schema_refuses)
{
	static const struct {
		const struct mode_ops *mode;
		const char *from, *to, *reason;
	} cases[] = {
		{ &mode_uring, "{", "{\"extra\":1,", "$: key 'extra' is not in the schema" },
		{ &mode_uring, "\"uring\":{", "\"uring\":{\"lat_us\":null,",
		  "$.uring: key 'lat_us' is not in the schema" },
		{ &mode_uring, "\"lat_ns\":{", "\"lat_ns\":{\"p90\":1,",
		  "$.uring.lat_ns: key 'p90' is not in the schema" },
		{ &mode_uring, "\"wall_ns\":1234567,", "", "required key 'wall_ns' missing" },
		{ &mode_uring, "\"schema\":2,", "", "required key 'schema' missing" },
		{ &mode_uring, "\"schema\":2,", "\"schema\":1,", "$.schema: value not in the enum" },
		{ &mode_uring, "\"busy_ns_per_io\":10000", "\"busy_us_per_io\":10",
		  "required key 'busy_ns_per_io' missing" },
		{ &mode_uring, "\"backend\":null", "\"backend\":\"vfio\"",
		  "no oneOf branch matches" },
		{ &mode_dmamap, "\"map_ns_total\":7000", "\"map_ns_total\":7000.5",
		  "$.dmamap.map_ns_total: not of type integer" },
		{ &mode_dmamap, "\"map_ns_total\":7000", "\"map_ns\":7000",
		  "required key 'map_ns_total' missing" },
		{ &mode_uring, "\"dmamap\":null", "\"dmamap\":{}",
		  "$.dmamap: required key 'device' missing" },
		{ &mode_sweep, "\"mode\":\"sweep\"", "\"mode\":\"sweeps\"",
		  "$.mode: value not in the enum" },
		{ &mode_sweep, "\"threads\":null", "\"threads\":{}",
		  "$.threads: required key 'threads' missing" },
		{ &mode_threads, "\"pattern\":\"partition\"", "\"pattern\":\"spiral\"",
		  "$.threads.pattern: value not in the enum" },
		{ &mode_verify, "\"samples\":8", "\"samples\":\"8\"",
		  "$.verify.samples: not of type integer" },
	};
	struct run_result r;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s, *bad;

		mode_result(&r, cases[i].mode, true);
		s = render(&r, 2);
		CHECK_SCHEMA(s);
		bad = swap(s, cases[i].from, cases[i].to);
		schema_refuses(bad, cases[i].reason);
		free(bad);
		free(s);
	}
}
