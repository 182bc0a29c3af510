#!/usr/bin/env python3
"""Summarise (and plot) the Rust/C benchmark tables of a bench log.

Usage: bench_plot.py [--png FILE] [LOG]     (LOG: a file, or stdin)

Reads the machine-readable tables printed by rust_mm_bench_ops
("# per-op bench: rounds=N ..."), rust_mmap_bench ("# device bench:
rounds=N ...") and binder_bench.py ("# binder bench: rounds=N ..."), each a
column header line

    op rust_min rust_med rust_max c_min c_med c_max c2_min c2_med c2_max \
rust/c c2/c

and one row per operation ("-" for a missing value). The log may be the raw
QEMU console log: carriage returns and kernel timestamps are dropped, and
timestamped kernel messages amid a table are skipped (so pass the raw log
rather than one with the timestamps already stripped). A line
"# icount run" (in general "# NAME run") starts a second set of tables, from
a run under QEMU -icount; the tables before it belong to the run "tcg".

Prints one combined table: per run, bench and operation the ratio of the
medians rust/c, the A/A ratio c2/c of the two C series and its distance from
1 (the noise band of rust/c), a verdict, and min/med/max in ns of every
series. With --png and matplotlib, also a bar chart: per operation rust/c
and c2/c as bars from 1.0, with lines at 1.0 and 1.02 (+2%). Without
matplotlib it says so and still succeeds.

Exit status: 0, or 1 if the log holds no table.
"""
import argparse
import math
import re
import sys

TS = re.compile(r'^\[\s*\d+\.\d+\]\s?')
HEADER = re.compile(r'^# (per-op|device|binder) bench: rounds=(\d+)')
RUN = re.compile(r'^# (\w+) run\s*$')
NOTE = re.compile(r'^# (checksum mismatch|skipped:)')
SERIES = ('rust', 'c', 'c2')
STATS = ('min', 'med', 'max')
COLUMNS = ['op'] + ['%s_%s' % (s, k) for s in SERIES for k in STATS] + [
    'rust/c', 'c2/c']
KINDS = ('per-op', 'device', 'binder')
BUDGET = 1.02


class Table:
    def __init__(self, run, kind, rounds):
        self.run = run
        self.kind = kind
        self.rounds = rounds
        self.rows = []          # [(op, {column: float or None})]


def number(text):
    if text == '-':
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def parse_row(line, columns):
    fields = line.split()
    if len(fields) != len(columns) or fields[0] == 'op':
        return None
    try:
        values = [number(f) for f in fields[1:]]
    except ValueError:
        return None
    return fields[0], dict(zip(columns[1:], values))


def parse(lines):
    """The tables of a log, and its checksum mismatch and skip notes."""
    tables, notes = [], []
    run, table, columns = 'tcg', None, None
    for raw in lines:
        raw = raw.replace('\r', '')
        line = TS.sub('', raw).strip()
        # A kernel message amid a table (the console interleaves them).
        kernel = line != raw.strip() and not HEADER.match(line)
        if table is not None:
            if columns is None:
                if line.split()[:1] == ['op']:
                    columns = line.split()
                    if not set(COLUMNS) <= set(columns):
                        print('# %s bench (%s): unknown columns: %s'
                              % (table.kind, run, line), file=sys.stderr)
                        table = None
                    continue
                if kernel:
                    continue
                table = None
            else:
                row = parse_row(line, columns)
                if row is not None:
                    table.rows.append(row)
                    continue
                if kernel:
                    continue
                table = None
        m = HEADER.match(line)
        if m:
            table, columns = Table(run, m.group(1), int(m.group(2))), None
            tables.append(table)
            continue
        m = RUN.match(line)
        if m:
            run = m.group(1)
        elif NOTE.match(line):
            notes.append((run, line))
    return [t for t in tables if t.rows], notes


def select(tables):
    """The last table of every (run, kind), runs in order of appearance."""
    last, runs = {}, []
    for t in tables:
        if (t.run, t.kind) in last:
            print('# %s bench (%s) appears twice: using the last'
                  % (t.kind, t.run), file=sys.stderr)
        last[(t.run, t.kind)] = t
        if t.run not in runs:
            runs.append(t.run)
    return [last[(r, k)] for r in runs for k in KINDS if (r, k) in last]


def ratio(row, key, num, den):
    if row.get(key) is not None:
        return row[key]
    if row.get(num) is None or not row.get(den):
        return None
    return row[num] / row[den]


def verdict(r, noise):
    if r is None:
        return '-'
    if noise is not None and abs(r - 1) <= noise:
        return 'within noise'
    if r > BUDGET:
        return 'over +2%'
    return 'slower' if r > 1 else 'faster'


def fmt_ns(v):
    if v is None:
        return '-'
    return '%.0f' % v if v >= 100 else '%.1f' % v


