#!/usr/bin/env python3
"""report.py: the vanilla vs patched report of `make compare`, from raw data.

  report.py RESULTS_DIR [--readme FILE | --no-readme] [--latest DIR | --no-latest]
            [--no-plots] [--fail-on-errors]
      Read RESULTS_DIR/raw/ (written by scripts/compare.sh) and (re)write
      RESULTS_DIR/report.md, data.csv, pt-memory.png, time-per-pair.png,
      RESULTS_DIR/../latest/summary.json and the README's headline block
      (between <!-- results:begin --> and <!-- results:end -->).  Nothing is
      measured here: every number comes from raw/.
  report.py --brief RAWFILE
      One line per run of one raw boot file (compare.sh's progress output).
  report.py --selftest
      Generate everything from scripts/testdata/compare/ into a scratch
      directory and check it (summary keys and values, CSV, report, README).

Raw format (one file per guest boot, raw/NNN-*.txt, plus raw/setup.txt):
  #boot {json}    kernel, round, mode, mem, seq, started
  #run {json}     one planned run: id, benchmark, backend, size, mode, qd
  #notrun {json}  a run that was not made: kernel, round, benchmark, ..., note
  #end {json}     rc (the guest job's exit code), wall_s, note
  @@info VCPUS MEMTOTAL_KIB UNAME_R    the guest's own view
  {...}           a JSON line of iova_stress (belongs to the next @@ marker)
  @@ ID RC TEXT   end of run ID: exit code and its stderr (one line)
Python 3 standard library only.
"""

import csv
import datetime
import io
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

KERNELS = ("vanilla", "patched")
UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50}
TIB = 1 << 40
BEGIN = "<!-- results:begin -->"
END = "<!-- results:end -->"
SUMMARY_KEYS = (
    "kernel_version", "accel", "sweep_time_ratio", "pt_kib_left_patched_16t",
    "pt_kib_per_tib_vanilla", "pt_kib_per_tib_patched", "churn_ops_ratio",
    "uring_iops_ratio_qd1_strict", "uring_iops_ratio_qd32_strict",
    "uring_iops_ratio_qd1_lazy", "uring_iops_ratio_qd32_lazy",
    "uring_busy_ratio_qd1_strict", "uring_busy_ratio_qd32_strict",
    "uring_busy_ratio_qd1_lazy", "uring_busy_ratio_qd32_lazy",
    "dmamap_extra_ns_strict", "dmamap_extra_ns_lazy", "rounds", "generated_at",
)
BOOT_FAIL = {90: "kernel log check failed (BUG/WARNING/KASAN/... or unexpected DMAR fault)",
             91: "guest hung and was killed", 92: "guest died before finishing the job"}
CSV_COLUMNS = (
    "kernel", "round", "benchmark", "backend", "size", "size_bytes", "mode", "qd", "status",
    "note", "boot", "run_id", "guest_mem", "contended", "rc", "wall_s", "pairs", "skipped", "ns_per_pair",
    "map_p50_ns", "map_p99_ns", "map_max_ns", "unmap_p50_ns", "unmap_p99_ns", "unmap_max_ns",
    "pt_pages_before", "pt_pages_after", "pt_kib_delta", "secpt_kib_delta", "threads", "ops",
    "ops_per_s", "anchor_dmas", "anchor_failures", "enomem", "errors", "iops", "lat_p50_us",
    "lat_p99_us", "lat_p999_us", "lat_max_us", "busy_us_per_io", "dmamap_iterations",
    "dmamap_map_ns", "dmamap_unmap_ns", "dmamap_pair_ns",
)


# ---- units and formatting ----------------------------------------------------

def parse_size(s):
    m = re.fullmatch(r"(\d+)([KMGTP]?)", str(s).strip().upper())
    if not m:
        raise ValueError(f"bad size {s!r}")
    return int(m.group(1)) * UNITS.get(m.group(2), 1)


def size_label(b):
    for u in "PTGMK":
        if b >= UNITS[u] and b % UNITS[u] == 0:
            return f"{b // UNITS[u]}{u}"
    return str(b)


def fmt_kib(k):
    if k is None:
        return "–"
    a = abs(k)
    if a >= 1 << 20:
        return f"{k / (1 << 20):.2f} GiB"
    if a >= 1 << 10:
        return f"{k / 1024:.1f} MiB"
    if a < 10 and k != int(k):
        return f"{k:.1f} KiB"
    return f"{k:.0f} KiB"


def fmt_ns(ns):
    if ns is None:
        return "–"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def fmt_ns1(ns):
    return "–" if ns is None else f"{ns:,.1f} ns"


def fmt_dns(ns):
    """A signed difference in ns."""
    return "–" if ns is None else f"{ns:+,.1f} ns"


def fmt_count(s):
    """A count from setup.txt with thousands separators, or '?'."""
    return f"{int(s):,}" if s and str(s).isdigit() else "?"


def fmt_rate(x):
    return "–" if x is None else f"{x:,.0f}"


def fmt_us(x):
    return "–" if x is None else f"{x:,.1f} µs"


def fmt_us2(x):
    return "–" if x is None else f"{x:,.2f} µs"


def fmt_ratio(r):
    if r is None:
        return "–"
    if r == 0:
        return "0"
    if abs(r) >= 0.01:
        return f"{r:.3f}"
    return f"{r:.2g}"


def fmt_pct(r):
    return f"{(r - 1) * 100:+.1f}%"


def fmt_gib(mib):
    return f"{math.ceil(mib / 1024)} GiB"


def ratio(p, v):
    if p is None or v is None or v == 0:
        return None
    return p / v


def get(d, *path):
    for k in path:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


# ---- loading raw data --------------------------------------------------------

class Run:
    """One planned run with its outcome."""

    def __init__(self, meta, boot):
        self.kernel = meta.get("kernel", boot.get("kernel"))
        self.round = int(meta.get("round", boot.get("round", 0)))
        self.benchmark = meta["benchmark"]
        self.backend = meta.get("backend", "")
        self.size = meta.get("size", "")
        self.size_bytes = parse_size(self.size) if self.size else None
        self.mode = meta.get("mode", boot.get("mode", ""))
        self.qd = meta.get("qd")
        self.id = meta.get("id", "")
        self.boot = boot.get("file", "")
        self.mem = boot.get("mem", "")
        self.status = "not run"
        self.note = meta.get("note", "")
        self.need_mib = meta.get("need_mib")
        self.rc = None
        self.result = None
        self.contended = None

    def key(self):
        return (self.benchmark, self.backend, self.size_bytes, self.mode, self.qd)

    @property
    def ok(self):
        return self.status == "ok"

    @property
    def has_busy(self):
        return self.fig("busy_us") is not None

    def fig(self, name):
        r = self.result
        if r is None:
            return None
        return {
            "pt_kib": get(r, "pt_kib_delta"),
            "ns_pair": get(r, "ns_per_pair"),
            "secpt_kib": get(r, "secpt_kib_delta"),
            "ops_s": get(r, "threads", "ops_per_s"),
            "iops": get(r, "uring", "iops"),
            "p99_us": get(r, "uring", "lat_us", "p99"),
            "busy_us": get(r, "uring", "busy_us_per_io"),
            "dm_map": get(r, "dmamap", "map_ns_per_op"),
            "dm_unmap": get(r, "dmamap", "unmap_ns_per_op"),
            "dm_pair": get(r, "dmamap", "pair_ns"),
            "errors": get(r, "threads", "errors"),
            "enomem": get(r, "threads", "enomem"),
        }[name]

    def label(self):
        if self.benchmark == "sweep":
            what = f"sweep {self.backend} {self.size}"
        elif self.benchmark == "uring":
            what = f"uring qd{self.qd} {self.mode}"
        elif self.benchmark == "dmamap":
            what = f"dmamap {self.mode}"
        else:
            what = f"{self.benchmark} {self.backend}"
        return f"r{self.round} {self.kernel} {what}"


