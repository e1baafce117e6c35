// SPDX-License-Identifier: GPL-2.0
/*
 * A fake kernel behind the real backends' system calls (struct
 * backend_sys): the device nodes, VFIO type1 and iommufd as far as
 * backend_vfio.c and backend_iommufd.c use them.  See fake_kernel.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "common.h"
#include "fake_kernel.h"

struct fake_kernel fk;

static const struct {
	const char *suffix;
	int fd;
} nodes[] = {
	{ "/vfio/vfio", FK_CONTAINER },
	{ "/vfio/5", FK_GROUP },
	{ "/iommu", FK_IOMMUFD },
	{ "/vfio/devices/vfio0", FK_CDEV },
};

/* The two usable ranges around the MSI window, as on the lab's VT-d. */
static const uint64_t ranges[2][2] = {
	{ 0, MSI_WINDOW_START - 1 },
	{ MSI_WINDOW_END + 1, (1ULL << 48) - 1 },
};

void fk_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.api_version = VFIO_API_VERSION;
	fk.unmap_all_ext = true;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int fk_open(const char *path, int flags)
{
	(void)flags;
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		int fd = nodes[i].fd;

		if (!ends_with(path, nodes[i].suffix))
			continue;
		if (fk.open_err[fd])
			return fail(fk.open_err[fd]);
		if (fk.open[fd])
			return fail(EBUSY);
		fk.open[fd] = true;
		return fd;
	}
	return fail(ENOENT);
}

static int fk_close(int fd)
{
	if (fd < 0 || fd >= FK_NFDS || !fk.open[fd]) {
		fk.bad_closes++;
		return fail(EBADF);
	}
	fk.open[fd] = false;
	return 0;
}

int fk_open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < FK_NFDS; fd++)
		n += fk.open[fd];
	return n;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int map(uint64_t iova, uint64_t len)
{
	if (fk.map_err)
		return fail(fk.map_err);
	if (!len || iova + len < iova)
		return fail(EINVAL);
	/* reserved: the MSI window */
	if (overlaps(iova, len, MSI_WINDOW_START, MSI_WINDOW_END - MSI_WINDOW_START + 1))
		return fail(EINVAL);
	for (int i = 0; i < fk.nmaps; i++)
		if (overlaps(iova, len, fk.maps[i].iova, fk.maps[i].len))
			return fail(EEXIST);
	if (fk.nmaps >= FK_MAX_MAPS)
		return fail(ENOMEM);
	fk.maps[fk.nmaps].iova = iova;
	fk.maps[fk.nmaps].len = len;
	fk.nmaps++;
	return 0;
}

/* Remove every mapping inside [iova, iova + len); -1 if one straddles it. */
static int unmap(uint64_t iova, uint64_t len, uint64_t *done)
{
	uint64_t last = len ? iova + (len - 1) : iova;

	*done = 0;
	if (fk.unmap_err)
		return fail(fk.unmap_err);
	for (int i = 0; i < fk.nmaps; i++) {
		uint64_t s = fk.maps[i].iova, e = s + fk.maps[i].len - 1;

		if (e < iova || s > last)
			continue;
		if (s < iova || e > last)
			return fail(EINVAL);
	}
	for (int i = 0; i < fk.nmaps;) {
		uint64_t s = fk.maps[i].iova, e = s + fk.maps[i].len - 1;

		if (s >= iova && e <= last) {
			*done += fk.maps[i].len;
			fk.maps[i] = fk.maps[--fk.nmaps];
		} else {
			i++;
		}
	}
	/* a kernel that reports less than it was asked to unmap */
	if (fk.short_unmap && *done)
		*done -= SZ_4K;
	return 0;
}

static int vfio_get_info(struct vfio_iommu_type1_info *info)
{
	struct vfio_iommu_type1_info_cap_iova_range *cap;
	uint32_t need = sizeof(*info) + sizeof(*cap) + 2 * sizeof(cap->iova_ranges[0]);

	fk.get_info_calls++;
	if (fk.get_info_err)
		return fail(fk.get_info_err);
	if (info->argsz < sizeof(*info))
		return fail(EINVAL);
	info->flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS;
	info->iova_pgsizes = SZ_4K | SZ_2M | SZ_1G;
	if (info->argsz < need) {
		/* as the kernel: say how much room the capabilities need */
		info->argsz = need;
		info->cap_offset = 0;
		return 0;
	}
	info->cap_offset = sizeof(*info);
	cap = (void *)((char *)info + info->cap_offset);
	cap->header.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
	cap->header.version = 1;
	cap->header.next = 0;
	cap->nr_iovas = 2;
	for (int i = 0; i < 2; i++) {
		cap->iova_ranges[i].start = ranges[i][0];
		cap->iova_ranges[i].end = ranges[i][1];
	}
	info->argsz = need;
	return 0;
}

