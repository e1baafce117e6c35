#!/bin/sh
# Same-table churn through iommufd while fail_page_alloc fails PERCENT % of
# iova_stress's page allocations (blocking ones included).  Maps may fail
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
# Only this subshell (and the threads it starts) fails allocations.  Its
# exec of iova_stress may itself fail with ENOMEM (exit 126): try again.
for try in $(seq 50); do
	out=$(sh -c 'echo 1 >/proc/self/make-it-fail; exec iova_stress threads --pattern churn \
		--backend iommufd --threads 2 --ops "$1" --max-errors 1000000000 --json -q' sh "$ops")
	rc=$?
	[ "$rc" -eq 126 ] || break
	echo "exec of iova_stress failed under fault injection (try $try of 50)"
done
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
