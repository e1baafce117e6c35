#!/usr/bin/env python3
"""Results of a KUnit run from its KTAP output, one line per test.

  ktap.py [--level leaf|case] [--prefix P] FILE

Prints "PASS <prefix><name>" or "FAIL <prefix><name> (reason)" for every
result: with --level leaf (the default), each test case that has no
parameters and each parameter of one that has; with --level case, each
test case.  A skipped test is a failure here (the lab has everything the
suite needs), and so is a case that reports no result (the run crashed or
hung).  Ends with "N passed, N failed"; exits 1 if no result was found.
"""

import argparse
import re
import sys

RESULT = re.compile(r'^(?P<indent> *)(?P<status>not ok|ok) (?P<num>\d+) (?P<name>.*?)'
                    r'(?: # (?P<directive>SKIP.*))?$')


SUBTEST = re.compile(r'^(?P<indent> *)# Subtest: (?P<name>.*)$')


def results(lines):
    """(depth, name, ok, skip, is_parent, group) for every result line,
    in order; group: the "# Subtest:" that the result belongs to."""
    out = []
    prev_indent = None
    groups = {}
    for line in lines:
        line = line.rstrip('\n')
        # Console lines carry a printk timestamp: "[    1.234] ".
        line = re.sub(r'^\[\s*\d+\.\d+\] ', '', line)
        m = SUBTEST.match(line)
        if m:
            groups[len(m['indent'])] = m['name'].strip()
            continue
        m = RESULT.match(line)
        if not m:
            continue
        indent = len(m['indent'])
        parent = prev_indent is not None and prev_indent > indent
        out.append((indent, m['name'].strip(), m['status'] == 'ok',
                    m['directive'] is not None, parent, groups.get(indent, '')))
        prev_indent = indent
    return out


def name_of(s):
    return re.sub(r'[^A-Za-z0-9_.+-]+', '-', s).strip('-')


def report(res, level, prefix):
    """Lines to print and the pass/fail counts."""
    lines, passed, failed = [], 0, 0
    if not res:
        return ['FAIL %sno-results (no KTAP result line)' % prefix], 0, 1
    depths = sorted({r[0] for r in res})
    # The suite's own line is the shallowest; its cases are one level in.
    case_depth = depths[1] if len(depths) > 1 else depths[0]
    for depth, name, ok, skip, parent, group in res:
        if level == 'case':
            if depth != case_depth:
                continue
            full = name
        else:
            if parent or depth < case_depth:
                continue
            full = name if depth == case_depth else '%s-%s' % (group, name)
        full = prefix + name_of(full)
        if ok and not skip:
            passed += 1
            lines.append('PASS ' + full)
        else:
            failed += 1
            lines.append('FAIL %s (%s)' % (full, 'skipped' if skip else 'not ok'))
    return lines, passed, failed


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('file', type=argparse.FileType('r', errors='replace'))
    ap.add_argument('--level', choices=('leaf', 'case'), default='leaf')
    ap.add_argument('--prefix', default='')
    args = ap.parse_args(argv)
    res = results(args.file)
    lines, passed, failed = report(res, args.level, args.prefix)
    for line in lines:
        print(line)
    print('%d passed, %d failed' % (passed, failed))
    return 0 if res else 1


if __name__ == '__main__':
    sys.exit(main())
