"""The files besides report.md: data.csv, summary.json, the README's block
and the plots."""

import csv
import json
import os
import re
import shutil
import subprocess
import tempfile

from .parse import KERNELS, get, read_setup
from .sizes import TIB, size_label
from .stats import stat, sweep_keys


CSV_COLUMNS = (
    "kernel", "round", "benchmark", "backend", "size", "size_bytes", "mode", "qd", "status",
    "note", "boot", "run_id", "guest_mem", "contended", "rc", "wall_s", "pairs", "skipped", "ns_per_pair",
    "map_p50_ns", "map_p99_ns", "map_max_ns", "unmap_p50_ns", "unmap_p99_ns", "unmap_max_ns",
    "pt_pages_before", "pt_pages_after", "pt_kib_delta", "pt_kib_shrunk_delta", "secpt_kib_delta",
    "threads", "ops",
    "ops_per_s", "anchor_dmas", "anchor_failures", "enomem", "errors", "iops", "lat_p50_us",
    "lat_p99_us", "lat_p999_us", "lat_max_us", "busy_us_per_io", "dmamap_iterations",
    "dmamap_map_ns", "dmamap_unmap_ns", "dmamap_pair_ns",
)


def write_csv(path, runs):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for r in sorted(runs, key=lambda r: (r.round, r.boot, r.id)):
            j = r.result or {}
            io = j.get("uring") or j.get("fio")  # iova_stress's reads or fio's
            row = {
                "kernel": r.kernel, "round": r.round, "benchmark": r.benchmark,
                "backend": r.backend, "size": r.size, "size_bytes": r.size_bytes,
                "mode": r.mode, "qd": r.qd, "status": r.status, "note": r.note,
                "boot": r.boot, "run_id": r.id, "guest_mem": r.mem,
                "contended": "" if r.contended is None else int(r.contended), "rc": r.rc,
                "wall_s": j.get("wall_s"), "pairs": j.get("pairs"), "skipped": j.get("skipped"),
                "ns_per_pair": j.get("ns_per_pair"),
                "map_p50_ns": get(j, "map_ns", "p50"), "map_p99_ns": get(j, "map_ns", "p99"),
                "map_max_ns": get(j, "map_ns", "max"),
                "unmap_p50_ns": get(j, "unmap_ns", "p50"),
                "unmap_p99_ns": get(j, "unmap_ns", "p99"),
                "unmap_max_ns": get(j, "unmap_ns", "max"),
                "pt_pages_before": j.get("pt_pages_before"),
                "pt_pages_after": j.get("pt_pages_after"),
                "pt_kib_delta": j.get("pt_kib_delta"),
                "pt_kib_shrunk_delta": j.get("pt_kib_shrunk_delta"),
                "secpt_kib_delta": j.get("secpt_kib_delta"),
                "threads": get(j, "threads", "threads"), "ops": get(j, "threads", "ops"),
                "ops_per_s": get(j, "threads", "ops_per_s"),
                "anchor_dmas": get(j, "threads", "anchor_dmas"),
                "anchor_failures": get(j, "threads", "anchor_failures"),
                "enomem": get(j, "threads", "enomem"), "errors": get(j, "threads", "errors"),
                "iops": get(io, "iops"), "lat_p50_us": get(io, "lat_us", "p50"),
                "lat_p99_us": get(io, "lat_us", "p99"),
                "lat_p999_us": get(io, "lat_us", "p999"),
                "lat_max_us": get(io, "lat_us", "max"),
                "busy_us_per_io": get(j, "uring", "busy_us_per_io"),
                "dmamap_iterations": get(j, "dmamap", "iterations"),
                "dmamap_map_ns": get(j, "dmamap", "map_ns_per_op"),
                "dmamap_unmap_ns": get(j, "dmamap", "unmap_ns_per_op"),
                "dmamap_pair_ns": get(j, "dmamap", "pair_ns"),
            }
            w.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])


def plot(resdir, runs, gp):
    """pt-memory.png and time-per-pair.png with gnuplot; returns a note or None."""
    if not shutil.which("gnuplot"):
        return "gnuplot is not installed: no plots"
    backends, sizes = sweep_keys(runs)
    if not sizes:
        return "no sweep data: no plots"
    tmp = tempfile.mkdtemp(prefix="vtd-plot.")
    try:
        series, floor, ymaxpt, ymaxt = [], False, 1.0, 1.0
        for k in KERNELS:
            for b in backends:
                name = f"{k}-{b}"
                lines_pt, lines_t = [], []
                for z in sizes:
                    pt = stat(runs, "pt_kib", k, benchmark="sweep", backend=b, size_bytes=z)
                    t = stat(runs, "ns_pair", k, benchmark="sweep", backend=b, size_bytes=z)
                    x = z / TIB
                    if pt.n:
                        floor |= pt.lo < 1
                        ymaxpt = max(ymaxpt, pt.hi)
                        lines_pt.append(f"{x} {max(pt.med, 1)} {max(pt.lo, 1)} {max(pt.hi, 1)}")
                    if t.n:
                        ymaxt = max(ymaxt, t.hi / 1e3)
                        lines_t.append(f"{x} {t.med / 1e3} {t.lo / 1e3} {t.hi / 1e3}")
                if lines_pt or lines_t:
                    series.append(name)
                    for suffix, lines in (("pt", lines_pt), ("time", lines_t)):
                        with open(os.path.join(tmp, f"{name}.{suffix}"), "w") as f:
                            f.write("\n".join(lines or ["nan nan nan nan"]) + "\n")
        xt = ", ".join(f'"{size_label(z)}" {z / TIB}' for z in sizes)
        ver = read_setup(resdir).get("kernel_version", "")
        args = ["gnuplot", "-e",
                f"datadir='{tmp}'; outdir='{resdir}'; series='{' '.join(series)}'; "
                f"xt='({xt})'; xmin={min(sizes) / TIB / 1.6}; xmax={max(sizes) / TIB * 1.6}; "
                f"ymaxpt={max(ymaxpt, 1) * 8}; ymaxt={ymaxt * 1.15}; "
                f"ver='{ver}'; floornote={1 if floor else 0}", gp]
        p = subprocess.run(args, capture_output=True, text=True)
        if p.returncode != 0:
            return "gnuplot failed: " + p.stderr.strip().replace("\n", " ")[:300]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return None


BEGIN = "<!-- results:begin -->"


END = "<!-- results:end -->"


def update_readme(readme, block):
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    new = f"{BEGIN}\n{block}\n{END}"
    if BEGIN in text and END in text:
        a, b = text.index(BEGIN), text.index(END) + len(END)
        text = text[:a] + new + text[b:]
    else:
        m = re.search(r"^## Results\s*$", text, re.M)
        if not m:
            text = text.rstrip("\n") + "\n\n## Results\n"
            m = re.search(r"^## Results\s*$", text, re.M)
        nxt = re.search(r"^## ", text[m.end():], re.M)
        at = m.end() + nxt.start() if nxt else len(text)
        text = text[:at].rstrip("\n") + "\n\n" + new + "\n" + ("\n" + text[at:] if nxt else "")
    tmp = readme + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, readme)


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
