"""The latency tracers' figures: scripts/latency.sh's raw files.

DIR/vanilla.txt and DIR/patched.txt are the guest's output of
scripts/guest/tests/latency.sh on the lab's trace kernels, verbatim.  The
lines read here:
  latency TRACER WORKLOAD US                  tracing_max_latency after it
  where TRACER WORKLOAD started=F ended=F task=T   where that section was
Everything else (iova_stress's JSON, ok/not ok lines) is left alone.
"""

import os

from .fmt import md_table

KERNELS = ("vanilla", "patched")
TRACERS = ("irqsoff", "preemptoff")


def read(path):
    """{(tracer, workload): {"us": int, "where": str}} of one raw file."""
    figs = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) == 4 and w[0] == "latency" and w[3].isdigit():
                figs.setdefault((w[1], w[2]), {})["us"] = int(w[3])
            elif len(w) >= 3 and w[0] == "where":
                kv = dict(x.split("=", 1) for x in w[3:] if "=" in x)
                figs.setdefault((w[1], w[2]), {})["where"] = (
                    f"{kv.get('started', '?')} .. {kv.get('ended', '?')} ({kv.get('task', '?')})")
    return figs


def load(dirpath):
    """{kernel: read(DIR/kernel.txt)} for the kernels that have a file."""
    return {k: read(os.path.join(dirpath, f"{k}.txt")) for k in KERNELS
            if os.path.exists(os.path.join(dirpath, f"{k}.txt"))}


def setup(dirpath):
    """DIR/setup.txt's KEY=VALUE lines (icount, accel, smp, kernel_version)."""
    try:
        with open(os.path.join(dirpath, "setup.txt"), encoding="utf-8") as f:
            return dict(line.strip().split("=", 1) for line in f if "=" in line)
    except OSError:
        return {}


def order(lat):
    """The (tracer, workload) pairs in the order the guest ran them."""
    seen = []
    for k in KERNELS:
        for key in lat.get(k, {}):
            if key not in seen:
                seen.append(key)
    return seen


def table(lat):
    """Markdown lines: one row per tracer and workload, both kernels."""
    def fig(k, key, what, dash="–"):
        return lat.get(k, {}).get(key, {}).get(what, dash)
    head = ["tracer", "workload", "vanilla, µs", "patched, µs", "patched − vanilla",
            "vanilla's longest section", "patched's longest section"]
    rows = []
    for key in order(lat):
        v, p = fig("vanilla", key, "us", None), fig("patched", key, "us", None)
        d = f"{p - v:+d}" if v is not None and p is not None else "–"
        rows.append([key[0], key[1], "–" if v is None else v, "–" if p is None else p, d,
                     f"`{fig('vanilla', key, 'where')}`", f"`{fig('patched', key, 'where')}`"])
    return md_table(head, rows).split("\n")


def summary_keys(lat):
    """irqsoff_max_us_KERNEL, preemptoff_max_us_KERNEL: the largest over the
    workloads (None without data)."""
    out = {}
    for tracer in TRACERS:
        for k in KERNELS:
            vals = [f["us"] for (t, _), f in lat.get(k, {}).items() if t == tracer and "us" in f]
            out[f"{tracer}_max_us_{k}"] = max(vals) if vals else None
    return out


# Issue "Kernel series v7": the series adds at most GOAL_US to the longest
# section of any workload, and what it adds does not grow from the 1 GiB to
# the 16 GiB single-call map.
GOAL_US = 50


def goals(lat, how, series_hash=None):
    """[(ok, text)] of the latency goals on LAT (load()) measured as HOW
    (setup()): both kernels, ICOUNT=1, the series the figures were taken
    with (when SERIES_HASH is given), patched within GOAL_US of vanilla for
    every tracer and workload, and no growth from map1g to map16g."""
    out = []
    have = [k for k in KERNELS if lat.get(k)]
    out.append((len(have) == 2, f"figures of both kernels (have: {', '.join(have) or 'none'})"))
    out.append((how.get("icount") == "1",
                f"measured with ICOUNT=1 (icount={how.get('icount', '?')})"))
    if series_hash is not None:
        got = how.get("series_hash")
        out.append((got == series_hash,
                    f"taken with kernel/series {series_hash} (recorded: {got or 'none'}; "
                    "regenerate with make compare or make latency)"))
    if len(have) < 2:
        return out

    def us(k, key):
        return lat[k].get(key, {}).get("us")

    for key in order(lat):
        v, p = us("vanilla", key), us("patched", key)
        if v is None or p is None:
            out.append((False, f"{key[0]} {key[1]}: a kernel has no figure"))
            continue
        out.append((p - v <= GOAL_US, f"{key[0]} {key[1]}: patched {p} µs, vanilla {v} µs "
                                       f"({p - v:+d} µs, goal ≤ +{GOAL_US})"))
    for tracer in TRACERS:
        f = {(k, w): us(k, (tracer, w)) for k in KERNELS for w in ("map1g", "map16g")}
        if None in f.values():
            out.append((False, f"{tracer}: map1g and map16g figures of both kernels"))
            continue
        a1 = f[("patched", "map1g")] - f[("vanilla", "map1g")]
        a16 = f[("patched", "map16g")] - f[("vanilla", "map16g")]
        out.append((a16 - a1 <= GOAL_US,
                    f"{tracer}: what the series adds grows from map1g ({a1:+d} µs) to map16g "
                    f"({a16:+d} µs) by {a16 - a1:+d} µs (goal ≤ +{GOAL_US})"))
    return out


