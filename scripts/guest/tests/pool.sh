#!/bin/sh
# What a sweep leaves once the kernel's shrinkers ran (iova_stress sweep
# --shrink, vm.drop_caches=2): the spare tables the series keeps for the
# next map (its pool, at most 8 per domain) go back, and nothing is left
# above the baseline.  Fails on vanilla (every table stays) and without the
# pool's shrinker (iommufd: the pool's last table stays, +4 KiB).
# Usage: pool.sh vfio|iommufd SIZE
# shellcheck shell=dash
# shellcheck disable=SC1091
# $out is set by run_check (lib.sh).
# shellcheck disable=SC2154
. /tests/lib.sh

backend=$1 size=$2
run_check "iova_stress sweep --shrink $backend $size" iova_stress sweep --backend "$backend" \
	--size "$size" --shrink --json -q
left=$(json_num "$out" pt_kib_delta)
shrunk=$(json_num "$out" pt_kib_shrunk_delta)
echo "page tables left while open: ${left:-?} KiB; after the shrinkers: ${shrunk:-?} KiB ($backend, $size)"
check "at most the pool's 8 tables left (${left:-none} KiB)" test -n "$left" -a "${left:-33}" -le 32
check "nothing left after the shrinkers (${shrunk:-none} KiB)" test -n "$shrunk" -a "${shrunk:-1}" -le 0
finish
