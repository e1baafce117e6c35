/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_BACKEND_H
#define IST_BACKEND_H

#include <stdint.h>

#include "aperture.h"
#include "cli.h"
#include "pci.h"

struct backend;

/*
 * The system calls a backend makes, so that the host tests can play the
 * kernel (tests/test_backends.c).  They behave as the calls do: -1 and
 * errno on failure.  backend_open() sets the real ones.
 */
struct backend_sys {
	int (*open)(const char *path, int flags);
	int (*close)(int fd);
	int (*ioctl)(int fd, unsigned long req, void *arg);
};

extern const struct backend_sys backend_sys_real;

/*
 * One way of reaching the IOMMU from userspace.  open() and device_fd()
 * return 0 or an exit code after printing one line; map() and unmap()
 * return 0 or -errno and print nothing (they are in the hot loop).
 */
struct backend_ops {
	const char *name;
	int (*open)(struct backend *b);
	void (*close)(struct backend *b);
	int (*map)(struct backend *b, uint64_t iova, uint64_t len, void *vaddr);
	int (*unmap)(struct backend *b, uint64_t iova, uint64_t len);
	/* Unmap everything; *bytes gets what was still mapped. */
	int (*unmap_all)(struct backend *b, uint64_t *bytes);
	/* A VFIO device fd for edu (config space and BAR0 regions). */
	int (*device_fd)(struct backend *b, int *fd);
	int (*aperture)(struct backend *b, struct aperture *ap);
};

struct backend {
	const struct backend_ops *ops;
	const struct pci_dev *dev;
	const char *devfs;
	const struct backend_sys *sys;
	void *priv;
};

/* ioctl with a pointer argument, and with a value (VFIO_CHECK_EXTENSION...). */
static inline int bk_ioctl(const struct backend *b, int fd, unsigned long req, void *arg)
{
	return b->sys->ioctl(fd, req, arg);
}

static inline int bk_ioctl_val(const struct backend *b, int fd, unsigned long req,
			       unsigned long val)
{
	return b->sys->ioctl(fd, req, (void *)(uintptr_t)val);
}

extern const struct backend_ops backend_vfio_ops;
extern const struct backend_ops backend_iommufd_ops;

/* Open the backend of kind k for dev; 0 or an exit code. */
int backend_open(struct backend *b, enum backend_kind k, const struct pci_dev *dev,
		 const char *devfs);
void backend_close(struct backend *b);

#endif
