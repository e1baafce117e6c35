#!/bin/sh
# The page-table counters in debugfs (<device>/page_table_stats, patch 6),
# read while an iommufd churn empties and refills the leaf tables of the
# edu device's domain: one root table, tables reclaimed and tables reused
# from the pool, at most 8 pooled.  Then the NVMe's DMA-API domain after
# io_uring reads, for the log.  Fails on vanilla (no such file).
# Usage: stats.sh SECONDS
# shellcheck shell=dash
# shellcheck disable=SC1091
. /tests/lib.sh

secs=$1
bdf=$(edu_bdf)
f=/sys/kernel/debug/iommu/intel/$bdf/page_table_stats
check "$f is readable" test -r "$f"

iova_stress threads --pattern churn --backend iommufd --threads 2 --duration "$secs" \
	--json -q >/tmp/stats-churn.json &
pid=$!
sleep $((secs / 2))
s=$(cat "$f" 2>/dev/null)
wait "$pid"
rc=$?
cat /tmp/stats-churn.json
echo "page_table_stats of $bdf during the churn:"
echo "$s"
check "churn exits 0 (got $rc)" test "$rc" -eq 0
top=$(ptstat "$s" level4_tables)
rec=$(ptstat "$s" reclaimed)
reu=$(ptstat "$s" reused)
pool=$(ptstat "$s" pooled)
check "one root table (level4_tables ${top:-none})" test "${top:-0}" -eq 1
check "tables reclaimed during the churn (${rec:-none})" test "${rec:-0}" -gt 0
check "tables reused from the pool (${reu:-none})" test "${reu:-0}" -gt 0
check "at most 8 tables pooled (${pool:-none})" test -n "$pool" -a "${pool:-9}" -le 8

nvme=$(nvme_bdf)
iova_stress uring --dev /dev/nvme0n1 --qd 8 --duration 2 -q >/dev/null
check "io_uring reads on $nvme exit 0" test $? -eq 0
echo "page_table_stats of $nvme (DMA API) after io_uring reads:"
cat "/sys/kernel/debug/iommu/intel/$nvme/page_table_stats"
finish
