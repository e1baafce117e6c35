#!/usr/bin/env python3
"""Warnings in a build or kernel-doc log that a baseline log does not have.

  new-warnings.py BASELINE AFTER

A warning is a line with "warning:" or "error:" (compiler, sparse or
kernel-doc), keyed by its file and message with line, column and other
numbers taken out, so that code moving does not count as new; keys are
counted, so a second instance of a known warning is new.  Prints the new
ones and exits 1 if there are any.
"""

import argparse
import collections
import re
import sys


def keys(path):
    out = collections.Counter()
    with open(path, errors='replace') as f:
        for line in f:
            m = re.search(r'(?:^|\s)(\S+?):(?:\d+:)*\s*(warning|error): (.*)$', line)
            if not m:
                continue
            fname = re.sub(r'^(\.\./)+', '', m[1])
            msg = re.sub(r'\d+', 'N', m[3].strip())
            out[(fname, m[2], msg)] += 1
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('baseline')
    ap.add_argument('after')
    args = ap.parse_args(argv)
    base, after = keys(args.baseline), keys(args.after)
    new = after - base
    for (fname, kind, msg), n in sorted(new.items()):
        print('%s: %s: %s%s' % (fname, kind, msg, ' (x%d)' % n if n > 1 else ''))
    return 1 if new else 0


if __name__ == '__main__':
    sys.exit(main())
