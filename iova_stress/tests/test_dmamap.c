// SPDX-License-Identifier: GPL-2.0
/*
 * dmamap: the hook's answer, --dev against fake sysfs trees, and the mode
 * against a fake hook behind its I/O seam (struct dmamap_io).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "app.h"
#include "common.h"
#include "dmamap.h"
#include "harness.h"
#include "jschema.h"

#define GOOD "device=0000:00:04.0 domain=dma iterations=100000 map_ns=81234567 " \
	     "unmap_ns=123456789 total_ns=214567890\n"

static int parse_(const char *line, struct dmamap_reply *rep)
{
	char why[128] = "";
	int ret = dmamap_parse(line, rep, why, sizeof(why));

	/* a refusal always says why */
	CHECK(ret == 0 || why[0]);
	return ret;
}
#define parse(...) T_CALL(parse_(__VA_ARGS__))

TEST(dmamap_parse_good)
{
	struct dmamap_reply rep;

	CHECK_INT(parse(GOOD, &rep), 0);
	CHECK_STR(rep.device, "0000:00:04.0");
	CHECK_STR(rep.domain, "dma");
	CHECK_U64(rep.iterations, 100000);
	CHECK_U64(rep.map_ns, 81234567);
	CHECK_U64(rep.unmap_ns, 123456789);
	CHECK_U64(rep.total_ns, 214567890);

	/* any order, extra blanks, no newline, unknown keys (even valueless) */
	CHECK_INT(parse("  total_ns=3 cpu=1 unmap_ns=2\tmap_ns=1 iterations=1 "
			"domain=dma-fq flush=  device=0000:00:04.0 future_key=a=b", &rep), 0);
	CHECK_STR(rep.domain, "dma-fq");
	CHECK_U64(rep.map_ns, 1);
	CHECK_U64(rep.unmap_ns, 2);
	CHECK_U64(rep.total_ns, 3);
	CHECK_INT(parse("device=0000:00:04.0 domain=dma iterations=1 map_ns=0 unmap_ns=0 "
			"total_ns=18446744073709551615\n", &rep), 0);
	CHECK_U64(rep.total_ns, UINT64_MAX);
}

TEST(dmamap_parse_bad)
{
	static const char *const bad[] = {
		"",					/* before any write */
		"\n",
		"device=0000:00:04.0 domain=dma iterations=100000 map_ns=1 unmap_ns=2\n",
		"domain=dma iterations=100000 map_ns=1 unmap_ns=2 total_ns=3\n",
		"device=0000:00:04.0 iterations=100000 map_ns=1 unmap_ns=2 total_ns=3\n",
		"device=0000:00:04.0 domain=dma map_ns=1 unmap_ns=2 total_ns=3\n",
		"device=0000:00:04.0 domain=dma iterations=0 map_ns=1 unmap_ns=2 total_ns=3\n",
		"device=0000:00:04.0 domain=dma iterations=10 map_ns=x unmap_ns=2 total_ns=3\n",
		"device=0000:00:04.0 domain=dma iterations=10 map_ns=12ns unmap_ns=2 total_ns=3\n",
		"device=0000:00:04.0 domain=dma iterations=10 map_ns=-1 unmap_ns=2 total_ns=3\n",
		"device=0000:00:04.0 domain=dma iterations=10 map_ns=1 unmap_ns= total_ns=3\n",
		"device=0000:00:04.0 domain=dma iterations=10 map_ns=1 unmap_ns=2 "
			"total_ns=18446744073709551616\n",	/* 2^64 */
		"device=0000:00:04.0 domain=dma iterations=1.5 map_ns=1 unmap_ns=2 total_ns=3\n",
		"device= domain=dma iterations=10 map_ns=1 unmap_ns=2 total_ns=3\n",
		"device=0000:00:04.0:too:long:for:a:name domain=dma iterations=10 map_ns=1 "
			"unmap_ns=2 total_ns=3\n",
		"device=0000:00:04.0 domain=dma iterations=10 map_ns=1 unmap_ns=2 total_ns=3 "
			"map_ns=4\n",			/* twice */
		"device=0000:00:04.0 domain=dma iterations=10 map_ns=1 unmap_ns=2 total_ns=3 "
			"garbage\n",			/* not key=value */
		"device=0000:00:04.0 domain=dma iterations=10 map_ns=1 unmap_ns=2 total_ns=3 "
			"=5\n",
		"0000:00:04.0 100000\n",		/* what was written, echoed */
	};
	struct dmamap_reply rep;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (parse(bad[i], &rep) != -1)
			t_fail(__FILE__, __LINE__, "accepted '%s'", bad[i]);
}

