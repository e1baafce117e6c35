"""The size grammar against iova_stress/tests/sizes.tsv (the C side reads
the same table in iova_stress/tests/test_units.c)."""
import unittest

from report import sizes
from report.sizes import SizeError, in_units, parse_size, size_label

from . import tsv


class SizeTable(unittest.TestCase):
    def test_table(self):
        rows = list(tsv.cases())
        self.assertGreater(len(rows), 80)
        for n, text, expected, message in rows:
            with self.subTest(line=n, input=text):
                if expected.isdigit():
                    self.assertEqual(parse_size(text), int(expected))
                    self.assertEqual(message, "")
                    continue
                self.assertIn(expected, (sizes.BAD, sizes.TOO_LARGE, sizes.TOO_SMALL))
                with self.assertRaises(SizeError) as cm:
                    parse_size(text)
                self.assertEqual(cm.exception.kind, expected)
                self.assertEqual(cm.exception.text, text)
                self.assertEqual(cm.exception.message("--size"), message)

    def test_table_format(self):
        self.assertEqual(tsv.unescape(rb"\x204K\t\\n\n"), " 4K\t\\n\n")
        self.assertEqual(tsv.unescape("٤K".encode()), "٤K")


class Sizes(unittest.TestCase):
    def test_zero_when_allowed(self):
        self.assertEqual(parse_size("0", allow_zero=True), 0)
        self.assertEqual(parse_size("0K", allow_zero=True), 0)

    def test_not_a_string(self):
        self.assertEqual(parse_size(4096), 4096)
        with self.assertRaises(SizeError):
            parse_size(None)

    def test_in_units(self):
        self.assertEqual(in_units("64G", "G"), 64)
        self.assertEqual(in_units("2T", "G"), 2048)
        self.assertEqual(in_units("4096M", "G"), 4)
        self.assertEqual(in_units("512M", "M"), 512)
        with self.assertRaises(SizeError) as cm:
            in_units("1536M", "G")
        self.assertEqual(cm.exception.message("sweep size"),
                         "sweep size '1536M' is not a multiple of 1G")
        with self.assertRaises(SizeError) as cm:
            in_units("4Q", "G")
        self.assertEqual(cm.exception.message("MEM"),
                         "bad value for MEM: '4Q' (expected a size like 4K, 2M, 64G or 16T)")

    def test_label(self):
        for b, s in ((4096, "4K"), (64 << 30, "64G"), (16 << 40, "16T"), (1 << 50, "1P"),
                     (1 << 60, "1E"), (3 << 20, "3M"), (4097, "4097"), (1536 << 20, "1536M")):
            self.assertEqual(size_label(b), s)
            self.assertEqual(parse_size(s), b)
        for k in range(10, 64):
            self.assertEqual(parse_size(size_label(1 << k)), 1 << k)
