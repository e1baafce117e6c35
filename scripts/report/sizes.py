"""The size grammar shared with iova_stress (its src/units.c is the reference).

A size is decimal digits or 0x/0X and hex digits (no sign, no blanks), then
optionally one binary unit K M G T P E (either case) followed by "B" or
"iB" (exactly so), or a bare "B": 4096, 0x1000, 4K, 4k, 4KB, 4KiB, 512B,
64G, 16T, 2E.  In hex, B and E are digits: 0x1B is 27 bytes.  A size must
be > 0 and fit in 64 bits.  The cases, with iova_stress's messages, are
the table iova_stress/tests/sizes.tsv, which both sides are tested with.
"""

UNITS = "KMGTPE"
U64_MAX = (1 << 64) - 1
TIB = 1 << 40

# Why a size was refused: units.c's enum units_err.
BAD = "bad"  # UNITS_BAD: not a size
TOO_LARGE = "too-large"  # UNITS_TOO_LARGE: beyond 64 bits
TOO_SMALL = "too-small"  # UNITS_TOO_SMALL: 0 (a size must be > 0)
EXAMPLES = "a size like 4K, 2M, 64G or 16T"

_DEC = "0123456789"
_HEX = _DEC + "abcdefABCDEF"


class SizeError(ValueError):
    """A refused size: KIND (BAD, TOO_LARGE, TOO_SMALL) and TEXT as typed."""

    def __init__(self, kind, text, detail=None):
        self.kind, self.text, self.detail = kind, text, detail
        super().__init__(self.message())

    def message(self, name="size"):
        """What iova_stress says of option NAME ("--size") given TEXT: one
        line, a newline or CR in TEXT shown as a blank."""
        if self.detail:
            m = f"{name} '{self.text}' {self.detail}"
        elif self.kind == TOO_LARGE:
            m = f"{name} '{self.text}' is too large (more than 64 bits)"
        elif self.kind == TOO_SMALL:
            m = f"{name} '{self.text}' must be > 0"
        else:
            m = f"bad value for {name}: '{self.text}' (expected {EXAMPLES})"
        return m.replace("\n", " ").replace("\r", " ")


def parse_size(text, allow_zero=False):
    """Bytes in TEXT, as iova_stress's parse_size() and its size options
    read it (0 refused as TOO_SMALL unless ALLOW_ZERO); SizeError if not."""
    s = text if isinstance(text, str) else str(text)
    i, base, digits = 0, 10, _DEC
    if s[:2] in ("0x", "0X"):
        i, base, digits = 2, 16, _HEX
    start, v = i, 0
    while i < len(s) and s[i] in digits:
        v = v * base + int(s[i], 16)
        i += 1
    if i == start:
        raise SizeError(BAD, s)
    shift, rest = 0, s[i:]
    if rest:
        c = rest[0]
        if c in UNITS or c in UNITS.lower():
            shift = 10 * (UNITS.index(c.upper()) + 1)
            rest = rest[1:]
            if rest.startswith("iB"):
                rest = rest[2:]
            elif rest.startswith("B"):
                rest = rest[1:]
        elif c == "B":
            rest = rest[1:]
    if rest:
        raise SizeError(BAD, s)
    if v > U64_MAX >> shift:
        raise SizeError(TOO_LARGE, s)
    if v == 0 and not allow_zero:
        raise SizeError(TOO_SMALL, s)
    return v << shift


def in_units(text, unit):
    """TEXT (a size) as a whole number of UNIT ("M", "G"); SizeError if it
    is not a multiple of one UNIT."""
    b = parse_size(text)
    u = 1 << (10 * (UNITS.index(unit) + 1))
    if b % u:
        raise SizeError(BAD, text, f"is not a multiple of 1{unit}")
    return b // u


def size_label(b):
    """Bytes with the largest unit that divides them: 64G, 16T, 4K, 4097."""
    for k in range(len(UNITS), 0, -1):
        u = 1 << (10 * k)
        if b >= u and b % u == 0:
            return f"{b // u}{UNITS[k - 1]}"
    return str(b)