TEST(dmamap_fill_figures)
{
	struct run_result r;
	struct dmamap_result d;
	struct dmamap_reply rep;

	memset(&r, 0, sizeof(r));
	memset(&d, 0, sizeof(d));
	CHECK_INT(parse(GOOD, &rep), 0);
	dmamap_fill(&r, &d, "/dev/nvme0n1", 1000, &rep);
	CHECK(r.mode_res == &d);
	CHECK_STR(d.dev, "/dev/nvme0n1");
	CHECK_STR(r.device, "0000:00:04.0");
	CHECK_U64(r.pairs, 100000);
	CHECK_U64(r.dma_size, 4096);
	CHECK_U64(d.warmup, 1000);
	CHECK_U64(d.map_ns_total, 81234567);
	CHECK_U64(d.unmap_ns_total, 123456789);
	CHECK_U64(d.total_ns, 214567890);
	CHECK(d.map_ns_per_op == 81234567 / 1e5);
	CHECK(d.unmap_ns_per_op == 123456789 / 1e5);
	CHECK(d.pair_ns == (81234567 + 123456789) / 1e5);
	CHECK(d.loop_ns_per_pair == 214567890 / 1e5);
}

/*
 * A fake /sys: 0000:00:04.0 an NVMe controller with namespace nvme0n1 and
 * its partition nvme0n1p1; 0000:00:05.0 a virtio-blk vda (whose virtio2
 * has a "device" file, not a link); sda on a SCSI host; nvme9n1 on a PCI
 * device that has gone.
 */
static char *fake_sys(void)
{
	char *sys = tmpdir_make();

	write_file(sys, "devices/pci0000:00/0000:00:04.0/vendor", "0x1b36\n");
	make_link(sys, "bus/pci/devices/0000:00:04.0", "../../../devices/pci0000:00/0000:00:04.0");
	write_file(sys, "devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1/nvme0n1p1/partition", "1\n");
	make_link(sys, "devices/pci0000:00/0000:00:04.0/nvme/nvme0/device", "../../../0000:00:04.0");
	make_link(sys, "devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1/device", "../../nvme0");
	make_link(sys, "class/block/nvme0n1", "../../devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1");
	make_link(sys, "class/block/nvme0n1p1",
		  "../../devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1/nvme0n1p1");

	write_file(sys, "devices/pci0000:00/0000:00:05.0/virtio2/device", "0x0002\n");
	make_link(sys, "bus/pci/devices/0000:00:05.0", "../../../devices/pci0000:00/0000:00:05.0");
	make_link(sys, "devices/pci0000:00/0000:00:05.0/virtio2/block/vda/device", "../../../virtio2");
	make_link(sys, "class/block/vda", "../../devices/pci0000:00/0000:00:05.0/virtio2/block/vda");

	make_dir(sys, "devices/platform/host0/target0:0:0/0:0:0:0/block/sda");
	make_link(sys, "devices/platform/host0/target0:0:0/0:0:0:0/device", "../../../host0");
	make_link(sys, "devices/platform/host0/target0:0:0/0:0:0:0/block/sda/device", "../../../0:0:0:0");
	make_link(sys, "class/block/sda", "../../devices/platform/host0/target0:0:0/0:0:0:0/block/sda");

	make_dir(sys, "devices/virtual/nvme9/nvme9n1");
	make_link(sys, "devices/virtual/nvme9/device", "../../pci0000:00/0000:00:09.0");
	make_link(sys, "devices/virtual/nvme9/nvme9n1/device", "../../nvme9");
	make_link(sys, "class/block/nvme9n1", "../../devices/virtual/nvme9/nvme9n1");
	return sys;
}

