#!/bin/sh
# The lab works: DMAR is on in the expected invalidation mode, edu is bound
# to vfio-pci with its group and /dev/iommu, the NVMe disk sits behind the
# IOMMU.  Usage: lab-check.sh strict|lazy
# shellcheck shell=dash
# shellcheck disable=SC1091
. /tests/lib.sh

mode=${1:-strict}
check "DMAR: IOMMU enabled" sh -c 'dmesg | grep -q "DMAR: IOMMU enabled"'
check "DMA domain TLB invalidation policy: $mode" \
	sh -c "dmesg | grep -q 'TLB invalidation policy: $mode mode'"
bdf=$(edu_bdf) || bdf=none
check "edu device present ($bdf)" test "$bdf" != none
drv=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/driver" 2>/dev/null)" 2>/dev/null)
check "edu bound to vfio-pci (driver: ${drv:-none})" test "$drv" = vfio-pci
grp=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/iommu_group" 2>/dev/null)" 2>/dev/null)
check "/dev/vfio/$grp exists" test -c "/dev/vfio/$grp"
check "/dev/iommu exists" test -c /dev/iommu
check "VFIO device cdev exists" sh -c 'ls /dev/vfio/devices/vfio* >/dev/null'
check "/dev/nvme0n1 exists" test -b /dev/nvme0n1
nvme=$(nvme_bdf)
check "NVMe $nvme is behind the IOMMU" test -e "/sys/bus/pci/devices/$nvme/iommu_group"
check "nr_iommu_pages readable" test -n "$(pt_pages)"
check "iova_stress present" test -x /usr/local/bin/iova_stress
echo "kernel: $(uname -r) $(uname -v)"
finish
