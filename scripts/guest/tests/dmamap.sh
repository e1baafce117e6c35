#!/bin/sh
# The lab's dma_map_bench hook (kernel/lab/) through `iova_stress dmamap`:
# ITERS map+unmap pairs of one 4 KiB page on the NVMe's DMA domain complete,
# are timed, and the hook names the domain type the boot asked for (dma in
# strict mode, dma-fq with the flush queue).  The tool and the hook refuse
# a device that does not exist, and the hook a count of 0.
# Usage: dmamap.sh ITERS dma|dma-fq
# shellcheck shell=dash
# shellcheck disable=SC1091
# $out is set by run_check (lib.sh).
# shellcheck disable=SC2154
. /tests/lib.sh

iters=$1
domain=$2
run_check "iova_stress dmamap" iova_stress dmamap --dev /dev/nvme0n1 --iters "$iters" --json -q
n=$(json_num "$out" iterations)
pair=$(json_num "$out" pair_ns)
check "$iters pairs timed (got ${n:-none})" test "${n:-0}" -eq "$iters"
check "time per pair is positive (got ${pair:-none} ns)" \
	awk -v p="${pair:-0}" 'BEGIN { exit !(p > 0) }'
got=$(json_str "$out" domain)
check "the hook names the domain type $domain (got ${got:-none})" test "$got" = "$domain"
check "a device that does not exist is refused" \
	sh -c '! iova_stress dmamap --dev 0000:00:1f.7 --iters 10 -q'
check "the hook itself refuses a device that does not exist" \
	sh -c '! echo "0000:00:1f.7 10" >/sys/kernel/debug/iommu/dma_map_bench'
check "the hook refuses a count of 0" \
	sh -c "! echo '$(json_str "$out" device) 0' >/sys/kernel/debug/iommu/dma_map_bench"
finish
