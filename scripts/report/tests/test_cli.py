"""The command line, run as compare.sh and test.sh run it."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from . import SCRIPTS

ENTRY = os.path.join(SCRIPTS, "report")


def run(*args, cwd=None):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, ENTRY, *args], capture_output=True, text=True,
                          cwd=cwd, env=env)


class Cli(unittest.TestCase):
    def test_size(self):
        p = run("--size=64G")
        self.assertEqual((p.returncode, p.stdout, p.stderr), (0, f"{64 << 30}\n", ""))
        p = run("--size=2T", "--unit", "G")
        self.assertEqual((p.returncode, p.stdout), (0, "2048\n"))
        p = run("--size=4096M", "--unit=G", "--name", "MEM")
        self.assertEqual((p.returncode, p.stdout), (0, "4\n"))

    def test_size_refused(self):
        for args, msg in (
                (("--size=1536M", "--unit", "G", "--name", "sweep size"),
                 "sweep size '1536M' is not a multiple of 1G"),
                (("--size=0",), "size '0' must be > 0"),
                (("--size=16E", "--name=--size"), "--size '16E' is too large (more than 64 bits)"),
                (("--size=-1", "--name", "MEM"),
                 "bad value for MEM: '-1' (expected a size like 4K, 2M, 64G or 16T)")):
            with self.subTest(args=args):
                p = run(*args)
                self.assertEqual((p.returncode, p.stdout, p.stderr), (1, "", msg + "\n"))

    def test_as_module(self):
        p = subprocess.run([sys.executable, "-m", "report", "--size=4K"], cwd=SCRIPTS,
                           capture_output=True, text=True,
                           env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        self.assertEqual((p.returncode, p.stdout), (0, "4096\n"))

    def test_usage_errors(self):
        for args in ((), ("a", "--brief", "b"), ("--size=4K", "--no-plots"), ("x", "--unit", "G"),
                     ("x", "--readme", "r", "--no-readme"), ("x", "--bogus")):
            with self.subTest(args=args):
                p = run(*args)
                self.assertEqual(p.returncode, 2)
                self.assertIn("usage:", p.stderr)

    def test_help(self):
        p = run("--help")
        self.assertEqual(p.returncode, 0)
        for s in ("RESULTS_DIR", "--brief", "--selftest", "--size", "--fail-on-errors"):
            self.assertIn(s, p.stdout)

    def test_no_raw(self):
        tmp = tempfile.mkdtemp(prefix="report-test.")
        self.addCleanup(shutil.rmtree, tmp)
        p = run(tmp, "--no-readme", "--no-latest")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, f"report: {tmp}/raw does not exist (run make compare)\n")

    def test_other_schema(self):
        path = os.path.join(SCRIPTS, "testdata", "compare", "schema", "v3.txt")
        p = run("--brief", path)
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"report: {path}: line 7: iova_stress JSON schema 3", p.stderr)

    def test_check_latency(self):
        d = os.path.join(SCRIPTS, "testdata", "latency-goals")
        p = run("--check-latency", d, "--series-hash", "0123abcd")
        self.assertEqual(p.returncode, 1)
        for line in ("ok - taken with kernel/series 0123abcd",
                     "ok - preemptoff map16g: patched 66 µs, vanilla 45 µs (+21 µs, goal ≤ +50)",
                     "not ok - irqsoff churn: patched 160 µs, vanilla 90 µs (+70 µs, goal ≤ +50)",
                     "not ok - irqsoff: what the series adds grows from map1g (+15 µs) to "
                     "map16g (+80 µs) by +65 µs"):
            with self.subTest(line=line):
                self.assertIn("\n" + line, "\n" + p.stdout)
        p = run("--check-latency", d, "--series-hash", "ffff")
        self.assertIn("not ok - taken with kernel/series ffff (recorded: 0123abcd;", p.stdout)
        p = run("--check-latency", os.path.join(SCRIPTS, "testdata", "compare", "raw", "latency"))
        self.assertIn("not ok - irqsoff: map1g and map16g figures of both kernels", p.stdout)
        self.assertEqual(run("--series-hash", "x", "--selftest").returncode, 2)

    def test_report(self):
        tmp = tempfile.mkdtemp(prefix="report-test.")
        self.addCleanup(shutil.rmtree, tmp)
        res = os.path.join(tmp, "results", "9.9.9-1")
        shutil.copytree(os.path.join(SCRIPTS, "testdata", "compare", "raw"),
                        os.path.join(res, "raw"))
        p = run(res, "--no-plots", "--fail-on-errors")
        self.assertEqual(p.returncode, 1)  # the synthetic data has a failed run
        self.assertEqual(p.stdout, f"report: {res}/report.md: 71 runs counted, 1 failed, "
                         "4 not run\n")
        self.assertTrue(os.path.exists(os.path.join(tmp, "results", "latest", "summary.json")))
        self.assertEqual(run(res, "--no-plots", "--no-latest").returncode, 0)
