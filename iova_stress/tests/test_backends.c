// SPDX-License-Identifier: GPL-2.0
/*
 * The real VFIO type1 and iommufd backends against a fake kernel
 * (fake_kernel.c): exit codes of open, what map and unmap return (short
 * unmap, EINVAL on the MSI window, ENOMEM), unmap-all, the aperture, and
 * that every fd opened is closed.
 */
#include <errno.h>
#include <stdio.h>

#include "backend.h"
#include "common.h"
#include "fake_kernel.h"
#include "harness.h"
#include "mock.h"

/* backend_vfio.c and backend_iommufd.c are compiled with these names (Makefile). */
extern const struct backend_ops real_backend_vfio_ops;
extern const struct backend_ops real_backend_iommufd_ops;

static const struct pci_dev edu = {
	.bdf = "0000:00:03.0", .vendor = 0x1234, .device = 0x11e8, .group = 5, .cdev = 0,
};

static char err[1024];
static char buf[SZ_4K] __attribute__((aligned(4096)));

/*
 * Open ops on the fake kernel; expect exit code want and, if it fails,
 * one "iova_stress: " line containing msg and nothing left open.
 */
static int open_(struct backend *b, const struct backend_ops *ops, int want, const char *msg)
{
	int ret;

	memset(b, 0, sizeof(*b));
	b->ops = ops;
	b->dev = &edu;
	b->devfs = "/fakedev";
	b->sys = &fk_sys;
	capture_begin(2);
	ret = ops->open(b);
	snprintf(err, sizeof(err), "%s", capture_end());
	CHECK_INT(ret, want);
	if (want) {
		CHECK_INT(count_lines(err), 1);
		CHECK(!strncmp(err, "iova_stress: ", 13));
		if (msg && !strstr(err, msg))
			t_fail(__FILE__, __LINE__, "'%s' does not say '%s'", err, msg);
		CHECK(!b->priv);
		CHECK_INT(fk_open_fds(), 0);
	} else {
		CHECK_STR(err, "");
		CHECK(b->priv);
	}
	CHECK_INT(fk.bad_closes, 0);
	return ret;
}
#define open_backend(...) T_CALL(open_(__VA_ARGS__))

/* Close an open backend: every fd it opened is closed, once. */
static void close_(struct backend *b)
{
	b->ops->close(b);
	CHECK(!b->priv);
	CHECK_INT(fk_open_fds(), 0);
	CHECK_INT(fk.bad_closes, 0);
}
#define close_backend(...) T_DO(close_(__VA_ARGS__))

TEST(backend_vfio_open_errors)
{
	struct backend b;

	/* a missing node is a missing device, whichever node it is */
	fk_reset();
	fk.open_err[FK_CONTAINER] = ENOENT;
	open_backend(&b, &real_backend_vfio_ops, EX_NODEV, "/fakedev/vfio/vfio does not exist");
	fk_reset();
	fk.open_err[FK_GROUP] = ENOENT;
	open_backend(&b, &real_backend_vfio_ops, EX_NODEV, "/fakedev/vfio/5 does not exist");
	fk_reset();
	fk.open_err[FK_CONTAINER] = EACCES;
	open_backend(&b, &real_backend_vfio_ops, EX_NOTROOT, "not root?");
	fk_reset();
	fk.open_err[FK_GROUP] = EBUSY;
	open_backend(&b, &real_backend_vfio_ops, EX_BUSY, "device busy: /fakedev/vfio/5 is in use");
	fk_reset();
	fk.open_err[FK_GROUP] = ENOMEM;
	open_backend(&b, &real_backend_vfio_ops, EX_FAIL, "cannot open /fakedev/vfio/5");
	fk_reset();
	fk.api_version = 1;
	open_backend(&b, &real_backend_vfio_ops, EX_FAIL, "unknown VFIO API version");
	fk_reset();
	fk.no_type1v2 = true;
	open_backend(&b, &real_backend_vfio_ops, EX_FAIL, "type1v2 IOMMU not supported");
	fk_reset();
	fk.not_viable = true;
	open_backend(&b, &real_backend_vfio_ops, EX_FAIL, "IOMMU group 5 is not viable");
	fk_reset();
	fk.set_container_err = EBUSY;
	open_backend(&b, &real_backend_vfio_ops, EX_BUSY, "group 5 already has a container");
	fk_reset();
	fk.set_container_err = EINVAL;
	open_backend(&b, &real_backend_vfio_ops, EX_FAIL, "VFIO_GROUP_SET_CONTAINER: ");
	fk_reset();
	fk.set_iommu_err = EBUSY;
	open_backend(&b, &real_backend_vfio_ops, EX_BUSY, "VFIO_SET_IOMMU");
	fk_reset();
	fk.set_iommu_err = EPERM;
	open_backend(&b, &real_backend_vfio_ops, EX_FAIL, "VFIO_SET_IOMMU(TYPE1v2)");
}

