#!/usr/bin/env python3
"""The work as a patch series for the tree we build (make patches, make patches-check).

  series.py patches [OUTDIR]   write a `git format-patch` series with a cover letter
                               (default OUTDIR: ~/.cache/rust-mm-locking/series-out)
  series.py check [OUTDIR]     `git am` the series onto a pristine copy, then build the
                               tree after each patch (long: one kernel build per patch)

The series is defined in patches/series/series.txt: each patch brings a set of files to
the state `make prepare` lays out in ~/.cache/rust-mm-locking/stage (pristine source +
patches/*.patch + overlay), in order; every file of the stage must be covered. The git
repository is ~/.cache/rust-mm-locking/series (a copy of the pristine source, committed once
as the base). Signed-off-by is left to the sender.
"""
import os
import re
import shutil
import subprocess
import sys
import time

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
CACHE = os.path.join(os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
                     'rust-mm-locking')
STAGE = os.path.join(CACHE, 'stage')
GITDIR = os.path.join(CACHE, 'series')
SPEC = os.path.join(REPO, 'patches', 'series', 'series.txt')
AUTHOR = 'Rust mm-locking team <rust-mm@example.org>'
DATE = '2026-11-30T00:00:00+00:00'
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def die(msg):
    sys.exit('error: ' + msg)


def git(*args, check=True, capture=False, cwd=GITDIR):
    env = dict(os.environ, GIT_AUTHOR_NAME='Rust mm-locking team',
               GIT_AUTHOR_EMAIL='rust-mm@example.org', GIT_COMMITTER_NAME='Rust mm-locking team',
               GIT_COMMITTER_EMAIL='rust-mm@example.org', GIT_AUTHOR_DATE=DATE,
               GIT_COMMITTER_DATE=DATE)
    r = subprocess.run(['git', '-c', 'core.autocrlf=false', '-c', 'init.defaultBranch=main',
                        *args], cwd=cwd, env=env, check=check, text=True,
                       stdout=subprocess.PIPE if capture else None)
    return r.stdout if capture else r.returncode


def parse_spec():
    """[(subject, files, strips, body)], the first one being the cover letter."""
    blocks = []
    text = ''.join(line for line in open(SPEC) if not line.startswith('#'))
    for raw in text.split('\n%%\n'):
        head, _, body = raw.strip('\n').partition('\n\n')
        fields = {'files': [], 'strip': []}
        for line in head.splitlines():
            key, _, val = line.partition(':')
            val = val.strip()
            if key == 'subject':
                fields['subject'] = val
            elif key == 'files':
                fields['files'] += val.split()
            elif key in ('strip', 'strip-block'):
                path, _, regex = val.partition(' ')
                fields['strip'].append((path, re.compile(regex), key == 'strip-block'))
            else:
                die(f'{SPEC}: unknown field {key!r}')
        blocks.append((fields['subject'], fields['files'], fields['strip'], body.strip('\n')))
    return blocks


def pristine():
    with open(os.path.join(CACHE, 'tree', '.pristine')) as f:
        return f.read().strip()


def base_repo():
    """The git repository with the pristine source committed as `base`.

    Debian's top-level .gitignore ignores everything ("/*", it is not their repository), hence
    `git add -f`.
    """
    src = pristine()
    stamp = os.path.join(GITDIR, '.git', 'rust-mm-base')
    if not (os.path.exists(stamp) and open(stamp).read() == src):
        print(f'==> copying {src} into {GITDIR} and committing it as the base (once)')
        shutil.rmtree(GITDIR, ignore_errors=True)
        subprocess.run(['rsync', '-a', '--exclude', '.git', src + '/', GITDIR + '/'], check=True)
        git('init', '-q')
        git('add', '-f', '-A')
        git('commit', '-q', '-m', f'Linux {os.path.basename(src)} (Debian linux-source)')
        git('tag', '-f', 'base')
        with open(stamp, 'w') as f:
            f.write(src)
    git('checkout', '-q', '-f', '-B', 'series', 'base')
    git('clean', '-q', '-fdx')


def stage_files():
    out = set()
    for root, _, files in os.walk(STAGE):
        for f in files:
            out.add(os.path.relpath(os.path.join(root, f), STAGE))
    return out


def expand(paths):
    out = []
    for p in paths:
        full = os.path.join(STAGE, p)
        if os.path.isdir(full):
            out += sorted(os.path.relpath(os.path.join(r, f), STAGE)
                          for r, _, fs in os.walk(full) for f in fs)
        elif os.path.isfile(full):
            out.append(p)
        else:
            die(f'{SPEC}: {p} is not in the stage (run make prepare)')
    return out


