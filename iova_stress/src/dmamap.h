/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_DMAMAP_H
#define IST_DMAMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "app.h"
#include "result.h"

/* Relative to the sysfs root: debugfs is mounted on <sysfs>/kernel/debug. */
#define DMAMAP_HOOK	"kernel/debug/iommu/dma_map_bench"

/* The hook's one-line answer after a run. */
struct dmamap_reply {
	char device[16];
	char domain[16];
	uint64_t iterations;
	uint64_t map_ns, unmap_ns, total_ns;
};

/*
 * Parse "device=0000:00:04.0 domain=dma iterations=100000 map_ns=...
 * unmap_ns=... total_ns=...": every one of these keys exactly once, in any
 * order, unknown keys ignored.  0, or -1 with the reason in why.
 */
int dmamap_parse(const char *line, struct dmamap_reply *out, char *why, size_t why_len);

/*
 * --dev (a PCI address or a block device path) to the normalised PCI name
 * of a device present under <sysfs>/bus/pci/devices.  0, or EX_NODEV after
 * printing one line saying why.
 */
int dmamap_resolve(const char *sysfs, const char *dev, char *bdf, size_t len);

/* The dmamap mode's own figures (its run_result's mode_res). */
struct dmamap_result {
	char dev[256];		/* --dev as given */
	char domain[16];	/* "dma" (strict) or "dma-fq" (lazy) */
	uint64_t iterations, warmup;
	/* sums over the iterations, from the kernel's clock */
	uint64_t map_ns_total, unmap_ns_total, total_ns;
	double map_ns_per_op, unmap_ns_per_op;
	double pair_ns;			/* (map_ns_total + unmap_ns_total) / iterations */
	double loop_ns_per_pair;	/* total_ns / iterations */
};

/*
 * Fill d from a reply (the sums and the per-operation figures), and r's
 * device (the PCI address), pairs (the iterations) and mapping size.
 */
void dmamap_fill(struct run_result *r, struct dmamap_result *d, const char *dev,
		 uint64_t warmup, const struct dmamap_reply *rep);

/*
 * How the mode reaches the hook, a seam for the tests: stat, one open +
 * one write + close per run, then a read of the answer.  stat and read
 * return 0 or an errno value, open an fd or -errno, write the bytes taken
 * or -errno.  dmamap_io_real is the files themselves.
 */
struct dmamap_io {
	int (*stat)(void *ctx, const char *path);
	int (*open)(void *ctx, const char *path);
	ssize_t (*write)(void *ctx, int fd, const void *buf, size_t len);
	void (*close)(void *ctx, int fd);
	int (*read)(void *ctx, const char *path, char *buf, size_t len);
	void *ctx;
};

extern const struct dmamap_io dmamap_io_real;

/* The mode through io; mode_dmamap's run is dmamap_run(o, env, &dmamap_io_real). */
int dmamap_run(const struct opts *o, const struct app_env *env, const struct dmamap_io *io);

#endif
