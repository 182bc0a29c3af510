#!/usr/bin/env python3
"""Edit the patch series (patches/*.patch) as whole files.

Our changes to files the kernel already has are kept as patches, one logical
change each, the way they would be posted. Editing a diff by hand is error
prone, so:

  scripts/patches.py unpack    write .work/<path>: each patched file with the
                               series applied to the pristine source
  (edit the files under .work/)
  scripts/patches.py refresh   rewrite the diff part of each patch from
                               .work/ (the mail header is kept)

`make prepare` runs `refresh` when .work/ exists. A file belongs to the
patches that name it in a '+++ b/<path>' line; when several patches touch
one file, refresh rewrites only the last of them (the earlier ones keep
their hunks). A new patch starts as a header plus '--- a/<path>' and
'+++ b/<path>' lines for its files. .work/ is not committed.
"""
import os
import subprocess
import sys
import tempfile

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), '..'))
PATCHES = os.path.join(REPO, 'patches')
WORK = os.path.join(REPO, '.work')


def pristine():
    if os.environ.get('KDIR'):
        return os.environ['KDIR']
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache')
    with open(os.path.join(cache, 'rust-mm-locking', 'tree', '.pristine')) as f:
        return f.read().strip()


def series():
    return sorted(p for p in os.listdir(PATCHES) if p.endswith('.patch'))


def split(text):
    """(header up to and including the '---' line, list of files)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.rstrip('\n') == '---':
            head = ''.join(lines[:i + 1])
            break
    else:
        sys.exit('no "---" line ending the mail header')
    files = [ln[6:].split()[0] for ln in lines if ln.startswith('+++ b/')]
    return head, files


def diff(path, old, new):
    r = subprocess.run(['diff', '-u', '--label', 'a/' + path, '--label', 'b/' + path, old, new],
                       capture_output=True, text=True)
    if r.returncode > 1:
        sys.exit(r.stderr)
    return r.stdout


def unpack():
    src = pristine()
    with tempfile.TemporaryDirectory() as tmp:
        for name in series():
            _, files = split(open(os.path.join(PATCHES, name)).read())
            for f in files:
                dst = os.path.join(tmp, f)
                if not os.path.exists(dst):
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    subprocess.run(['cp', os.path.join(src, f), dst], check=True)
            subprocess.run(['patch', '-s', '-p1', '-d', tmp, '--no-backup-if-mismatch', '-i',
                            os.path.join(PATCHES, name)], check=True)
        subprocess.run(['rsync', '-a', '--checksum', tmp + '/', WORK + '/'], check=True)
    print('unpacked into', WORK)


def refresh():
    src = pristine()
    names = series()
    owner = {}
    for name in names:
        for f in split(open(os.path.join(PATCHES, name)).read())[1]:
            owner[f] = name
    # State of each file before the patch that owns it: pristine plus earlier patches.
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            path = os.path.join(PATCHES, name)
            head, files = split(open(path).read())
            mine = [f for f in files if owner[f] == name]
            body = ''
            for f in files:
                base = os.path.join(tmp, f)
                if not os.path.exists(base):
                    os.makedirs(os.path.dirname(base), exist_ok=True)
                    subprocess.run(['cp', os.path.join(src, f), base], check=True)
                if f in mine:
                    new = os.path.join(WORK, f)
                    if not os.path.exists(new):
                        sys.exit(f'{new} missing: run "scripts/patches.py unpack" first')
                    body += diff(f, base, new)
            if mine:
                old = open(path).read()
                keep = ''.join(d for d in old.split('\n--- a/')[1:]
                               if d.split('\n')[0].split()[0] not in mine)
                text = head + ('--- a/' + keep if keep else '') + body
                if text != old:
                    open(path, 'w').write(text)
                    print('refreshed', name)
            subprocess.run(['patch', '-s', '-p1', '-d', tmp, '--no-backup-if-mismatch', '-i',
                            path], check=True)


if __name__ == '__main__':
    {'unpack': unpack, 'refresh': refresh}.get(sys.argv[1] if len(sys.argv) > 1 else '',
                                               lambda: sys.exit(__doc__))()