def ledger_summary():
    from ledger import rows
    kinds = {}
    n = 0
    for row in rows(os.path.join(REPO, 'Documentation', 'rust', 'mm-locking.rst')):
        if len(row) != 6 or row[0] == 'ID':
            continue
        n += 1
        for k in row[3].split('+'):
            kinds[k.strip()] = kinds.get(k.strip(), 0) + 1
    parts = ', '.join(f'{kinds[k]} {k}' for k in sorted(kinds, key=lambda k: -kinds[k]))
    return (f'The ledger (Documentation/rust/mm-locking.rst) has {n} rules; by how they\n'
            f'are enforced (a rule may count twice): {parts}.')


def bench_summary():
    log = os.path.join(CACHE, 'logs', 'bench', 'qemu-bench-all.log')
    if not os.path.exists(log):
        return 'Benchmarks: run `make bench` for the Rust/C ratios.'
    r = subprocess.run([sys.executable, os.path.join(REPO, 'scripts', 'bench_plot.py'), log],
                       text=True, stdout=subprocess.PIPE)
    # The deterministic rows (instructions under QEMU -icount), without the ns columns.
    rows = [ln.split() for ln in r.stdout.splitlines()
            if ln.startswith('run ') or ln.startswith('icount ')]
    lines = ['%-8s %-11s %7s %7s  %s' % (f[1], f[3], f[4], f[5], ' '.join(f[7:-3]))
             for f in rows if len(f) >= 10]
    return ('Benchmarks (make bench: a kernel without lockdep; instructions counted under\n'
            'QEMU -icount; Rust/C ratio of medians beside the C/C ratio of a second C\n'
            'series; the Binder rows set our Binder against a pristine kernel, make bench\n'
            'BINDER_BASELINE=1):\n\n' + '\n'.join('  ' + ln for ln in lines))


def debian_summary():
    p = os.path.join(REPO, 'patches', 'series', 'debian.txt')
    return open(p).read().strip() if os.path.exists(p) else ''


def make_series(out):
    blocks = parse_spec()
    cover, patches = blocks[0], blocks[1:]
    base_repo()
    covered = set()
    for subject, files, strips, body in patches:
        paths = expand(files)
        for p in paths:
            dst = os.path.join(GITDIR, p)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(os.path.join(STAGE, p), dst)
            shutil.copymode(os.path.join(STAGE, p), dst)
            covered.add(p)
        for path, regex, block in strips:
            dst = os.path.join(GITDIR, path)
            lines = open(dst).read().splitlines(keepends=True)
            keep, skipping = [], False
            for ln in lines:
                if block:
                    # From the first line that matches through the next blank line.
                    skipping = skipping or bool(regex.search(ln.rstrip('\n')))
                    if skipping:
                        skipping = ln.strip() != ''
                        continue
                elif regex.search(ln.rstrip('\n')):
                    continue
                keep.append(ln)
            text = ''.join(keep)
            # A block at the end of the file leaves no blank line behind it.
            open(dst, 'w').write(text.rstrip('\n') + '\n' if block else text)
        git('add', '-f', '-A')
        git('commit', '-q', '-m', f'{subject}\n\n{body}\n')
    missing = stage_files() - covered
    if missing:
        die('files of the stage in no patch of the series: ' + ' '.join(sorted(missing)))
    # The last patch leaves every file as the stage has it.
    for p in covered:
        if open(os.path.join(GITDIR, p), 'rb').read() != open(os.path.join(STAGE, p), 'rb').read():
            die(f'{p}: the series does not end in the staged state (a strip: never undone?)')
    shutil.rmtree(out, ignore_errors=True)
    git('format-patch', '-q', '--cover-letter', '-o', out, 'base..series')
    letter = os.path.join(out, '0000-cover-letter.patch')
    text = open(letter).read()
    blurb = (cover[3].replace('@LEDGER@', ledger_summary()).replace('@BENCH@', bench_summary())
             .replace('@DEBIAN@', debian_summary()))
    text = text.replace('*** SUBJECT HERE ***', cover[0]).replace('*** BLURB HERE ***', blurb)
    open(letter, 'w').write(text)
    report(out)


