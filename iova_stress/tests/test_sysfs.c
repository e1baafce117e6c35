// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "harness.h"
#include "pci.h"
#include "ptmem.h"

/* A fake /sys with devices, their drivers, groups and vfio cdevs. */
static void add_dev(const char *sys, const char *bdf, const char *vendor, const char *device,
		    const char *driver, int group, int cdev)
{
	char rel[256], target[256];

	snprintf(rel, sizeof(rel), "devices/pci0000:00/%s/vendor", bdf);
	write_file(sys, rel, vendor);
	snprintf(rel, sizeof(rel), "devices/pci0000:00/%s/device", bdf);
	write_file(sys, rel, device);
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s", bdf);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", bdf);
	make_link(sys, rel, target);
	if (driver) {
		snprintf(rel, sizeof(rel), "devices/pci0000:00/%s/driver", bdf);
		snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
		make_link(sys, rel, target);
		snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/%s", driver, bdf);
		snprintf(target, sizeof(target), "../../../../devices/pci0000:00/%s", bdf);
		make_link(sys, rel, target);
	}
	if (group >= 0) {
		snprintf(rel, sizeof(rel), "devices/pci0000:00/%s/iommu_group", bdf);
		snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", group);
		make_link(sys, rel, target);
	}
	if (cdev >= 0) {
		snprintf(rel, sizeof(rel), "devices/pci0000:00/%s/vfio-dev/vfio%d/dev", bdf, cdev);
		write_file(sys, rel, "511:0\n");
	}
}

static int find_(const char *sys, const char *want, struct pci_dev *d, int code)
{
	const char *err;
	int ret;

	capture_begin(2);
	ret = pci_find_device(sys, want, d);
	err = capture_end();
	CHECK_INT(ret, code);
	if (code)
		CHECK(count_lines(err) == 1 && !strncmp(err, "iova_stress: ", 13));
	else
		CHECK_STR(err, "");
	return ret;
}
#define find(...) T_CALL(find_(__VA_ARGS__))

TEST(pci_discovery)
{
	char *sys = tmpdir_make();
	struct pci_dev d;

	/* no vfio-pci driver at all */
	find(sys, "", &d, EX_NODEV);
	make_dir(sys, "bus/pci/drivers/vfio-pci");
	write_file(sys, "bus/pci/drivers/vfio-pci/new_id", "");
	find(sys, "", &d, EX_NODEV);			/* loaded, nothing bound */

	add_dev(sys, "0000:00:02.0", "0x1af4\n", "0x1000\n", "vfio-pci", 7, 0);
	add_dev(sys, "0000:00:04.0", "0x1b36\n", "0x0010\n", "nvme", 9, -1);
	find(sys, "", &d, 0);
	CHECK_STR(d.bdf, "0000:00:02.0");
	CHECK_U64(d.group, 7);
	CHECK_INT(d.cdev, 0);
	CHECK(!pci_is_edu(&d));

	/* an edu device is preferred over the first device */
	add_dev(sys, "0000:00:03.0", "0x1234\n", "0x11e8\n", "vfio-pci", 5, 1);
	find(sys, "", &d, 0);
	CHECK_STR(d.bdf, "0000:00:03.0");
	CHECK(pci_is_edu(&d));
	CHECK_INT(d.group, 5);
	CHECK_INT(d.cdev, 1);

	find(sys, "0000:00:02.0", &d, 0);
	CHECK_STR(d.bdf, "0000:00:02.0");
	find(sys, "0000:00:04.0", &d, EX_NODEV);	/* bound to nvme */
	find(sys, "0000:00:09.0", &d, EX_NODEV);	/* no such device */

	add_dev(sys, "0000:00:05.0", "0x1234\n", "0x11e8\n", NULL, -1, -1);
	find(sys, "0000:00:05.0", &d, EX_NODEV);	/* no driver */
	add_dev(sys, "0000:00:06.0", "0x1234\n", "0x11e8\n", "vfio-pci", -1, -1);
	find(sys, "0000:00:06.0", &d, EX_NODEV);	/* no IOMMU group */
	tmpdir_remove(sys);
}

TEST(ptmem_parsing)
{
	const char *vm = "nr_free_pages 1000\nnr_iommu_pages_x 5\nnr_iommu_pages 123\nfoo 1\n";
	const char *mi = "MemTotal:        4000000 kB\nSecPageTables:      516 kB\n";
	uint64_t v = 0;

	CHECK_INT(ptmem_parse_vmstat(vm, "nr_iommu_pages", &v), 0);
	CHECK_U64(v, 123);
	CHECK_INT(ptmem_parse_vmstat(vm, "nr_iommu", &v), -1);
	CHECK_INT(ptmem_parse_vmstat("", "nr_iommu_pages", &v), -1);
	CHECK_INT(ptmem_parse_vmstat("nr_iommu_pages x\n", "nr_iommu_pages", &v), -1);
	CHECK_INT(ptmem_parse_meminfo(mi, "SecPageTables", &v), 0);
	CHECK_U64(v, 516);
	CHECK_INT(ptmem_parse_meminfo(mi, "PageTables", &v), -1);
}

TEST(ptmem_read_fake_proc)
{
	char *proc = tmpdir_make();
	struct ptmem a, b;
	int64_t kib;

	write_file(proc, "vmstat", "nr_iommu_pages 3\n");
	write_file(proc, "meminfo", "SecPageTables:      12 kB\n");
	write_file(proc, "sys/vm/stat_refresh", "");
	ptmem_read(proc, &a);
	CHECK(a.have_pages && a.have_secpt && a.refreshed && a.have_free);
	CHECK_U64(a.pages, 3);
	CHECK_U64(a.secpt_kib, 12);

	write_file(proc, "vmstat", "nr_iommu_pages 32771\n");
	write_file(proc, "meminfo", "SecPageTables:      131084 kB\n");
	ptmem_read(proc, &b);
	CHECK(ptmem_pt_kib_delta(&a, &b, &kib));
	CHECK_INT(kib, 131072);
	CHECK(ptmem_secpt_kib_delta(&a, &b, &kib));
	CHECK_INT(kib, 131072);
	CHECK(ptmem_pt_kib_delta(&b, &a, &kib));
	CHECK_INT(kib, -131072);

	write_file(proc, "vmstat", "nr_free_pages 3\n");	/* old kernel */
	ptmem_read(proc, &b);
	CHECK(!b.have_pages);
	CHECK(!ptmem_pt_kib_delta(&a, &b, &kib));
	tmpdir_remove(proc);
}