/* Resolve; on success expect want, on failure one "iova_stress: " line. */
static void resolve_(const char *sys, const char *dev, int code, const char *want)
{
	char bdf[16] = "";
	const char *err;
	int ret;

	capture_begin(2);
	ret = dmamap_resolve(sys, dev, bdf, sizeof(bdf));
	err = capture_end();
	if (ret != code)
		t_fail(__FILE__, __LINE__, "%s: %d, want %d (%s)", dev, ret, code, err);
	if (code && (count_lines(err) != 1 || strncmp(err, "iova_stress: ", 13)))
		t_fail(__FILE__, __LINE__, "%s: error is not one line: '%s'", dev, err);
	if (!code) {
		CHECK_STR(err, "");
		CHECK_STR(bdf, want);
	}
}
#define resolve(...) T_DO(resolve_(__VA_ARGS__))

TEST(dmamap_resolve_dev)
{
	char *sys = fake_sys();

	resolve(sys, "/dev/nvme0n1", 0, "0000:00:04.0");
	resolve(sys, "/nonexistent/nvme0n1", 0, "0000:00:04.0");	/* the name counts */
	resolve(sys, "0000:00:04.0", 0, "0000:00:04.0");
	resolve(sys, "00:04.0", 0, "0000:00:04.0");
	resolve(sys, "0000:00:05.0", 0, "0000:00:05.0");
	resolve(sys, "0000:00:07.0", EX_NODEV, NULL);		/* no such PCI device */
	resolve(sys, "/dev/nvme3n1", EX_NODEV, NULL);		/* no such block device */
	resolve(sys, "/dev/nvme0n1p1", EX_NODEV, NULL);	/* a partition */
	resolve(sys, "/dev/vda", EX_NODEV, NULL);		/* virtio: no device link */
	resolve(sys, "/dev/sda", EX_NODEV, NULL);		/* not on a PCI device */
	resolve(sys, "/dev/nvme9n1", EX_NODEV, NULL);		/* its PCI device is gone */
	resolve(sys, "/dev/", EX_NODEV, NULL);
	resolve(sys, "/", EX_NODEV, NULL);
	resolve(sys, "/dev/..", EX_NODEV, NULL);
	tmpdir_remove(sys);
}

/* ---- the mode against a fake hook ---- */

/*
 * The hook as the kernel's lab patch behaves: a write "<bdf> <n>\n" runs
 * the loop and the next read answers about it.  Each knob makes it fail
 * the way the kernel would.
 */
struct fake_hook {
	int stat_err;		/* errno of stat(), 0: the file is there */
	int open_err;		/* errno of open() */
	int write_err[4];	/* errno of the n-th write, 0: it runs */
	ssize_t short_write;	/* > 0: every write takes only this much */
	int read_err;		/* errno of the read */
	const char *reply;	/* the answer; NULL: made from the last run */
	const char *domain;	/* for the made answer */
	int writes, opens, closes;
	char log[512];		/* every command written */
	char last[64];		/* the last command that ran */
};

static int fake_stat(void *ctx, const char *path)
{
	struct fake_hook *h = ctx;

	CHECK(strstr(path, "/" DMAMAP_HOOK));
	return h->stat_err;
}

static int fake_open(void *ctx, const char *path)
{
	struct fake_hook *h = ctx;

	(void)path;
	if (h->open_err)
		return -h->open_err;
	h->opens++;
	return 100 + h->opens;
}

