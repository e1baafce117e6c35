/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_PCI_H
#define IST_PCI_H

#include <stdbool.h>

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8

/* A PCI device bound to vfio-pci, as found in sysfs. */
struct pci_dev {
	char bdf[16];		/* 0000:00:03.0 */
	unsigned vendor, device;
	int group;		/* IOMMU group number */
	int cdev;		/* N of /dev/vfio/devices/vfioN, -1 if none */
};

/*
 * Find the device to use under sysfs ("/sys" outside the tests): want is
 * a normalised BDF, or "" for the first edu device bound to vfio-pci,
 * else the first bound device.  Returns 0 or EX_NODEV after printing
 * one line saying what is missing.
 */
int pci_find_device(const char *sysfs, const char *want, struct pci_dev *out);

static inline bool pci_is_edu(const struct pci_dev *d)
{
	return d->vendor == EDU_VENDOR && d->device == EDU_DEVICE;
}

#endif
