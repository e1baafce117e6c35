#!/usr/bin/env bash
# dmamap-reclaim.sh [ROUNDS]: how often the DMA-API loop of `iova_stress
# dmamap` frees and refills a page table in lazy mode, and what that costs.
#
# Boots the patched lab kernel with iommu.strict=0 under ICOUNT=1 and does
# ROUNDS (default 3) times: 3 s of io_uring QD32 reads on the NVMe (which
# leave the DMA domain's IOVAs in a layout that follows the host's timing),
# then 200,000 dmamap pairs, printing how many tables the reads reclaimed
# (their unmaps run in interrupt context, where reclaim is deferred), the
# pair's cost in guest instructions (ns under ICOUNT=1) and how many tables
# the domain reclaimed and reused from its pool meanwhile (debugfs
# page_table_stats, patch 6).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rounds=${1:-3}
[[ $rounds =~ ^[1-9][0-9]?$ ]] || die "usage: dmamap-reclaim.sh [ROUNDS 1-99]"
image=$("$REPO/scripts/build-kernel.sh" patched lab)
"$REPO/scripts/lab.sh" initramfs >/dev/null 2>&1
# Guest shell code: nothing in it expands here.
# shellcheck disable=SC2016
job='. /tests/lib.sh
s=/sys/kernel/debug/iommu/intel/$(nvme_bdf)/page_table_stats
st() { ptstat "$(cat "$s")" "$1"; }
i=0
while [ "$i" -lt '"$rounds"' ]; do
	i=$((i + 1))
	r0=$(st reclaimed)
	iova_stress uring --dev /dev/nvme0n1 --qd 32 --duration 3 -q >/dev/null || exit 1
	r1=$(st reclaimed)
	ru=$((r1 - r0)) r0=$r1
	l1=$(st level1_tables) u0=$(st reused)
	pair=$(iova_stress dmamap --iters 200000 --json -q | grep -o "\"pair_ns\": *[0-9.]*" | sed "s/.*: *//")
	echo "round $i: io_uring reclaimed $ru; then leaf tables $l1, pair ${pair:-?} ns, reclaimed $(($(st reclaimed) - r0)), reused $(($(st reused) - u0))"
done'
ICOUNT=1 ACCEL=tcg "$REPO/scripts/run-guest.sh" --image "$image" \
	--initrd "$BUILD/$(debver)/initramfs.cpio.gz" --lazy --quiet -- "$job"
