#!/bin/sh
# fio beside `iova_stress uring`: Debian's fio (in the initramfs that
# scripts/initramfs-extra.sh makes, lab.sh FIO=1) does the same 4 KiB
# O_DIRECT random reads with the io_uring engine on the guest NVMe, one job
# at queue depth QD for SECONDS.  Prints one JSON line
#   {"fio": <fio's own --output-format=json, on one line>}
# which scripts/report reads (IOPS, total-latency percentiles: fio's
# lat_ns, submission to completion, as iova_stress measures).
# Exits 2 without fio, 1 if fio fails or reports an error or no read.
# Usage: fio.sh QD SECONDS
# shellcheck shell=dash

usage="usage: fio.sh QD SECONDS"
qd=${1:?$usage} secs=${2:?$usage}
case "$qd$secs" in *[!0-9]*) echo "fio.sh: QD and SECONDS are whole numbers" >&2 && exit 2 ;; esac
dev=/dev/nvme0n1
if ! command -v fio >/dev/null; then
	echo "fio.sh: no fio in this initramfs (lab.sh FIO=1)" >&2
	exit 2
fi
[ -b "$dev" ] || { echo "fio.sh: no $dev" >&2 && exit 2; }
# The guest kernels have no System V IPC: fio-shm.so (scripts/guest/)
# gives fio its shared memory over mmap; --thread keeps the jobs in one
# process.  randrepeat=0 and norandommap: fresh random offsets, as
# iova_stress picks them.
if ! LD_PRELOAD=/usr/local/lib/fio-shm.so fio --name=randread --filename="$dev" \
	--ioengine=io_uring --rw=randread --bs=4k --direct=1 --iodepth="$qd" --numjobs=1 --thread --time_based \
	--runtime="$secs" --norandommap --randrepeat=0 --lat_percentiles=1 \
	--percentile_list=50:99:99.9 --output-format=json --output=/tmp/fio.json \
	>/tmp/fio.out 2>&1; then
	echo "fio.sh: fio failed: $(tr '\n' ' ' </tmp/fio.out | cut -c1-200)" >&2
	exit 1
fi
json=$(tr -d '\n' </tmp/fio.json)
printf '{"fio":%s}\n' "$json"
# A job error or no read is a failed run (the report needs both kernels'
# figures to mean the same thing).
echo "$json" | grep -q '"error" *: *0[,}]' || { echo "fio.sh: fio reports a job error" >&2 && exit 1; }
echo "$json" | grep -q '"total_ios" *: *[1-9]' || { echo "fio.sh: fio read nothing" >&2 && exit 1; }
