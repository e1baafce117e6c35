"""iova_stress/tests/sizes.tsv, the size grammar's cases."""
import os
import re

from . import REPO

PATH = os.path.join(REPO, "iova_stress", "tests", "sizes.tsv")
_ESC = re.compile(rb"\\(x[0-9A-Fa-f]{2}|[tnr\\])")
_CHARS = {b"t": b"\t", b"n": b"\n", b"r": b"\r", b"\\": b"\\"}


def unescape(field):
    """A field's text: \\t \\n \\r \\\\ and \\xHH (a byte) decoded, as UTF-8."""
    def one(m):
        e = m.group(1)
        return bytes([int(e[1:], 16)]) if e[:1] == b"x" else _CHARS[e]
    return _ESC.sub(one, field).decode("utf-8", "surrogateescape")


def cases(path=PATH):
    """(line number, input, expected, message) of every case."""
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip(b"\n")
            if not line.strip() or line.startswith(b"#"):
                continue
            fields = line.split(b"\t")
            if len(fields) not in (2, 3):
                raise ValueError(f"{path}:{n}: {len(fields)} fields, not 2 or 3")
            inp, exp = unescape(fields[0]), fields[1].decode()
            msg = unescape(fields[2]) if len(fields) == 3 else ""
            yield n, inp, exp, msg
