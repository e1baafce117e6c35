"""Numbers as the report writes them: sizes in KiB, times, rates, ratios;
and its Markdown tables."""


def fmt_kib(k):
    if k is None:
        return "–"
    a = abs(k)
    if a >= 1 << 20:
        return f"{k / (1 << 20):.2f} GiB"
    if a >= 1 << 10:
        return f"{k / 1024:.1f} MiB"
    if a < 10 and k != int(k):
        return f"{k:.1f} KiB"
    return f"{k:.0f} KiB"


def fmt_ns(ns):
    if ns is None:
        return "–"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def fmt_ns1(ns):
    return "–" if ns is None else f"{ns:,.1f} ns"


def fmt_dns(ns):
    """A signed difference in ns."""
    return "–" if ns is None else f"{ns:+,.1f} ns"


def fmt_count(s):
    """A count from setup.txt with thousands separators, or '?'."""
    return f"{int(s):,}" if s and str(s).isdigit() else "?"


def fmt_rate(x):
    return "–" if x is None else f"{x:,.0f}"


def fmt_us(x):
    return "–" if x is None else f"{x:,.1f} µs"


def fmt_us2(x):
    return "–" if x is None else f"{x:,.2f} µs"


def fmt_ratio(r):
    if r is None:
        return "–"
    if r == 0:
        return "0"
    if abs(r) >= 0.01:
        return f"{r:.3f}"
    return f"{r:.2g}"


def fmt_pct(r):
    return f"{(r - 1) * 100:+.1f}%"


def fmt_interval(iv):
    return f"{fmt_ratio(iv[0])} – {fmt_ratio(iv[1])}" if iv else "–"


def md_table(head, rows):
    """A Markdown table of HEAD and ROWS (lists of cells)."""
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)