TEST(backend_vfio_map_unmap)
{
	struct backend b;
	uint64_t bytes;

	fk_reset();
	open_backend(&b, &real_backend_vfio_ops, EX_OK, NULL);
	CHECK_STR(b.ops->name, "vfio");
	CHECK_INT(b.ops->map(&b, 0, SZ_4K, buf), 0);
	CHECK_INT(b.ops->map(&b, SZ_2M, SZ_2M, buf), 0);
	CHECK_INT(fk.nmaps, 2);
	/* the kernel's refusals come back as -errno */
	CHECK_INT(b.ops->map(&b, MSI_WINDOW_START, SZ_4K, buf), -EINVAL);
	CHECK_INT(b.ops->map(&b, MSI_WINDOW_END + 1 - SZ_4K, SZ_4K, buf), -EINVAL);
	CHECK_INT(b.ops->map(&b, 0, SZ_4K, buf), -EEXIST);
	fk.map_err = ENOMEM;
	CHECK_INT(b.ops->map(&b, SZ_1G, SZ_4K, buf), -ENOMEM);
	fk.map_err = 0;
	CHECK_INT(fk.nmaps, 2);

	CHECK_INT(b.ops->unmap(&b, 0, SZ_4K), 0);
	/* nothing there: the kernel unmaps 0 bytes and says so only in size */
	CHECK_INT(b.ops->unmap(&b, 0, SZ_4K), -ENXIO);
	CHECK_INT(b.ops->unmap(&b, SZ_1G, SZ_4K), -ENXIO);
	/* fewer bytes than asked: a short unmap is an error */
	fk.short_unmap = true;
	CHECK_INT(b.ops->unmap(&b, SZ_2M, SZ_2M), -ENXIO);
	fk.short_unmap = false;
	CHECK_INT(fk.nmaps, 0);
	/* a mapping cut in two: EINVAL from type1 v2 */
	CHECK_INT(b.ops->map(&b, SZ_2M, SZ_2M, buf), 0);
	CHECK_INT(b.ops->unmap(&b, SZ_2M, SZ_4K), -EINVAL);
	fk.unmap_err = EBUSY;
	CHECK_INT(b.ops->unmap(&b, SZ_2M, SZ_2M), -EBUSY);
	fk.unmap_err = 0;

	/* unmap-all with VFIO_UNMAP_ALL: what was left */
	CHECK_INT(b.ops->map(&b, SZ_1G, SZ_4K, buf), 0);
	CHECK_INT(b.ops->unmap_all(&b, &bytes), 0);
	CHECK_U64(bytes, SZ_2M + SZ_4K);
	CHECK_INT(fk.nmaps, 0);
	fk.unmap_err = EIO;
	CHECK_INT(b.ops->unmap_all(&b, &bytes), -EIO);
	CHECK_U64(bytes, 0);
	close_backend(&b);

	/* without the extension: one unmap of [0, 2^63) */
	fk_reset();
	fk.unmap_all_ext = false;
	open_backend(&b, &real_backend_vfio_ops, EX_OK, NULL);
	CHECK_INT(b.ops->map(&b, SZ_1T, SZ_4K, buf), 0);
	CHECK_INT(b.ops->unmap_all(&b, &bytes), 0);
	CHECK_U64(bytes, SZ_4K);
	close_backend(&b);
}

