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
# in one call of 4 KiB entries), sweep1t (1T sweep) and churn (10 s, two
# threads).  Writes build/latency/{vanilla,patched}.txt and, on stdout, a
# Markdown table and one "summary KEY VALUE" line per figure
# (irqsoff_max_us_KERNEL, preemptoff_max_us_KERNEL: the largest over the
# workloads).  Exit 1 if a guest run failed or its kernel log has a report.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mem=${LATENCY_MEM:-20G}
out=$BUILD/latency
mkdir -p "$out"
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
	if ! "$REPO/scripts/run-guest.sh" --image "${img[$k]}" --initrd "$initrd" --mem "$mem" \
		--append "hugepagesz=1G hugepages=17" --timeout 3600 --out "$out/$k-run" --quiet \
		-- "sh /tests/latency.sh $*" >"$out/$k.txt"; then
		echo "latency: the $k run failed (log: $out/$k-run/console.log)" >&2
		rc=1
	fi
	log "latency: $k done in $((SECONDS - t0)) s"
done

python3 - "$out/vanilla.txt" "$out/patched.txt" <<'PY'
import sys
figs, where, order = {}, {}, []
for kernel, path in zip(("vanilla", "patched"), sys.argv[1:]):
    for line in open(path, errors="replace"):
        f = line.split()
        if len(f) == 4 and f[0] == "latency" and f[3].isdigit():
            figs[(f[1], f[2], kernel)] = int(f[3])
            if (f[1], f[2]) not in order:
                order.append((f[1], f[2]))
        elif len(f) >= 3 and f[0] == "where":
            kv = dict(x.split("=", 1) for x in f[3:] if "=" in x)
            where[(f[1], f[2], kernel)] = (f"{kv.get('started', '?')} .. {kv.get('ended', '?')}"
                                           f" ({kv.get('task', '?')})")
def cell(x):
    return "–" if x is None else str(x)
print("| tracer | workload | vanilla, µs | patched, µs | patched - vanilla "
      "| vanilla's longest section | patched's longest section |")
print("|---|---|---|---|---|---|---|")
for tracer, work in order:
    v, p = figs.get((tracer, work, "vanilla")), figs.get((tracer, work, "patched"))
    d = f"{p - v:+d}" if v is not None and p is not None else "–"
    print(f"| {tracer} | {work} | {cell(v)} | {cell(p)} | {d} "
          f"| {where.get((tracer, work, 'vanilla'), '–')} | {where.get((tracer, work, 'patched'), '–')} |")
for tracer in ("irqsoff", "preemptoff"):
    for kernel in ("vanilla", "patched"):
        vals = [figs[k] for k in figs if k[0] == tracer and k[2] == kernel]
        if vals:
            print(f"summary {tracer}_max_us_{kernel} {max(vals)}")
PY
exit "$rc"
