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
TOTALS = re.compile(r'^# Totals: pass:(\d+) fail:(\d+) xfail:\d+ xpass:\d+ skip:(\d+)')


def read(path):
    counts, reports, totals = {}, [], None
    with open(path, errors='replace') as f:
        for raw in f:
            line = TS.sub('', raw.rstrip('\r\n'))
            m = TOTALS.match(line)
            if m:
                totals = m.group(1, 2, 3)
            if line.startswith('mmst: start '):
                totals = None
            m = LINE.match(line)
            if m:
                # The program's own "# Totals:" line, which the summary line repeats.
                counts[m.group(1)] = totals or m.group(2, 3, 4)
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