TEST(backend_vfio_aperture_and_device)
{
	struct backend b;
	struct aperture ap;
	int fd = -1;

	fk_reset();
	open_backend(&b, &real_backend_vfio_ops, EX_OK, NULL);
	/* the first GET_INFO says how much room the capabilities need */
	CHECK_INT(b.ops->aperture(&b, &ap), 0);
	CHECK_INT(fk.get_info_calls, 2);
	CHECK(ap.known);
	CHECK_INT(ap.nr, 2);
	CHECK_U64(ap.range[0].last, MSI_WINDOW_START - 1);
	CHECK_U64(ap.range[1].start, MSI_WINDOW_END + 1);
	CHECK_U64(aperture_last(&ap), (1ULL << 48) - 1);
	CHECK_U64(ap.pgsizes, SZ_4K | SZ_2M | SZ_1G);
	CHECK(!aperture_allows(&ap, MSI_WINDOW_START, SZ_4K));

	fk.get_info_err = EFAULT;
	capture_begin(2);
	CHECK_INT(b.ops->aperture(&b, &ap), EX_FAIL);
	CHECK(strstr(capture_end(), "VFIO_IOMMU_GET_INFO: "));
	fk.get_info_err = 0;

	/* the device fd: asked once, kept, closed with the backend */
	fk.device_fd_err = EBUSY;
	capture_begin(2);
	CHECK_INT(b.ops->device_fd(&b, &fd), EX_BUSY);
	CHECK(strstr(capture_end(), "device busy: 0000:00:03.0 is open elsewhere"));
	fk.device_fd_err = 0;
	CHECK_INT(b.ops->device_fd(&b, &fd), 0);
	CHECK_INT(fd, FK_DEVICE);
	CHECK_INT(b.ops->device_fd(&b, &fd), 0);
	CHECK_INT(fd, FK_DEVICE);
	close_backend(&b);
}

