// SPDX-License-Identifier: GPL-2.0
/* VFIO type1 backend: container + group, VFIO_IOMMU_MAP_DMA/UNMAP_DMA. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "backend.h"
#include "common.h"

struct vfio_priv {
	int container;
	int group;
	int device;
	bool unmap_all;
};

static int open_err(const char *path, int err)
{
	int code = errno_exit(err);

	switch (code) {
	case EX_BUSY:
		return ist_err(code, "device busy: %s is in use (another process or an iommufd bind?)",
			       path);
	case EX_NODEV:
		return ist_err(code, "%s does not exist", path);
	case EX_NOTROOT:
		return ist_err(code, "cannot open %s: %s (not root?)", path, strerror(err));
	default:
		return ist_err(code, "cannot open %s: %s", path, strerror(err));
	}
}

static void vfio_close(struct backend *b)
{
	struct vfio_priv *p = b->priv;

	if (p->device >= 0)
		b->sys->close(p->device);
	if (p->group >= 0)
		b->sys->close(p->group);
	if (p->container >= 0)
		b->sys->close(p->container);
	free(p);
	b->priv = NULL;
}

static int vfio_open(struct backend *b)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX];
	struct vfio_priv *p;
	int ret;

	p = calloc(1, sizeof(*p));
	if (!p)
		return ist_err(EX_FAIL, "out of memory");
	p->container = p->group = p->device = -1;
	b->priv = p;

	snprintf(path, sizeof(path), "%s/vfio/vfio", b->devfs);
	p->container = b->sys->open(path, O_RDWR | O_CLOEXEC);
	if (p->container < 0) {
		if (errno == ENOENT) {
			ret = ist_err(EX_NODEV, "%s does not exist (CONFIG_VFIO_CONTAINER off? try --backend iommufd)",
				      path);
			goto fail;
		}
		ret = open_err(path, errno);
		goto fail;
	}
	if (bk_ioctl_val(b, p->container, VFIO_GET_API_VERSION, 0) != VFIO_API_VERSION) {
		ret = ist_err(EX_FAIL, "unknown VFIO API version");
		goto fail;
	}
	if (bk_ioctl_val(b, p->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		ret = ist_err(EX_FAIL, "VFIO type1v2 IOMMU not supported (CONFIG_VFIO_IOMMU_TYPE1?)");
		goto fail;
	}

	snprintf(path, sizeof(path), "%s/vfio/%d", b->devfs, b->dev->group);
	p->group = b->sys->open(path, O_RDWR | O_CLOEXEC);
	if (p->group < 0) {
		ret = open_err(path, errno);
		goto fail;
	}
	if (bk_ioctl(b, p->group, VFIO_GROUP_GET_STATUS, &status)) {
		ret = ist_err(EX_FAIL, "VFIO_GROUP_GET_STATUS on %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		ret = ist_err(EX_FAIL, "IOMMU group %d is not viable: bind every device of the group to vfio-pci",
			      b->dev->group);
		goto fail;
	}
	if (bk_ioctl(b, p->group, VFIO_GROUP_SET_CONTAINER, &p->container)) {
		ret = errno == EBUSY ?
		      ist_err(EX_BUSY, "device busy: group %d already has a container", b->dev->group) :
		      ist_err(EX_FAIL, "VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));
		goto fail;
	}
	if (bk_ioctl_val(b, p->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		ret = errno == EBUSY ?
		      ist_err(EX_BUSY, "device busy: VFIO_SET_IOMMU: %s", strerror(errno)) :
		      ist_err(EX_FAIL, "VFIO_SET_IOMMU(TYPE1v2): %s", strerror(errno));
		goto fail;
	}
	p->unmap_all = bk_ioctl_val(b, p->container, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL) > 0;
	return 0;
fail:
	vfio_close(b);
	return ret;
}

static int vfio_map(struct backend *b, uint64_t iova, uint64_t len, void *vaddr)
{
	struct vfio_priv *p = b->priv;
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = len,
	};

	return bk_ioctl(b, p->container, VFIO_IOMMU_MAP_DMA, &m) ? -errno : 0;
}

static int vfio_unmap(struct backend *b, uint64_t iova, uint64_t len)
{
	struct vfio_priv *p = b->priv;
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.iova = iova,
		.size = len,
	};

	if (bk_ioctl(b, p->container, VFIO_IOMMU_UNMAP_DMA, &u))
		return -errno;
	return u.size == len ? 0 : -ENXIO;
}

static int vfio_unmap_all(struct backend *b, uint64_t *bytes)
{
	struct vfio_priv *p = b->priv;
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u) };

	if (p->unmap_all) {
		u.flags = VFIO_DMA_UNMAP_FLAG_ALL;
	} else {
		u.iova = 0;
		u.size = 1ULL << 63;
	}
	*bytes = 0;
	if (bk_ioctl(b, p->container, VFIO_IOMMU_UNMAP_DMA, &u))
		return -errno;
	*bytes = u.size;
	return 0;
}

static int vfio_device_fd(struct backend *b, int *fd)
{
	struct vfio_priv *p = b->priv;

	if (p->device < 0) {
		p->device = bk_ioctl(b, p->group, VFIO_GROUP_GET_DEVICE_FD, (void *)b->dev->bdf);
		if (p->device < 0) {
			if (errno == EBUSY)
				return ist_err(EX_BUSY, "device busy: %s is open elsewhere", b->dev->bdf);
			return ist_err(EX_FAIL, "VFIO_GROUP_GET_DEVICE_FD %s: %s", b->dev->bdf,
				       strerror(errno));
		}
	}
	*fd = p->device;
	return 0;
}

static int vfio_aperture(struct backend *b, struct aperture *ap)
{
	struct vfio_priv *p = b->priv;
	struct vfio_iommu_type1_info *info;
	uint32_t argsz = sizeof(*info);

	aperture_init(ap);
	for (int tries = 0; tries < 2; tries++) {
		info = calloc(1, argsz);
		if (!info)
			return ist_err(EX_FAIL, "out of memory");
		info->argsz = argsz;
		if (bk_ioctl(b, p->container, VFIO_IOMMU_GET_INFO, info)) {
			free(info);
			return ist_err(EX_FAIL, "VFIO_IOMMU_GET_INFO: %s", strerror(errno));
		}
		if (info->argsz <= argsz)
			break;
		argsz = info->argsz;
		free(info);
		info = NULL;
	}
	if (!info)
		return ist_err(EX_FAIL, "VFIO_IOMMU_GET_INFO: size keeps growing");
	if (info->flags & VFIO_IOMMU_INFO_PGSIZES)
		ap->pgsizes = info->iova_pgsizes;
	if (info->flags & VFIO_IOMMU_INFO_CAPS) {
		uint32_t off = info->cap_offset;

		for (int n = 0; off && n < 64; n++) {
			struct vfio_info_cap_header *h;

			if (off < sizeof(*info) || off + sizeof(*h) > argsz)
				break;
			h = (struct vfio_info_cap_header *)((char *)info + off);
			if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
				struct vfio_iommu_type1_info_cap_iova_range *c = (void *)h;

				for (uint32_t i = 0; i < c->nr_iovas; i++) {
					if (off + sizeof(*c) + (i + 1) * sizeof(c->iova_ranges[0]) > argsz)
						break;
					aperture_add(ap, c->iova_ranges[i].start,
						     c->iova_ranges[i].end);
				}
			}
			off = h->next;
		}
	}
	free(info);
	return 0;
}

const struct backend_ops backend_vfio_ops = {
	.name = "vfio",
	.open = vfio_open,
	.close = vfio_close,
	.map = vfio_map,
	.unmap = vfio_unmap,
	.unmap_all = vfio_unmap_all,
	.device_fd = vfio_device_fd,
	.aperture = vfio_aperture,
};
