#!/bin/sh
# Sweep SIZE (4 KiB every 2 MiB) through BACKEND and require the page-table
# memory left while the container/IOAS is still open to be at most MAXKIB
# above the baseline.  Fails on vanilla (about 2 GiB per TiB), passes with
# the series.  With MINKIB, the growth must also be at least MINKIB (the
# vanilla before-picture).  Usage: reclaim.sh vfio|iommufd SIZE MAXKIB [MINKIB]
# shellcheck shell=dash
# shellcheck disable=SC1091
# $out is set by run_check (lib.sh).
# shellcheck disable=SC2154
. /tests/lib.sh

backend=$1 size=$2 max=$3 min=${4:-}
run_check "iova_stress sweep $backend $size" iova_stress sweep --backend "$backend" --size "$size" \
	--json -q
kib=$(json_num "$out" pt_kib_delta)
pairs=$(json_num "$out" pairs)
echo "page tables left while open: ${kib:-?} KiB after ${pairs:-?} pairs ($backend, $size)"
check "page tables left <= $max KiB (got ${kib:-none})" test -n "$kib" -a "${kib:-1}" -le "$max"
[ -z "$min" ] || check "page tables left >= $min KiB (got ${kib:-none})" test "${kib:-0}" -ge "$min"
finish
