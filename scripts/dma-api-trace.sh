#!/usr/bin/env bash
# dma-api-trace.sh [strict|lazy] [OUTDIR]: the DMA API's 4 KiB map+unmap pair
# traced on vanilla, on the series' fixes and in-place unmap alone (its first
# 7 patches, "upto7") and on the whole series, with a stacked bar chart of
# where each kernel's instructions go.
#
# Runs scripts/trace-dmamap.sh twice (SERIES_UPTO=7, then the whole series),
# writes its two reports to OUTDIR (default results/<version>/dma-api-trace)
# as trace-MODE-upto7.md and trace-MODE.md, and from their per-function
# counts (TRACE_COUNTS) per-function-MODE.tsv (one row per kernel, one column
# per function, map and unmap together; functions under 2% of every
# kernel's pair in "other") and per-function-MODE.png (gnuplot).
# PLOT_ONLY=1: only draw the PNG again from the TSV already there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-strict}
case $mode in strict | lazy) ;; *) die "unknown mode '$mode' (strict|lazy)" ;; esac
out=${2:-$REPO/results/$(debver)/dma-api-trace}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ ${PLOT_ONLY:-0} != 1 ]]; then
log "dma-api-trace: vanilla against the first 7 patches ($mode)"
SERIES_UPTO=7 TRACE_COUNTS=$tmp/upto7.json "$REPO/scripts/trace-dmamap.sh" "$mode" \
	>"$out/trace-$mode-upto7.md"
log "dma-api-trace: vanilla against the whole series ($mode)"
TRACE_COUNTS=$tmp/patched.json "$REPO/scripts/trace-dmamap.sh" "$mode" >"$out/trace-$mode.md"

python3 - "$tmp/upto7.json" "$tmp/patched.json" "$out/per-function-$mode.tsv" <<'PY'
import json, sys
a, b, tsv = sys.argv[1:]
runs = {**json.load(open(a)), **json.load(open(b))}
kernels = [k for k in ("vanilla", "upto7", "patched") if k in runs]
# map and unmap together: the pair
pair = {k: {} for k in kernels}
for k in kernels:
    for call in runs[k].values():
        for fn, n in call.items():
            pair[k][fn] = pair[k].get(fn, 0) + n
totals = {k: sum(pair[k].values()) for k in kernels}
big = sorted({fn for k in kernels for fn, n in pair[k].items() if n >= 0.02 * totals[k]},
             key=lambda fn: -max(pair[k].get(fn, 0) for k in kernels))
with open(tsv, "w") as f:
    f.write("kernel\t" + "\t".join(big + ["other"]) + "\ttotal\n")
    label = {"vanilla": "vanilla", "upto7": "patches 1-7", "patched": "whole series"}
    for k in kernels:
        other = totals[k] - sum(pair[k].get(fn, 0) for fn in big)
        f.write(label[k] + "\t" + "\t".join(str(pair[k].get(fn, 0)) for fn in big)
                + f"\t{other}\t{totals[k]}\n")
print(" ".join(f"{k}={totals[k]}" for k in kernels))
PY
fi
[[ -f $out/per-function-$mode.tsv ]] || die "$out/per-function-$mode.tsv missing (run without PLOT_ONLY)"

ncol=$(head -n 1 "$out/per-function-$mode.tsv" | awk -F'\t' '{print NF}')
gnuplot <<GP
set terminal png size 1100,650 noenhanced
set output '$out/per-function-$mode.png'
set datafile separator '\t'
set title "Guest instructions of one 4 KiB DMA-API map+unmap pair, by function ($mode mode)"
set ylabel 'instructions'
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.6
set key outside right top
set grid ytics
set yrange [0:*]
# 20 distinct colours (the default palette repeats after 8), "other" grey.
array C[20] = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', \
	'#bcbd22', '#17becf', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', \
	'#f7b6d2', '#dbdb8d', '#9edae5', '#393b79', '#637939']
plot for [i=2:$((ncol - 1))] '$out/per-function-$mode.tsv' using i:xtic(1) title columnheader(i) \
	lc rgb (i == $((ncol - 1)) ? '#999999' : C[(i - 2) % 20 + 1])
GP
log "dma-api-trace: $out/trace-$mode.md, trace-$mode-upto7.md, per-function-$mode.{tsv,png}"
