"""The report's unit tests.

  python3 -m unittest report.tests            (in scripts/)
  python3 scripts/report --selftest           the same, one line per test and
                                              a closing "N passed, N failed"
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.dirname(os.path.dirname(HERE))
REPO = os.path.dirname(SCRIPTS)


def load_tests(loader, standard_tests, pattern):
    standard_tests.addTests(loader.discover(HERE, pattern or "test*.py", top_level_dir=SCRIPTS))
    return standard_tests


class CountingResult(unittest.TestResult):
    """Counts every test, or every subtest of a test that has them, and
    prints "ok - NAME" or "not ok - NAME" for each."""

    def __init__(self, out):
        super().__init__()
        self.out, self.passed, self.failed, self._subtested = out, 0, 0, set()

    def _say(self, ok, test, extra=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        name = test.id().removeprefix("report.tests.")
        print(f"{'ok' if ok else 'not ok'} - {name}{extra}", file=self.out)

    def addSuccess(self, test):
        super().addSuccess(test)
        if test.id() not in self._subtested:
            self._say(True, test)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        self._subtested.add(test.id())
        self._say(err is None, subtest)
        if err is not None:
            print(self._exc_info_to_string(err, test), file=self.out, end="")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._say(False, test)
        print(self._exc_info_to_string(err, test), file=self.out, end="")

    def addError(self, test, err):
        super().addError(test, err)
        self._say(False, test)
        print(self._exc_info_to_string(err, test), file=self.out, end="")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._say(True, test, f" # SKIP {reason}")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._say(True, test)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._say(False, test, " (unexpected success)")


def run(out=None):
    """Every test; 0 if all passed."""
    out = out or sys.stdout
    suite = unittest.defaultTestLoader.loadTestsFromName(__name__)
    result = CountingResult(out)
    suite.run(result)
    print(f"{result.passed} passed, {result.failed} failed", file=out)
    return 0 if result.failed == 0 and result.passed > 0 else 1
