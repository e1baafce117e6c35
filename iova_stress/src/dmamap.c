// SPDX-License-Identifier: GPL-2.0
/*
 * dmamap mode: the in-kernel cost of dma_map_page()+dma_unmap_page() of one
 * 4 KiB page on an idle device's DMA domain, timed by the lab-only debugfs
 * hook iommu/dma_map_bench (kernel/lab/, not part of the series).  Writing
 * "<pci-name> <iterations>\n" runs the loop inside the write; reading the
 * file afterwards gives one line of key=value sums.  Nothing here needs
 * VFIO: the device stays with its own driver, idle.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "common.h"
#include "dmamap.h"
#include "json.h"
#include "progress.h"
#include "result.h"
#include "units.h"

enum { K_DEVICE, K_DOMAIN, K_ITERATIONS, K_MAP_NS, K_UNMAP_NS, K_TOTAL_NS, K_NR };

static const char *const reply_keys[K_NR] = {
	[K_DEVICE] = "device",
	[K_DOMAIN] = "domain",
	[K_ITERATIONS] = "iterations",
	[K_MAP_NS] = "map_ns",
	[K_UNMAP_NS] = "unmap_ns",
	[K_TOTAL_NS] = "total_ns",
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int key_index(const char *key, size_t len)
{
	for (int k = 0; k < K_NR; k++)
		if (strlen(reply_keys[k]) == len && !strncmp(reply_keys[k], key, len))
			return k;
	return -1;
}

/* One known key's value into out; -1 if it is empty, too long or not a number. */
static int store(struct dmamap_reply *out, int k, const char *v, size_t len)
{
	char buf[32];
	uint64_t *num[K_NR] = {
		[K_ITERATIONS] = &out->iterations, [K_MAP_NS] = &out->map_ns,
		[K_UNMAP_NS] = &out->unmap_ns, [K_TOTAL_NS] = &out->total_ns,
	};

	if (!len || len >= sizeof(buf))
		return -1;
	memcpy(buf, v, len);
	buf[len] = 0;
	if (k == K_DEVICE)
		return str_copy(out->device, buf, sizeof(out->device));
	if (k == K_DOMAIN)
		return str_copy(out->domain, buf, sizeof(out->domain));
	return parse_uint(buf, 0, UINT64_MAX, num[k]);
}

int dmamap_parse(const char *line, struct dmamap_reply *out, char *why, size_t why_len)
{
	bool seen[K_NR] = { false };
	const char *p = line;

	memset(out, 0, sizeof(*out));
	for (;;) {
		const char *tok, *eq;
		size_t len;
		int k;

		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		tok = p;
		while (*p && !is_blank(*p))
			p++;
		len = (size_t)(p - tok);
		eq = memchr(tok, '=', len);
		if (!eq || eq == tok) {
			snprintf(why, why_len, "'%.*s' is not key=value", (int)len, tok);
			return -1;
		}
		/* newer hooks may say more: only the keys we know matter */
		k = key_index(tok, (size_t)(eq - tok));
		if (k < 0)
			continue;
		if (seen[k]) {
			snprintf(why, why_len, "%s= given twice", reply_keys[k]);
			return -1;
		}
		seen[k] = true;
		if (store(out, k, eq + 1, (size_t)(p - eq - 1))) {
			snprintf(why, why_len, "bad value in '%.*s'", (int)len, tok);
			return -1;
		}
	}
	for (int k = 0; k < K_NR; k++)
		if (!seen[k]) {
			snprintf(why, why_len, "no %s=", reply_keys[k]);
			return -1;
		}
	if (!out->iterations) {
		snprintf(why, why_len, "iterations=0");
		return -1;
	}
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* A block device name (nvme0n1) to its PCI device, via <sysfs>/class/block. */
static int block_to_pci(const char *sysfs, const char *dev, const char *name,
			char *bdf, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/class/block/%s", sysfs, name);
	if (!name[0] || !strcmp(name, ".") || !strcmp(name, "..") || !exists(path))
		return ist_err(EX_NODEV, "no block device %s (%s does not exist)", dev, path);
	/*
	 * block/nvme0n1/device is the controller (nvme0), whose "device" is
	 * the PCI function; a partition has neither.
	 */
	snprintf(path, sizeof(path), "%s/class/block/%s/device/device", sysfs, name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		snprintf(link, sizeof(link), "%s/class/block/%s/partition", sysfs, name);
		if (exists(link))
			return ist_err(EX_NODEV, "%s is a partition: give --dev the whole disk or the PCI address",
				       dev);
		return ist_err(EX_NODEV, "cannot find the PCI device of %s: %s is not a link (%s); give --dev the PCI address",
			       dev, path, strerror(errno));
	}
	link[n] = 0;
	if (normalize_bdf(base_name(link), bdf, len))
		return ist_err(EX_NODEV, "%s is on %s, not a PCI device; give --dev the PCI address",
			       dev, base_name(link));
	return 0;
}

int dmamap_resolve(const char *sysfs, const char *dev, char *bdf, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], name[NAME_MAX + 1];
	int ret;

	if (normalize_bdf(dev, bdf, len)) {
		/* /dev/disk/by-id/... links name the node they point to */
		if (str_copy(name, base_name(realpath(dev, real) ? real : dev), sizeof(name)))
			return ist_err(EX_NODEV, "no block device %s (name too long)", dev);
		ret = block_to_pci(sysfs, dev, name, bdf, len);
		if (ret)
			return ret;
	}
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", sysfs, bdf);
	if (!exists(path))
		return ist_err(EX_NODEV, "no PCI device %s (%s does not exist)", bdf, path);
	return 0;
}

