#!/usr/bin/env python3
"""Check the rules ledger (Documentation/rust/mm-locking.rst) against a test run.

Every test a ledger row names must exist in the run and have passed; every
row enforced at compile time must name at least one compile-fail case.
Test references:
  kunit:<suite>/<case>       a KUnit case
  cf:<case>                  a compile-fail case or zero-cost check
                             (tools/testing/rust/compile_fail)
  st:<name>                  a userspace selftest; must pass on both devices
Prints result lines 'ledger rules <ID> pass|fail' for scripts/results.py and
the reasons for failures on stderr. Usage: ledger.py KERNEL_LOG [RESULTS...]"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from results import parse_ktap  # noqa: E402

LEDGER = os.path.join(os.path.dirname(__file__), '..', 'Documentation', 'rust', 'mm-locking.rst')
KINDS = {'compile', 'runtime', 'unsafe', 'api', 'none'}


def rows(path):
    """Yield the rows of the list-tables: lists of cell strings."""
    row = None
    for line in open(path):
        m = re.match(r'^   \* - (.*)$', line.rstrip('\n'))
        if m:
            if row:
                yield row
            row = [m.group(1).strip()]
            continue
        m = re.match(r'^     -(?: (.*))?$', line)
        if m and row is not None:
            row.append((m.group(1) or '').strip())
            continue
        m = re.match(r'^       (\S.*)$', line)
        if m and row is not None:
            row[-1] += ' ' + m.group(1).strip()
            continue
        if row and not line.strip():
            yield row
            row = None
    if row:
        yield row


def main():
    log = sys.argv[1]
    text = open(log, errors='replace').read().splitlines()
    split = next((i for i, l in enumerate(text) if 'rust-mm: userspace start' in l), len(text))
    passed = set()
    seen = set()
    for suite, name, status, _ in parse_ktap(text[:split], 'kunit'):
        seen.add(f'kunit:{suite}/{name}')
        if status == 'pass':
            passed.add(f'kunit:{suite}/{name}')
    st = {}
    for suite, name, status, _ in parse_ktap(text[split:], 'userspace'):
        if suite.startswith('selftests-'):
            st.setdefault(name, []).append(status)
    for name, statuses in st.items():
        seen.add(f'st:{name}')
        if len(statuses) == 2 and all(s == 'pass' for s in statuses):
            passed.add(f'st:{name}')
    for path in sys.argv[2:]:
        for line in open(path):
            tier, suite, name, status = line.split()[:4]
            if tier == 'compile-fail' and suite in ('cases', 'zero-cost'):
                seen.add(f'cf:{name}')
                if status == 'pass':
                    passed.add(f'cf:{name}')

    bad = 0
    ids = set()
    for row in rows(LEDGER):
        if row[0] == 'ID':
            continue
        if len(row) != 6:
            print(f'ledger rules {row[0]} fail', flush=True)
            print(f'{row[0]}: expected 6 columns, got {len(row)}', file=sys.stderr)
            bad += 1
            continue
        rid, _src, _stmt, kind, _how, tests = row
        problems = []
        if rid in ids:
            problems.append('duplicate ID')
        ids.add(rid)
        kinds = {k.strip() for k in kind.split('+')}
        if not kinds <= KINDS:
            problems.append(f'unknown kind {kind}')
        refs = re.findall(r'\b(?:kunit|cf|st):[\w./-]+', tests)
        for ref in refs:
            if ref not in seen:
                problems.append(f'{ref} does not exist in this run')
            elif ref not in passed:
                problems.append(f'{ref} did not pass')
        if 'compile' in kinds and not any(r.startswith('cf:') for r in refs):
            problems.append('compile-time rule without a compile-fail case')
        print(f"ledger rules {rid} {'fail' if problems else 'pass'}")
        for p in problems:
            print(f'{rid}: {p}', file=sys.stderr)
        bad += bool(problems)
    return 0


if __name__ == '__main__':
    sys.exit(main())
