// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "cpustat.h"
#include "harness.h"

/* Two CPUs, as a 6.12 guest prints it (user nice system idle iowait irq softirq steal guest guest_nice). */
static const char stat_612[] =
	"cpu  24 0 551 2195 1283 7 12 0 3 0\n"
	"cpu0 12 0 300 1000 700 3 6 0 3 0\n"
	"cpu1 12 0 251 1195 583 4 6 0 0 0\n"
	"intr 123 4 5\n"
	"ctxt 999\n";

TEST(cpustat_parse_sums_busy_and_idle)
{
	struct cpustat c;

	CHECK_INT(cpustat_parse(stat_612, &c), 0);
	CHECK(c.ok);
	/* guest (3) is already inside user: not counted twice */
	CHECK_U64(c.busy, 24 + 0 + 551 + 7 + 12 + 0);
	CHECK_U64(c.idle, 2195 + 1283);

	/* an old kernel's five fields: no irq, softirq or steal */
	CHECK_INT(cpustat_parse("cpu 1 2 3 4 5\n", &c), 0);
	CHECK_U64(c.busy, 6);
	CHECK_U64(c.idle, 9);
}

TEST(cpustat_parse_rejects_bad_text)
{
	struct cpustat c;

	CHECK_INT(cpustat_parse("", &c), -1);
	CHECK(!c.ok);
	/* per-CPU lines alone are not the total */
	CHECK_INT(cpustat_parse("cpu0 1 2 3 4 5\nintr 1\n", &c), -1);
	CHECK_INT(cpustat_parse("cpu  1 2 3\n", &c), -1);
	CHECK_INT(cpustat_parse("cpu  x 2 3 4 5\n", &c), -1);
	CHECK_INT(cpustat_parse("cpu  99999999999999999999999 2 3 4 5\n", &c), -1);
	CHECK(!c.ok);
}

TEST(cpustat_busy_seconds)
{
	struct cpustat a = { true, 100, 1000 }, b = { true, 286, 2814 };
	double s = -1;

	CHECK(cpustat_busy_s(&a, &b, 100, &s));
	CHECK(s > 1.859 && s < 1.861);
	/* backwards counters, a failed reading or a bad USER_HZ: no figure */
	CHECK(!cpustat_busy_s(&b, &a, 100, &s));
	CHECK(!cpustat_busy_s(&a, &b, 0, &s));
	b.ok = false;
	CHECK(!cpustat_busy_s(&a, &b, 100, &s));
}

TEST(cpustat_read_from_procfs)
{
	char *dir = tmpdir_make();
	struct cpustat c;

	cpustat_read(dir, &c);
	CHECK(!c.ok);
	write_file(dir, "stat", stat_612);
	cpustat_read(dir, &c);
	CHECK(c.ok);
	CHECK_U64(c.idle, 3478);
	tmpdir_remove(dir);
}
