// SPDX-License-Identifier: GPL-2.0
/*
 * uring mode: random O_DIRECT reads with io_uring at a fixed queue depth;
 * IOPS and latency percentiles.  The NVMe device sits behind the IOMMU, so
 * every read maps and unmaps through the DMA API.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <liburing.h>
#include <linux/fs.h>

#include "app.h"
#include "common.h"
#include "cpustat.h"
#include "result.h"
#include "json.h"
#include "progress.h"
#include "rng.h"
#include "units.h"
#include "uring.h"

#define MAX_IO_ERRORS 16

struct slot {
	void *buf;
	uint64_t start;
};

static int open_dev(const char *path, int *fd, uint64_t *size)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (*fd < 0) {
		int err = errno, code = errno_exit(err);

		if (code == EX_NODEV)
			return ist_err(code, "no such device: %s", path);
		if (code == EX_NOTROOT)
			return ist_err(code, "cannot open %s: %s (not root?)", path, strerror(err));
		if (code == EX_BUSY)
			return ist_err(code, "device busy: %s", path);
		return ist_err(code, "cannot open %s with O_DIRECT: %s", path, strerror(err));
	}
	if (fstat(*fd, &st))
		return ist_err(EX_FAIL, "fstat %s: %s", path, strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(*fd, BLKGETSIZE64, size))
			return ist_err(EX_FAIL, "BLKGETSIZE64 %s: %s", path, strerror(errno));
	} else if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
	} else {
		return ist_err(EX_NODEV, "%s is not a block device", path);
	}
	return 0;
}

static int submit_read(struct io_uring *ring, int fd, struct slot *sl, unsigned idx,
		       uint64_t bs, uint64_t nblocks, uint64_t *rng)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_read(sqe, fd, sl[idx].buf, (unsigned)bs,
			   rng_below(rng, nblocks) * bs);
	io_uring_sqe_set_data64(sqe, idx);
	sl[idx].start = now_ns();
	return 0;
}

static int uring_run(const struct opts *o, const struct app_env *env, const struct pci_dev *dev)
{
	struct run_result *r = calloc(1, sizeof(*r));
	struct uring_result *u = calloc(1, sizeof(*u));
	struct lat_hist *h = malloc(sizeof(*h));
	struct slot *sl = calloc(o->qd, sizeof(*sl));
	uint64_t size = 0, nblocks, rng = o->seed, t0, deadline, inflight = 0;
	struct io_uring ring;
	struct cpustat cpu0, cpu1;
	double busy_s;
	struct progress pr;
	bool ring_ok = false;
	int fd = -1, ret;

	(void)dev;
	if (!r || !u || !h || !sl) {
		ret = ist_err(EX_FAIL, "out of memory");
		goto out;
	}
	ist_install_signals();
	result_init(r, o);
	r->mode_res = u;
	lat_init(h);
	ret = open_dev(o->dev, &fd, &size);
	if (ret)
		goto out;
	nblocks = size / o->bs;
	if (!nblocks) {
		ret = ist_err(EX_FAIL, "%s is smaller than one %" PRIu64 "-byte block", o->dev, o->bs);
		goto out;
	}
	for (uint64_t i = 0; i < o->qd; i++) {
		if (posix_memalign(&sl[i].buf, 4096, o->bs)) {
			ret = ist_err(EX_FAIL, "out of memory");
			goto out;
		}
		memset(sl[i].buf, 0, o->bs);
	}
	ret = io_uring_queue_init((unsigned)o->qd, &ring, 0);
	if (ret) {
		ret = ist_err(EX_FAIL, "io_uring_queue_init: %s (CONFIG_IO_URING?)", strerror(-ret));
		goto out;
	}
	ring_ok = true;

	str_copy(u->dev, o->dev, sizeof(u->dev));
	u->dev_size = size;
	u->qd = o->qd;
	u->bs = o->bs;
	ptmem_read(env->procfs, &r->before);
	cpustat_read(env->procfs, &cpu0);

	t0 = now_ns();
	deadline = t0 + (uint64_t)(o->duration * 1e9);
	progress_start(&pr, o->quiet, "uring", PROGRESS_TIME, deadline - t0);
	for (unsigned i = 0; i < o->qd; i++)
		if (!submit_read(&ring, fd, sl, i, o->bs, nblocks, &rng))
			inflight++;
	io_uring_submit(&ring);

	while (inflight) {
		struct io_uring_cqe *cqe;
		uint64_t idx, now;

		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret == -EINTR)
			continue;
		if (ret) {
			ret = ist_err(EX_FAIL, "io_uring_wait_cqe: %s", strerror(-ret));
			goto out;
		}
		now = now_ns();
		idx = io_uring_cqe_get_data64(cqe);
		if (cqe->res != (int)o->bs) {
			if (++u->errors <= 3)
				ist_warn("read on %s: %s", o->dev,
					 cqe->res < 0 ? strerror(-cqe->res) : "short read");
		} else if (idx < o->qd) {
			lat_add(h, now - sl[idx].start);
			u->ios++;
		}
		io_uring_cqe_seen(&ring, cqe);
		inflight--;
		progress_update(&pr, now - t0);
		if (now < deadline && !ist_stop && u->errors < MAX_IO_ERRORS && idx < o->qd &&
		    !submit_read(&ring, fd, sl, (unsigned)idx, o->bs, nblocks, &rng)) {
			inflight++;
			io_uring_submit(&ring);
		}
	}
	r->wall_ns = now_ns() - t0;
	progress_end(&pr);
	cpustat_read(env->procfs, &cpu1);
	ptmem_read(env->procfs, &r->after);
	r->have_pt = true;
	u->duration_ns = r->wall_ns;
	u->iops = r->wall_ns ? (double)u->ios * 1e9 / (double)r->wall_ns : 0;
	u->have_cpu = u->ios && cpustat_busy_s(&cpu0, &cpu1, sysconf(_SC_CLK_TCK), &busy_s);
	if (u->have_cpu) {
		u->cpu_busy_ns = (uint64_t)(busy_s * 1e9 + 0.5);
		u->busy_ns_per_io = (uint64_t)(busy_s * 1e9 / (double)u->ios + 0.5);
	}
	r->interrupted = ist_stop;
	lat_summarize(h, &u->lat_ns);
	report_print(stdout, r, o->json);

	ret = 0;
	if (u->errors)
		ret = ist_err(EX_FAIL, "%" PRIu64 " read errors on %s", u->errors, o->dev);
	else if (r->interrupted)
		ret = ist_err(EX_FAIL, "interrupted");
out:
	if (ring_ok)
		io_uring_queue_exit(&ring);
	if (fd >= 0)
		close(fd);
	if (sl)
		for (uint64_t i = 0; i < o->qd; i++)
			free(sl[i].buf);
	free(sl);
	free(h);
	free(u);
	free(r);
	return ret;
}

/* ---- report ---- */