static ssize_t fake_write(void *ctx, int fd, const void *buf, size_t len)
{
	struct fake_hook *h = ctx;
	int n = h->writes++;

	CHECK_INT(fd, 100 + h->opens);
	if ((size_t)n < ARRAY_SIZE(h->write_err) && h->write_err[n])
		return -h->write_err[n];
	if (strlen(h->log) + len < sizeof(h->log))
		strncat(h->log, buf, len);
	snprintf(h->last, sizeof(h->last), "%.*s", (int)len, (const char *)buf);
	return h->short_write > 0 ? h->short_write : (ssize_t)len;
}

static void fake_close(void *ctx, int fd)
{
	struct fake_hook *h = ctx;

	CHECK_INT(fd, 100 + h->opens);
	h->closes++;
}

static int fake_read(void *ctx, const char *path, char *buf, size_t len)
{
	struct fake_hook *h = ctx;
	char dev[32] = "";
	unsigned long long iters = 0;

	(void)path;
	if (h->read_err)
		return h->read_err;
	if (h->reply) {
		snprintf(buf, len, "%s", h->reply);
		return 0;
	}
	if (sscanf(h->last, "%31s %llu", dev, &iters) != 2) {
		snprintf(buf, len, "%s", "");	/* nothing ran: an empty file */
		return 0;
	}
	snprintf(buf, len, "device=%s domain=%s iterations=%llu map_ns=%llu unmap_ns=%llu "
		 "total_ns=%llu\n", dev, h->domain ? h->domain : "dma", iters, iters * 800,
		 iters * 1200, iters * 2100);
	return 0;
}

static void fake_init(struct fake_hook *h)
{
	memset(h, 0, sizeof(*h));
}

static char out[1 << 14], err[1 << 12];

static void copy_out(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s);
}

/* The mode with args through io (NULL: the real files); output into out, err. */
static int run_io_(const char *sys, const struct dmamap_io *io, const char *const *args)
{
	char *argv[16] = { "iova_stress", "dmamap" };
	const struct app_env env = { 0, sys, "/nonexistent", "/nonexistent", NULL };
	struct opts o;
	int argc = 2, ret;

	for (; args[argc - 2] && argc < 15; argc++)
		argv[argc] = (char *)args[argc - 2];
	argv[argc] = NULL;
	capture_begin(2);
	ret = cli_parse(argc, argv, &o);
	copy_out(err, sizeof(err), capture_end());
	if (ret) {
		t_fail(__FILE__, __LINE__, "cli_parse failed: %s", err);
		return -1;
	}
	capture_begin(2);
	capture_begin(1);
	ret = dmamap_run(&o, &env, io ? io : &dmamap_io_real);
	copy_out(out, sizeof(out), capture_end());
	copy_out(err, sizeof(err), capture_end());
	/* an error is one line, and nothing on stdout */
	if (ret) {
		CHECK_INT(count_lines(err), 1);
		CHECK(!strncmp(err, "iova_stress: ", 13));
		CHECK_STR(out, "");
	}
	return ret;
}
#define run_io(...) T_CALL(run_io_(__VA_ARGS__))

/* The mode against the fake hook h. */
static int run_fake_(const char *sys, struct fake_hook *h, const char *const *args)
{
	const struct dmamap_io io = {
		fake_stat, fake_open, fake_write, fake_close, fake_read, h,
	};
	int ret = run_io(sys, &io, args);

	CHECK_INT(h->opens, h->closes);		/* every open is closed */
	return ret;
}
#define run_fake(...) T_CALL(run_fake_(__VA_ARGS__))

static const char *const no_args[] = { NULL };
static const char *const json_args[] = { "--iters", "100000", "--json", NULL };
static const char *const human_args[] = { "--dev", "00:04.0", "--warmup", "0", NULL };

