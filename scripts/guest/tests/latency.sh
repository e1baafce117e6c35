#!/bin/sh
# The largest interrupts-off and preemption-off section (the irqsoff and
# preemptoff tracers' tracing_max_latency, in µs) during each workload that
# a counting domain can make long: one iommufd map+unmap of 1 GiB and of
# 16 GiB, each run mapped in one call of 4 KiB entries (iova_stress sweep
# --hugetlb), a 1T sweep and a 5 s two-thread churn.  Every workload runs
# once per tracer.  Prints one "latency TRACER WORKLOAD US" line each, and
# the iova_stress JSON lines.  Needs the lab's trace kernel and, for 16G,
# hugepagesz=1G hugepages=17 on its command line.
# Usage: latency.sh [WORKLOAD...]  (default: map1g map16g sweep1t churn)
# shellcheck shell=dash
# shellcheck disable=SC1091
. /tests/lib.sh

T=/sys/kernel/tracing
[ -e $T/tracing_max_latency ] || mount -t tracefs tracefs $T
check "tracefs has the latency tracers" grep -qw irqsoff $T/available_tracers

workload() {
	case $1 in
	map1g) iova_stress sweep --backend iommufd --hugetlb --dma-size 1G --size 1G --json -q ;;
	# IOVA 16G: a 16 GiB slot at 0 would take in the MSI window, and be skipped.
	map16g) iova_stress sweep --backend iommufd --hugetlb --dma-size 16G --stride 16G --size 32G \
		--json -q ;;
	sweep1t) iova_stress sweep --backend iommufd --size 1T --json -q ;;
	churn) iova_stress threads --pattern churn --backend iommufd --threads 2 --duration 5 --json -q ;;
	*) return 2 ;;
	esac
}

[ $# -gt 0 ] || set -- map1g map16g sweep1t churn
# Quiet console: an 8250 console write keeps interrupts off per character.
echo 1 >/proc/sys/kernel/printk
for w in "$@"; do
	# Only the map workloads use the 1 GiB pages: the others get the memory.
	case $w in map*) ;; *) echo 0 >/proc/sys/vm/nr_hugepages ;; esac
	for tracer in irqsoff preemptoff; do
		echo "$tracer" >$T/current_tracer
		echo 0 >$T/tracing_max_latency
		echo 1 >$T/tracing_on
		out=$(workload "$w")
		rc=$?
		echo 0 >$T/tracing_on
		us=$(cat $T/tracing_max_latency)
		# Where the longest section began and ended, and whose it was.
		where=$(sed -n -e 's/^# *=> started at: */started=/p' -e 's/^# *=> ended at: */ended=/p' \
			-e 's/^# *| task: \([^ ]*\).*/task=\1/p' $T/trace | tr -d ' ' | tr '\n' ' ')
		echo nop >$T/current_tracer
		echo "$out"
		check "$w under $tracer exits 0 (got $rc)" test "$rc" -eq 0
		pairs=$(json_num "$out" pairs)
		[ "$w" = churn ] || check "$w under $tracer mapped and unmapped (pairs ${pairs:-?})" \
			test "${pairs:-0}" -ge 1
		echo "latency $tracer $w $us"
		echo "where $tracer $w $where"
	done
done
echo 7 >/proc/sys/kernel/printk
finish