void dmamap_fill(struct run_result *r, struct dmamap_result *d, const char *dev,
		 uint64_t warmup, const struct dmamap_reply *rep)
{
	double n = (double)rep->iterations;

	r->mode_res = d;
	str_copy(r->device, rep->device, sizeof(r->device));
	r->dma_size = SZ_4K;
	r->have_pairs = true;
	r->pairs = rep->iterations;
	str_copy(d->dev, dev, sizeof(d->dev));
	str_copy(d->domain, rep->domain, sizeof(d->domain));
	d->iterations = rep->iterations;
	d->warmup = warmup;
	d->map_ns_total = rep->map_ns;
	d->unmap_ns_total = rep->unmap_ns;
	d->total_ns = rep->total_ns;
	/* in double: the two sums may not add up in 64 bits */
	d->map_ns_per_op = (double)rep->map_ns / n;
	d->unmap_ns_per_op = (double)rep->unmap_ns / n;
	d->pair_ns = ((double)rep->map_ns + (double)rep->unmap_ns) / n;
	d->loop_ns_per_pair = (double)rep->total_ns / n;
}

static int no_hook(const char *hook)
{
	return ist_err(EX_NODEV, "no DMA map bench hook: %s does not exist (the lab kernels carry it from kernel/lab/; is debugfs mounted?)",
		       hook);
}

/* ---- the hook as files: the real I/O ---- */

static int real_stat(void *ctx, const char *path)
{
	struct stat st;

	(void)ctx;
	return stat(path, &st) ? errno : 0;
}

static int real_open(void *ctx, const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	(void)ctx;
	return fd < 0 ? -errno : fd;
}

static ssize_t real_write(void *ctx, int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	(void)ctx;
	return n < 0 ? -errno : n;
}

static void real_close(void *ctx, int fd)
{
	(void)ctx;
	close(fd);
}

static int real_read(void *ctx, const char *path, char *buf, size_t len)
{
	(void)ctx;
	return read_small_file(path, buf, len) ? errno : 0;
}

const struct dmamap_io dmamap_io_real = {
	.stat = real_stat,
	.open = real_open,
	.write = real_write,
	.close = real_close,
	.read = real_read,
};