def parse_boot_file(path):
    """Runs and guest info of one raw boot file."""
    boot, runs, info = {"file": os.path.basename(path)}, [], {}
    by_id, pending, end = {}, [], None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("#boot "):
                boot.update(json.loads(line[6:]))
            elif line.startswith("#run "):
                r = Run(json.loads(line[5:]), boot)
                r.status, r.note = "failed", ""
                runs.append(r)
                by_id[r.id] = r
            elif line.startswith("#notrun "):
                r = Run(json.loads(line[8:]), boot)
                r.boot = ""
                runs.append(r)
            elif line.startswith("#end "):
                end = json.loads(line[5:])
            elif line.startswith("@@info "):
                p = line.split()
                if len(p) >= 4:
                    info = {"vcpus": p[1], "mem_kib": p[2], "release": p[3],
                            "mem": boot.get("mem", "")}
            elif line.startswith("@@ "):
                p = line.split(" ", 3)
                r = by_id.get(p[1]) if len(p) > 2 else None
                if r is not None:
                    try:
                        r.rc = int(p[2])
                    except ValueError:
                        r.rc = -1
                    err = p[3].strip() if len(p) > 3 else ""
                    objs = [o for o in pending if isinstance(o, dict)]
                    r.result = objs[-1] if objs else None
                    if r.rc == 0 and r.result is not None:
                        r.status, r.note = "ok", ""
                    elif r.rc == 0:
                        r.note = "no JSON output"
                    else:
                        r.note = f"exit {r.rc}" + (f": {err}" if err else "")
                    r.seen = True
                pending = []
            elif line.startswith("{"):
                try:
                    pending.append(json.loads(line))
                except ValueError:
                    pass
    boot_rc = end.get("rc") if end else None
    for r in runs:
        if r.boot == "":
            continue
        r.contended = bool(end.get("contended")) if end else None
        if end is None:
            r.status, r.note = "failed", "boot interrupted (no #end)"
        elif boot_rc != 0:
            why = BOOT_FAIL.get(boot_rc, f"guest job exit {boot_rc}")
            extra = f" ({end['note']})" if end.get("note") else ""
            if r.status == "ok":
                # Numbers kept in data.csv but not used: the boot is suspect.
                r.status, r.note = "failed", f"boot failed: {why}{extra}"
            elif not getattr(r, "seen", False):
                r.note = f"no result: {why}{extra}"
    return boot, runs, info, end


def read_setup(resdir):
    setup = {}
    p = os.path.join(resdir, "raw", "setup.txt")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    k, v = line.rstrip("\n").split("=", 1)
                    setup[k.strip()] = v.strip()
    return setup


def load(resdir):
    raw = os.path.join(resdir, "raw")
    if not os.path.isdir(raw):
        raise SystemExit(f"report.py: {raw} does not exist (run make compare)")
    setup = read_setup(resdir)
    runs, infos, boots = [], [], []
    for name in sorted(os.listdir(raw)):
        if not name.endswith(".txt") or name == "setup.txt":
            continue
        boot, rs, info, end = parse_boot_file(os.path.join(raw, name))
        runs += rs
        if info:
            infos.append(info)
        if "kernel" in boot:
            boots.append((boot, end))
    return setup, runs, infos, boots


# ---- statistics --------------------------------------------------------------

class Stat:
    def __init__(self, vals):
        self.vals = [v for v in vals if v is not None]
        self.n = len(self.vals)
        self.med = statistics.median(self.vals) if self.vals else None
        self.lo = min(self.vals) if self.vals else None
        self.hi = max(self.vals) if self.vals else None


def select(runs, kernel=None, ok=True, **kw):
    out = []
    for r in runs:
        if kernel and r.kernel != kernel:
            continue
        if ok and not r.ok:
            continue
        if any(getattr(r, k) != v for k, v in kw.items()):
            continue
        out.append(r)
    return out


def stat(runs, fig, kernel, **kw):
    return Stat([r.fig(fig) for r in select(runs, kernel, **kw)])


def ratio_interval(v, p, level=0.95, n=2000):
    """Bootstrap interval of the ratio of medians p/v: each kernel's runs are
    resampled with replacement, n times.  The seed is fixed, so the report
    is the same every time it is generated from the same raw data.  None
    with fewer than 3 runs of a kernel."""
    if v.n < 3 or p.n < 3:
        return None
    rng = random.Random(0)
    rs = []
    for _ in range(n):
        mv = statistics.median(rng.choices(v.vals, k=v.n))
        mp = statistics.median(rng.choices(p.vals, k=p.n))
        if mv:
            rs.append(mp / mv)
    if not rs:
        return None
    rs.sort()
    a = (1 - level) / 2
    return rs[int(a * (len(rs) - 1))], rs[int((1 - a) * (len(rs) - 1))]


def fmt_interval(iv):
    return f"{fmt_ratio(iv[0])} – {fmt_ratio(iv[1])}" if iv else "–"


def overlap(a, b):
    if a.n < 2 or b.n < 2:
        return None
    return max(a.lo, b.lo) <= min(a.hi, b.hi)


# ---- tables ------------------------------------------------------------------

def cell(runs, fig, fmt, kernel, **kw):
    """(median cell, range cell, Stat) for one kernel."""
    s = stat(runs, fig, kernel, **kw)
    if s.n:
        rng = f"{fmt(s.lo)} – {fmt(s.hi)}" if s.n > 1 else "(1 run)"
        return fmt(s.med), rng + f" (n={s.n})" if s.n > 1 else rng, s
    planned = select(runs, kernel, ok=False, **kw)
    if not planned:
        return "not in this run", "–", s
    notrun = [r for r in planned if r.status == "not run"]
    if notrun and len(notrun) == len(planned):
        return f"not run: {notrun[0].note}", "–", s
    return f"failed ({len(planned)} of {len(planned)} runs)", "–", s


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def kv_rows(runs, fig, fmt, **kw):
    vm, vr, vs = cell(runs, fig, fmt, "vanilla", **kw)
    pm, pr, ps = cell(runs, fig, fmt, "patched", **kw)
    return [vm, vr, pm, pr, fmt_ratio(ratio(ps.med, vs.med))], vs, ps


def sweep_keys(runs):
    backends = sorted({r.backend for r in runs if r.benchmark == "sweep"},
                      key=lambda b: (b != "vfio", b))
    sizes = sorted({r.size_bytes for r in runs if r.benchmark == "sweep"})
    return backends, sizes


