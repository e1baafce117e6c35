#!/bin/sh
# io_uring 4 KiB random reads on the NVMe, which maps and unmaps every read
# through the DMA API: no I/O error, and the run reports the guest's busy
# CPU time per read (/proc/stat on a tickless-idle kernel), the figure
# `make compare` compares.
# Usage: uring.sh QD SECONDS
# shellcheck shell=dash
# shellcheck disable=SC1091
# $out is set by run_check (lib.sh).
# shellcheck disable=SC2154
. /tests/lib.sh

qd=$1
secs=$2
run_check "iova_stress uring (no read errors)" iova_stress uring --dev /dev/nvme0n1 --qd "$qd" \
	--duration "$secs" --json -q
ios=$(json_num "$out" ios)
busy=$(json_num "$out" busy_ns_per_io)
echo "reads: ${ios:-none}, busy CPU per read: ${busy:-none} ns"
check "reads completed" test "${ios:-0}" -gt 0
check "busy CPU time per read is reported and positive" \
	awk -v b="${busy:-0}" 'BEGIN { exit !(b > 0) }'
finish