TEST(dmamap_mode_fake_hook)
{
	static const char *const small[] = { "--iters", "7", "--warmup", "3", NULL };
	char *sys = fake_sys();
	struct fake_hook h;

	/* warmup, then the timed run; --json */
	fake_init(&h);
	h.reply = GOOD;
	CHECK_INT(run_fake(sys, &h, json_args), 0);
	CHECK_STR(err, "");
	CHECK_STR(h.log, "0000:00:04.0 1000\n0000:00:04.0 100000\n");
	CHECK_INT(json_validate(out), 0);
	CHECK_INT(count_lines(out), 1);
	CHECK_SCHEMA(out);
	CHECK(strstr(out, ",\"mode\":\"dmamap\",\"backend\":null,\"device\":\"0000:00:04.0\","));
	CHECK(strstr(out, ",\"dmamap\":{\"device\":\"0000:00:04.0\",\"domain\":\"dma\","
			  "\"iterations\":100000,\"warmup\":1000,\"map_ns_total\":81234567,"
			  "\"unmap_ns_total\":123456789,\"total_ns\":214567890,"
			  "\"map_ns_per_op\":812.34567,\"unmap_ns_per_op\":1234.56789,"
			  "\"pair_ns\":2046.91356,\"loop_ns_per_pair\":2145.6789}}\n"));

	/* no warmup, a PCI address, the human report */
	fake_init(&h);
	h.reply = GOOD;
	CHECK_INT(run_fake(sys, &h, human_args), 0);
	CHECK_STR(h.log, "0000:00:04.0 100000\n");
	CHECK(!strncmp(out, "dmamap: device 0000:00:04.0 domain dma pairs 100000 map: 812.3ns "
			    "unmap: 1234.6ns pair: 2046.9ns\n", 96));
	CHECK(strstr(out, "\ndevice:          0000:00:04.0 (00:04.0), domain dma (strict invalidation)\n"));
	CHECK(strstr(out, "\npairs:           100000 dma_map_page+dma_unmap_page of 4K, after 0 untimed\n"));

	/* the answer follows the run asked for; a dma-fq domain */
	fake_init(&h);
	h.domain = "dma-fq";
	CHECK_INT(run_fake(sys, &h, small), 0);
	CHECK_STR(h.log, "0000:00:04.0 3\n0000:00:04.0 7\n");
	CHECK(strstr(out, "domain dma-fq pairs 7 map: 800.0ns unmap: 1200.0ns pair: 2000.0ns\n"));
	CHECK(strstr(out, "\npairs:           7 dma_map_page+dma_unmap_page of 4K, after 3 untimed\n"));

	/* an answer about another run (someone else's, or stale) */
	fake_init(&h);
	h.reply = GOOD;
	CHECK_INT(run_fake(sys, &h, small), EX_FAIL);
	CHECK(strstr(err, "reports 100000 pairs on 0000:00:04.0, not the 7 on 0000:00:04.0 asked for"));

	/* nothing to read: the hook did not run */
	fake_init(&h);
	h.reply = "";
	CHECK_INT(run_fake(sys, &h, human_args), EX_FAIL);
	CHECK(strstr(err, "unexpected answer from "));
	CHECK(strstr(err, "(no device=)"));
	tmpdir_remove(sys);
}