/* Before anything else: is this a lab kernel, and may we reach debugfs? */
static int check_hook(const struct dmamap_io *io, const char *hook)
{
	int err = io->stat(io->ctx, hook), code = errno_exit(err);

	if (!err)
		return 0;
	if (code == EX_NODEV)
		return no_hook(hook);
	/* /sys/kernel/debug itself is root-only (0700) */
	if (code == EX_NOTROOT)
		return ist_err(code, "cannot reach %s: %s (not root?)", hook, strerror(err));
	return ist_err(code, "cannot stat %s: %s", hook, strerror(err));
}

static int write_error(const char *sysfs, const char *hook, const char *bdf, int err)
{
	char path[PATH_MAX], type[32] = "";

	switch (err) {
	case ENODEV:
		return ist_err(errno_exit(err), "%s: no PCI device %s", hook, bdf);
	case EINVAL:
		/* the group's type says which domain the device is in */
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu_group/type", sysfs, bdf);
		if (!read_small_file(path, type, sizeof(type)))
			type[strcspn(type, "\n")] = 0;
		return ist_err(EX_FAIL, "%s refused %s: not behind a DMA-API IOMMU domain (group type: %s), or bad input (EINVAL)",
			       hook, bdf, type[0] ? type : "unknown");
	case EIO:
		return ist_err(EX_FAIL, "%s: a dma_map_page() of %s failed (EIO)", hook, bdf);
	case EINTR:
		return ist_err(EX_FAIL, "interrupted");
	case EBUSY:
		return ist_err(errno_exit(err), "%s: another run is going on", hook);
	default:
		return ist_err(errno_exit(err), "%s: %s", hook, strerror(err));
	}
}

/* One run of the loop in the kernel: returns when it is over. */
static int run_hook(const struct dmamap_io *io, const char *sysfs, const char *hook,
		    const char *bdf, uint64_t iters)
{
	char cmd[64];
	int len = snprintf(cmd, sizeof(cmd), "%s %" PRIu64 "\n", bdf, iters);
	int fd;
	ssize_t n;

	/*
	 * The kernel looks for a signal only every 1024 pairs: one that came
	 * during a short warm-up would be lost on the long run after it.
	 */
	if (ist_stop)
		return ist_err(EX_FAIL, "interrupted");
	fd = io->open(io->ctx, hook);
	if (fd < 0) {
		int err = -fd, code = errno_exit(err);

		if (code == EX_NOTROOT)
			return ist_err(code, "cannot open %s: %s (not root?)", hook, strerror(err));
		if (code == EX_NODEV)
			return no_hook(hook);
		return ist_err(code, "cannot open %s: %s", hook, strerror(err));
	}
	/* one write: the hook takes the whole command at once */
	n = io->write(io->ctx, fd, cmd, (size_t)len);
	io->close(io->ctx, fd);
	if (n < 0)
		return write_error(sysfs, hook, bdf, (int)-n);
	if (n != len)
		return ist_err(EX_FAIL, "%s took %zd of %d bytes", hook, n, len);
	return 0;
}

/*
 * The timed run is one write() that returns when the kernel's loop is
 * over: a thread draws the progress meanwhile, its ETA from the warm-up's
 * rate (none without a warm-up).
 */
struct ticker {
	struct progress pr;
	pthread_t th;
	atomic_bool done;
	bool started;
};

static void *tick_main(void *arg)
{
	struct ticker *t = arg;

	while (!atomic_load(&t->done)) {
		progress_update(&t->pr, now_ns() - t->pr.t0);
		usleep(20000);
	}
	return NULL;
}