def sweep_table(runs, fig, fmt):
    backends, sizes = sweep_keys(runs)
    rows = []
    for b in backends:
        for s in sizes:
            if not select(runs, ok=False, benchmark="sweep", backend=b, size_bytes=s):
                continue
            row, _, _ = kv_rows(runs, fig, fmt, benchmark="sweep", backend=b, size_bytes=s)
            rows.append([b, size_label(s)] + row)
    head = ["backend", "IOVA swept", "vanilla (median)", "vanilla range", "patched (median)",
            "patched range", "patched/vanilla"]
    return table(head, rows)


# ---- the figures of summary.json ---------------------------------------------

def largest_common_size(runs, backend="vfio"):
    common = None
    for k in KERNELS:
        s = {r.size_bytes for r in select(runs, k, benchmark="sweep", backend=backend)}
        common = s if common is None else common & s
    return max(common) if common else None


def per_tib(runs, kernel, size, backend="vfio"):
    if size is None:
        return Stat([])
    return Stat([r.fig("pt_kib") / (size / TIB) for r in
                 select(runs, kernel, benchmark="sweep", backend=backend, size_bytes=size)
                 if r.fig("pt_kib") is not None])


def uring_ratio(runs, qd, mode, fig="iops"):
    v = stat(runs, fig, "vanilla", benchmark="uring", qd=qd, mode=mode)
    p = stat(runs, fig, "patched", benchmark="uring", qd=qd, mode=mode)
    return ratio(p.med, v.med)


def dmamap_extra(runs, mode):
    """Patched minus vanilla median time per map+unmap pair of the dmamap
    loop, in ns; None without runs of both kernels."""
    v = stat(runs, "dm_pair", "vanilla", benchmark="dmamap", mode=mode)
    p = stat(runs, "dm_pair", "patched", benchmark="dmamap", mode=mode)
    return None if v.med is None or p.med is None else p.med - v.med


def rounded(x, nd=4):
    if x is None:
        return None
    if isinstance(x, float) and x != 0 and abs(x) < 1e-3:
        return float(f"{x:.4g}")
    return round(x, nd)


def summary(setup, runs, generated_at):
    one_t = parse_size("1T")
    common = largest_common_size(runs)
    tv = stat(runs, "ns_pair", "vanilla", benchmark="sweep", backend="vfio", size_bytes=one_t)
    tp = stat(runs, "ns_pair", "patched", benchmark="sweep", backend="vfio", size_bytes=one_t)
    left16 = stat(runs, "pt_kib", "patched", benchmark="sweep", backend="vfio",
                  size_bytes=parse_size("16T"))
    cv = stat(runs, "ops_s", "vanilla", benchmark="churn")
    cp = stat(runs, "ops_s", "patched", benchmark="churn")
    rounds = setup.get("rounds")
    rounds = int(rounds) if rounds and rounds.isdigit() else len({r.round for r in runs if r.ok})
    return {
        "kernel_version": setup.get("kernel_version", ""),
        "accel": setup.get("accel", ""),
        "sweep_time_ratio": rounded(ratio(tp.med, tv.med)),
        "pt_kib_left_patched_16t": left16.med,
        "pt_kib_per_tib_vanilla": rounded(per_tib(runs, "vanilla", common).med, 1),
        "pt_kib_per_tib_patched": rounded(per_tib(runs, "patched", common).med, 1),
        "churn_ops_ratio": rounded(ratio(cp.med, cv.med)),
        **{f"uring_{name}_ratio_qd{qd}_{mode}": rounded(uring_ratio(runs, qd, mode, fig))
           for name, fig in (("iops", "iops"), ("busy", "busy_us"))
           for mode in ("strict", "lazy") for qd in (1, 32)},
        **{f"dmamap_extra_ns_{mode}": rounded(dmamap_extra(runs, mode), 1)
           for mode in ("strict", "lazy")},
        "rounds": rounds,
        "generated_at": generated_at,
    }


# ---- the reading: sentences computed from the numbers ------------------------

def judge(v, p, what_more, what_less):
    """A phrase on whether the two kernels differ beyond the spread."""
    o = overlap(v, p)
    if o is None:
        return ("with a single run per kernel there is no spread to judge this difference "
                "against")
    if o:
        return (f"the ranges over the runs overlap (vanilla {v.n} runs, patched {p.n}), so "
                "the difference is within this host's run-to-run noise")
    return (f"the ranges over the runs do not overlap: the patched kernel is measurably "
            f"{what_more if p.med > v.med else what_less}")


