#!/usr/bin/env bash
# pool-ab.sh [SIZE] [ROUNDS]: what the series' pool of spare tables buys,
# the patched lab kernel with and without it, measured side by side.
#
# Builds the patched lab kernel as kernel/series has it, and in a throwaway
# clone of this repository's HEAD the same series with
# scripts/testdata/scratch-no-pool.patch after it (reclaim puts no table in
# the pool: every table a map needs comes from the page allocator).  Then
# boots the two alternately ROUNDS times (default 3), each boot running a
# SIZE sweep (default 1T) through VFIO and through iommufd and a 10 s
# iommufd threads churn, and prints per figure the median of each kernel
# and their ratio (without / with).  Both kernels are built from committed
# files only; the clone is removed at the end.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

size=${1:-1T}
rounds=${2:-3}
[[ $rounds =~ ^[1-9][0-9]?$ ]] || die "usage: pool-ab.sh [SIZE] [ROUNDS 1-99]"
[[ $size =~ ^[1-9][0-9]*[GT]$ ]] || die "bad SIZE '$size' (e.g. 256G, 1T)"

clone=$(mktemp -d)
trap 'rm -rf "$clone"' EXIT
git clone -q "$REPO" "$clone/repo"
cp "$REPO/scripts/testdata/scratch-no-pool.patch" "$clone/repo/kernel/9999-scratch-no-pool.patch"
echo 9999-scratch-no-pool.patch >>"$clone/repo/kernel/series"

with=$("$REPO/scripts/build-kernel.sh" patched lab)
without=$(BUILD=$clone/build "$clone/repo/scripts/build-kernel.sh" patched lab)
"$REPO/scripts/lab.sh" initramfs >/dev/null
initrd=$BUILD/$(debver)/initramfs.cpio.gz

job="iova_stress sweep -b vfio -s $size --json -q && iova_stress sweep -b iommufd -s $size --json -q &&
iova_stress threads --pattern churn --backend iommufd --threads 2 --duration 10 --json -q"
out=$clone/results
: >"$out"
for ((r = 1; r <= rounds; r++)); do
	for k in with without; do
		img=$with
		[[ $k == with ]] || img=$without
		log "round $r/$rounds: $k the pool"
		"$REPO/scripts/run-guest.sh" --image "$img" --initrd "$initrd" --mem 4G --quiet -- "$job" |
			grep '^{' | sed "s/^/$k /" >>"$out"
	done
done

python3 - "$out" "$size" "$rounds" <<'PY'
import json, statistics, sys
path, size, rounds = sys.argv[1:]
figs = {}
for line in open(path):
    kernel, _, js = line.partition(" ")
    j = json.loads(js)
    if j["mode"] == "sweep":
        figs.setdefault((f"ns per map+unmap pair, {size} sweep ({j['backend']})", kernel),
                        []).append(j["ns_per_pair"])
        figs.setdefault((f"page tables left, KiB, {size} sweep ({j['backend']})", kernel),
                        []).append(j["pt_kib_delta"])
    elif j["mode"] == "threads":
        figs.setdefault(("threads churn ops/s (iommufd)", kernel), []).append(j["threads"]["ops_per_s"])
print(f"# The pool with and without: patched lab kernel, {rounds} round(s), medians\n")
print("| figure | with the pool | without | without / with |")
print("|---|---|---|---|")
for name in dict.fromkeys(n for n, _ in figs):
    a = statistics.median(figs.get((name, "with"), [float("nan")]))
    b = statistics.median(figs.get((name, "without"), [float("nan")]))
    ratio = f"{b / a:.3f}" if a else "–"
    print(f"| {name} | {a:,.0f} | {b:,.0f} | {ratio} |")
PY
