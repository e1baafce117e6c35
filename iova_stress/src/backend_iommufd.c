// SPDX-License-Identifier: GPL-2.0
/* iommufd backend: /dev/iommu IOAS + VFIO device cdev. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "backend.h"
#include "common.h"

#ifndef VFIO_DEVICE_BIND_IOMMUFD
#error "linux/vfio.h lacks VFIO_DEVICE_BIND_IOMMUFD: build with the linux-headers/ copy (or make HDR=<6.12 uAPI include dir>)"
#endif

struct iommufd_priv {
	int iommufd;
	int device;
	uint32_t ioas;
	uint32_t devid;
};

static void iommufd_close(struct backend *b)
{
	struct iommufd_priv *p = b->priv;

	/* Closing the device detaches it; closing iommufd frees the IOAS. */
	if (p->device >= 0)
		b->sys->close(p->device);
	if (p->iommufd >= 0)
		b->sys->close(p->iommufd);
	free(p);
	b->priv = NULL;
}

static int iommufd_open(struct backend *b)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	char path[PATH_MAX];
	struct iommufd_priv *p;
	int ret;

	p = calloc(1, sizeof(*p));
	if (!p)
		return ist_err(EX_FAIL, "out of memory");
	p->iommufd = p->device = -1;
	b->priv = p;

	snprintf(path, sizeof(path), "%s/iommu", b->devfs);
	p->iommufd = b->sys->open(path, O_RDWR | O_CLOEXEC);
	if (p->iommufd < 0) {
		ret = errno == ENOENT ?
		      ist_err(EX_NOIOMMUFD, "iommufd missing: %s does not exist", path) :
		      ist_err(errno_exit(errno), "cannot open %s: %s", path, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/vfio/devices/vfio%d", b->devfs, b->dev->cdev);
	p->device = b->sys->open(path, O_RDWR | O_CLOEXEC);
	if (p->device < 0) {
		int err = errno, code = errno_exit(err);

		if (code == EX_BUSY)
			ret = ist_err(code, "device busy: %s is in use", path);
		else if (code == EX_NODEV)
			ret = ist_err(code, "%s does not exist", path);
		else
			ret = ist_err(code, "cannot open %s: %s", path, strerror(err));
		goto fail;
	}
	bind.iommufd = p->iommufd;
	if (bk_ioctl(b, p->device, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		/*
		 * EBUSY: the group is open through /dev/vfio/N.  EINVAL (our
		 * arguments are valid): the device is already open through
		 * its cdev by someone else (vfio_df_open() allows one).
		 */
		if (errno == EBUSY)
			ret = ist_err(EX_BUSY, "device busy: %s is in use through /dev/vfio/%d",
				      b->dev->bdf, b->dev->group);
		else if (errno == EINVAL)
			ret = ist_err(EX_BUSY, "device busy: %s is already open through %s elsewhere",
				      b->dev->bdf, path);
		else
			ret = ist_err(EX_FAIL, "VFIO_DEVICE_BIND_IOMMUFD %s: %s", b->dev->bdf,
				      strerror(errno));
		goto fail;
	}
	p->devid = bind.out_devid;
	if (bk_ioctl(b, p->iommufd, IOMMU_IOAS_ALLOC, &alloc)) {
		ret = ist_err(EX_FAIL, "IOMMU_IOAS_ALLOC: %s", strerror(errno));
		goto fail;
	}
	p->ioas = alloc.out_ioas_id;
	attach.pt_id = p->ioas;
	if (bk_ioctl(b, p->device, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach)) {
		ret = errno == EBUSY ?
		      ist_err(EX_BUSY, "device busy: VFIO_DEVICE_ATTACH_IOMMUFD_PT: %s", strerror(errno)) :
		      ist_err(EX_FAIL, "VFIO_DEVICE_ATTACH_IOMMUFD_PT: %s", strerror(errno));
		goto fail;
	}
	return 0;
fail:
	iommufd_close(b);
	return ret;
}

static int iommufd_map(struct backend *b, uint64_t iova, uint64_t len, void *vaddr)
{
	struct iommufd_priv *p = b->priv;
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = p->ioas,
		.user_va = (uintptr_t)vaddr,
		.length = len,
		.iova = iova,
	};

	return bk_ioctl(b, p->iommufd, IOMMU_IOAS_MAP, &m) ? -errno : 0;
}

static int iommufd_unmap(struct backend *b, uint64_t iova, uint64_t len)
{
	struct iommufd_priv *p = b->priv;
	struct iommu_ioas_unmap u = {
		.size = sizeof(u),
		.ioas_id = p->ioas,
		.iova = iova,
		.length = len,
	};

	if (bk_ioctl(b, p->iommufd, IOMMU_IOAS_UNMAP, &u))
		return -errno;
	return u.length == len ? 0 : -ENXIO;
}

static int iommufd_unmap_all(struct backend *b, uint64_t *bytes)
{
	struct iommufd_priv *p = b->priv;
	struct iommu_ioas_unmap u = {
		.size = sizeof(u),
		.ioas_id = p->ioas,
		.iova = 0,
		.length = UINT64_MAX,
	};

	*bytes = 0;
	if (bk_ioctl(b, p->iommufd, IOMMU_IOAS_UNMAP, &u))
		return errno == ENOENT ? 0 : -errno;
	*bytes = u.length;
	return 0;
}

static int iommufd_device_fd(struct backend *b, int *fd)
{
	struct iommufd_priv *p = b->priv;

	*fd = p->device;
	return 0;
}

static int iommufd_aperture(struct backend *b, struct aperture *ap)
{
	struct iommufd_priv *p = b->priv;
	struct iommu_iova_range ranges[APERTURE_MAX_RANGES];
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q),
		.ioas_id = p->ioas,
		.num_iovas = APERTURE_MAX_RANGES,
		.allowed_iovas = (uintptr_t)ranges,
	};

	aperture_init(ap);
	if (bk_ioctl(b, p->iommufd, IOMMU_IOAS_IOVA_RANGES, &q))
		return ist_err(EX_FAIL, "IOMMU_IOAS_IOVA_RANGES: %s", strerror(errno));
	for (uint32_t i = 0; i < q.num_iovas && i < APERTURE_MAX_RANGES; i++)
		aperture_add(ap, ranges[i].start, ranges[i].last);
	return 0;
}

const struct backend_ops backend_iommufd_ops = {
	.name = "iommufd",
	.open = iommufd_open,
	.close = iommufd_close,
	.map = iommufd_map,
	.unmap = iommufd_unmap,
	.unmap_all = iommufd_unmap_all,
	.device_fd = iommufd_device_fd,
	.aperture = iommufd_aperture,
};