def reading(setup, runs, summ):
    out = []
    backends, sizes = sweep_keys(runs)
    common = largest_common_size(runs)
    if common:
        v = stat(runs, "pt_kib", "vanilla", benchmark="sweep", backend="vfio", size_bytes=common)
        p = stat(runs, "pt_kib", "patched", benchmark="sweep", backend="vfio", size_bytes=common)
        pv, pp = per_tib(runs, "vanilla", common), per_tib(runs, "patched", common)
        r = ratio(p.med, v.med)
        s = (f"**Page-table memory.** After a {size_label(common)} sweep through VFIO "
             f"(one 4 KiB mapping mapped and unmapped every 2 MiB; read while the container is "
             f"still open) vanilla keeps {fmt_kib(v.med)} of IOMMU page tables "
             f"({fmt_kib(pv.med)} per TiB swept), the patched kernel {fmt_kib(p.med)}")
        if r is not None and r > 0:
            s += f": {1 / r:,.0f} times less."
        else:
            s += "."
        # vanilla growth across sizes
        per = [per_tib(runs, "vanilla", z).med for z in sizes]
        per = [(z, x) for z, x in zip(sizes, per) if x is not None]
        if len(per) >= 2:
            lo, hi = min(x for _, x in per), max(x for _, x in per)
            span = (fmt_kib(lo) if fmt_kib(lo) == fmt_kib(hi) else
                    f"{fmt_kib(lo)} to {fmt_kib(hi)}")
            s += (f" Vanilla's tables grow with the IOVA swept: {span} "
                  f"per TiB at every size from {size_label(per[0][0])} to "
                  f"{size_label(per[-1][0])}, all still held while the container is open.")
        out.append(s)
    # patched at its largest size, all backends
    psizes = [z for z in sizes if select(runs, "patched", benchmark="sweep", size_bytes=z)]
    if psizes:
        top = max(psizes)
        vals = [r.fig("pt_kib") for r in select(runs, "patched", benchmark="sweep",
                                                 size_bytes=top)]
        vals = [x for x in vals if x is not None]
        if vals:
            low = min(psizes)
            lvals = [x for x in (r.fig("pt_kib") for r in select(
                runs, "patched", benchmark="sweep", size_bytes=low)) if x is not None]
            bks = sorted({r.backend for r in select(runs, "patched", benchmark="sweep",
                                                     size_bytes=top)})
            s = (f"With the series at most {fmt_kib(max(vals))} of page tables remain after "
                 f"{size_label(top)} ({len(vals)} runs, {', '.join(bks)})")
            if low != top and lvals:
                grow = (max(vals) - max(lvals)) / ((top - low) / TIB)
                s += f", against at most {fmt_kib(max(lvals))} after {size_label(low)}"
                if max(vals) <= max(lvals):
                    s += ": what is left does not grow with the IOVA swept."
                else:
                    pv = per_tib(runs, "vanilla", common).med if common else None
                    s += (f": {fmt_kib(grow)} more per extra TiB swept"
                          + (f", against vanilla's {fmt_kib(pv)} per TiB." if pv else "."))
            else:
                s += "."
            pv = per_tib(runs, "vanilla", common).med if common else None
            for r in select(runs, "vanilla", ok=False, benchmark="sweep", size_bytes=top):
                if r.status == "not run":
                    s += (f" Vanilla could not be run at {size_label(top)}: {r.note}")
                    if pv:
                        s += (f"; at the {fmt_kib(pv)} per TiB measured here it would keep "
                              f"{fmt_kib(pv * top / TIB)}")
                    s += "."
                    break
            out.append(s)
    # time per pair
    one_t = parse_size("1T")
    tsize = one_t if common and select(runs, "vanilla", benchmark="sweep", backend="vfio",
                                       size_bytes=one_t) else common
    if tsize:
        v = stat(runs, "ns_pair", "vanilla", benchmark="sweep", backend="vfio", size_bytes=tsize)
        p = stat(runs, "ns_pair", "patched", benchmark="sweep", backend="vfio", size_bytes=tsize)
        r = ratio(p.med, v.med)
        if r is not None:
            s = (f"**Map/unmap cost.** At {size_label(tsize)} (VFIO) a map+unmap pair takes "
                 f"{fmt_ns(v.med)} on vanilla and {fmt_ns(p.med)} with the series, a ratio of "
                 f"{fmt_ratio(r)} ({fmt_pct(r)}); {judge(v, p, 'slower', 'faster')}.")
            if tsize != one_t:
                s += (f" (No vanilla 1T sweep in this run, so summary.json's sweep_time_ratio, "
                      f"defined at 1T, is null.)")
            rs = []
            for b in backends:
                for z in sizes:
                    rr = ratio(stat(runs, "ns_pair", "patched", benchmark="sweep", backend=b,
                                    size_bytes=z).med,
                               stat(runs, "ns_pair", "vanilla", benchmark="sweep", backend=b,
                                    size_bytes=z).med)
                    if rr is not None:
                        rs.append(rr)
            if len(rs) > 1:
                s += (f" Over all {len(rs)} sizes and backends both kernels ran, the ratio of "
                      f"medians lies between {fmt_ratio(min(rs))} and {fmt_ratio(max(rs))}.")
            out.append(s)
    # churn
    cv = stat(runs, "ops_s", "vanilla", benchmark="churn")
    cp = stat(runs, "ops_s", "patched", benchmark="churn")
    r = ratio(cp.med, cv.med)
    if r is not None:
        thr = {get(x.result, "threads", "threads") for x in select(runs, benchmark="churn")}
        s = (f"**Concurrent churn** ({'/'.join(str(t) for t in sorted(thr))} threads on one "
             f"iommufd IOAS mapping and unmapping 4 KiB slots of the same leaf tables, so "
             f"tables keep emptying and refilling): {fmt_rate(cv.med)} ops/s on vanilla, "
             f"{fmt_rate(cp.med)} patched, ratio {fmt_ratio(r)} ({fmt_pct(r)}); "
             f"{judge(cv, cp, 'faster', 'slower')}.")
        for k in KERNELS:
            rs = select(runs, k, benchmark="churn")
            err = sum(x.fig("errors") or 0 for x in rs)
            nomem = sum(x.fig("enomem") or 0 for x in rs)
            s += (f" {k.capitalize()}: {err} map/unmap errors, {nomem} ENOMEM in "
                  f"{len(rs)} run{'s' if len(rs) != 1 else ''}.")
        out.append(s)
    # uring
    parts, overl, judged, ivs = [], 0, 0, []
    for qd, mode, v, p, r, iv in uring_cases(runs, "iops"):
        parts.append(f"QD{qd} {mode} {fmt_ratio(r)}")
        if iv:
            ivs.append((f"QD{qd} {mode}", iv))
        o = overlap(v, p)
        if o is not None:
            judged += 1
            overl += 1 if o else 0
    if parts:
        s = (f"**NVMe through the DMA API** (io_uring 4 KiB random reads): patched/vanilla "
             f"IOPS {', '.join(parts)}.")
        if judged:
            s += (f" In {overl} of {judged} cases the per-run ranges of the two kernels "
                  f"overlap" + (": no measurable difference." if overl == judged else
                               "; see the table for the others."))
        else:
            s += " A single run per kernel: no spread to judge these against."
        if ivs:
            below = [n for n, iv in ivs if iv[1] < 1]
            above = [n for n, iv in ivs if iv[0] > 1]
            half = min((iv[1] - iv[0]) / 2 for _, iv in ivs)
            s += (" 95% bootstrap intervals of the ratios (runs resampled, ratio of medians): "
                  + ", ".join(f"{n} {fmt_interval(iv)}" for n, iv in ivs) + ". "
                  + (f"Patched is measurably slower in {', '.join(below)}. " if below else "")
                  + (f"Patched is measurably faster in {', '.join(above)}. " if above else "")
                  + f"Even the narrowest interval spans ±{half * 100:.0f}%: no smaller "
                  f"difference can be told from this lab's run-to-run noise.")
        lz = []
        for k in KERNELS:
            for qd in (1, 32):
                a = stat(runs, "iops", k, benchmark="uring", qd=qd, mode="lazy").med
                b = stat(runs, "iops", k, benchmark="uring", qd=qd, mode="strict").med
                rr = ratio(a, b)
                if rr is not None:
                    lz.append(f"{k} QD{qd} {fmt_ratio(rr)}")
        if lz:
            s += f" Lazy/strict IOPS (the flush queue's gain): {', '.join(lz)}."
        out.append(s)
    for s in (cpu_cost_reading(setup, runs), dmamap_reading(setup, runs)):
        if s:
            out.append(s)
    shared = sorted({r.boot for r in runs if r.contended})
    if shared:
        out.append(f"**{len(shared)} boot(s) shared the machine** with another QEMU or a "
                   f"compiler even after being redone ({', '.join(shared)}); their runs are "
                   f"counted but flagged (`contended` in data.csv): read their figures with "
                   f"care.")
    bad = [r for r in runs if r.status == "failed"]
    if bad:
        out.append(f"**{len(bad)} run(s) failed** and are left out of every figure: see "
                   f"[Runs not counted](#runs-not-counted).")
    return out


def uring_cases(runs, fig):
    """(qd, mode, vanilla Stat, patched Stat, ratio, 95% interval) of every
    io_uring case that has FIG for both kernels."""
    for mode in ("strict", "lazy"):
        for qd in (1, 32):
            v = stat(runs, fig, "vanilla", benchmark="uring", qd=qd, mode=mode)
            p = stat(runs, fig, "patched", benchmark="uring", qd=qd, mode=mode)
            r = ratio(p.med, v.med)
            if r is not None:
                yield qd, mode, v, p, r, ratio_interval(v, p)