static void uring_summary_line(FILE *f, const struct run_result *r)
{
	const struct uring_result *u = r->mode_res;
	char a[32], b[32];

	fprintf(f, "uring: qd %" PRIu64 " iops: %.0f p50: %s p99: %s time: %.3fs\n",
		u->qd, u->iops, fmt_ns(a, sizeof(a), (double)u->lat_ns.p50),
		fmt_ns(b, sizeof(b), (double)u->lat_ns.p99), report_wall_s(r));
}

static void uring_report_human(FILE *f, const struct run_result *r)
{
	const struct uring_result *u = r->mode_res;
	char a[32], b[32];

	fprintf(f, "%-16s %s (%s), qd %" PRIu64 ", bs %s, random O_DIRECT reads\n",
		"device:", u->dev, fmt_size(a, sizeof(a), u->dev_size), u->qd,
		fmt_size(b, sizeof(b), u->bs));
	fprintf(f, "%-16s %" PRIu64 " reads in %.3f s: %.0f IOPS, %" PRIu64 " errors\n",
		"reads:", u->ios, (double)u->duration_ns / 1e9, u->iops, u->errors);
	report_lat(f, "latency:", &u->lat_ns);
	if (u->have_cpu)
		fprintf(f, "%-16s %.2f s busy (all CPUs): %.2f us per read\n", "cpu:",
			(double)u->cpu_busy_ns / 1e9, (double)u->busy_ns_per_io / 1e3);
	report_pt(f, r);
}

static void uring_report_json(struct jw *w, const struct run_result *r)
{
	const struct uring_result *u = r->mode_res;

	jw_obj_begin(w, "uring");
	jw_str(w, "dev", u->dev);
	jw_u64(w, "dev_size_bytes", u->dev_size);
	jw_u64(w, "qd", u->qd);
	jw_u64(w, "bs", u->bs);
	jw_u64(w, "duration_ns", u->duration_ns);
	jw_u64(w, "ios", u->ios);
	jw_u64(w, "errors", u->errors);
	jw_double(w, "iops", u->iops);
	report_json_lat(w, "lat_ns", &u->lat_ns);
	if (u->have_cpu) {
		jw_u64(w, "cpu_busy_ns", u->cpu_busy_ns);
		jw_u64(w, "busy_ns_per_io", u->busy_ns_per_io);
	} else {
		jw_null(w, "cpu_busy_ns");
		jw_null(w, "busy_ns_per_io");
	}
	jw_obj_end(w);
}

static int uring_validate(struct opts *o)
{
	char a[48];

	if (o->bs > (1u << 20))
		return ist_err(EX_USAGE, "--bs %s is too large (at most 1M)",
			       cli_shown(a, sizeof(a), o, TY_BS, o->bs));
	if (o->bs % 512)
		return ist_err(EX_USAGE, "--bs %s is not a multiple of 512",
			       cli_shown(a, sizeof(a), o, TY_BS, o->bs));
	if (o->duration == 0)
		o->duration = 10;
	return 0;
}

static const struct mode_opt uring_opts[] = {
	{ O_DURATION, "read for SECONDS (like 10, 2.5 or 500ms)", "10", NULL },
	{ O_DEV, "block device to read", NULL, NULL },
	{ O_QD, "queue depth, 1..4096", NULL, NULL },
	{ O_BS, "read size, multiple of 512 up to 1M", NULL, NULL },
	{ 0 },
};

static const struct mode_exit uring_exits[] = {
	{ EX_OK, "success" },
	{ EX_FAIL, "other runtime failure (read errors, interrupted...)" },
	{ EX_USAGE, "usage: unknown mode, option or help topic, bad value" },
	{ EX_NODEV, "no such block device" },
	{ EX_NOTROOT, "not root" },
	{ EX_BUSY, "device busy (EBUSY on open)" },
	{ 0 },
};

const struct mode_ops mode_uring = {
	.name = "uring",
	.summary = "io_uring random reads on an NVMe device: IOPS and latency",
	.help =
	"Random O_DIRECT reads with io_uring on a block device (NVMe behind the IOMMU,\n"
	"through the DMA API): IOPS and latency p50/p99/p99.9/max.\n",
	.opts = uring_opts,
	.exits = uring_exits,
	.section = "uring",
	.validate = uring_validate,
	.run = uring_run,
	.summary_line = uring_summary_line,
	.report_human = uring_report_human,
	.report_json = uring_report_json,
};