TEST(backend_iommufd_open_errors)
{
	struct backend b;

	fk_reset();
	fk.open_err[FK_IOMMUFD] = ENOENT;
	open_backend(&b, &real_backend_iommufd_ops, EX_NOIOMMUFD, "iommufd missing: /fakedev/iommu");
	fk_reset();
	fk.open_err[FK_IOMMUFD] = EACCES;
	open_backend(&b, &real_backend_iommufd_ops, EX_NOTROOT, "cannot open /fakedev/iommu");
	fk_reset();
	fk.open_err[FK_CDEV] = ENOENT;
	open_backend(&b, &real_backend_iommufd_ops, EX_NODEV, "/fakedev/vfio/devices/vfio0 does not exist");
	fk_reset();
	fk.open_err[FK_CDEV] = EBUSY;
	open_backend(&b, &real_backend_iommufd_ops, EX_BUSY, "device busy: /fakedev/vfio/devices/vfio0");
	fk_reset();
	fk.bind_err = EBUSY;
	open_backend(&b, &real_backend_iommufd_ops, EX_BUSY, "in use through /dev/vfio/5");
	fk_reset();
	fk.bind_err = EINVAL;
	open_backend(&b, &real_backend_iommufd_ops, EX_BUSY, "already open through");
	fk_reset();
	fk.bind_err = ENOMEM;
	open_backend(&b, &real_backend_iommufd_ops, EX_FAIL, "VFIO_DEVICE_BIND_IOMMUFD 0000:00:03.0");
	fk_reset();
	fk.ioas_alloc_err = ENOMEM;
	open_backend(&b, &real_backend_iommufd_ops, EX_FAIL, "IOMMU_IOAS_ALLOC: ");
	fk_reset();
	fk.attach_err = EBUSY;
	open_backend(&b, &real_backend_iommufd_ops, EX_BUSY, "VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	fk_reset();
	fk.attach_err = EINVAL;
	open_backend(&b, &real_backend_iommufd_ops, EX_FAIL, "VFIO_DEVICE_ATTACH_IOMMUFD_PT: ");
}

TEST(backend_iommufd_map_unmap)
{
	struct backend b;
	struct aperture ap;
	uint64_t bytes;
	int fd = -1;

	fk_reset();
	open_backend(&b, &real_backend_iommufd_ops, EX_OK, NULL);
	CHECK_STR(b.ops->name, "iommufd");
	CHECK_INT(b.ops->map(&b, 0, SZ_4K, buf), 0);
	CHECK_INT(b.ops->map(&b, MSI_WINDOW_START, SZ_4K, buf), -EINVAL);
	fk.map_err = ENOMEM;
	CHECK_INT(b.ops->map(&b, SZ_2M, SZ_4K, buf), -ENOMEM);
	fk.map_err = 0;
	CHECK_INT(b.ops->map(&b, SZ_2M, SZ_2M, buf), 0);

	CHECK_INT(b.ops->unmap(&b, 0, SZ_4K), 0);
	CHECK_INT(b.ops->unmap(&b, 0, SZ_4K), -ENOENT);
	fk.short_unmap = true;
	CHECK_INT(b.ops->unmap(&b, SZ_2M, SZ_2M), -ENXIO);
	fk.short_unmap = false;
	fk.unmap_err = EBUSY;
	CHECK_INT(b.ops->unmap(&b, SZ_2M, SZ_2M), -EBUSY);
	fk.unmap_err = 0;

	/* unmap-all: what was left; nothing left is not an error */
	CHECK_INT(b.ops->map(&b, SZ_1G, SZ_4K, buf), 0);
	CHECK_INT(b.ops->map(&b, SZ_1T, SZ_4K, buf), 0);
	CHECK_INT(b.ops->unmap_all(&b, &bytes), 0);
	CHECK_U64(bytes, 2 * SZ_4K);
	CHECK_INT(b.ops->unmap_all(&b, &bytes), 0);
	CHECK_U64(bytes, 0);
	fk.unmap_err = EIO;
	CHECK_INT(b.ops->unmap_all(&b, &bytes), -EIO);
	fk.unmap_err = 0;

	CHECK_INT(b.ops->aperture(&b, &ap), 0);
	CHECK(ap.known);
	CHECK_INT(ap.nr, 2);
	CHECK_U64(ap.range[0].last, MSI_WINDOW_START - 1);
	CHECK_U64(aperture_last(&ap), (1ULL << 48) - 1);
	fk.ranges_err = EFAULT;
	capture_begin(2);
	CHECK_INT(b.ops->aperture(&b, &ap), EX_FAIL);
	CHECK(strstr(capture_end(), "IOMMU_IOAS_IOVA_RANGES: "));
	fk.ranges_err = 0;

	CHECK_INT(b.ops->device_fd(&b, &fd), 0);
	CHECK_INT(fd, FK_CDEV);
	close_backend(&b);
}

/* backend_open() picks the backend and the real system calls. */
TEST(backend_open_selects)
{
	struct backend b;

	/* the modes' mock stands in for the backends here: it refuses */
	mock.open_ret = EX_BUSY;
	capture_begin(2);
	CHECK_INT(backend_open(&b, BACKEND_IOMMUFD, &edu, "/nonexistent"), EX_BUSY);
	capture_end();
	CHECK(b.sys == &backend_sys_real);
	CHECK(b.ops == &backend_iommufd_ops);
	backend_close(&b);
}