def cpu_cost_reading(setup, runs):
    """The sentence on the guest's busy CPU time per read, or None."""
    parts, ivs = [], []
    for qd, mode, v, p, r, iv in uring_cases(runs, "busy_us"):
        parts.append(f"QD{qd} {mode} {fmt_ratio(r)} ({fmt_us2(v.med)} → {fmt_us2(p.med)})")
        if iv:
            ivs.append((f"QD{qd} {mode}", iv))
    if not parts:
        return None
    how = ("in guest instructions, as `ICOUNT=1` runs count them" if setup.get("icount") == "1"
           else "in guest time, which under plain TCG follows the host's clock")
    s = (f"**CPU cost of a read through the DMA API** (the guest's busy CPU time per read, "
         f"{how}): patched/vanilla {', '.join(parts)}.")
    if ivs:
        more = [n for n, iv in ivs if iv[0] > 1]
        less = [n for n, iv in ivs if iv[1] < 1]
        worst = max(iv[1] for _, iv in ivs)
        s += (" 95% bootstrap intervals: " + ", ".join(f"{n} {fmt_interval(iv)}" for n, iv in ivs)
              + ". " + (f"Patched costs measurably more CPU per read in {', '.join(more)}. "
                        if more else "")
              + (f"Patched costs measurably less CPU per read in {', '.join(less)}. "
                 if less else "")
              + f"The highest upper bound is {fmt_ratio(worst)}: these runs show that the "
              f"series costs at most {fmt_pct(worst)} CPU per read"
              + (", within the 1% asked for." if worst <= 1.01 else
                 ", a bound too loose to tell whether it costs 1%."))
    return s


def dmamap_reading(setup, runs):
    """The sentence on the dmamap loop: the extra time per map+unmap and the
    bound it puts on the extra CPU per read; None without dmamap runs."""
    parts, bounds = [], []
    for mode in ("strict", "lazy"):
        v = stat(runs, "dm_pair", "vanilla", benchmark="dmamap", mode=mode)
        p = stat(runs, "dm_pair", "patched", benchmark="dmamap", mode=mode)
        if not v.n or not p.n:
            continue
        # The worst case the runs allow: slowest patched run against the
        # fastest vanilla run.
        worst = p.hi - v.lo
        parts.append(f"{mode} {fmt_dns(p.med - v.med)} per pair ({fmt_ns1(v.med)} → "
                     f"{fmt_ns1(p.med)}, {fmt_ratio(ratio(p.med, v.med))}; "
                     f"{fmt_dns(worst)} between the extremes: slowest patched run against "
                     f"fastest vanilla run)")
        for qd in (1, 32):
            b = stat(runs, "busy_us", "vanilla", benchmark="uring", qd=qd, mode=mode)
            if b.n and b.lo > 0:
                bounds.append((f"QD{qd} {mode}", (p.med - v.med) / (b.med * 1000), b.med,
                               worst / (b.lo * 1000)))
    if not parts:
        return None
    how = ("under `ICOUNT=1`, where the loop's time is the instructions it executes, every "
           "one counted alike: a locked instruction or a cache miss costs no more than a move"
           if setup.get("icount") == "1" else
           "in guest time, which without `ICOUNT=1` follows the host's clock")
    s = (f"**DMA-API cost per map+unmap** (`iova_stress dmamap`: one 4 KiB page mapped and "
         f"unmapped {fmt_count(setup.get('iters'))} times on the idle NVMe through the lab's "
         f"`dma_map_bench` hook, {how}): patched − vanilla {'; '.join(parts)}.")
    if bounds:
        typ = max(f for _, f, _, _ in bounds)
        top = max(w for _, _, _, w in bounds)
        s += (" A 4 KiB read through the DMA API maps and unmaps once, so against the busy CPU "
              "time per read of the same boots (vanilla median) the series changes the CPU "
              "cost of a read by "
              + ", ".join(f"{n} {f * 100:+.1f}% of {fmt_us2(med)} ({w * 100:+.1f}% between "
                          f"the extremes)" for n, f, med, w in bounds)
              + ", if a read's own map and unmap cost what the loop's do (the "
              "loop maps one IOVA again and again: no table is freed or refilled, and QD32's "
              "concurrent walkers are not modelled); *between the extremes* puts the slowest "
              "patched pair against the fastest vanilla pair and the fastest vanilla read. "
              f"Where reads are CPU-bound that makes IOPS patched/vanilla about "
              f"{1 / (1 + typ):.3f} for the costliest case of the medians "
              f"({1 / (1 + top):.3f} between the extremes); closer to 1 where reads wait on "
              f"the device"
              + (": within the 0.99 asked for." if 1 / (1 + typ) >= 0.99 else
                 ": short of the 0.99 asked for."))
    return s


# ---- outputs -----------------------------------------------------------------

def write_csv(path, runs):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for r in sorted(runs, key=lambda r: (r.round, r.boot, r.id)):
            j = r.result or {}
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
                "pt_kib_delta": j.get("pt_kib_delta"), "secpt_kib_delta": j.get("secpt_kib_delta"),
                "threads": get(j, "threads", "threads"), "ops": get(j, "threads", "ops"),
                "ops_per_s": get(j, "threads", "ops_per_s"),
                "anchor_dmas": get(j, "threads", "anchor_dmas"),
                "anchor_failures": get(j, "threads", "anchor_failures"),
                "enomem": get(j, "threads", "enomem"), "errors": get(j, "threads", "errors"),
                "iops": get(j, "uring", "iops"), "lat_p50_us": get(j, "uring", "lat_us", "p50"),
                "lat_p99_us": get(j, "uring", "lat_us", "p99"),
                "lat_p999_us": get(j, "uring", "lat_us", "p999"),
                "lat_max_us": get(j, "uring", "lat_us", "max"),
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