def report(out):
    checkpatch = os.path.join(pristine(), 'scripts', 'checkpatch.pl')
    print(f'{"patch":<62} {"+lines":>7} {"-lines":>7}  checkpatch --strict')
    bad = 0
    for name in sorted(os.listdir(out)):
        if not name.endswith('.patch') or name.startswith('0000-'):
            continue
        path = os.path.join(out, name)
        plus = minus = 0
        for ln in open(path):
            if ln.startswith('+') and not ln.startswith('+++'):
                plus += 1
            elif ln.startswith('-') and not ln.startswith('---'):
                minus += 1
        r = subprocess.run(['perl', checkpatch, '--strict', '--no-tree', '--no-signoff',
                            '--ignore', 'FILE_PATH_CHANGES', path],
                           text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        m = re.search(r'total: (\d+) errors, (\d+) warnings, (\d+) checks', r.stdout)
        verdict = f'{m.group(1)} errors, {m.group(2)} warnings, {m.group(3)} checks' if m else '?'
        if not m or m.groups() != ('0', '0', '0'):
            bad += 1
            for ln in r.stdout.splitlines():
                if re.match(r'^(ERROR|WARNING|CHECK):', ln):
                    print(f'    {name}: {ln}')
        print(f'{name[:62]:<62} {plus:>7} {minus:>7}  {verdict}')
    print(f'==> series: {out} ({len([n for n in os.listdir(out) if n.endswith(".patch")])} files'
          f' with the cover letter)')
    if bad:
        die(f'checkpatch --strict complained about {bad} patch(es)')


def check(out):
    """git am onto the base, then build after each patch."""
    patches = sorted(os.path.join(out, n) for n in os.listdir(out)
                     if n.endswith('.patch') and not n.startswith('0000-'))
    if not patches:
        die(f'no series in {out}: run make patches first')
    git('checkout', '-q', '-f', '-B', 'am-check', 'base')
    git('clean', '-q', '-fdx')
    build = os.path.join(CACHE, 'build-series')
    os.makedirs(build, exist_ok=True)
    kmake = ['make', '-C', GITDIR, f'O={build}', 'LLVM=-22', 'RUSTC=/usr/bin/rustc',
             'HOSTRUSTC=/usr/bin/rustc', 'RUSTDOC=/usr/bin/rustdoc',
             'BINDGEN=' + os.environ.get('BINDGEN', os.path.expanduser('~/.cargo/bin/bindgen')),
             f'-j{os.cpu_count()}']
    env = dict(os.environ, LIBCLANG_PATH='/usr/lib/llvm-22/lib')
    for i, p in enumerate(patches, 1):
        if git('am', '-q', p, check=False) != 0:
            git('am', '--abort', check=False)
            die(f'git am failed at {os.path.basename(p)}')
        t0 = time.time()
        # Our configuration afresh each time: olddefconfig drops the options a patch has not
        # added yet (the samples'), and they must come back once it has.
        shutil.copyfile(os.path.join(REPO, 'scripts', 'rust_mm.kunitconfig'),
                        os.path.join(build, '.config'))
        subprocess.run(kmake + ['olddefconfig'], env=env, check=True, stdout=subprocess.DEVNULL)
        log = os.path.join(CACHE, 'logs', f'series-build-{i:02d}.log')
        with open(log, 'w') as f:
            r = subprocess.run(kmake + ['bzImage'], env=env, stdout=f, stderr=subprocess.STDOUT)
        # As scripts/build.sh: a warning in one of our files fails the step too.
        with open(log, errors='replace') as f:
            text = f.read()
        ours = re.compile(r'rust/kernel/(mm|kunit)|samples/rust/(rust_mm|c_mm)|rust/helpers/mm'
                          r'|drivers/android/binder')
        warned = [b for b in re.split(r'\n(?=\S)', text)
                  if re.match(r'(warning|error)', b) and ours.search(b)]
        ok = r.returncode == 0 and not warned
        print(f'{os.path.basename(p)[:60]:<60} build {"ok" if ok else "FAILED"}'
              f' in {time.time() - t0:.0f} s (log: {log})', flush=True)
        if not ok:
            print('\n'.join(warned[:5]))
            die(f'the tree does not build cleanly after {os.path.basename(p)}')
    print('==> every patch applies with git am and the tree builds after each one')


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ('patches', 'check'):
        sys.exit(__doc__)
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(CACHE, 'series-out')
    if not os.path.isdir(STAGE):
        die('no stage: run make prepare first')
    if sys.argv[1] == 'patches':
        make_series(out)
    else:
        check(out)


if __name__ == '__main__':
    main()
