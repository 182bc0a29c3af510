#!/usr/bin/env python3
"""Turn binder_test --bench output into bench_plot.py's table (make bench).

Usage: binder_bench.py OURS_LOG [PRISTINE_LOG]

Each log is a QEMU console log of one boot that ran `binder_test --bench`,
possibly twice (a TCG run, then after a line '# icount run' an -icount run).
Per run, prints '# NAME run' and a '# binder bench' table in the columns of
bench_plot.py: rust = our kernel's series a, c = the pristine kernel's series
a, c2 = its series b (the A/A noise of c). Without PRISTINE_LOG the c columns
are our own series b and a (one kernel against itself: a noise floor only, no
comparison with upstream)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results import TS  # noqa: E402

HEADER = re.compile(r'^# binder round trips: rounds=(\d+)')
RUN = re.compile(r'^# (\w+) run\s*$')
ROW = re.compile(r'^(rt_\w+)((?: [\d.]+){6})$')


def read(path):
    """{run: (rounds, {op: [a_min, a_med, a_max, b_min, b_med, b_max]})}"""
    runs, run, rounds = {}, 'tcg', None
    with open(path, errors='replace') as f:
        for raw in f:
            line = TS.sub('', raw.rstrip('\r\n'))
            m = RUN.match(line)
            if m:
                run, rounds = m.group(1), None
                continue
            m = HEADER.match(line)
            if m:
                rounds = int(m.group(1))
                runs[run] = (rounds, {})
                continue
            m = ROW.match(line)
            if m and rounds is not None:
                runs[run][1][m.group(1)] = m.group(2).split()
    return runs


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    ours = read(sys.argv[1])
    base = read(sys.argv[2]) if len(sys.argv) == 3 else None
    for run, (rounds, ops) in ours.items():
        print(f'# {run} run')
        what = 'ours vs pristine' if base else 'ours only: c = our series b'
        print(f'# binder bench: rounds={rounds} ({what}; ns per round trip; min median max)')
        print('op rust_min rust_med rust_max c_min c_med c_max c2_min c2_med c2_max rust/c c2/c')
        for op, v in ops.items():
            if base:
                other = base.get(run, (0, {}))[1].get(op)
                if not other:
                    continue
                c, c2 = other[0:3], other[3:6]
            else:
                c, c2 = v[3:6], v[0:3]
            rust = v[0:3]
            ratio = float(rust[1]) / float(c[1])
            noise = float(c2[1]) / float(c[1])
            print(op, *rust, *c, *c2, f'{ratio:.3f}', f'{noise:.3f}')
    return 0 if ours else 1


if __name__ == '__main__':
    sys.exit(main())