def section(lat, how, plotted=False):
    """The report's lines on the latency tracers (none without data)."""
    if not lat:
        return []
    L = ["## Interrupts-off and preemption-off latency (trace kernels)", "",
         "`scripts/latency.sh` (`make latency`): the lab's trace kernels (`kernel/trace.config`: "
         "preemptible, the irqsoff and preemptoff tracers), each booted once; every workload runs "
         "once per tracer and `tracing_max_latency` is read after it: the longest section of the "
         "whole guest during the workload, with where it began and ended. map1g and map16g are one "
         "iommufd map+unmap of 1 GiB and 16 GiB (`iova_stress sweep --hugetlb`: every 1 GiB page "
         "one `map_pages()` call of 4 KiB entries), sweep1t a 1T sweep, churn 5 s of two threads.",
         ""]
    smp = how.get("smp", "?")
    if how.get("icount") == "1":
        L.append(f"Measured with ICOUNT=1 and {smp} vCPU(s): guest time is guest instructions, "
                 "1 ns each, so a section's length is the instructions it ran and the host's "
                 "scheduling does not enter"
                 + (" (with one vCPU, exactly; with more, a vCPU waiting for its round-robin "
                    "turn sees the others' instructions pass inside its section)."
                    if smp != "1" else "."))
    else:
        L.append(f"Measured without ICOUNT ({smp} vCPUs): the host's scheduling of the vCPU "
                 "threads enters every figure (a vCPU descheduled inside a section makes it "
                 "milliseconds long); compare where the longest sections were, not only their "
                 "length.")
    L.append("")
    L.extend(table(lat))
    L.append("")
    if plotted:
        L.append("![latency](latency.png)")
        L.append("")
    return L


GP = """set terminal png size 1000,520 noenhanced
set output '{out}'
set datafile separator '\\t'
set title 'Longest interrupts-off / preemption-off section per workload (tracing_max_latency)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y 10
set yrange [1:*]
set ylabel 'µs (log scale)'
set grid ytics
set key outside right top
set xtics rotate by -30
plot '{tsv}' using 2:xtic(1) title 'vanilla' lc rgb '#c0392b', \\
     '' using 3 title 'patched' lc rgb '#1f5fa8'
"""


def plot(lat, out):
    """latency.png: vanilla and patched bars per tracer and workload
    (gnuplot); returns a note on failure, else None."""
    import shutil
    import subprocess
    import tempfile
    if not shutil.which("gnuplot"):
        return "gnuplot is not installed: no latency plot"
    rows = [(f"{t} {w}", lat.get("vanilla", {}).get((t, w), {}).get("us"),
             lat.get("patched", {}).get((t, w), {}).get("us")) for t, w in order(lat)]
    rows = [r for r in rows if r[1] is not None and r[2] is not None]
    if not rows:
        return "no latency pairs: no plot"
    tmp = tempfile.mkdtemp(prefix="vtd-lat.")
    try:
        tsv = os.path.join(tmp, "lat.tsv")
        with open(tsv, "w", encoding="utf-8") as f:
            for name, v, p in rows:
                f.write(f"{name}\t{max(v, 1)}\t{max(p, 1)}\n")
        gp = os.path.join(tmp, "lat.gp")
        with open(gp, "w", encoding="utf-8") as f:
            f.write(GP.format(out=out, tsv=tsv))
        p = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
        if p.returncode != 0:
            return "gnuplot failed: " + p.stderr.strip().replace("\n", " ")[:300]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return None