def regen_command(resdir, ver):
    """The command that regenerates RESULTS_DIR's report.  A directory that
    compare.sh's OUT= put elsewhere in the repository than results/<version>
    is named from the repository, with the flags that leave
    results/latest/ and the README alone."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.abspath(resdir)
    if (path.startswith(os.path.join(repo, "results") + os.sep)
            and path != os.path.join(repo, "results", ver)):
        return f"scripts/report.py {os.path.relpath(path, repo)} --no-readme --no-latest"
    return f"scripts/report.py {os.path.relpath(resdir, os.path.dirname(os.path.dirname(resdir)))}"


def lab_config(setup):
    """'lab config' with the hash and tick mode of kernel/lab.config when the
    run recorded them (runs before 2026-11-30 did not)."""
    if not setup.get("lab_config"):
        return "lab config"
    tick = f", {setup['lab_tick']}" if setup.get("lab_tick") else ""
    return f"lab config `{setup['lab_config']}`{tick}"


def report_md(resdir, setup, runs, infos, boots, summ, plot_note):
    ver = setup.get("kernel_version", "?")
    L = []
    quick = setup.get("quick") == "1"
    bench = setup.get("bench", "all")
    uring_only = bench in ("uring", "dmamap")
    L.append(f"# VT-d page-table reclaim: vanilla vs patched ({ver})"
             + {"uring": ": io_uring through the DMA API",
                "dmamap": ": the DMA API, io_uring and the map+unmap loop"}.get(bench, ""))
    L.append("")
    L.append(f"Generated by `scripts/report.py` from `raw/` "
             f"({datetime.datetime.fromtimestamp(summ['generated_at'], datetime.timezone.utc):%Y-%m-%d %H:%M UTC}); "
             f"measured by `make compare{' QUICK=1' if quick else ''}"
             f"{f' BENCH={bench}' if uring_only else ''}"
             f"{' ICOUNT=1' if setup.get('icount') == '1' else ''}` starting "
             f"{setup.get('started', '?')}. Every number below comes from the raw JSON lines "
             f"of iova_stress in `raw/`; `{regen_command(resdir, ver)}` "
             + ("regenerates this page and `data.csv`." if uring_only else
                "regenerates this page, `data.csv`, the plots and `results/latest/summary.json`."))
    L.append("")
    L.append("## Reading")
    L.append("")
    for s in reading(setup, runs, summ):
        L.append(f"- {s}")
    L.append("")
    L.append("## Setup")
    L.append("")
    mems = {}
    for b, _ in boots:
        mems.setdefault(b.get("mode", ""), set()).add(b.get("mem", ""))
    vc = sorted({i["vcpus"] for i in infos})
    rel = sorted({i["release"] for i in infos})
    gmem = sorted({(i["mem"], int(i["mem_kib"]) // 1024) for i in infos if i["mem_kib"].isdigit()})
    rows = [
        ["host", f"{setup.get('host_nproc', '?')} CPUs ({setup.get('host_cpu', '?')}), "
                 f"{setup.get('host_mem', '?')} memory, Linux {setup.get('host_kernel', '?')}"],
        ["QEMU", setup.get("qemu", "?")],
        ["accelerator", setup.get("accel", "?")
         + (" with `-icount shift=0,sleep=on`, one TCG thread: guest time is guest "
            "instructions (1 ns each) while a vCPU runs, host time while all idle"
            if setup.get("icount") == "1" else "")],
        ["kernel package", f"linux-source-6.12 {ver}"],
        ["series", f"repo commit `{setup.get('series_commit', '?')}`, series hash "
                   f"`{setup.get('series_hash', '?')}`"
                   + (f", lab patches `{setup['lab_patches']}` on both kernels"
                      if setup.get("lab_patches") else "")],
        ["guest", f"q35 + intel-iommu (aw-bits 48), {', '.join(vc) or '?'} vCPUs, "
                  f"kernel {', '.join(rel) or '?'}, {lab_config(setup)}; memory per boot: "
                  + "; ".join(f"{m}: {', '.join(sorted(x))}" for m, x in sorted(mems.items()))
                  + (f" (guest MemTotal: " + ", ".join(f"{a} → {b} MiB" for a, b in gmem) + ")"
                     if gmem else "")],
        ["guest memory budget", f"{setup.get('max_guest_mem', '?')} (runs needing more are "
                                f"recorded as not run)"],
        ["rounds", f"{summ['rounds']}, kernels alternating vanilla, patched in every round"
                   + (" (QUICK run)" if quick else "")],
        ["durations", (f"io_uring {setup.get('duration', '?')} s per run"
                       + (f", dmamap {setup.get('iters', '?')} pairs" if bench == "dmamap"
                          else "")
                       + f" (no sweeps, no churn: BENCH={bench})" if uring_only else
                       f"threads churn {setup.get('duration', '?')} s, io_uring "
                       f"{setup.get('duration', '?')} s per run")],
        ["wall time", f"{setup.get('wall', '?')}"],
        ["machine sharing", f"{len({r.boot for r in runs if r.contended})} of {len(boots)} "
                            f"boots saw another QEMU or a compiler running (each was redone "
                            f"up to {setup.get('contended_retries', '?')} times first)"],
    ]
    L.append(table(["", ""], rows))
    L.append("")
    L.append("Medians over the rounds; *range* is the lowest and highest run; the ratio is "
             "patched median / vanilla median.")
    L.append("")
    if not uring_only:
        L.append("## Page-table memory left after a sweep")
        L.append("")
        L.append("IOMMU page-table memory (`nr_iommu_pages` delta) while the VFIO container / "
                 "iommufd IOAS is still open, after one 4 KiB map+unmap every 2 MiB of IOVA.")
        L.append("")
        L.append(sweep_table(runs, "pt_kib", fmt_kib))
        L.append("")
        L.append("![page-table memory](pt-memory.png)")
        L.append("")
        L.append("## Time per map+unmap pair")
        L.append("")
        L.append(sweep_table(runs, "ns_pair", fmt_ns))
        L.append("")
        L.append("![time per pair](time-per-pair.png)")
        L.append("")
        L.append("## Multi-threaded churn (iommufd)")
        L.append("")
        head = ["figure", "vanilla (median)", "vanilla range", "patched (median)", "patched range",
                "patched/vanilla"]
        rows = []
        for fig, name, fmt in (("ops_s", "map+unmap ops/s", fmt_rate),
                               ("errors", "map/unmap errors", fmt_rate),
                               ("enomem", "ENOMEM", fmt_rate)):
            row, _, _ = kv_rows(runs, fig, fmt, benchmark="churn")
            rows.append([name] + row)
        L.append(table(head, rows))
        L.append("")
    L.append("## io_uring 4 KiB random reads on the guest NVMe (DMA API)")
    L.append("")
    head = ["iommu mode", "QD", "figure", "vanilla (median)", "vanilla range",
            "patched (median)", "patched range", "patched/vanilla", "95% interval"]
    rows = []
    for fig, name, fmt in (("iops", "IOPS", fmt_rate), ("p99_us", "p99 latency", fmt_us),
                           ("busy_us", "CPU busy per read", fmt_us2)):
        for mode in ("strict", "lazy"):
            qds = sorted({r.qd for r in runs if r.benchmark == "uring" and r.mode == mode})
            for qd in qds:
                if fig == "busy_us" and not select(runs, benchmark="uring", qd=qd, mode=mode,
                                                   has_busy=True):
                    continue
                row, vs, ps = kv_rows(runs, fig, fmt, benchmark="uring", qd=qd, mode=mode)
                rows.append([mode, qd, name] + row + [fmt_interval(ratio_interval(vs, ps))])
    L.append(table(head, rows))
    L.append("")
    note = ("*95% interval*: bootstrap interval of the ratio of medians (each kernel's runs "
            "resampled with replacement 2,000 times, fixed seed); \"–\" with fewer than 3 runs.")
    if select(runs, benchmark="uring", has_busy=True):
        note += (" *CPU busy per read*: the guest's busy CPU time over all CPUs (`/proc/stat`, "
                 "everything but idle and iowait; measured, not sampled, with the lab's tickless "
                 "idle) divided by the reads completed: the CPU cost of one read, submission and "
                 "completion. Under `ICOUNT=1` busy time counts guest instructions, but how many "
                 "a read takes still depends on whether a vCPU went idle before its completion "
                 "arrived, which follows the host's timing.")
    L.append(note)
    L.append("")
    if select(runs, ok=False, benchmark="dmamap"):
        L.extend(dmamap_section(resdir, setup, runs))
    L.append("## Runs not counted")
    L.append("")
    bad = [r for r in runs if not r.ok]
    if bad:
        L.append(table(["run", "status", "why", "raw"],
                       [[r.label(), r.status, r.note.replace("|", "/"), r.boot or "–"]
                        for r in bad]))
    else:
        L.append("None: every planned run finished and is counted.")
    if plot_note:
        L.append("")
        L.append(f"Plots: {plot_note}.")
    L.append("")
    L.append("## Files")
    L.append("")
    L.append("- `data.csv`: one row per run (not run and failed runs included, with `status`).")
    L.append("- `raw/`: the guest's output of every boot, verbatim (JSON lines of iova_stress), "
             "and `setup.txt`.")
    if not uring_only:
        L.append("- `pt-memory.png`, `time-per-pair.png`: the sweeps, median and range.")
        L.append("- `../latest/summary.json`: the headline figures.")
    L.append("")
    return "\n".join(L)


def dmamap_section(resdir, setup, runs):
    """The report's lines on the dmamap loop."""
    L = ["## DMA-API map+unmap loop on the guest NVMe (lab hook)", ""]
    head = ["iommu mode", "figure", "vanilla (median)", "vanilla range", "patched (median)",
            "patched range", "patched/vanilla", "95% interval", "patched − vanilla"]
    rows = []
    for mode in ("strict", "lazy"):
        if not select(runs, ok=False, benchmark="dmamap", mode=mode):
            continue
        for fig, name in (("dm_map", "dma_map_page"), ("dm_unmap", "dma_unmap_page"),
                          ("dm_pair", "map+unmap pair")):
            row, vs, ps = kv_rows(runs, fig, fmt_ns1, benchmark="dmamap", mode=mode)
            diff = None if vs.med is None or ps.med is None else ps.med - vs.med
            rows.append([mode, name] + row + [fmt_interval(ratio_interval(vs, ps)),
                                              fmt_dns(diff)])
    L.append(table(head, rows))
    L.append("")
    warm = sorted({get(r.result, "dmamap", "warmup") for r in select(runs, benchmark="dmamap")}
                  - {None})
    warm = ", ".join(f"{w:,}" for w in warm) or "?"
    L.append(f"`iova_stress dmamap --iters {setup.get('iters', '?')}` after the io_uring runs "
             "of the same boot: the lab-only `dma_map_bench` hook (`kernel/lab/`, applied to "
             "both kernels) maps one 4 KiB page with `dma_map_page()` and unmaps it with "
             "`dma_unmap_page()` that many times on the NVMe's DMA domain, and adds up the "
             f"time spent in each call ({warm} warm-up pairs first). The loop never idles, so "
             "under `ICOUNT=1` its time counts the instructions it executes, and the clock "
             "reads around each call cost both kernels the same. One page mapped and "
             "unmapped again and again is the pattern of QD1 reads; deeper queues keep more "
             "IOVAs live at once.")
    L.append("")
    traces = [m for m in ("strict", "lazy")
              if os.path.exists(os.path.join(resdir, f"trace-{m}.md"))]
    if traces:
        L.append("Where the difference goes, function by function, in guest instructions "
                 "counted by single-stepping one map and one unmap with gdb "
                 "(`scripts/trace-dmamap.sh MODE > trace-MODE.md`): "
                 + ", ".join(f"[{m}](trace-{m}.md)" for m in traces) + ".")
        L.append("")
    return L


