/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_FAKE_KERNEL_H
#define IST_FAKE_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"

/*
 * The fake kernel the backend tests run the real backend_vfio.c and
 * backend_iommufd.c against, through fk_sys (struct backend_sys).  Its
 * nodes are <devfs>/vfio/vfio, <devfs>/vfio/5 (group 5), <devfs>/iommu and
 * <devfs>/vfio/devices/vfio0, each with a fixed fd; anything else is
 * ENOENT, a node open twice EBUSY.  Maps refuse the MSI window with
 * EINVAL and overlaps with EEXIST; unmaps remove whole mappings and report
 * the bytes removed (iommufd: ENOENT when none).  The usable IOVA ranges
 * are [0, 0xfedfffff] and [0xfef00000, 2^48 - 1].
 */
enum { FK_CONTAINER = 3, FK_GROUP, FK_DEVICE, FK_IOMMUFD, FK_CDEV, FK_NFDS };
enum { FK_DEVID = 7, FK_IOAS = 9, FK_MAX_MAPS = 64 };

struct fake_kernel {
	/* configuration: an errno to fail with, 0 = works */
	int open_err[FK_NFDS];		/* by the node's fd */
	int api_version;
	bool no_type1v2, not_viable, unmap_all_ext;
	int set_container_err, set_iommu_err, device_fd_err, get_info_err;
	int bind_err, ioas_alloc_err, attach_err, ranges_err;
	int map_err, unmap_err;		/* every map / unmap */
	bool short_unmap;		/* report 4K less than was unmapped */

	/* state */
	bool open[FK_NFDS];
	int bad_closes;
	struct {
		uint64_t iova, len;
	} maps[FK_MAX_MAPS];
	int nmaps;
	unsigned map_calls, unmap_calls, get_info_calls;
};

extern struct fake_kernel fk;
extern const struct backend_sys fk_sys;

void fk_reset(void);
int fk_open_fds(void);

#endif
