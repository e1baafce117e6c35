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

/* Fill r->dmamap from a reply: the sums and the per-operation figures. */
void dmamap_fill(struct run_result *r, const char *dev, uint64_t warmup,
		 const struct dmamap_reply *rep);

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

/* The mode through io; mode_dmamap() is dmamap_run(o, env, &dmamap_io_real). */
int dmamap_run(const struct opts *o, const struct app_env *env, const struct dmamap_io *io);

#endif
