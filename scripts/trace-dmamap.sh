#!/usr/bin/env bash
# trace-dmamap.sh [strict|lazy]: where the series' DMA-API cost goes, by
# function, counted in guest instructions.
#
# Boots the vanilla and the patched lab kernel in turn with QEMU's gdbstub,
# lets the lab's dma_map_bench hook (kernel/lab/) map and unmap one 4 KiB
# page on the NVMe 2000 times, and single-steps the dma_map_page_attrs() and
# the dma_unmap_page_attrs() call of its 1000th pair (caches, tables and the
# flush queue in their steady state) with gdb, recording every instruction's
# address.  Prints, as markdown, the instructions of each call on both
# kernels, the functions whose count differs, and the locked instructions
# (LOCK prefix, or XCHG with memory) that each function executed.  Exact and
# deterministic: no timing is involved.
#
# Environment:
#   SERIES_UPTO=N    the patched side has only the first N patches of the
#                    series (with the lab patches): what a prefix costs
#   BASE_UPTO=N      the other side ("vanilla" in the tables) has the first
#                    N patches, instead of none: what the rest costs
#   MAX_ADDED=N      a check: fail (exit 1) if the patched pair executes more
#                    than N instructions more than the other side, a locked
#                    instruction more in any function, or an rwlock function
#                    the other side does not (a DMA-API domain that locks)
#   PATCHED_IMAGE=path/to/bzImage  trace that kernel as the patched one (its
#                    vmlinux where the build left it), to try a change to the
#                    series without exporting it
#   TRACE_COUNTS=FILE  also write every function's instructions per call as
#                    JSON, {"KERNEL": {"CALL": {"FUNCTION": N}}} for both sides
#                    (KERNEL: vanilla, uptoN, patched or image), for
#                    scripts/dma-api-trace.sh's chart
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-strict}
case $mode in strict | lazy) ;; *) die "usage: trace-dmamap.sh [strict|lazy]" ;; esac
command -v gdb >/dev/null || die "gdb missing (run scripts/deps.sh)"
ver=$(debver)
initrd=$BUILD/$ver/initramfs.cpio.gz
work=$(mktemp -d)
qpid=''
# A failed trace must not leave a guest paused in the gdbstub.
cleanup() {
	[[ -z $qpid ]] || kill "$qpid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# The gdb side: stop in the hook's write handler, then trace the calls.
cat >"$work/trace.py" <<'EOF'
import gdb, json, os
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote :" + os.environ["TRACE_PORT"])
gdb.execute("hbreak bench_write")
gdb.execute("continue")
gdb.execute("delete")
res = {}
# The 1000th map, then the next unmap: the same pair.
for name, skip in (("dma_map_page_attrs", 999), ("dma_unmap_page_attrs", 0)):
    gdb.execute("hbreak " + name)
    if skip:
        gdb.execute(f"ignore $bpnum {skip}")
    gdb.execute("continue")
    gdb.execute("delete")
    # At the first instruction the return address is on top of the stack.
    ret = int(gdb.parse_and_eval("*(unsigned long *)$sp"))
    pcs = []
    while True:
        pc = int(gdb.parse_and_eval("$pc"))
        if pc == ret:
            break
        if len(pcs) >= 1000000:
            raise gdb.GdbError(f"{name}: no return after {len(pcs)} instructions")
        pcs.append(pc)
        gdb.execute("stepi", to_string=True)
    res[name] = pcs
json.dump(res, open(os.environ["TRACE_OUT"], "w"))
gdb.execute("detach")
EOF

opts=()
[[ $mode == lazy ]] && opts+=(--lazy)
# A free TCP port for the gdbstub.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck disable=SC2016  # guest shell code
job='. /tests/lib.sh; d=$(nvme_bdf);
echo "$d 2000" >/sys/kernel/debug/iommu/dma_map_bench && cat /sys/kernel/debug/iommu/dma_map_bench'
"$REPO/scripts/lab.sh" initramfs >/dev/null 2>&1
for k in vanilla patched; do
	if [[ $k == patched && -n ${PATCHED_IMAGE:-} ]]; then
		image=$PATCHED_IMAGE
		[[ -f $image && -f ${image%arch/x86/boot/bzImage}vmlinux ]] ||
			die "PATCHED_IMAGE: no bzImage with its vmlinux at $image"
	elif [[ $k == patched && -n ${SERIES_UPTO:-} ]]; then
		image=$("$REPO/scripts/build-kernel.sh" "upto$SERIES_UPTO" lab)
	elif [[ $k == vanilla && -n ${BASE_UPTO:-} ]]; then
		image=$("$REPO/scripts/build-kernel.sh" "upto$BASE_UPTO" lab)
	else
		image=$("$REPO/scripts/build-kernel.sh" "$k" lab)
	fi
	vmlinux=${image%arch/x86/boot/bzImage}vmlinux
	log "tracing $k ($mode): boot with the gdbstub on port $port"
	ICOUNT=1 ACCEL=tcg "$REPO/scripts/run-guest.sh" --image "$image" --initrd "$initrd" \
		--quiet --gdb "$port" --out "$work/run-$k" "${opts[@]}" -- "$job" \
		>"$work/run-$k.txt" 2>&1 &
	qpid=$!
	# The gdbstub listens once QEMU is up (another process may have taken
	# the port meanwhile: then QEMU exits and that is reported).
	for _ in $(seq 50); do
		kill -0 "$qpid" 2>/dev/null || { cat "$work/run-$k.txt" >&2; die "QEMU did not start for $k"; }
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()" \
			2>/dev/null && break
		sleep 0.2
	done
	TRACE_PORT=$port TRACE_OUT=$work/$k.json timeout 1200 \
		gdb -q -batch -x "$work/trace.py" "$vmlinux" \
		>"$work/gdb-$k.log" 2>&1 || { tail -n 5 "$work/gdb-$k.log" >&2; die "gdb failed on $k"; }
	wait "$qpid" || { cat "$work/run-$k.txt" >&2; die "the $k guest failed after the trace"; }
	qpid=''

	nm -n "$vmlinux" >"$work/$k.nm"
	# The text of every instruction the trace executed, to find the locked
	# ones (one gdb for all of them; the image's own vmlinux, offline).
	python3 -c 'import json, sys
pcs = set()
for run in json.load(open(sys.argv[1])).values():
    pcs.update(run)
print("\n".join(f"x/i {pc:#x}" for pc in sorted(pcs)))' "$work/$k.json" >"$work/$k.gdb"
	gdb -q -batch -nx -x "$work/$k.gdb" "$vmlinux" \
		>"$work/$k.insn" 2>/dev/null || die "gdb could not disassemble the $k trace"
done

# What the patched side was, as the image choice above made it: a scratch
# image, or the first N patches (their names), or the whole series.
image_arg='' upto_names=''
if [[ -n ${PATCHED_IMAGE:-} ]]; then
	image_arg=$PATCHED_IMAGE
elif [[ -n ${SERIES_UPTO:-} ]]; then
	upto_names=$(list_names "$REPO/kernel/series" | head -n "$SERIES_UPTO")
fi
python3 - "$work" "$mode" "$ver" "$image_arg" "$upto_names" "${BASE_UPTO:-}" "${MAX_ADDED:-}" \
	"${TRACE_COUNTS:-}" <<'EOF'
import bisect, collections, json, re, sys
work, mode, ver, image, upto, base_upto, max_added, counts_out = sys.argv[1:]
upto = upto.split()

# "   0xffffffff81234567 <func+12>:\tlock cmpxchg %rdx,(%rdi)"
INSN = re.compile(r"^\s*(?:=> )?0x([0-9a-f]+)(?: <[^>]*>)?:\s+(.*\S)\s*$")

def is_locked(text):
    """A LOCK prefix, or XCHG with a memory operand (locked implicitly)."""
    op = text.split()
    return bool(op) and (op[0] == "lock" or (op[0].startswith("xchg") and "(" in text))

def locked_pcs(k):
    texts = {}
    for line in open(f"{work}/{k}.insn"):
        m = INSN.match(line)
        if m:
            texts[int(m.group(1), 16)] = m.group(2)
    return {pc: t for pc, t in texts.items() if is_locked(t)}

def profile(k):
    addrs, names = [], []
    for line in open(f"{work}/{k}.nm"):
        p = line.split()
        if len(p) == 3 and p[1] in "tTwW":
            addrs.append(int(p[0], 16))
            names.append(p[2])
    runs = json.load(open(f"{work}/{k}.json"))
    lk = locked_pcs(k)

    def fn(pc):
        return names[bisect.bisect_right(addrs, pc) - 1]
    counts = {call: collections.Counter(fn(pc) for pc in pcs) for call, pcs in runs.items()}
    locks = {call: collections.Counter((fn(pc), lk[pc]) for pc in pcs if pc in lk)
             for call, pcs in runs.items()}
    return counts, locks

(v, vl), (p, pl) = profile("vanilla"), profile("patched")
if counts_out:
    names = (f"upto{base_upto}" if base_upto else "vanilla",
             "image" if image else f"upto{len(upto)}" if upto else "patched")
    with open(counts_out, "w") as f:
        json.dump({n: {call: dict(c[call]) for call in c} for n, c in zip(names, (v, p))},
                  f, indent=1, sort_keys=True)
print(f"# Guest instructions of one DMA-API map and unmap ({mode} mode, linux-source-6.12 {ver})")
print()
env = (f"PATCHED_IMAGE={image} " if image else
       f"SERIES_UPTO={len(upto)} " if upto else "")
env = (f"BASE_UPTO={base_upto} " if base_upto else "") + env
print(f"Generated by `{env}scripts/trace-dmamap.sh {mode}`: the "
      "`dma_map_page_attrs()` and the "
      "`dma_unmap_page_attrs()` of a 4 KiB page on the guest NVMe that make the 1000th pair "
      "of the lab's `dma_map_bench` loop, single-stepped with gdb on the lab kernels. One "
      "pair only: the common path, not the rare pair that frees or reuses a table.")
if image:
    print()
    print(f"*patched* is the kernel `{image}`.")
elif upto:
    print()
    print(f"*patched* is vanilla with the first {len(upto)} patches of the series only: "
          + ", ".join(f"`{x}`" for x in upto) + ".")
if base_upto:
    print()
    print(f"*vanilla* is vanilla with the first {base_upto} patches of the series.")
print()
print("| call | vanilla | patched | patched − vanilla |")
print("|---|---|---|---|")
tv = tp = 0
for call in v:
    a, b = sum(v[call].values()), sum(p[call].values())
    tv, tp = tv + a, tp + b
    print(f"| `{call}` | {a} | {b} | {b - a:+d} ({(b - a) / a * 100:+.1f}%) |")
print(f"| both | {tv} | {tp} | {tp - tv:+d} ({(tp - tv) / tv * 100:+.1f}%) |")
for call in v:
    print()
    print(f"Functions whose count differs in `{call}`:")
    print()
    print("| function | vanilla | patched | difference |")
    print("|---|---|---|---|")
    diff = sorted(set(v[call]) | set(p[call]), key=lambda f: (-(p[call][f] - v[call][f]), f))
    for f in diff:
        d = p[call][f] - v[call][f]
        if d:
            print(f"| `{f}` | {v[call][f]} | {p[call][f]} | {d:+d} |")
for call in v:
    print()
    print(f"Locked instructions executed by `{call}` (LOCK prefix, or XCHG with memory; "
          f"vanilla {sum(vl[call].values())}, patched {sum(pl[call].values())}):")
    print()
    print("| function | instruction | vanilla | patched |")
    print("|---|---|---|---|")
    for f, t in sorted(set(vl[call]) | set(pl[call])):
        print(f"| `{f}` | `{t}` | {vl[call][(f, t)]} | {pl[call][(f, t)]} |")
if max_added:
    added = tp - tv
    extra_locks = sorted((f, t, pl[c][(f, t)] - vl[c][(f, t)])
                         for c in v for (f, t) in pl[c] if pl[c][(f, t)] > vl[c][(f, t)])
    rw = sorted({f for c in v for f in p[c] if re.search(r"read_(un)?lock|rwlock", f)
                 and not v[c][f]})
    ok = added <= int(max_added) and not extra_locks and not rw
    print()
    print(f"Check: {added:+d} instructions per pair (at most {int(max_added):+d}), "
          f"{sum(sum(x.values()) for x in pl.values())} locked instructions "
          f"({sum(sum(x.values()) for x in vl.values())} on the other side), "
          f"rwlock functions only on the patched side: {', '.join(rw) or 'none'}: "
          + ("ok" if ok else "FAILED"))
    for f, t, n in extra_locks:
        print(f"- `{f}` executes `{t}` {n} more time(s)")
    sys.exit(0 if ok else 1)
EOF
