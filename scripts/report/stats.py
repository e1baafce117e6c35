"""Statistics over runs: selections, medians and ranges, the bootstrap
interval of a ratio, and the figures of summary.json."""

import random
import statistics

from .parse import KERNELS
from .sizes import TIB, parse_size


def ratio(p, v):
    if p is None or v is None or v == 0:
        return None
    return p / v


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


def overlap(a, b):
    if a.n < 2 or b.n < 2:
        return None
    return max(a.lo, b.lo) <= min(a.hi, b.hi)


def sweep_keys(runs):
    backends = sorted({r.backend for r in runs if r.benchmark == "sweep"},
                      key=lambda b: (b != "vfio", b))
    sizes = sorted({r.size_bytes for r in runs if r.benchmark == "sweep"})
    return backends, sizes


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


def uring_ratio(runs, qd, mode, fig="iops", benchmark="uring"):
    """Patched/vanilla of FIG's medians for io_uring reads at QD in MODE,
    by iova_stress (BENCHMARK "uring") or by fio ("fio", FIG "fio_*")."""
    v = stat(runs, fig, "vanilla", benchmark=benchmark, qd=qd, mode=mode)
    p = stat(runs, fig, "patched", benchmark=benchmark, qd=qd, mode=mode)
    return ratio(p.med, v.med)


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


SUMMARY_KEYS = (
    "kernel_version", "accel", "sweep_time_ratio", "pt_kib_left_patched_16t",
    "pt_kib_left_patched_16t_vfio", "pt_kib_left_patched_16t_iommufd",
    "pt_kib_shrunk_patched_16t_vfio", "pt_kib_shrunk_patched_16t_iommufd",
    "pt_kib_per_tib_vanilla", "pt_kib_per_tib_patched", "churn_ops_ratio",
    "uring_iops_ratio_qd1_strict", "uring_iops_ratio_qd32_strict",
    "uring_iops_ratio_qd1_lazy", "uring_iops_ratio_qd32_lazy",
    "uring_busy_ratio_qd1_strict", "uring_busy_ratio_qd32_strict",
    "uring_busy_ratio_qd1_lazy", "uring_busy_ratio_qd32_lazy",
    "fio_iops_ratio_qd1_strict", "fio_iops_ratio_qd32_strict",
    "fio_iops_ratio_qd1_lazy", "fio_iops_ratio_qd32_lazy",
    "dmamap_extra_ns_strict", "dmamap_extra_ns_lazy",
    *(f"dmamap_instr_pair_{k}_{m}" for m in ("strict", "lazy")
      for k in ("vanilla", "upto1", "patched")),
    "dmamap_locked_added_strict", "dmamap_locked_added_lazy",
    "irqsoff_max_us_vanilla", "irqsoff_max_us_patched",
    "preemptoff_max_us_vanilla", "preemptoff_max_us_patched",
    *(f"map_bench_{c}_us_{k}_{m}_t{t}" for c in ("map", "unmap") for k in ("vanilla", "patched")
      for m in ("strict", "lazy") for t in (1, 2)),
    "rounds", "generated_at",
)


def summary(setup, runs, generated_at, latency_keys=None, trace_keys=None):
    one_t = parse_size("1T")
    common = largest_common_size(runs)
    tv = stat(runs, "ns_pair", "vanilla", benchmark="sweep", backend="vfio", size_bytes=one_t)
    tp = stat(runs, "ns_pair", "patched", benchmark="sweep", backend="vfio", size_bytes=one_t)
    left16 = {f"pt_kib_{name}_patched_16t_{b}": stat(runs, fig, "patched", benchmark="sweep",
                                                     backend=b, size_bytes=parse_size("16T")).med
              for name, fig in (("left", "pt_kib"), ("shrunk", "pt_shrunk_kib"))
              for b in ("vfio", "iommufd")}
    cv = stat(runs, "ops_s", "vanilla", benchmark="churn")
    cp = stat(runs, "ops_s", "patched", benchmark="churn")
    rounds = setup.get("rounds")
    rounds = int(rounds) if rounds and rounds.isdigit() else len({r.round for r in runs if r.ok})
    figs = {
        "kernel_version": setup.get("kernel_version", ""),
        "accel": setup.get("accel", ""),
        "sweep_time_ratio": rounded(ratio(tp.med, tv.med)),
        # The key before there were two backends': VFIO's.
        "pt_kib_left_patched_16t": left16["pt_kib_left_patched_16t_vfio"],
        **left16,
        "pt_kib_per_tib_vanilla": rounded(per_tib(runs, "vanilla", common).med, 1),
        "pt_kib_per_tib_patched": rounded(per_tib(runs, "patched", common).med, 1),
        "churn_ops_ratio": rounded(ratio(cp.med, cv.med)),
        **{f"uring_{name}_ratio_qd{qd}_{mode}": rounded(uring_ratio(runs, qd, mode, fig))
           for name, fig in (("iops", "iops"), ("busy", "busy_us"))
           for mode in ("strict", "lazy") for qd in (1, 32)},
        **{f"fio_iops_ratio_qd{qd}_{mode}":
           rounded(uring_ratio(runs, qd, mode, "fio_iops", benchmark="fio"))
           for mode in ("strict", "lazy") for qd in (1, 32)},
        **{f"dmamap_extra_ns_{mode}": rounded(dmamap_extra(runs, mode), 1)
           for mode in ("strict", "lazy")},
        **{f"map_bench_{c}_us_{k}_{m}_t{t}":
           rounded(stat(runs, f"mb_{c}", k, benchmark="map_bench", mode=m, threads=t).med, 2)
           for c in ("map", "unmap") for k in ("vanilla", "patched")
           for m in ("strict", "lazy") for t in (1, 2)},
        **(trace_keys or {}),
        **(latency_keys or {}),
        "rounds": rounds,
        "generated_at": generated_at,
    }
    # SUMMARY_KEYS is the contract: its order, and null where a figure is missing.
    return {k: figs.get(k) for k in SUMMARY_KEYS}