def fmt(v, spec):
    return '-' if v is None else spec % v


def summarise(tables):
    """[(run, kind, rounds, op, rust/c, c2/c, row)] of the tables."""
    out = []
    for t in tables:
        for op, row in t.rows:
            rc = ratio(row, 'rust/c', 'rust_med', 'c_med')
            cc = ratio(row, 'c2/c', 'c2_med', 'c_med')
            out.append((t.run, t.kind, t.rounds, op, rc, cc, row))
    return out


def print_table(summary, out=sys.stdout):
    print('# bench_plot: rust/c, c2/c = ratios of medians; noise = |c2/c - 1|'
          ' (A/A band of rust/c); ns: min/med/max', file=out)
    head = ['run', 'bench', 'rounds', 'op', 'rust/c', 'c2/c', 'noise',
            'verdict'] + ['%s_ns' % s for s in SERIES]
    rows = [head]
    for run, kind, rounds, op, rc, cc, row in summary:
        noise = None if cc is None else abs(cc - 1)
        rows.append([run, kind, str(rounds), op, fmt(rc, '%.3f'),
                     fmt(cc, '%.3f'), fmt(noise, '+-%.3f'),
                     verdict(rc, noise)] +
                    ['/'.join(fmt_ns(row.get('%s_%s' % (s, k)))
                              for k in STATS) for s in SERIES])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        print('  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip(),
              file=out)


def plot(summary, path):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('# matplotlib not installed: no PNG')
        return
    runs = []
    for s in summary:
        if s[0] not in runs:
            runs.append(s[0])
    nops = max(sum(1 for s in summary if s[0] == r) for r in runs)
    fig, axes = plt.subplots(len(runs), 1, squeeze=False,
                             figsize=(max(6, 0.9 * nops + 2),
                                      3.6 * len(runs)))
    for ax, run in zip(axes[:, 0], runs):
        rows = [s for s in summary if s[0] == run]
        values = [v for s in rows for v in s[4:6] if v is not None]
        lo = min(values + [1.0 - 0.03])
        hi = max(values + [BUDGET + 0.01])
        pad = (hi - lo) * 0.1
        xs, labels, x, kind = [], [], 0.0, None
        for s in rows:
            if kind is not None and s[1] != kind:
                ax.axvline(x - 0.25, color='0.7', linewidth=0.8)
                x += 0.5
            kind = s[1]
            xs.append(x)
            labels.append(s[3])
            x += 1
        nan = float('nan')
        rc = [s[4] - 1 if s[4] is not None else nan for s in rows]
        cc = [s[5] - 1 if s[5] is not None else nan for s in rows]
        w = 0.38
        ax.bar([v - w / 2 for v in xs], rc, w, bottom=1.0, color='tab:blue',
               label='rust/c')
        ax.bar([v + w / 2 for v in xs], cc, w, bottom=1.0, color='0.65',
               hatch='//', edgecolor='0.45', label='c2/c (A/A noise)')
        for x, s in zip(xs, rows):
            if s[4] is not None:
                ax.annotate('%.3f' % s[4], (x - w / 2, s[4]), fontsize=7,
                            ha='center', va='bottom' if s[4] >= 1 else 'top',
                            xytext=(0, 2 if s[4] >= 1 else -2),
                            textcoords='offset points')
        ax.axhline(1.0, color='black', linewidth=1)
        ax.axhline(BUDGET, color='tab:red', linestyle='--', linewidth=1,
                   label='+2%')
        ax.set_xticks(xs)
        ax.set_xticklabels(labels, rotation=30, ha='right')
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_ylabel('ratio of medians')
        kinds = ' + '.join(k for k in KINDS if any(s[1] == k for s in rows))
        ax.set_title('%s run: %s bench (< 1: Rust faster)' % (run, kinds))
        ax.grid(axis='y', alpha=0.3)
        ax.legend(fontsize='small', loc='best')
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print('# wrote %s' % path)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description='Summarise and plot the Rust/C bench tables of a log.')
    ap.add_argument('log', nargs='?', default='-',
                    help='bench log (default: stdin)')
    ap.add_argument('--png', help='write a bar chart to this PNG file')
    args = ap.parse_args(argv)
    if args.log == '-':
        lines = sys.stdin.buffer.read().decode(
            'utf-8', errors='replace').splitlines()
    else:
        with open(args.log, encoding='utf-8', errors='replace') as f:
            lines = f.read().splitlines()
    tables, notes = parse(lines)
    tables = select(tables)
    for run, note in notes:
        print('# %s run: %s' % (run, note[2:]))
    if not tables:
        print('# bench_plot: no "# per-op bench" or "# device bench" table',
              file=sys.stderr)
        return 1
    summary = summarise(tables)
    print_table(summary)
    if args.png:
        plot(summary, args.png)
    return 0


if __name__ == '__main__':
    sys.exit(main())