/* What each refusal of the hook (the kernel's errno) becomes. */
TEST(dmamap_mode_hook_errors)
{
	static const struct {
		int stat_err, open_err, write_err, read_err;
		ssize_t short_write;
		int code;
		const char *msg;
	} cases[] = {
		{ ENOENT, 0, 0, 0, 0, EX_NODEV, "no DMA map bench hook: " },
		{ ENOTDIR, 0, 0, 0, 0, EX_NODEV, "is debugfs mounted?" },
		{ EACCES, 0, 0, 0, 0, EX_NOTROOT, "(not root?)" },
		{ EIO, 0, 0, 0, 0, EX_FAIL, "cannot stat " },
		{ 0, EACCES, 0, 0, 0, EX_NOTROOT, "cannot open " },
		{ 0, EPERM, 0, 0, 0, EX_NOTROOT, "(not root?)" },
		{ 0, ENOENT, 0, 0, 0, EX_NODEV, "no DMA map bench hook: " },
		{ 0, ENOMEM, 0, 0, 0, EX_FAIL, "cannot open " },
		{ 0, 0, ENODEV, 0, 0, EX_NODEV, ": no PCI device 0000:00:04.0" },
		{ 0, 0, EINVAL, 0, 0, EX_FAIL, "not behind a DMA-API IOMMU domain (group type: identity)" },
		{ 0, 0, EIO, 0, 0, EX_FAIL, "a dma_map_page() of 0000:00:04.0 failed (EIO)" },
		{ 0, 0, EINTR, 0, 0, EX_FAIL, "iova_stress: interrupted\n" },
		{ 0, 0, EBUSY, 0, 0, EX_BUSY, "another run is going on" },
		{ 0, 0, ENOSPC, 0, 0, EX_FAIL, "dma_map_bench: No space left on device" },
		{ 0, 0, 0, 0, 5, EX_FAIL, " took 5 of 20 bytes" },
		{ 0, 0, 0, EACCES, 0, EX_FAIL, "cannot read " },
	};
	char *sys = fake_sys();
	struct fake_hook h;
	int ret;

	write_file(sys, "devices/pci0000:00/0000:00:04.0/iommu_group/type", "identity\n");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		fake_init(&h);
		h.stat_err = cases[i].stat_err;
		h.open_err = cases[i].open_err;
		h.write_err[0] = cases[i].write_err;
		h.read_err = cases[i].read_err;
		h.short_write = cases[i].short_write;
		ret = run_fake(sys, &h, human_args);
		if (ret != cases[i].code || !strstr(err, cases[i].msg))
			t_fail(__FILE__, __LINE__, "case %zu: exit %d, message '%s', want %d and '%s'",
			       i, ret, err, cases[i].code, cases[i].msg);
	}

	/* the warm-up's refusal stops the run before the timed one */
	fake_init(&h);
	h.write_err[0] = EBUSY;
	CHECK_INT(run_fake(sys, &h, no_args), EX_BUSY);
	CHECK_INT(h.writes, 1);
	fake_init(&h);
	h.write_err[1] = EINVAL;
	CHECK_INT(run_fake(sys, &h, no_args), EX_FAIL);
	CHECK_INT(h.writes, 2);

	/* a signal before a run: nothing more is written */
	fake_init(&h);
	ist_stop = 1;
	CHECK_INT(run_fake(sys, &h, no_args), EX_FAIL);
	ist_stop = 0;
	CHECK_STR(err, "iova_stress: interrupted\n");
	CHECK_INT(h.writes, 0);

	/* --dev that does not resolve: nothing is written to the hook */
	fake_init(&h);
	{
		static const char *const gone[] = { "--dev", "/dev/nvme9n1", NULL };

		CHECK_INT(run_fake(sys, &h, gone), EX_NODEV);
	}
	CHECK_INT(h.opens, 0);
	tmpdir_remove(sys);
}

/* The real I/O on plain files: no hook, and a file that only echoes. */
TEST(dmamap_mode_real_files)
{
	char *sys = fake_sys(), hook[512], got[256];

	/* no hook: a kernel without kernel/lab/, or debugfs not mounted */
	CHECK_INT(run_io(sys, NULL, human_args), EX_NODEV);
	CHECK(strstr(err, "iova_stress: no DMA map bench hook: "));
	CHECK(strstr(err, "/kernel/debug/iommu/dma_map_bench does not exist (the lab kernels "
			  "carry it from kernel/lab/; is debugfs mounted?)\n"));

	/* a plain file takes the command and reads it back: not an answer */
	write_file(sys, DMAMAP_HOOK, "");
	snprintf(hook, sizeof(hook), "%s/%s", sys, DMAMAP_HOOK);
	CHECK_INT(run_io(sys, NULL, human_args), EX_FAIL);
	CHECK(strstr(err, "unexpected answer from "));
	CHECK(strstr(err, "('0000:00:04.0' is not key=value): '0000:00:04.0 100000 '"));
	CHECK_INT(read_small_file(hook, got, sizeof(got)), 0);
	CHECK_STR(got, "0000:00:04.0 100000\n");
	tmpdir_remove(sys);
}
