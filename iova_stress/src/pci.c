// SPDX-License-Identifier: GPL-2.0
/* sysfs discovery of the device bound to vfio-pci, its group and cdev. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "common.h"
#include "pci.h"

static int read_hex(const char *path, unsigned *out)
{
	char buf[32];
	FILE *f = fopen(path, "r");
	unsigned long v;
	char *end;

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	errno = 0;
	v = strtoul(buf, &end, 16);
	if (errno || end == buf || v > 0xffff)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Last component of the target of a symlink, "" if none. */
static void link_base(const char *path, char *out, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	out[0] = 0;
	if (n <= 0)
		return;
	target[n] = 0;
	base = strrchr(target, '/');
	str_copy(out, base ? base + 1 : target, len);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Every BDF in sysfs/bus/pci/drivers/vfio-pci, sorted; -1 if no driver dir. */
static int list_bound(const char *sysfs, char (*bdfs)[16], int max)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "%s/bus/pci/drivers/vfio-pci", sysfs);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)) && n < max) {
		char norm[16];

		if (strlen(de->d_name) != 12 ||
		    normalize_bdf(de->d_name, norm, sizeof(norm)) ||
		    strcmp(norm, de->d_name))
			continue;
		str_copy(bdfs[n++], de->d_name, 16);
	}
	closedir(d);
	qsort(bdfs, (size_t)n, sizeof(bdfs[0]), cmp_str);
	return n;
}

static int fill(const char *sysfs, const char *bdf, struct pci_dev *out)
{
	char path[PATH_MAX], base[64];
	struct dirent *de;
	DIR *d;

	memset(out, 0, sizeof(*out));
	str_copy(out->bdf, bdf, sizeof(out->bdf));
	out->group = -1;
	out->cdev = -1;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/vendor", sysfs, bdf);
	read_hex(path, &out->vendor);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/device", sysfs, bdf);
	read_hex(path, &out->device);

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu_group", sysfs, bdf);
	link_base(path, base, sizeof(base));
	if (base[0]) {
		char *end;
		long g = strtol(base, &end, 10);

		if (!*end && g >= 0 && g < INT_MAX)
			out->group = (int)g;
	}
	if (out->group < 0)
		return ist_err(EX_NODEV, "device %s has no IOMMU group (is the IOMMU enabled?)", bdf);

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/vfio-dev", sysfs, bdf);
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			char *end;
			long n;

			if (strncmp(de->d_name, "vfio", 4))
				continue;
			n = strtol(de->d_name + 4, &end, 10);
			if (end != de->d_name + 4 && !*end && n >= 0 && n < INT_MAX) {
				out->cdev = (int)n;
				break;
			}
		}
		closedir(d);
	}
	return 0;
}

int pci_find_device(const char *sysfs, const char *want, struct pci_dev *out)
{
	char path[PATH_MAX], drv[64];
	char bdfs[64][16];
	struct stat st;
	int n, pick = -1;

	if (want && want[0]) {
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", sysfs, want);
		if (stat(path, &st))
			return ist_err(EX_NODEV, "no PCI device %s", want);
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", sysfs, want);
		link_base(path, drv, sizeof(drv));
		if (strcmp(drv, "vfio-pci"))
			return ist_err(EX_NODEV, "device %s is %s%s, not to vfio-pci", want,
				       drv[0] ? "bound to " : "not bound to any driver",
				       drv[0] ? drv : "");
		return fill(sysfs, want, out);
	}

	n = list_bound(sysfs, bdfs, (int)ARRAY_SIZE(bdfs));
	if (n < 0)
		return ist_err(EX_NODEV, "no VFIO device: driver vfio-pci is not loaded");
	if (n == 0)
		return ist_err(EX_NODEV, "no device bound to vfio-pci (e.g. echo 1234 11e8 > /sys/bus/pci/drivers/vfio-pci/new_id)");
	for (int i = 0; i < n && pick < 0; i++) {
		unsigned v = 0, dv = 0;

		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/vendor", sysfs, bdfs[i]);
		read_hex(path, &v);
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/device", sysfs, bdfs[i]);
		read_hex(path, &dv);
		if (v == EDU_VENDOR && dv == EDU_DEVICE)
			pick = i;
	}
	return fill(sysfs, bdfs[pick < 0 ? 0 : pick], out);
}
