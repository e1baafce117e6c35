"""The DMA API's traced map+unmap pair: scripts/dma-api-trace.sh's files.

RESDIR/dma-api-trace/per-function-MODE.tsv has one row per kernel
(vanilla, "patches 1-7", "whole series") and a "total" column: the guest
instructions of the pair.  trace-MODE.md (vanilla against the whole
series) and trace-MODE-upto7.md (vanilla against patches 1-7) say how many
locked instructions each call executed: "Locked instructions executed by
`CALL` (...; vanilla N, patched M):".
"""

import csv
import os
import re

MODES = ("strict", "lazy")
# The names: "upto1" is vanilla + the standalone fast-path patch,
# which in this series is its first 7 patches (the fixes and the one-walk
# unmap).
ROWS = {"vanilla": "vanilla", "patches 1-7": "upto1", "whole series": "patched"}
LOCKED = re.compile(r"^Locked instructions executed by `[^`]+` \(.*; vanilla (\d+), patched (\d+)\):")


def totals(path):
    """{vanilla|upto1|patched: instructions per pair} of one TSV."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            name = ROWS.get(row.get("kernel", ""))
            if name and (row.get("total") or "").isdigit():
                out[name] = int(row["total"])
    return out


def locked(path):
    """The patched side's locked instructions of one trace report, map and
    unmap together (None without the lines)."""
    n, seen = 0, False
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = LOCKED.match(line)
            if m:
                n += int(m.group(2))
                seen = True
    return n if seen else None


def summary_keys(resdir):
    """dmamap_instr_pair_{vanilla,upto1,patched}_MODE and
    dmamap_locked_added_MODE (the whole series' locked instructions per pair
    minus patches 1-7's); None where the files are missing."""
    d = os.path.join(resdir, "dma-api-trace")
    out = {}
    for mode in MODES:
        tsv = os.path.join(d, f"per-function-{mode}.tsv")
        t = totals(tsv) if os.path.exists(tsv) else {}
        for k in ("vanilla", "upto1", "patched"):
            out[f"dmamap_instr_pair_{k}_{mode}"] = t.get(k)
    for mode in MODES:
        whole, upto = (os.path.join(d, f"trace-{mode}{s}.md") for s in ("", "-upto7"))
        a = locked(whole) if os.path.exists(whole) else None
        b = locked(upto) if os.path.exists(upto) else None
        out[f"dmamap_locked_added_{mode}"] = a - b if a is not None and b is not None else None
    return out
