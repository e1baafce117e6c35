// SPDX-License-Identifier: GPL-2.0
/* Backend selection. */
#include <string.h>
#include <sys/resource.h>

#include "backend.h"

int backend_open(struct backend *b, enum backend_kind k, const struct pci_dev *dev,
		 const char *devfs)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	memset(b, 0, sizeof(*b));
	b->ops = k == BACKEND_IOMMUFD ? &backend_iommufd_ops : &backend_vfio_ops;
	b->dev = dev;
	b->devfs = devfs;
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
