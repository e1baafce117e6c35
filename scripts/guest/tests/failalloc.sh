#!/bin/sh
# Same-table churn through iommufd while fail_page_alloc fails PERCENT % of
# the page allocations of the mapping threads (blocking ones included).  Maps may fail
# with ENOMEM only; nothing crashes; after everything is unmapped the page
# tables are back at the baseline (<= MAXKIB, the pool included).
# Usage: failalloc.sh PERCENT OPS MAXKIB
# shellcheck shell=dash
# shellcheck disable=SC1091
. /tests/lib.sh

pct=$1 ops=$2 max=$3
fi=/sys/kernel/debug/fail_page_alloc
echo EXPECT_ALLOC_FAILURES
echo "$pct" >$fi/probability
echo -1 >$fi/times
echo 0 >$fi/verbose
echo 0 >$fi/space
echo 0 >$fi/min-order
echo N >$fi/ignore-gfp-wait
echo N >$fi/ignore-gfp-highmem
echo Y >$fi/task-filter
# Only the mapping threads fail allocations, and only around their
# map/unmap loop (iova_stress --make-it-fail): setup, exec and the report
# are never hit, so the run always gets to report what happened.
out=$(iova_stress threads --pattern churn --backend iommufd --threads 2 --ops "$ops" \
	--make-it-fail --max-errors 1000000000 --json -q)
rc=$?
echo 0 >$fi/probability
echo "$out"
check "churn under fault injection exits 0 (got $rc)" test "$rc" -eq 0
n=$(json_num "$out" ops)
enomem=$(json_num "$out" enomem)
errors=$(json_num "$out" errors)
kib=$(json_num "$out" pt_kib_delta)
echo "fail_page_alloc $pct%: ${n:-?} ops, ${enomem:-?} ENOMEM, ${errors:-?} other errors, ${kib:-?} KiB left"
check "some maps failed with ENOMEM (got ${enomem:-none})" test "${enomem:-0}" -gt 0
check "no error other than ENOMEM (got ${errors:-none})" test "${errors:-1}" -eq 0
check "page tables back at baseline: <= $max KiB (got ${kib:-none})" \
	test -n "$kib" -a "${kib:-1}" -le "$max"
finish
