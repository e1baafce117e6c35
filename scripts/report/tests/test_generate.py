"""The whole report generated from the synthetic raw data in
scripts/testdata/compare/ (what the old report.py --selftest checked)."""
import csv
import io
import json
import math
import os
import shutil
import tempfile
import unittest

from report.cli import brief, generate
from report.outputs import BEGIN, END
from report.stats import SUMMARY_KEYS

from . import SCRIPTS

SRC = os.path.join(SCRIPTS, "testdata", "compare")
NOW = 1700000000


class Generated(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="report-test.")
        cls.res = os.path.join(cls.tmp, "results", "9.9.9-1")
        shutil.copytree(os.path.join(SRC, "raw"), os.path.join(cls.res, "raw"))
        shutil.copytree(os.path.join(SRC, "dma-api-trace"), os.path.join(cls.res, "dma-api-trace"))
        cls.readme = os.path.join(cls.tmp, "README.md")
        with open(cls.readme, "w", encoding="utf-8") as f:
            f.write(f"# x\n\n## Results\n\nintro\n\n{BEGIN}\nold\n{END}\n\n## After\n\nkept\n")
        cls.latest = os.path.join(cls.tmp, "results", "latest")
        _, cls.runs, _ = generate(cls.res, cls.readme, cls.latest, plots=True, now=NOW)
        with open(os.path.join(cls.latest, "summary.json"), encoding="utf-8") as f:
            cls.summary = json.load(f)
        with open(os.path.join(cls.res, "report.md"), encoding="utf-8") as f:
            cls.md = f.read()
        with open(os.path.join(cls.res, "data.csv"), encoding="utf-8") as f:
            cls.rows = list(csv.DictReader(f))
        with open(cls.readme, encoding="utf-8") as f:
            cls.readme_text = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_summary_keys(self):
        s = self.summary
        self.assertEqual(tuple(s), SUMMARY_KEYS)
        for k in SUMMARY_KEYS:
            with self.subTest(key=k):
                if k in ("kernel_version", "accel"):
                    self.assertTrue(isinstance(s[k], str) and s[k])
                else:
                    self.assertIsInstance(s[k], (int, float))
                    self.assertNotIsInstance(s[k], bool)

    def test_summary_values(self):
        with open(os.path.join(SRC, "expected.json"), encoding="utf-8") as f:
            expected = json.load(f)
        for k, v in expected.items():
            with self.subTest(key=k, expected=v):
                got = self.summary.get(k)
                if isinstance(v, str):
                    self.assertEqual(got, v)
                else:
                    self.assertIsInstance(got, (int, float))
                    self.assertTrue(math.isclose(got, v, rel_tol=1e-3, abs_tol=1e-9), got)

    def test_csv(self):
        self.assertEqual(len(self.rows), len(self.runs))
        self.assertGreater(len(self.rows), 0)
        self.assertTrue(any(r["status"] == "not run" and "needs" in r["note"]
                            for r in self.rows))
        self.assertTrue(any(r["status"] == "failed" for r in self.rows))

    def test_report_sections(self):
        for h in ("## Reading", "## Setup", "## Page-table memory", "## Time per map+unmap",
                  "## Multi-threaded churn", "## io_uring", "## Runs not counted"):
            with self.subTest(heading=h):
                self.assertIn(h, self.md)

    def test_report_cells(self):
        md = self.md
        self.assertIn("not run: needs", md)  # the vanilla 16T
        self.assertIn("lab config `0123456789ab`, tickless idle", md)
        self.assertIn("| strict | 1 | CPU busy per read | 10.00 µs |", md)
        self.assertIn("## DMA-API map+unmap loop", md)
        self.assertIn("| strict | map+unmap pair | 2,005.0 ns |", md)
        self.assertIn("| +32.5 ns |", md)
        self.assertNotIn("| nan", md)
        self.assertNotIn("None", md)

    def test_map_bench_section(self):
        md = self.md
        self.assertIn("## dma_map_benchmark (the kernel's DMA-API benchmark)", md)
        self.assertIn("| strict | 2 | unmap | 2.45 µs | 4.0 µs | 2.55 µs | 4.0 µs | 1.041 |", md)
        self.assertIn("its resolution", md)

    def test_fio_section(self):
        md = self.md
        self.assertIn("## fio beside iova_stress (io_uring 4 KiB random reads)", md)
        self.assertIn("| strict | 32 | IOPS | 21,000 | 22,050 | 1.050 | 29,000 | 30,000 | 1.034 "
                      "| 1.381 | agree |", md)
        self.assertIn("| strict | 1 | p99 latency | 968.8 µs | 967.7 µs | 0.999 | 900.0 µs "
                      "| 1,200.0 µs | 1.333 | 0.929 | differ (+0.33) |", md)
        self.assertIn("**fio and iova_stress** agree on the series' effect (patched/vanilla "
                      "within 0.10): IOPS in 4 of 4; p99 latency in 3 of 4 cases.", md)
        fio_rows = [r for r in self.rows if r["benchmark"] == "fio"]
        self.assertEqual(len(fio_rows), 8)
        self.assertIn("33000.0", [r["iops"] for r in fio_rows])

    def test_latency_section(self):
        md = self.md
        self.assertIn("## Interrupts-off and preemption-off latency", md)
        self.assertIn("Measured with ICOUNT=1 and 1 vCPU(s)", md)
        self.assertIn("| irqsoff | map1g | 120 | 135 | +15 | "
                      "`_raw_spin_lock_irqsave .. _raw_spin_unlock_irqrestore (iova_stress-66)` | "
                      "`_raw_write_lock_irq .. _raw_write_unlock_irq (iova_stress-70)` |", md)
        self.assertIn("| preemptoff | churn | 12 | 9 | -3 | `–` | `–` |", md)
        self.assertIn("![latency](latency.png)", md)

    def test_reading(self):
        md = self.md
        self.assertIn("**CPU cost of a read through the DMA API**", md)
        self.assertIn("QD1 strict 1.010", md)
        for s in ("**DMA-API cost per map+unmap**", "strict +32.5 ns per pair",
                  "+40.0 ns between the extremes", "QD1 strict +0.3% of 10.00 µs",
                  "about 0.997"):
            with self.subTest(text=s):
                self.assertIn(s, md)

    def test_readme_block(self):
        rd = self.readme_text
        self.assertEqual(rd.count(BEGIN), 1)
        self.assertNotIn("\nold\n", rd)
        for s in ("kept", "intro", "results/9.9.9-1/report.md"):
            self.assertIn(s, rd)

    @unittest.skipUnless(shutil.which("gnuplot"), "gnuplot is not installed")
    def test_plots(self):
        for p in ("pt-memory.png", "time-per-pair.png", "latency.png"):
            with self.subTest(plot=p), open(os.path.join(self.res, p), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_idempotent(self):
        generate(self.res, self.readme, self.latest, plots=False, now=NOW)
        with open(self.readme, encoding="utf-8") as f:
            self.assertEqual(f.read(), self.readme_text)

    def test_brief(self):
        out = io.StringIO()
        rc = brief(os.path.join(self.res, "raw", "002-r1-patched-strict.txt"), out)
        self.assertEqual(rc, 1)
        self.assertIn("FAILED", out.getvalue())
        self.assertIn("r1 patched dmamap strict: map 810.0 ns, unmap 1,225.0 ns, "
                      "pair 2,035.0 ns", out.getvalue())
        self.assertIn("r1 patched fio qd32 strict: 30,000 IOPS, p99 3,400.0 µs", out.getvalue())
        self.assertIn("r1 patched map_bench t2 strict: map 1.4 µs (sd 3.0 µs), "
                      "unmap 2.5 µs (sd 4.0 µs)", out.getvalue())
