"""The command line: generate a report, one boot's progress lines, a size,
the selftest."""

import argparse
import datetime
import os
import sys

from .fmt import fmt_kib, fmt_ns, fmt_ns1, fmt_rate, fmt_us
from .parse import ReportError, load, parse_boot_file
from .sizes import UNITS, SizeError, in_units, parse_size

PROG = "report"
USAGE = f"""\
  {PROG} RESULTS_DIR [--readme FILE | --no-readme] [--latest DIR | --no-latest]
         [--no-plots] [--fail-on-errors]
  {PROG} --brief RAWFILE
  {PROG} --size=SIZE [--unit K|M|G|T|P|E] [--name NAME]
  {PROG} --selftest
  {PROG} --latency DIR
  {PROG} --check-latency DIR [--series-hash HASH]"""
DESCRIPTION = """\
RESULTS_DIR: read RESULTS_DIR/raw/ (written by scripts/compare.sh) and
(re)write RESULTS_DIR/report.md, data.csv, pt-memory.png, time-per-pair.png,
RESULTS_DIR/../latest/summary.json and the README's headline block (between
<!-- results:begin --> and <!-- results:end -->).  Nothing is measured here:
every number comes from raw/.  --brief: one line per run of one raw boot
file (compare.sh's progress output).  --size: the bytes (or whole UNITs) in
SIZE, in iova_stress's size grammar; refused with iova_stress's message for
an option NAME.  --selftest: the unit tests, ending with "N passed, N failed".
--latency: the table and summary lines of scripts/latency.sh's DIR.
--check-latency: the latency goals on DIR's figures, a line each, exit 1 if
one is not met (--series-hash: and they must be of that kernel/series)."""


def generate(resdir, readme=None, latest=None, plots=True, now=None):
    """Write every output of RESDIR's report; returns (setup, runs, summary)."""
    # Here, not at the top: compare.sh's --size calls need none of them.
    from .outputs import plot, update_readme, write_csv, write_json
    from .render import headline, report_md
    from .stats import summary

    from . import latency, trace

    setup, runs, infos, boots = load(resdir)
    if now is None:
        now = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or int(datetime.datetime.now(
            datetime.timezone.utc).timestamp())
    latdir = os.path.join(resdir, "raw", "latency")
    lat = latency.load(latdir)
    summ = summary(setup, runs, now, latency.summary_keys(lat), trace.summary_keys(resdir))
    write_csv(os.path.join(resdir, "data.csv"), runs)
    gp = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "plot.gp")
    note = plot(resdir, runs, gp) if plots else "not drawn (--no-plots)"
    if note and plots:
        print(f"{PROG}: {note}", file=sys.stderr)
    with open(os.path.join(resdir, "report.md"), "w", encoding="utf-8") as f:
        lat_note = latency.plot(lat, os.path.join(resdir, "latency.png")) if plots and lat \
            else "not drawn"
        if lat and plots and lat_note:
            print(f"{PROG}: {lat_note}", file=sys.stderr)
        f.write(report_md(resdir, setup, runs, infos, boots, summ, note,
                          latency.section(lat, latency.setup(latdir), lat_note is None)))
    if latest:
        write_json(os.path.join(latest, "summary.json"), summ)
    if readme:
        update_readme(readme, headline(resdir, readme, setup, runs, summ))
    return setup, runs, summ


def brief_lines(runs):
    """One progress line per run of a boot."""
    for r in runs:
        if r.boot == "":
            yield f"  {r.label()}: not run: {r.note}"
        elif not r.ok:
            yield f"  {r.label()}: FAILED: {r.note}"
        elif r.benchmark == "sweep":
            yield (f"  {r.label()}: {fmt_ns(r.fig('ns_pair'))}/pair, "
                   f"{fmt_kib(r.fig('pt_kib'))} page tables left")
        elif r.benchmark == "churn":
            yield (f"  {r.label()}: {fmt_rate(r.fig('ops_s'))} ops/s, "
                   f"{r.fig('errors')} errors, {r.fig('enomem')} ENOMEM")
        elif r.benchmark == "dmamap":
            yield (f"  {r.label()}: map {fmt_ns1(r.fig('dm_map'))}, unmap "
                   f"{fmt_ns1(r.fig('dm_unmap'))}, pair {fmt_ns1(r.fig('dm_pair'))}")
        elif r.benchmark == "map_bench":
            yield (f"  {r.label()}: map {fmt_us(r.fig('mb_map'))} (sd {fmt_us(r.fig('mb_map_sd'))}), "
                   f"unmap {fmt_us(r.fig('mb_unmap'))} (sd {fmt_us(r.fig('mb_unmap_sd'))})")
        elif r.benchmark == "fio":
            yield (f"  {r.label()}: {fmt_rate(r.fig('fio_iops'))} IOPS, "
                   f"p99 {fmt_us(r.fig('fio_p99_us'))}")
        else:
            yield f"  {r.label()}: {fmt_rate(r.fig('iops'))} IOPS, p99 {fmt_us(r.fig('p99_us'))}"


