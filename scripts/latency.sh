#!/usr/bin/env bash
# latency.sh [WORKLOAD...]: the interrupts-off and preemption-off latency
# that a counting domain's map and unmap add, vanilla and patched side by
# side (issue "Kernel series v7", item 2).
#
# Builds the lab's latency-tracing kernels (kernel/trace.config: preemptible,
# CONFIG_IRQSOFF_TRACER, CONFIG_PREEMPT_TRACER, 1 GiB hugetlb pages), boots
# each once with LATENCY_MEM of memory (default 20G) and 17 1 GiB pages, and
# runs scripts/guest/tests/latency.sh in it: every workload once under each
# tracer, tracing_max_latency read after it.  The workloads: map1g and
# map16g (one iommufd map+unmap of 1 GiB / 16 GiB, each 1 GiB page mapped
# in one call of 4 KiB entries), sweep1t (1T sweep) and churn (5 s, two
# threads).  Writes LATENCY_OUT (default build/latency)/{vanilla,patched}.txt
# and setup.txt and prints, through `scripts/report --latency`, a Markdown
# table and one "summary KEY VALUE" line per figure (irqsoff_max_us_KERNEL,
# preemptoff_max_us_KERNEL: the largest over the workloads).  make compare
# runs it into its raw/latency/.  ICOUNT=1 (TCG -icount): guest time is
# guest instructions, so a section's length is what it ran, free of the
# host's scheduling; LATENCY_SMP (vCPUs, default 2, 1 with ICOUNT=1).
# Exit 1 if a guest run failed or its kernel log has a
# report.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mem=${LATENCY_MEM:-20G}
# ICOUNT=1 runs the vCPUs round-robin on one thread: a CPU that waits for
# its turn sees the other's instructions as time passing, inside whatever
# section it is in.  One vCPU makes every section exactly what it ran.
smp=${LATENCY_SMP:-$((${ICOUNT:-0} ? 1 : 2))}
out=${LATENCY_OUT:-$BUILD/latency}
mkdir -p "$out"
printf 'icount=%s\naccel=%s\nsmp=%s\nkernel_version=%s\nseries_hash=%s\n' "${ICOUNT:-0}" \
	"${ACCEL:-probed}" "$smp" "$(debver)" "$(series_hash)" >"$out/setup.txt"
declare -A img
for k in vanilla patched; do
	img[$k]=$("$REPO/scripts/build-kernel.sh" "$k" trace)
done
"$REPO/scripts/lab.sh" initramfs >/dev/null
initrd=$BUILD/$(debver)/initramfs.cpio.gz

rc=0
for k in vanilla patched; do
	log "latency: $k trace kernel, workloads: ${*:-all}"
	t0=$SECONDS
	if ! "$REPO/scripts/run-guest.sh" --image "${img[$k]}" --initrd "$initrd" --mem "$mem" --smp "$smp" \
		--append "hugepagesz=1G hugepages=17" --timeout 3600 --out "$BUILD/latency-runs/$k" --quiet \
		-- "sh /tests/latency.sh $*" >"$out/$k.txt"; then
		echo "latency: the $k run failed (log: $BUILD/latency-runs/$k/console.log)" >&2
		rc=1
	fi
	log "latency: $k done in $((SECONDS - t0)) s"
done

python3 "$REPO/scripts/report" --latency "$out" || rc=1
exit "$rc"
