#!/usr/bin/env python3
"""Compare the mm selftest counts of two boots (make mm-selftests).

Usage: mmst_compare.py OURS.log PRISTINE.log

Prints one row per program with pass/fail/skip on both kernels, then the kernel
reports found in either log (the patterns of results.py). Exit status 1 if a
program's counts differ, a program has no counts, or a log has a report."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results import BAD, TS  # noqa: E402

LINE = re.compile(r'^mmst: (\S+) pass=(\S+) fail=(\S+) skip=(\S+) rc=(\d+)')


def read(path):
    counts, reports = {}, []
    with open(path, errors='replace') as f:
        for raw in f:
            line = TS.sub('', raw.rstrip('\r\n'))
            m = LINE.match(line)
            if m:
                counts[m.group(1)] = m.group(2, 3, 4)
            for pat, what in BAD:
                if pat.search(line):
                    reports.append(f'{what}: {line}')
    return counts, reports


def main():
    ours, pristine = read(sys.argv[1]), read(sys.argv[2])
    names = list(dict.fromkeys(list(ours[0]) + list(pristine[0])))
    bad = 0
    print(f"{'test':<22} {'ours p/f/s':>14} {'pristine p/f/s':>16}  verdict")
    for n in names:
        a, b = ours[0].get(n), pristine[0].get(n)
        fa = '/'.join(a) if a else 'missing'
        fb = '/'.join(b) if b else 'missing'
        ok = a is not None and a == b and '-' not in a
        bad += not ok
        print(f'{n:<22} {fa:>14} {fb:>16}  {"same" if ok else "DIFFERENT"}')
    for label, (_, reports) in (('ours', ours), ('pristine', pristine)):
        for r in reports:
            print(f'{label}: {r}')
        bad += len(reports)
    if not names:
        print('no mm selftest ran (boot failure?)')
        bad += 1
    print(f'{len(names)} programs, {bad} problems')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