def headline(resdir, readme, setup, runs, summ):
    rel = os.path.relpath(os.path.join(resdir, "report.md"), os.path.dirname(readme) or ".")
    rows = []
    common = largest_common_size(runs)
    if common:
        row, _, _ = kv_rows(runs, "pt_kib", fmt_kib, benchmark="sweep", backend="vfio",
                            size_bytes=common)
        if common != parse_size("1T"):
            rows.append([f"page tables left after a {size_label(common)} sweep (VFIO)",
                         row[0], row[2], row[4]])
        pv, pp = per_tib(runs, "vanilla", common), per_tib(runs, "patched", common)
        rows.append([f"page tables left per TiB swept ({size_label(common)} sweep, VFIO)",
                     fmt_kib(pv.med), fmt_kib(pp.med),
                     fmt_ratio(ratio(pp.med, pv.med))])
    _, sizes = sweep_keys(runs)
    for z in sizes:
        if common and z > common:
            row, _, _ = kv_rows(runs, "pt_kib", fmt_kib, benchmark="sweep", backend="vfio",
                                size_bytes=z)
            rows.append([f"page tables left after a {size_label(z)} sweep (VFIO)",
                         row[0], row[2], row[4]])
    tsize = parse_size("1T")
    if common and not select(runs, "vanilla", benchmark="sweep", backend="vfio",
                             size_bytes=tsize):
        tsize = common
    row, _, _ = kv_rows(runs, "ns_pair", fmt_ns, benchmark="sweep", backend="vfio",
                        size_bytes=tsize)
    rows.append([f"time per map+unmap pair, {size_label(tsize)} sweep (VFIO)",
                 row[0], row[2], row[4]])
    row, _, _ = kv_rows(runs, "ops_s", fmt_rate, benchmark="churn")
    rows.append(["threads churn, ops/s (iommufd)", row[0], row[2], row[4]])
    for mode in ("strict", "lazy"):
        for qd in (1, 32):
            row, _, _ = kv_rows(runs, "iops", fmt_rate, benchmark="uring", qd=qd, mode=mode)
            rows.append([f"io_uring 4K IOPS, QD{qd}, {mode}", row[0], row[2], row[4]])
    when = datetime.datetime.fromtimestamp(summ["generated_at"], datetime.timezone.utc)
    text = (f"Latest `make compare{' QUICK=1' if setup.get('quick') == '1' else ''}`: "
            f"linux-source-6.12 {summ['kernel_version']}, {summ['accel']}, "
            f"{summ['rounds']} round(s), medians, measured {setup.get('started', '?')[:10]}, "
            f"generated {when:%Y-%m-%d} — "
            f"[full report]({rel}).\n\n"
            + table(["figure", "vanilla", "patched", "patched/vanilla"], rows))
    return text


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


def generate(resdir, readme=None, latest=None, plots=True, now=None):
    setup, runs, infos, boots = load(resdir)
    if now is None:
        now = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or int(datetime.datetime.now(
            datetime.timezone.utc).timestamp())
    summ = summary(setup, runs, now)
    write_csv(os.path.join(resdir, "data.csv"), runs)
    gp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot.gp")
    note = plot(resdir, runs, gp) if plots else "not drawn (--no-plots)"
    if note and plots:
        print(f"report.py: {note}", file=sys.stderr)
    with open(os.path.join(resdir, "report.md"), "w", encoding="utf-8") as f:
        f.write(report_md(resdir, setup, runs, infos, boots, summ, note))
    if latest:
        write_json(os.path.join(latest, "summary.json"), summ)
    if readme:
        update_readme(readme, headline(resdir, readme, setup, runs, summ))
    return setup, runs, summ


# ---- --brief: progress lines of one boot ---------------------------------------

