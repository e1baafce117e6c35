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
#include "rng.h"

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

int mode_uring(const struct opts *o, const struct app_env *env)
{
	struct run_result *r = calloc(1, sizeof(*r));
	struct lat_hist *h = malloc(sizeof(*h));
	struct slot *sl = calloc(o->qd, sizeof(*sl));
	uint64_t size = 0, nblocks, rng = o->seed, t0, deadline, inflight = 0;
	struct io_uring ring;
	struct cpustat cpu0, cpu1;
	bool ring_ok = false;
	int fd = -1, ret;

	if (!r || !h || !sl) {
		ret = ist_err(EX_FAIL, "out of memory");
		goto out;
	}
	ist_install_signals();
	result_init(r, o);
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

	r->uring.ran = true;
	str_copy(r->uring.dev, o->dev, sizeof(r->uring.dev));
	r->uring.dev_size = size;
	r->uring.qd = o->qd;
	r->uring.bs = o->bs;
	ptmem_read(env->procfs, &r->before);
	cpustat_read(env->procfs, &cpu0);

	t0 = now_ns();
	deadline = t0 + (uint64_t)(o->duration * 1e9);
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
			if (++r->uring.errors <= 3)
				ist_warn("read on %s: %s", o->dev,
					 cqe->res < 0 ? strerror(-cqe->res) : "short read");
		} else if (idx < o->qd) {
			lat_add(h, now - sl[idx].start);
			r->uring.ios++;
		}
		io_uring_cqe_seen(&ring, cqe);
		inflight--;
		if (now < deadline && !ist_stop && r->uring.errors < MAX_IO_ERRORS && idx < o->qd &&
		    !submit_read(&ring, fd, sl, (unsigned)idx, o->bs, nblocks, &rng)) {
			inflight++;
			io_uring_submit(&ring);
		}
	}
	r->wall_s = (double)(now_ns() - t0) / 1e9;
	cpustat_read(env->procfs, &cpu1);
	ptmem_read(env->procfs, &r->after);
	r->have_pt = true;
	r->uring.duration_s = r->wall_s;
	r->uring.iops = r->wall_s > 0 ? (double)r->uring.ios / r->wall_s : 0;
	r->uring.have_cpu = r->uring.ios &&
		cpustat_busy_s(&cpu0, &cpu1, sysconf(_SC_CLK_TCK), &r->uring.cpu_busy_s);
	if (r->uring.have_cpu)
		r->uring.busy_us_per_io = r->uring.cpu_busy_s * 1e6 / (double)r->uring.ios;
	r->interrupted = ist_stop;
	lat_summarize(h, &r->uring.lat_ns);
	report_print(stdout, r, o->json);

	ret = 0;
	if (r->uring.errors)
		ret = ist_err(EX_FAIL, "%" PRIu64 " read errors on %s", r->uring.errors, o->dev);
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
	free(r);
	return ret;
}
