"""Reading raw/: the boot files compare.sh writes and iova_stress's JSON.

Raw format (one file per guest boot, raw/NNN-*.txt, plus raw/setup.txt):
  #boot {json}    kernel, round, mode, mem, seq, started
  #run {json}     one planned run: id, benchmark, backend, size, mode, qd
  #notrun {json}  a run that was not made: kernel, round, benchmark, ..., note
  #end {json}     rc (the guest job's exit code), wall_s, contended, note
  @@info VCPUS MEMTOTAL_KIB UNAME_R    the guest's own view
  {...}           a JSON line of iova_stress (belongs to the next @@ marker),
                  or {"fio": <fio's JSON>} of scripts/guest/tests/fio.sh
  @@ ID RC TEXT   end of run ID: exit code and its stderr (one line)

iova_stress's JSON comes in two schemas: 1 (no "schema" key; every result
committed before schema 2) and 2 ("schema": 2, times as integer *_ns
keys).  A schema 2 result is read into schema 1's names and units, which
the rest of the report uses; any other schema is an error.
"""

import dataclasses
import json
import os

from .sizes import SizeError, parse_size

KERNELS = ("vanilla", "patched")
BOOT_FAIL = {90: "kernel log check failed (BUG/WARNING/KASAN/... or unexpected DMAR fault)",
             91: "guest hung and was killed", 92: "guest died before finishing the job"}


class ReportError(Exception):
    """Raw data the report cannot read; the message names the file."""


def get(d, *path):
    for k in path:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


# ---- iova_stress's JSON schemas -------------------------------------------------

# Schema 2 key -> (schema 1 key, divisor from ns to schema 1's unit), per
# object ("" is the top level).  Everything not named is the same in both.
V2_TIMES = {
    "": {"wall_ns": ("wall_s", 1e9)},
    "uring": {"duration_ns": ("duration_s", 1e9), "lat_ns": ("lat_us", 1e3),
              "cpu_busy_ns": ("cpu_busy_s", 1e9), "busy_ns_per_io": ("busy_us_per_io", 1e3)},
    "dmamap": {"map_ns_total": ("map_ns", 1), "unmap_ns_total": ("unmap_ns", 1)},
}
V2_ONLY = ("tool", "version", "schema", "timestamp")


def _from_ns(v, div):
    if div == 1 or v is None or isinstance(v, bool):
        return v
    if isinstance(v, dict):  # a percentile object: all but "count" are times
        return {k: x if k == "count" else _from_ns(x, div) for k, x in v.items()}
    return v / div if isinstance(v, (int, float)) else v


def _v1_names(obj, renames):
    out = {}
    for k, v in obj.items():
        if k in renames:
            name, div = renames[k]
            out[name] = _from_ns(v, div)
        else:
            out[k] = v
    return out


def as_v1(obj, where):
    """OBJ (an iova_stress JSON result) in schema 1's names and units.
    WHERE names the line for the error on a schema this report does not read."""
    if "schema" not in obj:
        return obj
    v = obj["schema"]
    if type(v) is not int or v != 2:
        raise ReportError(f"{where}: iova_stress JSON schema {json.dumps(v)}: this report "
                          "reads schema 1 (no \"schema\" key) and schema 2")
    if obj.get("tool", "iova_stress") != "iova_stress":
        raise ReportError(f"{where}: JSON of {json.dumps(obj['tool'])}, not iova_stress")
    out = _v1_names({k: x for k, x in obj.items() if k not in V2_ONLY}, V2_TIMES[""])
    for sub in ("uring", "dmamap"):
        if isinstance(out.get(sub), dict):
            out[sub] = _v1_names(out[sub], V2_TIMES[sub])
    return out


# ---- fio's JSON -----------------------------------------------------------------

def as_fio(obj, where):
    """The figures of a {"fio": <fio --output-format=json>} line (OBJ), as
    {"fio": {"iops", "ios", "error", "lat_us": {"p50", "p99", "p999", "mean"}}}:
    one job's reads, total latency (fio's lat_ns, --lat_percentiles=1)."""
    jobs = get(obj, "fio", "jobs")
    if not isinstance(jobs, list) or len(jobs) != 1 or not isinstance(jobs[0], dict):
        raise ReportError(f"{where}: fio JSON without exactly one job")
    job, rd = jobs[0], jobs[0].get("read") or {}
    lat = rd.get("lat_ns") or {}
    pct = lat.get("percentile") or {}

    def us(v):
        return v / 1e3 if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    return {"fio": {"version": obj["fio"].get("fio version"), "error": job.get("error"),
                    "iops": rd.get("iops"), "ios": rd.get("total_ios"),
                    "lat_us": {"p50": us(pct.get("50.000000")), "p99": us(pct.get("99.000000")),
                               "p999": us(pct.get("99.900000")), "mean": us(lat.get("mean"))}}}


# ---- runs -----------------------------------------------------------------------