def brief(path):
    _, runs, _, end = parse_boot_file(path)
    for r in runs:
        if r.boot == "":
            print(f"  {r.label()}: not run: {r.note}")
            continue
        if not r.ok:
            print(f"  {r.label()}: FAILED: {r.note}")
            continue
        if r.benchmark == "sweep":
            print(f"  {r.label()}: {fmt_ns(r.fig('ns_pair'))}/pair, "
                  f"{fmt_kib(r.fig('pt_kib'))} page tables left")
        elif r.benchmark == "churn":
            print(f"  {r.label()}: {fmt_rate(r.fig('ops_s'))} ops/s, "
                  f"{r.fig('errors')} errors, {r.fig('enomem')} ENOMEM")
        elif r.benchmark == "dmamap":
            print(f"  {r.label()}: map {fmt_ns1(r.fig('dm_map'))}, unmap "
                  f"{fmt_ns1(r.fig('dm_unmap'))}, pair {fmt_ns1(r.fig('dm_pair'))}")
        else:
            print(f"  {r.label()}: {fmt_rate(r.fig('iops'))} IOPS, p99 {fmt_us(r.fig('p99_us'))}")
    bad = sum(1 for r in runs if r.boot and not r.ok)
    return 1 if bad or (end or {}).get("rc", 1) != 0 else 0


# ---- --selftest ----------------------------------------------------------------

def selftest():
    here = os.path.dirname(os.path.abspath(__file__))
    src = os.path.join(here, "testdata", "compare")
    tmp = tempfile.mkdtemp(prefix="vtd-report-selftest.")
    passed = failed = 0

    def check(what, cond):
        nonlocal passed, failed
        if cond:
            passed += 1
            print(f"ok - {what}")
        else:
            failed += 1
            print(f"not ok - {what}")

    try:
        res = os.path.join(tmp, "results", "9.9.9-1")
        shutil.copytree(os.path.join(src, "raw"), os.path.join(res, "raw"))
        readme = os.path.join(tmp, "README.md")
        with open(readme, "w") as f:
            f.write("# x\n\n## Results\n\nintro\n\n" + BEGIN + "\nold\n" + END +
                    "\n\n## After\n\nkept\n")
        latest = os.path.join(tmp, "results", "latest")
        _, runs, _ = generate(res, readme, latest, plots=True, now=1700000000)
        with open(os.path.join(src, "expected.json")) as f:
            expected = json.load(f)
        with open(os.path.join(latest, "summary.json")) as f:
            s = json.load(f)
        check("summary.json has exactly the keys", tuple(s) == SUMMARY_KEYS)
        for k in SUMMARY_KEYS:
            if k in ("kernel_version", "accel"):
                check(f"{k} is a string", isinstance(s.get(k), str) and s[k])
            else:
                check(f"{k} is a number", isinstance(s.get(k), (int, float))
                      and not isinstance(s.get(k), bool))
        for k, v in expected.items():
            got = s.get(k)
            good = (isinstance(v, str) and got == v) or (
                isinstance(v, (int, float)) and isinstance(got, (int, float))
                and math.isclose(got, v, rel_tol=1e-3, abs_tol=1e-9))
            check(f"{k} = {v} (got {got})", good)
        with open(os.path.join(res, "data.csv")) as f:
            rows = list(csv.DictReader(f))
        check("data.csv: one row per planned run", len(rows) == len(runs) and len(rows) > 0)
        check("data.csv: a not-run row with its reason",
              any(r["status"] == "not run" and "needs" in r["note"] for r in rows))
        check("data.csv: a failed row", any(r["status"] == "failed" for r in rows))
        with open(os.path.join(res, "report.md")) as f:
            md = f.read()
        for h in ("## Reading", "## Setup", "## Page-table memory", "## Time per map+unmap",
                  "## Multi-threaded churn", "## io_uring", "## Runs not counted"):
            check(f"report.md has '{h}'", h in md)
        check("report.md names the not-run vanilla 16T", "not run: needs" in md)
        check("report.md names the lab config and its tick mode",
              "lab config `0123456789ab`, tickless idle" in md)
        check("report.md: a CPU busy per read row and its interval",
              "| strict | 1 | CPU busy per read | 10.00 µs |" in md)
        check("report.md: the Reading states the CPU cost ratio and its bound",
              "**CPU cost of a read through the DMA API**" in md and "QD1 strict 1.010" in md)
        check("report.md: a dmamap section with the pair row and its difference",
              "## DMA-API map+unmap loop" in md
              and "| strict | map+unmap pair | 2,005.0 ns |" in md and "| +32.5 ns |" in md)
        check("report.md: the Reading bounds the CPU per read from the dmamap loop",
              "**DMA-API cost per map+unmap**" in md and "strict +32.5 ns per pair" in md
              and "+40.0 ns between the extremes" in md and "QD1 strict +0.3% of 10.00 µs" in md
              and "about 0.997" in md)
        check("report.md: no 'nan'/'None' cells", "| nan" not in md and "None" not in md)
        with open(readme) as f:
            rd = f.read()
        check("README block replaced, rest kept",
              rd.count(BEGIN) == 1 and "\nold\n" not in rd and "kept" in rd and "intro" in rd
              and "results/9.9.9-1/report.md" in rd)
        if shutil.which("gnuplot"):
            for p in ("pt-memory.png", "time-per-pair.png"):
                fp = os.path.join(res, p)
                ok = os.path.exists(fp) and open(fp, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
                check(f"{p} is a PNG", ok)
        # Idempotent: a second run gives the same report and README.
        generate(res, readme, latest, plots=False, now=1700000000)
        with open(readme) as f:
            check("README regenerated in place", f.read().count(BEGIN) == 1)
        # The brief view of a boot with a failed run says so.
        out = io.StringIO()
        old, sys.stdout = sys.stdout, out
        try:
            rc = brief(os.path.join(res, "raw", "002-r1-patched-strict.txt"))
        finally:
            sys.stdout = old
        check("--brief reports the failed run", "FAILED" in out.getvalue() and rc == 1)
        check("--brief gives the dmamap figures",
              "r1 patched dmamap strict: map 810.0 ns, unmap 1,225.0 ns, pair 2,035.0 ns"
              in out.getvalue())
    except Exception as e:  # a crash is a failure, not a traceback-only exit
        import traceback
        traceback.print_exc()
        check(f"generator ran without exception ({e})", False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def main(argv):
    if argv[:1] == ["--selftest"]:
        return selftest()
    if argv[:1] == ["--brief"] and len(argv) == 2:
        return brief(argv[1])
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    resdir, rest = os.path.abspath(argv[0]), argv[1:]
    repo = os.path.dirname(os.path.dirname(resdir))
    readme = os.path.join(repo, "README.md")
    latest = os.path.join(os.path.dirname(resdir), "latest")
    plots, fail_on_errors = True, False
    while rest:
        a = rest.pop(0)
        if a == "--readme" and rest:
            readme = rest.pop(0)
        elif a == "--no-readme":
            readme = None
        elif a == "--latest" and rest:
            latest = rest.pop(0)
        elif a == "--no-latest":
            latest = None
        elif a == "--no-plots":
            plots = False
        elif a == "--fail-on-errors":
            fail_on_errors = True
        else:
            print(f"report.py: unknown option {a!r}", file=sys.stderr)
            return 2
    if readme and not os.path.exists(readme):
        readme = None
    _, runs, summ = generate(resdir, readme, latest, plots)
    ok = sum(1 for r in runs if r.ok)
    bad = sum(1 for r in runs if r.status == "failed")
    nr = sum(1 for r in runs if r.status == "not run")
    print(f"report: {os.path.join(resdir, 'report.md')}: {ok} runs counted, {bad} failed, "
          f"{nr} not run")
    return 1 if fail_on_errors and bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
