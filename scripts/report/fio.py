"""fio beside iova_stress's io_uring runs: the report's table and reading.

Both tools read 4 KiB at random offsets of the guest NVMe with O_DIRECT
through io_uring at the same queue depths, in the same boots; fio's runs
are scripts/guest/tests/fio.sh's (read by parse.as_fio()).  They agree on
the series when their patched/vanilla ratios are within AGREE of each
other: the ratios are what the report compares, while the absolute rates
differ by each tool's own cost per read.
"""

from .fmt import fmt_rate, fmt_ratio, fmt_us, md_table
from .stats import ratio, select, stat

AGREE = 0.10  # largest |ratio(fio) - ratio(iova_stress)| called agreement
FIGURES = (("IOPS", "iops", "fio_iops", fmt_rate), ("p99 latency", "p99_us", "fio_p99_us", fmt_us))


def cases(runs):
    """(mode, qd, name, fmt, iova_stress (v, p) Stats, fio (v, p) Stats,
    iova_stress p/v, fio p/v) of every queue depth and mode that fio ran
    at; a ratio is None without both kernels' figures."""
    for mode in ("strict", "lazy"):
        for qd in sorted({r.qd for r in runs if r.benchmark == "fio" and r.mode == mode}):
            for name, fig_u, fig_f, fmt in FIGURES:
                u = [stat(runs, fig_u, k, benchmark="uring", qd=qd, mode=mode)
                     for k in ("vanilla", "patched")]
                f = [stat(runs, fig_f, k, benchmark="fio", qd=qd, mode=mode)
                     for k in ("vanilla", "patched")]
                yield (mode, qd, name, fmt, u, f, ratio(u[1].med, u[0].med),
                       ratio(f[1].med, f[0].med))


def verdict(ru, rf):
    if ru is None or rf is None:
        return "–"
    d = rf - ru
    return "agree" if abs(d) <= AGREE else f"differ ({d:+.2f})"


def section(runs):
    """The report's lines: a table of both tools, side by side."""
    if not select(runs, ok=False, benchmark="fio"):
        return []
    L = ["## fio beside iova_stress (io_uring 4 KiB random reads)", "",
         "Debian's fio (`--ioengine=io_uring --rw=randread --bs=4k --direct=1`, one job, "
         "`--lat_percentiles=1`: latency from submission to completion, as iova_stress "
         "measures it) in the same boots as `iova_stress uring`, on the same NVMe and for "
         "the same duration (`scripts/guest/tests/fio.sh`). Medians of each kernel's runs; "
         f"the tools *agree* on the series when their patched/vanilla ratios are within "
         f"{AGREE:.2f} of each other.", ""]
    head = ["iommu mode", "QD", "figure", "iova_stress vanilla", "iova_stress patched",
            "iova_stress p/v", "fio vanilla", "fio patched", "fio p/v", "fio/iova_stress (vanilla)",
            "the tools"]
    rows = []
    for mode, qd, name, fmt, u, f, ru, rf in cases(runs):
        rows.append([mode, qd, name, fmt(u[0].med), fmt(u[1].med), fmt_ratio(ru),
                     fmt(f[0].med), fmt(f[1].med), fmt_ratio(rf),
                     fmt_ratio(ratio(f[0].med, u[0].med)), verdict(ru, rf)])
    L.append(md_table(head, rows))
    L.append("")
    L.append(reading(runs))
    L.append("")
    return L


def reading(runs):
    """One paragraph: do the two tools say the same of the series?"""
    agree, total, scale, iops_r = {}, {}, [], []
    for mode, qd, name, _, u, f, ru, rf in cases(runs):
        if ru is None or rf is None:
            continue
        total[name] = total.get(name, 0) + 1
        agree[name] = agree.get(name, 0) + (abs(rf - ru) <= AGREE)
        if name == "IOPS":
            iops_r.append(f"QD{qd} {mode} {fmt_ratio(rf)} (iova_stress {fmt_ratio(ru)})")
            s = ratio(f[0].med, u[0].med)
            if s is not None:
                scale.append(s)
    if not total:
        return "fio's runs or iova_stress's did not finish on both kernels: no comparison."
    counts = "; ".join(f"{name} in {agree[name]} of {n}" for name, n in total.items())
    s = (f"**fio and iova_stress** agree on the series' effect (patched/vanilla within "
         f"{AGREE:.2f}): {counts} cases. fio's patched/vanilla IOPS: {'; '.join(iops_r)}.")
    if scale:
        s += (f" On vanilla, fio reads at {fmt_ratio(min(scale))}–{fmt_ratio(max(scale))} times "
              "iova_stress's rate: each tool's own CPU time per read, under TCG, differs.")
    if sum(agree.values()) < sum(total.values()):
        s += (" Where they differ, read the difference against the io_uring table's "
              "ranges: under TCG a single run's ratio moves by as much, a p99 most of all.")
    return s