def brief(path, out=None):
    """Print PATH's progress lines; 1 if a run or the boot failed."""
    _, runs, _, end = parse_boot_file(path)
    for line in brief_lines(runs):
        print(line, file=out or sys.stdout)
    bad = sum(1 for r in runs if r.boot and not r.ok)
    return 1 if bad or (end or {}).get("rc", 1) != 0 else 0


def size(text, unit=None, name="size"):
    """Print TEXT's bytes (or whole UNITs); 1 with the message if refused."""
    try:
        print(in_units(text, unit) if unit else parse_size(text))
    except SizeError as e:
        print(e.message(name), file=sys.stderr)
        return 1
    return 0


def latency_table(dirpath):
    """Print DIR's latency table and one "summary KEY VALUE" line per key."""
    from . import latency
    lat = latency.load(dirpath)
    if not lat:
        raise ReportError(f"{dirpath}: no vanilla.txt or patched.txt")
    print("\n".join(latency.table(lat)))
    for k, v in latency.summary_keys(lat).items():
        print(f"summary {k} {'null' if v is None else v}")
    return 0


def check_latency(dirpath, series_hash=None):
    """Print the latency goals on DIR's figures, "ok - " or "not ok - " each;
    1 if one is not met."""
    from . import latency
    results = latency.goals(latency.load(dirpath), latency.setup(dirpath), series_hash)
    for ok, text in results:
        print(f"{'ok' if ok else 'not ok'} - {text}")
    return 0 if all(ok for ok, _ in results) else 1


def selftest():
    """Run the unit tests; print one line per test and "N passed, N failed"."""
    from .tests import run
    return run()


def parser():
    p = argparse.ArgumentParser(prog=PROG, usage=USAGE, description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("resdir", nargs="?", metavar="RESULTS_DIR")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--brief", metavar="RAWFILE")
    what.add_argument("--size", metavar="SIZE")
    what.add_argument("--selftest", action="store_true")
    what.add_argument("--latency", metavar="DIR",
                      help="the latency table and summary lines of scripts/latency.sh's DIR")
    what.add_argument("--check-latency", metavar="DIR",
                      help="the latency goals on scripts/latency.sh's DIR")
    p.add_argument("--series-hash", metavar="HASH", help="with --check-latency")
    readme = p.add_mutually_exclusive_group()
    readme.add_argument("--readme", metavar="FILE", help="default: the repository's README.md")
    readme.add_argument("--no-readme", action="store_true")
    latest = p.add_mutually_exclusive_group()
    latest.add_argument("--latest", metavar="DIR", help="default: RESULTS_DIR/../latest")
    latest.add_argument("--no-latest", action="store_true")
    p.add_argument("--no-plots", action="store_true")
    p.add_argument("--fail-on-errors", action="store_true",
                   help="exit 1 if a run failed")
    p.add_argument("--unit", choices=list(UNITS), help="with --size")
    p.add_argument("--name", help="with --size: the name in its messages (default: size)")
    return p


def main(argv=None):
    p = parser()
    a = p.parse_args(argv)
    report_opts = (a.readme, a.no_readme, a.latest, a.no_latest, a.no_plots, a.fail_on_errors)
    modes = [m for m in (a.resdir, a.brief, a.size, a.selftest or None, a.latency,
                         a.check_latency) if m is not None]
    if len(modes) != 1:
        p.error("give one of RESULTS_DIR, --brief, --size, --selftest, --latency and "
                "--check-latency")
    if a.series_hash is not None and a.check_latency is None:
        p.error("--series-hash goes with --check-latency")
    if a.resdir is None and any(report_opts):
        p.error("--readme, --latest, --no-* and --fail-on-errors go with RESULTS_DIR")
    if a.size is None and (a.unit or a.name):
        p.error("--unit and --name go with --size")
    try:
        if a.selftest:
            return selftest()
        if a.brief is not None:
            return brief(a.brief)
        if a.size is not None:
            return size(a.size, a.unit, a.name or "size")
        if a.latency is not None:
            return latency_table(a.latency)
        if a.check_latency is not None:
            return check_latency(a.check_latency, a.series_hash)
        return report(a)
    except ReportError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 1


def report(a):
    resdir = os.path.abspath(a.resdir)
    repo = os.path.dirname(os.path.dirname(resdir))
    readme = None if a.no_readme else a.readme or os.path.join(repo, "README.md")
    latest = None if a.no_latest else a.latest or os.path.join(os.path.dirname(resdir), "latest")
    if readme and not os.path.exists(readme):
        readme = None
    _, runs, _ = generate(resdir, readme, latest, not a.no_plots)
    ok = sum(1 for r in runs if r.ok)
    bad = sum(1 for r in runs if r.status == "failed")
    nr = sum(1 for r in runs if r.status == "not run")
    print(f"report: {os.path.join(resdir, 'report.md')}: {ok} runs counted, {bad} failed, "
          f"{nr} not run")
    return 1 if a.fail_on_errors and bad else 0
