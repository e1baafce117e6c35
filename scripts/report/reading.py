"""The reading: the report's sentences, computed from the numbers."""

from . import fio
from .fmt import (fmt_count, fmt_dns, fmt_interval, fmt_kib, fmt_ns, fmt_ns1, fmt_pct,
                  fmt_rate, fmt_ratio, fmt_us2)
from .parse import KERNELS, get
from .sizes import TIB, parse_size, size_label
from .stats import (largest_common_size, overlap, per_tib, ratio, select, stat, sweep_keys,
                    uring_cases)


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


def reading(setup, runs):
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
    if select(runs, benchmark="fio"):
        out.append(fio.reading(runs))
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
