// SPDX-License-Identifier: GPL-2.0
/* Backend selection. */
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "backend.h"

static int real_open(const char *path, int flags)
{
	return open(path, flags);
}

static int real_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

const struct backend_sys backend_sys_real = {
	.open = real_open,
	.close = close,
	.ioctl = real_ioctl,
};

int backend_open(struct backend *b, enum backend_kind k, const struct pci_dev *dev,
		 const char *devfs)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	memset(b, 0, sizeof(*b));
	b->ops = k == BACKEND_IOMMUFD ? &backend_iommufd_ops : &backend_vfio_ops;
	b->dev = dev;
	b->devfs = devfs;
	b->sys = &backend_sys_real;
	/* Pinned pages count against RLIMIT_MEMLOCK; as root, lift it. */
	setrlimit(RLIMIT_MEMLOCK, &rl);
	return b->ops->open(b);
}

void backend_close(struct backend *b)
{
	if (b->ops && b->priv)
		b->ops->close(b);
	b->priv = NULL;
}