static int vfio_ioctl(int fd, unsigned long req, void *arg)
{
	switch (req) {
	case VFIO_GET_API_VERSION:
		return fd == FK_CONTAINER ? fk.api_version : fail(ENOTTY);
	case VFIO_CHECK_EXTENSION:
		if ((uintptr_t)arg == VFIO_TYPE1v2_IOMMU)
			return !fk.no_type1v2;
		if ((uintptr_t)arg == VFIO_UNMAP_ALL)
			return fk.unmap_all_ext;
		return 0;
	case VFIO_GROUP_GET_STATUS: {
		struct vfio_group_status *st = arg;

		if (fd != FK_GROUP)
			return fail(ENOTTY);
		st->flags = fk.not_viable ? 0 : VFIO_GROUP_FLAGS_VIABLE;
		return 0;
	}
	case VFIO_GROUP_SET_CONTAINER:
		if (fd != FK_GROUP || *(int *)arg != FK_CONTAINER)
			return fail(EBADF);
		return fk.set_container_err ? fail(fk.set_container_err) : 0;
	case VFIO_SET_IOMMU:
		if ((uintptr_t)arg != VFIO_TYPE1v2_IOMMU)
			return fail(EINVAL);
		return fk.set_iommu_err ? fail(fk.set_iommu_err) : 0;
	case VFIO_GROUP_GET_DEVICE_FD:
		if (fd != FK_GROUP)
			return fail(ENOTTY);
		if (fk.device_fd_err)
			return fail(fk.device_fd_err);
		if (strcmp(arg, "0000:00:03.0"))
			return fail(ENODEV);
		fk.open[FK_DEVICE] = true;
		return FK_DEVICE;
	case VFIO_IOMMU_GET_INFO:
		return vfio_get_info(arg);
	case VFIO_IOMMU_MAP_DMA: {
		struct vfio_iommu_type1_dma_map *m = arg;

		fk.map_calls++;
		if (m->argsz != sizeof(*m) || m->flags != (VFIO_DMA_MAP_FLAG_READ |
							   VFIO_DMA_MAP_FLAG_WRITE) || !m->vaddr)
			return fail(EINVAL);
		return map(m->iova, m->size);
	}
	case VFIO_IOMMU_UNMAP_DMA: {
		struct vfio_iommu_type1_dma_unmap *u = arg;
		uint64_t done;
		int ret;

		fk.unmap_calls++;
		if (u->flags & VFIO_DMA_UNMAP_FLAG_ALL) {
			if (!fk.unmap_all_ext || u->iova || u->size)
				return fail(EINVAL);
			ret = unmap(0, UINT64_MAX, &done);
		} else {
			ret = unmap(u->iova, u->size, &done);
		}
		u->size = done;
		return ret;
	}
	}
	return fail(ENOTTY);
}

static int iommufd_ioctl(int fd, unsigned long req, void *arg)
{
	switch (req) {
	case VFIO_DEVICE_BIND_IOMMUFD: {
		struct vfio_device_bind_iommufd *b = arg;

		if (fd != FK_CDEV || b->iommufd != FK_IOMMUFD)
			return fail(EBADF);
		if (fk.bind_err)
			return fail(fk.bind_err);
		b->out_devid = FK_DEVID;
		return 0;
	}
	case IOMMU_IOAS_ALLOC: {
		struct iommu_ioas_alloc *a = arg;

		if (fd != FK_IOMMUFD)
			return fail(ENOTTY);
		if (fk.ioas_alloc_err)
			return fail(fk.ioas_alloc_err);
		a->out_ioas_id = FK_IOAS;
		return 0;
	}
	case VFIO_DEVICE_ATTACH_IOMMUFD_PT: {
		struct vfio_device_attach_iommufd_pt *a = arg;

		if (fd != FK_CDEV || a->pt_id != FK_IOAS)
			return fail(EINVAL);
		return fk.attach_err ? fail(fk.attach_err) : 0;
	}
	case IOMMU_IOAS_MAP: {
		struct iommu_ioas_map *m = arg;

		fk.map_calls++;
		if (fd != FK_IOMMUFD || m->ioas_id != FK_IOAS || !(m->flags & IOMMU_IOAS_MAP_FIXED_IOVA))
			return fail(EINVAL);
		return map(m->iova, m->length);
	}
	case IOMMU_IOAS_UNMAP: {
		struct iommu_ioas_unmap *u = arg;
		uint64_t done;

		fk.unmap_calls++;
		if (fd != FK_IOMMUFD || u->ioas_id != FK_IOAS)
			return fail(EINVAL);
		if (unmap(u->iova, u->length, &done))
			return -1;
		u->length = done;
		/* iommufd: nothing there to unmap is ENOENT */
		return done ? 0 : fail(ENOENT);
	}
	case IOMMU_IOAS_IOVA_RANGES: {
		struct iommu_ioas_iova_ranges *q = arg;
		struct iommu_iova_range *out = (void *)(uintptr_t)q->allowed_iovas;

		if (fk.ranges_err)
			return fail(fk.ranges_err);
		if (q->num_iovas < 2) {
			q->num_iovas = 2;
			return fail(EMSGSIZE);
		}
		q->num_iovas = 2;
		for (int i = 0; i < 2; i++) {
			out[i].start = ranges[i][0];
			out[i].last = ranges[i][1];
		}
		return 0;
	}
	}
	return fail(ENOTTY);
}

static int fk_ioctl(int fd, unsigned long req, void *arg)
{
	if (fd < 0 || fd >= FK_NFDS || !fk.open[fd])
		return fail(EBADF);
	if (fd == FK_IOMMUFD || fd == FK_CDEV)
		return iommufd_ioctl(fd, req, arg);
	return vfio_ioctl(fd, req, arg);
}

const struct backend_sys fk_sys = {
	.open = fk_open,
	.close = fk_close,
	.ioctl = fk_ioctl,
};
