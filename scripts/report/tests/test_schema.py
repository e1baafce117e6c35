"""iova_stress's JSON schemas: 1 (no "schema" key), 2, anything else refused."""
import json
import os
import shutil
import tempfile
import unittest

from report.cli import generate
from report.parse import ReportError, as_v1, parse_boot_file

from . import SCRIPTS

FIX = os.path.join(SCRIPTS, "testdata", "compare", "schema")


def results(path):
    return [r.result for r in parse_boot_file(path)[1]]


class Schemas(unittest.TestCase):
    def test_v1_read_as_is(self):
        rs = results(os.path.join(FIX, "v1.txt"))
        self.assertEqual(len(rs), 4)
        self.assertNotIn("schema", rs[0])
        self.assertEqual(rs[0]["uring"]["lat_us"]["p99"], 268.288)
        self.assertEqual(rs[1]["dmamap"]["map_ns"], 167072664)

    def test_v2_read_in_v1_names_and_units(self):
        v1 = results(os.path.join(FIX, "v1.txt"))
        v2 = results(os.path.join(FIX, "v2.txt"))
        self.assertEqual(v2, v1)
        u = v2[0]["uring"]
        self.assertEqual(u["lat_us"], {"p50": 122.368, "p99": 268.288, "p999": 2023.424,
                                       "max": 15254.929, "mean": 146.002, "count": 68122})
        self.assertEqual((u["duration_s"], u["cpu_busy_s"], u["busy_us_per_io"]),
                         (10.00042859, 0.16, 2.349))
        self.assertEqual(v2[0]["wall_s"], 10.00042859)
        self.assertEqual((v2[1]["dmamap"]["map_ns"], v2[1]["dmamap"]["unmap_ns"]),
                         (167072664, 361695265))
        for k in ("tool", "version", "schema", "timestamp", "wall_ns"):
            self.assertNotIn(k, v2[0])

    def test_v2_renders_as_v1(self):
        tmp = tempfile.mkdtemp(prefix="report-test.")
        self.addCleanup(shutil.rmtree, tmp)
        out = {}
        for v in ("v1", "v2"):
            res = os.path.join(tmp, v, "results", "9.9.9-1")
            os.makedirs(os.path.join(res, "raw"))
            shutil.copy(os.path.join(FIX, f"{v}.txt"),
                        os.path.join(res, "raw", "001-r1-patched-strict.txt"))
            generate(res, plots=False, now=1700000000)
            out[v] = [open(os.path.join(res, f), encoding="utf-8").read()
                      for f in ("report.md", "data.csv")]
        self.assertEqual(out["v2"], out["v1"])
        self.assertIn("| strict | 1 | p99 latency | not in this run | – | 268.3 µs |",
                      out["v2"][0])

    def test_v2_from_the_tool(self):
        # iova_stress 2.0's own line (uring on a regular file, 2026-12-03).
        (r,) = parse_boot_file(os.path.join(FIX, "v2-tool.txt"))[1]
        j = json.loads(open(os.path.join(FIX, "v2-tool.txt")).read().split("\n")[2])
        self.assertEqual((r.status, r.result["wall_s"]), ("ok", j["wall_ns"] / 1e9))
        self.assertEqual(r.fig("iops"), j["uring"]["iops"])
        self.assertEqual(r.fig("p99_us"), j["uring"]["lat_ns"]["p99"] / 1e3)
        self.assertEqual(r.fig("busy_us"), j["uring"]["busy_ns_per_io"] / 1e3)

    def test_other_schema_refused(self):
        path = os.path.join(FIX, "v3.txt")
        with self.assertRaises(ReportError) as cm:
            parse_boot_file(path)
        msg = str(cm.exception)
        self.assertIn(path, msg)
        self.assertIn("line 7", msg)
        self.assertIn("schema 3", msg)

    def test_schema_values(self):
        base = json.loads('{"mode": "uring", "uring": null}')
        self.assertIs(as_v1(base, "x"), base)
        for bad in (3, 0, 1, "2", 2.0, None, True):
            with self.subTest(schema=bad):
                with self.assertRaisesRegex(ReportError, f"^here: .*schema {json.dumps(bad)}"):
                    as_v1(dict(base, schema=bad), "here")
        with self.assertRaisesRegex(ReportError, "not iova_stress"):
            as_v1(dict(base, schema=2, tool="fio"), "here")
