#!/usr/bin/env python3
"""Check the rules ledger (Documentation/rust/mm-locking.rst) against a test run.

Every test a ledger row names must exist in the run and have passed; every
row enforced at compile time must name at least one compile-fail case.
Test references:
  kunit:<suite>/<case>       a KUnit case
  cf:<case>                  a compile-fail case or zero-cost check
                             (tools/testing/rust/compile_fail)
  st:<name>                  a userspace selftest; must pass on both devices
A row whose Kind is not `none` claims an enforcement and must name at least
one test; only `none` rows may leave the Tests cell empty.
Prints result lines 'ledger rules <ID> pass|fail' for scripts/results.py and
the reasons for failures on stderr. Usage: ledger.py KERNEL_LOG [RESULTS...]

Without a run: `ledger.py --lint` checks the table structure and the rules
above, and that every referenced test is declared in the source tree (KUnit
suite and case names under rust/, compile-fail files, TEST()/TEST_F(dev, ...)
in the selftest); exits 1 if any row fails. The run check stays authoritative:
a test that is declared but not built or not run passes --lint only."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from results import parse_ktap  # noqa: E402

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
LEDGER = os.path.join(REPO, 'Documentation', 'rust', 'mm-locking.rst')
CF_DIR = os.path.join(REPO, 'tools', 'testing', 'rust', 'compile_fail')
ST_SRC = os.path.join(REPO, 'tools', 'testing', 'selftests', 'rust_mmap', 'rust_mmap_test.c')
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


def run_results(log, extra):
    """(seen, passed): the test references present in a run, and those that passed."""
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
    for path in extra:
        for line in open(path):
            tier, suite, name, status = line.split()[:4]
            if tier == 'compile-fail' and suite in ('cases', 'zero-cost'):
                seen.add(f'cf:{name}')
                if status == 'pass':
                    passed.add(f'cf:{name}')
    return seen, passed


def declared_tests():
    """The test references declared in the source tree (for --lint).

    KUnit: a suite is declared with `#[kunit_tests(<suite>)]` or a suite macro
    (`mm_suite!(<suite>, [...])`); a case is a
    `fn <case>(` in any Rust file under rust/ (overlay files and patches/ both
    count). Membership of a case in its suite is left to the run check."""
    suites, fns = set(), set()
    texts = []
    for top in ('rust', 'patches'):
        for root, _dirs, files in os.walk(os.path.join(REPO, top)):
            for f in files:
                if f.endswith(('.rs', '.patch')):
                    t = open(os.path.join(root, f), errors='replace').read()
                    if f.endswith('.patch'):  # what the patch adds or keeps, not what it removes
                        t = '\n'.join(l for l in t.splitlines() if not l.startswith('-'))
                    texts.append(t)
    for t in texts:
        suites.update(re.findall(r'kunit_tests\(\s*(\w+)\s*\)', t))
        suites.update(re.findall(r'\b(?:mm_suite)!\s*\(\s*(\w+)\s*,', t))
        fns.update(re.findall(r'\bfn\s+(\w+)\s*[(<]', t))
    cf = set()
    if os.path.isdir(CF_DIR):
        cf = {f[:-3] for f in os.listdir(CF_DIR) if f.endswith('.rs') and not f.startswith('ok_')}
    st = set()
    if os.path.exists(ST_SRC):
        c = open(ST_SRC, errors='replace').read()
        st.update('global.' + n for n in re.findall(r'^TEST\((\w+)\)', c, re.M))
        st.update(f'{fx}.{n}' for fx, n in re.findall(r'^TEST_F\((\w+),\s*(\w+)\)', c, re.M))
    return suites, fns, cf, st


def lint_ref(ref, declared):
    suites, fns, cf, st = declared
    kind, name = ref.split(':', 1)
    if kind == 'kunit':
        suite, _, case = name.partition('/')
        if suite not in suites:
            return f'{ref}: no KUnit suite {suite} declared'
        if case not in fns:
            return f'{ref}: no case fn {case} in rust/'
    elif kind == 'cf' and name not in cf:
        return f'{ref}: no {name}.rs in tools/testing/rust/compile_fail'
    elif kind == 'st' and name not in st:
        return f'{ref}: no such TEST/TEST_F in {os.path.relpath(ST_SRC, REPO)}'
    return None


def main():
    lint = sys.argv[1:2] == ['--lint']
    if lint:
        declared = declared_tests()
    else:
        seen, passed = run_results(sys.argv[1], sys.argv[2:])

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
            if lint:
                p = lint_ref(ref, declared)
                if p:
                    problems.append(p)
            elif ref not in seen:
                problems.append(f'{ref} does not exist in this run')
            elif ref not in passed:
                problems.append(f'{ref} did not pass')
        if 'compile' in kinds and not any(r.startswith('cf:') for r in refs):
            problems.append('compile-time rule without a compile-fail case')
        if kinds != {'none'} and not refs:
            problems.append(f'kind {kind} claims an enforcement but names no test')
        print(f"ledger rules {rid} {'fail' if problems else 'pass'}", flush=True)
        for p in problems:
            print(f'{rid}: {p}', file=sys.stderr, flush=True)
        bad += bool(problems)
    if lint:
        print(f'ledger: {len(ids)} rows, {bad} failing', file=sys.stderr)
        return 1 if bad else 0
    return 0


if __name__ == '__main__':
    sys.exit(main())
