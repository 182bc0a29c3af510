#!/usr/bin/env python3
"""Judge rust-analyzer's `diagnostics` output for our files (make rust-analyzer).

Usage: ra_check.py DIAGNOSTICS_LOG MANIFEST TREE BUILD

MANIFEST lists our files (overlay and patched), relative to TREE; the
compile-fail cases are not kernel crates and are left out. Prints, per
diagnostic class (severity, code, message with names and types blanked), how
often it occurs in our files and in upstream's files of the same crates, and
checks that rust-analyzer walked each of our files (it is in the module tree
of a crate in BUILD/rust-project.json).
Exit status 1 if one of our files has a diagnostic of a class that no
upstream file has (a finding of ours, not of the tool's view of the kernel),
or if one of our files was not analysed."""
import collections
import json
import os
import re
import sys

DIAG = re.compile(r'at crate (\S+), file (\S+): (\w+) (\w+)\(("[^"]*"|[^)]*)[^)]*\)\)? '
                  r'from LineCol \{[^}]*\} to LineCol \{[^}]*\}: (.*)')


def klass(sev, code, msg):
    msg = re.sub(r'`[^`]*`', '`_`', msg)
    msg = re.sub(r'on type .*', 'on type _', msg)
    msg = re.sub(r'expected .*, found .*', 'expected _, found _', msg)
    msg = re.sub(r'CONFIG_\w+( is (enabled|disabled))?', 'CONFIG_', msg)
    return f'{sev} {code}: {msg}'


def main():
    log, manifest, tree, build = sys.argv[1:5]
    ours = set()
    with open(manifest) as f:
        for line in f:
            p = os.path.normpath(os.path.join(tree, line.strip()))
            # The compile-fail cases are crates of their own, built by compile_fail.sh.
            if p.endswith('.rs') and '/compile_fail/' not in p:
                ours.add(p)
    with open(log, errors='replace') as f:
        text = f.read().replace('\r', '\n')
    per = {True: collections.Counter(), False: collections.Counter()}
    crates_ours = set()
    seen = set()
    for line in text.splitlines():
        m = DIAG.search(line)
        if not m or m.group(0) in seen:
            continue
        seen.add(m.group(0))
        crate, path, sev, code = m.group(1), m.group(2), m.group(3), m.group(5).strip('"')
        mine = os.path.normpath(path) in ours
        if mine:
            crates_ours.add(crate)
        per[mine][klass(sev, code, m.group(6))] += 1
    with open(os.path.join(build, 'rust-project.json')) as f:
        project = json.load(f)
    # The files rust-analyzer walked ("N/M processing FILE"): those in some crate's module tree.
    walked = {os.path.normpath(p) for p in re.findall(r'processing (\S+?\.rs)', text)}
    covered = [p for p in sorted(ours) if p in walked]
    print(f'rust-project.json: {len(project["crates"])} crates; rust-analyzer analysed '
          f'{len(walked)} files, {len(covered)} of our {len(ours)} among them')
    print(f'{"ours":>6} {"upstream":>9}  diagnostic class')
    bad = 0
    for k in sorted(set(per[True]) | set(per[False]), key=lambda k: -per[True][k]):
        if not per[True][k]:
            continue
        new = not per[False][k]
        bad += new
        print(f'{per[True][k]:>6} {per[False][k]:>9}  {k}{"   <-- only in our files" if new else ""}')
    print(f'{sum(per[True].values())} diagnostics in our files, '
          f'{sum(per[False].values())} in upstream files; '
          f'{bad} classes only in ours')
    missing = [p for p in ours if p not in covered]
    for p in missing:
        print(f'not in any crate\'s module tree: {p}')
    return 1 if bad or missing else 0


if __name__ == '__main__':
    sys.exit(main())
