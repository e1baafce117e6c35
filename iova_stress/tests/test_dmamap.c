// SPDX-License-Identifier: GPL-2.0
/*
 * dmamap: the hook's answer, --dev against fake sysfs trees, and the real
 * mode against a fake hook (a FIFO served by a child process).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app.h"
#include "common.h"
#include "dmamap.h"
#include "harness.h"

/* dmamap.c is compiled with this name for the tests (see the Makefile). */
int real_mode_dmamap(const struct opts *o, const struct app_env *env);

#define GOOD "device=0000:00:04.0 domain=dma iterations=100000 map_ns=81234567 " \
	     "unmap_ns=123456789 total_ns=214567890\n"

static int parse(const char *line, struct dmamap_reply *rep)
{
	char why[128] = "";
	int ret = dmamap_parse(line, rep, why, sizeof(why));

	/* a refusal always says why */
	CHECK(ret == 0 || why[0]);
	return ret;
}

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
	struct dmamap_reply rep;

	memset(&r, 0, sizeof(r));
	CHECK_INT(parse(GOOD, &rep), 0);
	dmamap_fill(&r, "/dev/nvme0n1", 1000, &rep);
	CHECK(r.dmamap.ran);
	CHECK_STR(r.dmamap.dev, "/dev/nvme0n1");
	CHECK_STR(r.dmamap.device, "0000:00:04.0");
	CHECK_U64(r.dmamap.warmup, 1000);
	CHECK(r.dmamap.map_ns_per_op == 81234567 / 1e5);
	CHECK(r.dmamap.unmap_ns_per_op == 123456789 / 1e5);
	CHECK(r.dmamap.pair_ns == (81234567 + 123456789) / 1e5);
	CHECK(r.dmamap.loop_ns_per_pair == 214567890 / 1e5);
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
static void resolve(const char *sys, const char *dev, int code, const char *want)
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

/* ---- the real mode against a fake hook ---- */

static char out[1 << 14], err[1 << 12];

static void copy_out(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s);
}

static int run_mode(const char *sys, const char *proc, const char *const *args)
{
	char *argv[16] = { "iova_stress", "dmamap" };
	const struct app_env env = { 0, sys, proc, "/nonexistent" };
	struct opts o;
	int argc = 2, ret;

	for (; args[argc - 2] && argc < 15; argc++)
		argv[argc] = (char *)args[argc - 2];
	argv[argc] = NULL;
	if (cli_parse(argc, argv, &o)) {
		t_fail(__FILE__, __LINE__, "cli_parse failed");
		return -1;
	}
	capture_begin(2);
	capture_begin(1);
	ret = real_mode_dmamap(&o, &env);
	copy_out(out, sizeof(out), capture_end());
	copy_out(err, sizeof(err), capture_end());
	return ret;
}

/*
 * The hook's part, in a child: take `requests` commands (one write each;
 * the mode may reopen before we saw the end of the previous one, so count
 * lines), record them in `log`, then answer `reply` to the next reader.
 */
static pid_t serve(const char *fifo, const char *log, int requests, const char *reply)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	alarm(20);
	for (int lines = 0; lines < requests;) {
		int fd = open(fifo, O_RDONLY), lfd;
		char buf[256];
		ssize_t n;

		if (fd < 0)
			_exit(1);
		lfd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			for (ssize_t i = 0; i < n; i++)
				lines += buf[i] == '\n';
			if (write(lfd, buf, (size_t)n) != n)
				_exit(1);
		}
		close(lfd);
		close(fd);
	}
	if (reply) {
		int fd = open(fifo, O_WRONLY);

		if (fd < 0 || write(fd, reply, strlen(reply)) != (ssize_t)strlen(reply))
			_exit(1);
		close(fd);
	}
	_exit(0);
}