static void ticker_start(struct ticker *t, bool quiet, uint64_t estimate_ns)
{
	sigset_t sigs, old;

	t->started = false;
	atomic_init(&t->done, false);
	progress_start(&t->pr, quiet, "dmamap", PROGRESS_TIME, estimate_ns);
	if (!t->pr.enabled)
		return;
	/* a signal must reach the writer: the kernel's loop looks at its thread only */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	t->started = !pthread_create(&t->th, NULL, tick_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void ticker_stop(struct ticker *t)
{
	if (!t->started)
		return;
	atomic_store(&t->done, true);
	pthread_join(t->th, NULL);
	progress_end(&t->pr);
}

int dmamap_run(const struct opts *o, const struct app_env *env, const struct dmamap_io *io)
{
	char hook[PATH_MAX], bdf[16], line[4096], why[128];
	struct dmamap_reply rep;
	struct dmamap_result d;
	struct run_result *r;
	struct ticker tick;
	uint64_t t0, estimate = 0;
	int ret;

	snprintf(hook, sizeof(hook), "%s/%s", env->sysfs, DMAMAP_HOOK);
	ret = check_hook(io, hook);
	if (ret)
		return ret;
	ret = dmamap_resolve(env->sysfs, o->dev, bdf, sizeof(bdf));
	if (ret)
		return ret;
	r = calloc(1, sizeof(*r));
	if (!r)
		return ist_err(EX_FAIL, "out of memory");
	/* a signal interrupts the loop in the kernel (EINTR) instead of killing us */
	ist_install_signals();
	result_init(r, o);

	/* first touch: IOVA allocator caches, page tables, the flush queue */
	if (o->warmup) {
		t0 = now_ns();
		ret = run_hook(io, env->sysfs, hook, bdf, o->warmup);
		if (ret)
			goto out;
		estimate = (uint64_t)((double)(now_ns() - t0) * (double)o->iters /
				      (double)o->warmup);
	}
	ptmem_read(env->procfs, &r->before);
	ticker_start(&tick, o->quiet, estimate);
	t0 = now_ns();
	ret = run_hook(io, env->sysfs, hook, bdf, o->iters);
	r->wall_ns = now_ns() - t0;
	ticker_stop(&tick);
	if (ret)
		goto out;
	ptmem_read(env->procfs, &r->after);
	r->have_pt = true;

	ret = io->read(io->ctx, hook, line, sizeof(line));
	if (ret) {
		ret = ist_err(EX_FAIL, "cannot read %s: %s", hook, strerror(ret));
		goto out;
	}
	if (dmamap_parse(line, &rep, why, sizeof(why))) {
		ret = ist_err(EX_FAIL, "unexpected answer from %s (%s): '%.200s'", hook, why, line);
		goto out;
	}
	/* the hook keeps the last run of anyone: make sure it is ours */
	if (strcmp(rep.device, bdf) || rep.iterations != o->iters) {
		ret = ist_err(EX_FAIL, "%s reports %" PRIu64 " pairs on %s, not the %" PRIu64
			      " on %s asked for (another run at the same time?)",
			      hook, rep.iterations, rep.device, o->iters, bdf);
		goto out;
	}
	memset(&d, 0, sizeof(d));
	dmamap_fill(r, &d, o->dev, o->warmup, &rep);
	report_print(stdout, r, o->json);
	ret = 0;
out:
	free(r);
	return ret;
}

/* ---- report ---- */

static void dmamap_summary_line(FILE *f, const struct run_result *r)
{
	const struct dmamap_result *d = r->mode_res;

	/* ns with a decimal: a pair is a few hundred to a few thousand */
	fprintf(f, "dmamap: device %s domain %s pairs %" PRIu64
		" map: %.1fns unmap: %.1fns pair: %.1fns\n",
		r->device[0] ? r->device : "-", d->domain[0] ? d->domain : "-", d->iterations,
		d->map_ns_per_op, d->unmap_ns_per_op, d->pair_ns);
}

static const char *domain_text(const char *domain)
{
	if (!strcmp(domain, "dma"))
		return " (strict invalidation)";
	if (!strcmp(domain, "dma-fq"))
		return " (lazy invalidation, flush queue)";
	return "";
}

static void dmamap_report_human(FILE *f, const struct run_result *r)
{
	const struct dmamap_result *d = r->mode_res;

	fprintf(f, "%-16s %s", "device:", r->device);
	if (strcmp(d->dev, r->device))
		fprintf(f, " (%s)", d->dev);
	fprintf(f, ", domain %s%s\n", d->domain, domain_text(d->domain));
	fprintf(f, "%-16s %" PRIu64 " dma_map_page+dma_unmap_page of 4K, after %" PRIu64
		" untimed\n", "pairs:", d->iterations, d->warmup);
	fprintf(f, "%-16s %10.1f ns per call (%" PRIu64 " ns in all)\n", "map:",
		d->map_ns_per_op, d->map_ns_total);
	fprintf(f, "%-16s %10.1f ns per call (%" PRIu64 " ns in all)\n", "unmap:",
		d->unmap_ns_per_op, d->unmap_ns_total);
	fprintf(f, "%-16s %10.1f ns map+unmap\n", "pair:", d->pair_ns);
	fprintf(f, "%-16s %10.1f ns per pair, whole loop (%" PRIu64 " ns)\n", "loop:",
		d->loop_ns_per_pair, d->total_ns);
	fprintf(f, "%-16s %.3f s (the timed write)\n", "wall time:", report_wall_s(r));
	report_pt(f, r);
}

static void dmamap_report_json(struct jw *w, const struct run_result *r)
{
	const struct dmamap_result *d = r->mode_res;

	jw_obj_begin(w, "dmamap");
	jw_str(w, "device", r->device);
	jw_str(w, "domain", d->domain);
	jw_u64(w, "iterations", d->iterations);
	jw_u64(w, "warmup", d->warmup);
	jw_u64(w, "map_ns_total", d->map_ns_total);
	jw_u64(w, "unmap_ns_total", d->unmap_ns_total);
	jw_u64(w, "total_ns", d->total_ns);
	jw_double(w, "map_ns_per_op", d->map_ns_per_op);
	jw_double(w, "unmap_ns_per_op", d->unmap_ns_per_op);
	jw_double(w, "pair_ns", d->pair_ns);
	jw_double(w, "loop_ns_per_pair", d->loop_ns_per_pair);
	jw_obj_end(w);
}

static int dmamap_validate(struct opts *o)
{
	char bdf[16];

	/* which of the two it is, is decided again when it is resolved */
	if (o->dev[0] != '/' && normalize_bdf(o->dev, bdf, sizeof(bdf)))
		return ist_err(EX_USAGE, "--dev '%s' is neither a PCI address like 0000:00:04.0 nor a path like /dev/nvme0n1",
			       o->dev);
	return 0;
}

static int dmamap_mode_run(const struct opts *o, const struct app_env *env,
			   const struct pci_dev *dev)
{
	(void)dev;
	return dmamap_run(o, env, &dmamap_io_real);
}

static const struct mode_opt dmamap_opts[] = {
	{ O_DEV, "the PCI device whose DMA domain is timed: its address, or a block device on it",
	  NULL, "PATH|BDF" },
	{ O_ITERS, "timed map+unmap pairs, 1..100000000", NULL, NULL },
	{ O_WARMUP, "untimed pairs run first, as a separate run, 0..100000000", NULL, NULL },
	{ 0 },
};

static const struct mode_exit dmamap_exits[] = {
	{ EX_OK, "success" },
	{ EX_FAIL, "other runtime failure (the hook refused or failed, interrupted...)" },
	{ EX_USAGE, "usage: unknown mode, option or help topic, bad value" },
	{ EX_NODEV, "no such device, or no dma_map_bench hook (not a lab kernel, no debugfs)" },
	{ EX_NOTROOT, "not root" },
	{ EX_BUSY, "the hook is busy with another run" },
	{ 0 },
};

const struct mode_ops mode_dmamap = {
	.name = "dmamap",
	.summary = "in-kernel dma_map_page+dma_unmap_page cost (lab debugfs hook)",
	.help =
	"Time dma_map_page()+dma_unmap_page() of one 4K page in a loop in the kernel,\n"
	"on the DMA domain (dma or dma-fq) of an idle PCI device, through the lab-only\n"
	"debugfs hook <debugfs>/iommu/dma_map_bench (lab kernels, kernel/lab/): ns per\n"
	"map, per unmap and per pair.  Needs root and debugfs mounted.\n",
	.opts = dmamap_opts,
	.exits = dmamap_exits,
	.section = "dmamap",
	.validate = dmamap_validate,
	.run = dmamap_mode_run,
	.summary_line = dmamap_summary_line,
	.report_human = dmamap_report_human,
	.report_json = dmamap_report_json,
};