@dataclasses.dataclass
class Run:
    """One planned run with its outcome."""

    kernel: str
    round: int
    benchmark: str
    backend: str = ""
    size: str = ""
    size_bytes: int | None = None
    mode: str = ""
    qd: int | None = None
    threads: int | None = None  # map_bench
    id: str = ""
    boot: str = ""  # the raw file of its boot; "" for a run not made
    mem: str = ""
    status: str = "not run"  # "ok", "failed" or "not run"
    note: str = ""
    rc: int | None = None
    result: dict | None = None  # its iova_stress JSON, in schema 1's names
    contended: bool | None = None
    seen: bool = False  # its "@@ ID RC" marker was read

    # Figure name -> where it is in the result.
    FIGS = {
        "pt_kib": ("pt_kib_delta",),
        "pt_shrunk_kib": ("pt_kib_shrunk_delta",),
        "ns_pair": ("ns_per_pair",),
        "secpt_kib": ("secpt_kib_delta",),
        "ops_s": ("threads", "ops_per_s"),
        "iops": ("uring", "iops"),
        "p99_us": ("uring", "lat_us", "p99"),
        # fio beside it (scripts/guest/tests/fio.sh, read by as_fio())
        "fio_iops": ("fio", "iops"),
        "fio_p99_us": ("fio", "lat_us", "p99"),
        "busy_us": ("uring", "busy_us_per_io"),
        "dm_map": ("dmamap", "map_ns_per_op"),
        "dm_unmap": ("dmamap", "unmap_ns_per_op"),
        "dm_pair": ("dmamap", "pair_ns"),
        # the kernel's dma_map_benchmark (scripts/guest/tests/mapbench.sh)
        "mb_map": ("map_bench", "map_us"),
        "mb_map_sd": ("map_bench", "map_sd_us"),
        "mb_unmap": ("map_bench", "unmap_us"),
        "mb_unmap_sd": ("map_bench", "unmap_sd_us"),
        "errors": ("threads", "errors"),
        "enomem": ("threads", "enomem"),
    }

    @classmethod
    def planned(cls, meta, boot):
        """The run a #run or #notrun line describes (META) in BOOT."""
        size = meta.get("size", "")
        return cls(kernel=meta.get("kernel", boot.get("kernel")),
                   round=int(meta.get("round", boot.get("round", 0))),
                   benchmark=meta["benchmark"], backend=meta.get("backend", ""), size=size,
                   size_bytes=parse_size(size) if size else None,
                   mode=meta.get("mode", boot.get("mode", "")), qd=meta.get("qd"),
                   threads=meta.get("threads"),
                   id=meta.get("id", ""), boot=boot.get("file", ""), mem=boot.get("mem", ""),
                   note=meta.get("note", ""))

    @property
    def ok(self):
        return self.status == "ok"

    @property
    def has_busy(self):
        return self.fig("busy_us") is not None

    def fig(self, name):
        path = self.FIGS[name]
        return None if self.result is None else get(self.result, *path)

    def label(self):
        if self.benchmark == "sweep":
            what = f"sweep {self.backend} {self.size}"
        elif self.benchmark == "uring":
            what = f"uring qd{self.qd} {self.mode}"
        elif self.benchmark == "fio":
            what = f"fio qd{self.qd} {self.mode}"
        elif self.benchmark == "dmamap":
            what = f"dmamap {self.mode}"
        elif self.benchmark == "map_bench":
            what = f"map_bench t{self.threads} {self.mode}"
        else:
            what = f"{self.benchmark} {self.backend}"
        return f"r{self.round} {self.kernel} {what}"


def _planned(line, skip, boot, where):
    try:
        return Run.planned(json.loads(line[skip:]), boot)
    except SizeError as e:
        raise ReportError(f"{where}: {e.message('the run size')}") from None


def parse_boot_file(path):
    """(boot, runs, info, end) of one raw boot file: its #boot line, its
    planned runs with their outcomes, the guest's @@info, its #end line."""
    boot, runs, info = {"file": os.path.basename(path)}, [], {}
    by_id, pending, end = {}, [], None
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            where = f"{path}: line {n}"
            if line.startswith("#boot "):
                boot.update(json.loads(line[6:]))
            elif line.startswith("#run "):
                r = _planned(line, 5, boot, where)
                r.status, r.note = "failed", ""
                runs.append(r)
                by_id[r.id] = r
            elif line.startswith("#notrun "):
                r = _planned(line, 8, boot, where)
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
                    _finish(r, p, pending)
                pending = []
            elif line.startswith("{"):
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if isinstance(obj, dict) and "fio" in obj:
                    obj = as_fio(obj, where)
                elif isinstance(obj, dict):
                    obj = as_v1(obj, where)
                pending.append(obj)
    _judge_boot(runs, end)
    return boot, runs, info, end


def _finish(r, p, pending):
    """Run R's outcome from its "@@ ID RC TEXT" marker (split into P) and
    the JSON lines before it (PENDING)."""
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


def _judge_boot(runs, end):
    """The boot's outcome (its #end line, END) on the runs it made."""
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
            elif not r.seen:
                r.note = f"no result: {why}{extra}"


def read_setup(resdir):
    """raw/setup.txt's KEY=VALUE lines."""
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
    """(setup, runs, infos, boots) of RESDIR/raw/."""
    raw = os.path.join(resdir, "raw")
    if not os.path.isdir(raw):
        raise ReportError(f"{raw} does not exist (run make compare)")
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