/* Run the mode with a child as the hook; the child must have been happy. */
static int run_served(const char *sys, int requests, const char *reply,
		      const char *const *args)
{
	char fifo[512], log[512];
	pid_t pid;
	int ret, status = 0;

	snprintf(fifo, sizeof(fifo), "%s/%s", sys, DMAMAP_HOOK);
	snprintf(log, sizeof(log), "%s/requests", sys);
	unlink(fifo);
	unlink(log);
	if (mkfifo(fifo, 0600))
		abort();
	pid = serve(fifo, log, requests, reply);
	if (pid < 0)
		abort();
	alarm(30);	/* a hang here is a failure */
	ret = run_mode(sys, "/nonexistent", args);
	alarm(0);
	if (ret) {
		/* it may still wait for a reader that will not come */
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	} else {
		waitpid(pid, &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	return ret;
}

TEST(dmamap_mode_fake_hook)
{
	static const char *const json[] = { "--iters", "100000", "--json", NULL };
	static const char *const human[] = { "--dev", "00:04.0", "--warmup", "0", NULL };
	static const char *const small[] = { "--iters", "7", "--warmup", "3", NULL };
	static const char *const gone[] = { "--dev", "/dev/nvme9n1", NULL };
	char *sys = fake_sys(), log[512], got[256];

	snprintf(log, sizeof(log), "%s/requests", sys);

	/* no hook: a kernel without kernel/lab/, or debugfs not mounted */
	CHECK_INT(run_mode(sys, "/nonexistent", human), EX_NODEV);
	CHECK(strstr(err, "iova_stress: no DMA map bench hook: "));
	CHECK(strstr(err, "/kernel/debug/iommu/dma_map_bench does not exist (the lab kernels "
			  "carry it from kernel/lab/; is debugfs mounted?)\n"));
	CHECK_INT(count_lines(err), 1);
	CHECK_STR(out, "");

	make_dir(sys, "kernel/debug/iommu");

	/* warmup, then the timed run; --json */
	CHECK_INT(run_served(sys, 2, GOOD, json), 0);
	CHECK_STR(err, "");
	CHECK_INT(read_small_file(log, got, sizeof(got)), 0);
	CHECK_STR(got, "0000:00:04.0 1000\n0000:00:04.0 100000\n");
	CHECK_INT(json_validate(out), 0);
	CHECK_INT(count_lines(out), 1);
	CHECK(strstr(out, "{\"mode\":\"dmamap\",\"backend\":null,\"device\":\"0000:00:04.0\","));
	CHECK(strstr(out, ",\"dmamap\":{\"device\":\"0000:00:04.0\",\"domain\":\"dma\","
			  "\"iterations\":100000,\"warmup\":1000,\"map_ns\":81234567,"
			  "\"unmap_ns\":123456789,\"total_ns\":214567890,"
			  "\"map_ns_per_op\":812.34567,\"unmap_ns_per_op\":1234.56789,"
			  "\"pair_ns\":2046.91356,\"loop_ns_per_pair\":2145.6789}}\n"));

	/* no warmup, a PCI address, the human report */
	CHECK_INT(run_served(sys, 1, GOOD, human), 0);
	CHECK_INT(read_small_file(log, got, sizeof(got)), 0);
	CHECK_STR(got, "0000:00:04.0 100000\n");
	CHECK(!strncmp(out, "dmamap: device 0000:00:04.0 domain dma pairs 100000 map: 812.3ns "
			    "unmap: 1234.6ns pair: 2046.9ns\n", 96));
	CHECK(strstr(out, "\ndevice:          0000:00:04.0 (00:04.0), domain dma (strict invalidation)\n"));
	CHECK(strstr(out, "\npairs:           100000 dma_map_page+dma_unmap_page of 4K, after 0 untimed\n"));

	/* an answer about another run (someone else's, or stale) */
	CHECK_INT(run_served(sys, 2, GOOD, small), EX_FAIL);
	CHECK(strstr(err, "reports 100000 pairs on 0000:00:04.0, not the 7 on 0000:00:04.0 asked for"));
	CHECK_INT(count_lines(err), 1);
	CHECK_STR(out, "");

	/* nothing to read: the hook did not run */
	CHECK_INT(run_served(sys, 1, "", human), EX_FAIL);
	CHECK(strstr(err, "unexpected answer from "));
	CHECK(strstr(err, "(no device=)"));
	CHECK_INT(count_lines(err), 1);

	/* --dev that does not resolve: nothing is written to the hook */
	unlink(log);
	CHECK_INT(run_mode(sys, "/nonexistent", gone), EX_NODEV);
	CHECK(access(log, F_OK) != 0);
	CHECK_INT(count_lines(err), 1);
	tmpdir_remove(sys);
}
