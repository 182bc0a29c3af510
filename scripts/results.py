#!/usr/bin/env python3
"""Summarise a test run: KTAP from the kernel log (KUnit, Rust doctests,
userspace kselftests) plus result files of host-side tiers (compile-fail).

Prints a per-suite summary and ends with 'N passed, N failed, N skipped'.
Exit status 1 on any failure, on a crash/lockdep/KASAN report in the log, or
if the tests never ran (boot failure)."""
import re
import sys

TS = re.compile(r'^\[\s*\d+\.\d+\]\s?')
RESULT = re.compile(r'^(not ok|ok) (\d+) (\S+)(?:\s*#\s*(SKIP)\b\s*(.*))?', re.I)

# Reports that fail a run even if every test passed.
BAD = [
    (re.compile(r'Kernel panic'), 'kernel panic'),
    (re.compile(r'\bBUG:'), 'kernel BUG'),
    (re.compile(r'\bOops\b|general protection fault'), 'oops'),
    (re.compile(r'WARNING: .*(circular|recursive|inconsistent|lock|suspicious RCU)'), 'lockdep report'),
    (re.compile(r'WARNING: CPU: \d+ PID'), 'kernel WARNING'),
    (re.compile(r'possible (circular|recursive) locking|inconsistent lock state'), 'lockdep report'),
    (re.compile(r'KASAN'), 'KASAN report'),
    (re.compile(r'KFENCE'), 'KFENCE report'),
    (re.compile(r'UBSAN'), 'UBSAN report'),
    (re.compile(r'kmemleak: \d+ new suspected memory leaks'), 'kmemleak report'),
    (re.compile(r'INFO: task .* blocked for more than'), 'hung task'),
    (re.compile(r'INFO: rcu_\w+ (self-)?detected stall'), 'RCU stall'),
    (re.compile(r'sleeping function called from invalid context'), 'sleep in atomic context'),
    (re.compile(r'rust_panic|panicked at'), 'Rust panic'),
    (re.compile(r'QEMU timed out'), 'QEMU timeout'),
]


def parse_ktap(lines, tier):
    """Yield (suite, test, status, comment) for every test case.

    KUnit: suites at indentation 0, cases at 4.  Kselftest harness (userspace):
    one TAP stream per program, marked by '# Subtest:' or by our runner's
    'rust-mm: suite <name>' lines; cases at indentation 0."""
    suite = None
    for raw in lines:
        line = TS.sub('', raw.rstrip('\r\n'))
        m = re.match(r'^rust-mm: suite (\S+)', line)
        if m:
            suite = (tier, m.group(1))
            continue
        stripped = line.lstrip(' ')
        indent = len(line) - len(stripped)
        m = re.match(r'^# Subtest: (\S+)', stripped)
        if m and indent == 4:
            suite = (tier, m.group(1))
            continue
        m = RESULT.match(stripped)
        if not m or suite is None:
            continue
        if tier == 'kunit' and indent != 4:
            continue  # suite summaries and parameterised sub-results
        if tier != 'kunit' and indent != 0:
            continue
        status = 'skip' if m.group(4) else ('pass' if m.group(1) == 'ok' else 'fail')
        yield suite[1], m.group(3), status, (m.group(5) or '')


def main():
    log = sys.argv[1]
    extra = sys.argv[2:]
    text = open(log, errors='replace').read().splitlines()
    # Kernel part (KUnit + doctests) ends where our /init starts.
    try:
        split = next(i for i, l in enumerate(text) if 'rust-mm: userspace start' in l)
    except StopIteration:
        split = len(text)
    results = list(('kunit',) + r for r in parse_ktap(text[:split], 'kunit'))
    results += list(('userspace',) + r for r in parse_ktap(text[split:], 'userspace'))
    for path in extra:
        for line in open(path):
            tier, suite, name, status = line.split()[:4]
            results.append((tier, suite, name, status, ''))

    problems = []
    if not any(r[0] == 'kunit' for r in results):
        problems.append('no KUnit results in the log: the kernel did not reach the tests')
    if split == len(text):
        problems.append('userspace never started (boot or KUnit did not finish)')
    elif not any('rust-mm: userspace done' in l for l in text[split:]):
        problems.append('userspace tests did not finish')
    for l in text:
        for pat, what in BAD:
            if pat.search(l):
                problems.append(f'{what}: {TS.sub("", l).strip()}')
                break

    suites = {}
    for tier, suite, name, status, comment in results:
        s = suites.setdefault((tier, suite), {'pass': 0, 'fail': 0, 'skip': 0, 'failed': []})
        s[status] += 1
        if status == 'fail':
            s['failed'].append(name)
    print(f"{'tier':10} {'suite':36} {'pass':>5} {'fail':>5} {'skip':>5}")
    for (tier, suite), s in suites.items():
        print(f"{tier:10} {suite:36} {s['pass']:5} {s['fail']:5} {s['skip']:5}")
        for n in s['failed']:
            print(f"    FAILED: {n}")
    for p in problems[:20]:
        print(f"PROBLEM: {p}")
    passed = sum(s['pass'] for s in suites.values())
    failed = sum(s['fail'] for s in suites.values()) + len(problems)
    skipped = sum(s['skip'] for s in suites.values())
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
