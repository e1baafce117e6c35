"""report: the vanilla vs patched report of `make compare`, from raw data.

  python3 scripts/report RESULTS_DIR    (or, in scripts/: python3 -m report)

writes RESULTS_DIR/report.md, data.csv, the plots, results/latest/summary.json
and the README's headline table from RESULTS_DIR/raw/ alone; `--help` has the
rest.  Python 3.11 standard library only.  Modules, in the order data flows:

  sizes     the size grammar shared with iova_stress (src/units.c)
  parse     raw/: compare.sh's boot files, iova_stress's JSON (schemas 1, 2)
  stats     medians, ranges, bootstrap intervals, summary.json's figures
  fmt       numbers as the report writes them
  reading   the report's sentences
  render    report.md and the README block in Markdown
  outputs   data.csv, summary.json, the README file, the gnuplot plots
  cli       the command line
  tests/    unit tests: python3 -m unittest report.tests (in scripts/)
"""
