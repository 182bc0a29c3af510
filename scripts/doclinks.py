#!/usr/bin/env python3
"""Check the links from the rules ledger (Documentation/rust/mm-locking.rst) into rustdoc.

The Enforcement cells name the items of the kernel crate that enforce a rule as
hyperlink references: `Name`_ with a target `.. _`Name`: rustdoc/kernel/...`
at the end of the file, or `text <rustdoc/kernel/...>`__ in place (an alias
`text <Other\\:\\:name_>`__ reuses a named target). Sphinx renders the ledger
to Documentation/output/rust/mm-locking.html and `make rustdoc` writes the
kernel crate's documentation to Documentation/output/rust/rustdoc, so every
rustdoc link is relative to the page: it starts with "rustdoc/".

Usage:
  doclinks.py DIR        check every link against a rustdoc output: the page
                         exists, is not a redirect, and has the #anchor. DIR is
                         the rustdoc directory (holding kernel/), the Sphinx
                         output (Documentation/output) or an O= build directory.
                         When the rendered mm-locking.html is there as well
                         and not older than the ledger, its rustdoc hrefs are
                         resolved from the page itself.
  doclinks.py --lint     without rustdoc: check the link syntax (rustdoc's
                         file naming: struct.X.html, trait.X.html, fn.x.html,
                         type.X.html, enum.X.html, index.html of a module;
                         anchors method./tymethod./associatedtype./
                         associatedconstant./variant./structfield.), that
                         every reference has a target, and that each linked
                         item is a pub item of that module in the Rust
                         sources (.work/, the overlay, the prepared kernel
                         tree, else the lines of patches/), a method one of a
                         pub fn of an impl of that type (or of its Deref
                         target). Items only upstream's files define need the
                         kernel tree; without it they are reported unverified.
Options: --ledger FILE (another .rst), --tree DIR (the kernel tree for --lint),
--html FILE (the rendered page to resolve hrefs from), -v (list rows without a
link). Exit status 1 on any failing link.
"""
import html
import os
import re
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
LEDGER = os.path.join(REPO, 'Documentation', 'rust', 'mm-locking.rst')
CACHE = os.path.join(os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
                     'rust-mm-locking')

KINDS = {'struct', 'enum', 'trait', 'type', 'fn', 'constant', 'static', 'union', 'macro'}
ANCHORS = {'method', 'tymethod', 'associatedtype', 'associatedconstant', 'variant',
           'structfield'}
# Which anchors a page of each kind can have.
PAGE_ANCHORS = {
    'struct': {'method', 'tymethod', 'associatedconstant', 'associatedtype', 'structfield'},
    'union': {'method', 'associatedconstant', 'structfield'},
    'enum': {'method', 'tymethod', 'associatedconstant', 'associatedtype', 'variant'},
    'type': {'method', 'tymethod', 'associatedconstant', 'associatedtype'},
    'trait': {'method', 'tymethod', 'associatedtype', 'associatedconstant'},
}
URL = re.compile(r'^rustdoc/(?P<crate>[a-z_][a-z0-9_]*)/(?P<mods>(?:[a-z_][a-z0-9_]*/)*)'
                 r'(?:(?P<kind>[a-z]+)\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)\.html|index\.html)'
                 r'(?:#(?P<akind>[a-z]+)\.(?P<aname>[A-Za-z_][A-Za-z0-9_]*))?$')


def norm(name):
    """A docutils reference name: backslash escapes removed, whitespace-neutral, no case."""
    return ' '.join(re.sub(r'\\(.)', r'\1', name).split()).lower()


# ----------------------------------------------------------------------------
# The ledger: references, targets, rows


class Ref:
    def __init__(self, line, row, cell, text, uri=None, refname=None):
        self.line, self.row, self.cell, self.text = line, row, cell, text
        self.uri, self.refname = uri, refname

    def where(self):
        return f'{self.row or "line " + str(self.line)} ({self.text})'


def parse_ledger(path):
    """(refs, targets, rows, problems, used): the references of the text, the named
    targets {normalised name: (line, uri)}, the list-table row IDs in order, what is
    wrong [(line, message)], and the names of the targets the references reach."""
    lines = open(path, encoding='utf-8').read().split('\n')
    refs, targets, rows, problems = [], {}, [], []
    row, cell = None, 0
    # Join each paragraph or cell (references may be broken over lines) with line numbers.
    chunks = []      # (first line number, row, cell, text)
    buf, start = [], None

    def flush():
        nonlocal buf, start
        if buf:
            chunks.append((start, row, cell, ' '.join(buf)))
        buf, start = [], None

    in_comment = False
    for n, line in enumerate(lines, 1):
        t = re.match(r'^\.\. _(`(?P<q>(?:[^`\\]|\\.)+)`|(?P<n>(?:[^:`\\]|\\.)+)):(?:\s+(?P<uri>\S.*))?$',
                     line)
        if t:
            flush()
            name = norm(t.group('q') or t.group('n'))
            uri = (t.group('uri') or '').strip()
            if name in targets:
                problems.append((n, f'duplicate target "{name}" (also line {targets[name][0]})'))
            else:
                targets[name] = (n, uri)
            in_comment = False
            continue
        if re.match(r'^\.\.(\s|$)', line) and not re.match(r'^\.\. \w[\w-]*::', line):
            flush()
            in_comment = True       # a comment: skip it and its indented body
            continue
        if in_comment:
            if line.startswith(' ') or not line.strip():
                if not line.strip():
                    in_comment = False
                continue
            in_comment = False
        m = re.match(r'^   \* - (.*)$', line)
        if m:
            flush()
            row, cell = m.group(1).strip(), 1
            rows.append(row)
            buf, start = [m.group(1)], n
            continue
        m = re.match(r'^     -(?: (.*))?$', line)
        if m and row is not None:
            flush()
            cell += 1
            buf, start = [m.group(1) or ''], n
            continue
        if not line.strip():
            flush()
            row, cell = None, 0
            continue
        if start is None:
            start = n
        buf.append(line.strip())
    flush()

    for start, r, c, text in chunks:
        # Inline literals cannot hold references: blank them (keep the length).
        text = re.sub(r'``.+?``', lambda m: ' ' * len(m.group(0)), text)
        for m in re.finditer(r'(?<![`\w\\])`(?P<body>(?:[^`\\]|\\.)+)`(?P<us>__?)(?![\w`])', text):
            body, anon = m.group('body'), m.group('us') == '__'
            e = re.match(r'^(?P<text>.*?)(?:^|\s+)<(?P<target>(?:[^<>\\]|\\.)+)>$', body, re.S)
            if e:
                tgt = e.group('target')
                if re.search(r'(?<!\\)_$', tgt) and not re.match(r'^\w+://', tgt):
                    refs.append(Ref(start, r, c, e.group('text') or tgt, refname=norm(tgt[:-1])))
                else:
                    refs.append(Ref(start, r, c, e.group('text') or tgt,
                                    uri=re.sub(r'\s+', '', tgt)))
            elif anon:
                problems.append((start, f'anonymous reference `{body}`__ without an embedded '
                                        'target'))
            else:
                refs.append(Ref(start, r, c, body, refname=norm(body)))
        # Simple references: name_ (no backquotes), outside the ones above.
        text = re.sub(r'`(?:[^`\\]|\\.)+`', lambda m: ' ' * len(m.group(0)), text)
        for m in re.finditer(r'(?<![\w`\\|])([A-Za-z0-9](?:[\w.+-]*\w)?)_(?![\w`])', text):
            refs.append(Ref(start, r, c, m.group(1), refname=norm(m.group(1))))
    used = set()
    for ref in refs:
        name, seen = ref.refname, set()
        while ref.uri is None:
            if name not in targets or name in seen:
                why = 'circular indirect target' if name in seen else 'no target named'
                problems.append((ref.line, f'{ref.where()}: {why} "{name}"'))
                break
            seen.add(name)
            used.add(name)
            uri = targets[name][1]
            # An indirect target (.. _a: b_) names another target; an empty one is a label
            # of this document, or chains to the next target (not rustdoc links either way).
            m = re.match(r'^`?((?:[^`\\]|\\.)+?)`?_$', uri)
            if m and not re.match(r'^\w+://', uri):
                name = norm(m.group(1))
            else:
                ref.uri = uri
    return refs, targets, rows, problems, used


def check_syntax(uri):
    """None, or why a rustdoc link is malformed."""
    m = URL.match(uri)
    if not m:
        return ('not a rustdoc page link (rustdoc/<crate>/<module>/.../<kind>.<Name>.html or '
                'index.html, with an optional #<kind>.<name>)')
    kind, akind = m.group('kind'), m.group('akind')
    if kind and kind not in KINDS:
        return f'unknown rustdoc page kind "{kind}"'
    if akind:
        if akind not in ANCHORS:
            return f'unknown rustdoc anchor kind "{akind}"'
        if not kind or akind not in PAGE_ANCHORS.get(kind, set()):
            return f'a {kind or "module"} page has no {akind}. anchors'
    return None


# ----------------------------------------------------------------------------
# Rust sources (for --lint)


def sanitize(src):
    """The source with comments and string/char literals blanked (offsets kept)."""
    out = list(src)
    i, n = 0, len(src)

    def blank(a, b):
        for k in range(a, b):
            if out[k] != '\n':
                out[k] = ' '
    while i < n:
        c = src[i]
        if src.startswith('//', i):
            j = src.find('\n', i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif src.startswith('/*', i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith('/*', j):
                    depth, j = depth + 1, j + 2
                elif src.startswith('*/', j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif re.match(r'b?r#*"', src[i:i + 20]) and (i == 0 or not (src[i - 1].isalnum() or
                                                                  src[i - 1] == '_')):
            m = re.match(r'b?r(#*)"', src[i:])
            end = src.find('"' + m.group(1), i + m.end())
            j = n if end < 0 else end + 1 + len(m.group(1))
            blank(i, j)
            i = j
        elif c == '"' or (c == 'b' and src.startswith('b"', i)):
            j = i + (2 if c == 'b' else 1)
            while j < n and src[j] != '"':
                j += 2 if src[j] == '\\' else 1
            blank(i, j + 1)
            i = j + 1
        elif c == "'":
            m = re.match(r"'(?:\\(?:u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'", src[i:])
            if m:
                blank(i, i + m.end())
                i += m.end()
            else:
                i += 1      # a lifetime
        else:
            i += 1
    return ''.join(out)


def match_brace(s, i):
    """Index just past the brace block opening at s[i] == '{'."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] == '{':
            depth += 1
        elif s[j] == '}':
            depth -= 1
            if depth == 0:
                return j + 1
    return len(s)


def top_level(s):
    """The text of s with everything inside braces blanked: the items at depth 0."""
    out, depth = [], 0
    for ch in s:
        if ch == '}':
            depth -= 1
        out.append(ch if depth == 0 or ch == '\n' else ' ')
        if ch == '{':
            depth += 1
    return ''.join(out)


def strip_generics(s):
    """Remove <...> groups (balanced) from a type or header."""
    out, depth = [], 0
    for ch in s:
        if ch == '<':
            depth += 1
        elif ch == '>' and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return ''.join(out)


def type_name(s):
    """The last path segment of a type: '&mut a::B<C>' -> 'B'."""
    s = strip_generics(s).strip()
    s = re.sub(r'^(?:&\s*(?:\'\w+\s+)?(?:mut\s+)?|dyn\s+|\*\s*(?:const|mut)\s+)', '', s)
    m = re.match(r'^((?:\w+::)*)(\w+)', s.strip())
    return m.group(2) if m else ''


PUB = re.compile(r'\bpub\b(?!\s*\()')


def item_prefix(body, pos):
    """The qualifiers before the item keyword at pos (back to the previous ; { or })."""
    k = max(body.rfind(';', 0, pos), body.rfind('{', 0, pos), body.rfind('}', 0, pos))
    return body[k + 1:pos]


class Impl:
    def __init__(self, self_ty, trait, body):
        self.self_ty, self.trait, self.body = self_ty, trait, body

    def fns(self):
        """{name: public?} for the fns of the impl (depth 1)."""
        top = top_level(self.body)
        return {m.group(1): bool(PUB.search(item_prefix(top, m.start())))
                for m in re.finditer(r'\bfn\s+(\w+)', top)}

    def consts(self):
        top = top_level(self.body)
        return {m.group(1): bool(PUB.search(item_prefix(top, m.start())))
                for m in re.finditer(r'\bconst\s+([A-Z_][A-Z0-9_]*)\s*:', top)}

    def deref_target(self):
        if type_name(self.trait or '') != 'Deref':
            return None
        m = re.search(r'\btype\s+Target\s*=\s*([^;]+);', self.body)
        return type_name(m.group(1)) if m else None


def impls_of(clean):
    """The impl blocks of a sanitised source text."""
    out = []
    for m in re.finditer(r'\bimpl\b', clean):
        before = clean[:m.start()].rstrip()
        before = re.sub(r'\bunsafe$', '', before).rstrip()
        if before and before[-1] not in ';{}]':
            continue        # `impl Trait` in a type position
        brace = clean.find('{', m.end())
        if brace < 0:
            continue
        header = clean[m.end():brace]
        if ';' in header:
            continue
        header = re.sub(r'\bwhere\b.*$', '', header, flags=re.S).strip()
        if header.startswith('<'):
            depth = 0
            for k, ch in enumerate(header):
                depth += ch == '<'
                depth -= ch == '>'
                if depth == 0:
                    header = header[k + 1:]
                    break
        flat = strip_generics(header)
        f = re.search(r'\bfor\b', flat)
        if f:
            # split the original header at the same top-level `for`
            depth, idx = 0, None
            for k in range(len(header)):
                ch = header[k]
                if ch == '<':
                    depth += 1
                elif ch == '>':
                    depth -= 1
                elif depth == 0 and re.match(r'\bfor\b', header[k:]) and \
                        (k == 0 or not (header[k - 1].isalnum() or header[k - 1] == '_')):
                    idx = k
                    break
            trait, self_ty = header[:idx], header[idx + 3:]
        else:
            trait, self_ty = None, header
        end = match_brace(clean, brace)
        out.append(Impl(type_name(self_ty), trait.strip().lstrip('!') if trait else None,
                        clean[brace + 1:end - 1]))
    return out


class Sources:
    """The kernel crate's sources: .work/ over the overlay over the kernel tree; else
    the lines the patches add or keep."""

    def __init__(self, tree):
        self.roots = [os.path.join(REPO, '.work'), REPO]
        if tree and os.path.isdir(os.path.join(tree, 'rust', 'kernel')):
            self.roots.append(tree)
        self.tree = tree if len(self.roots) == 3 else None
        self.patched = {}
        pdir = os.path.join(REPO, 'patches')
        for p in sorted(os.listdir(pdir)) if os.path.isdir(pdir) else []:
            if not p.endswith('.patch'):
                continue
            cur = None
            for line in open(os.path.join(pdir, p), encoding='utf-8', errors='replace'):
                if line.startswith('+++ '):
                    m = re.match(r'^\+\+\+ b/(\S+)', line)
                    cur = m.group(1) if m else None
                    if cur:
                        self.patched.setdefault(cur, [])
                elif cur and line[:1] in ('+', ' ') and not line.startswith('+++'):
                    self.patched[cur].append(line[1:])
                elif line.startswith('diff ') or line.startswith('--- '):
                    pass
        self.cache = {}
        self._impls = None

    def read(self, rel):
        """(text, origin) of a file of the tree, or (None, None)."""
        if rel in self.cache:
            return self.cache[rel]
        res = (None, None)
        for root in self.roots:
            p = os.path.join(root, rel)
            if os.path.isfile(p):
                res = (open(p, encoding='utf-8', errors='replace').read(), p)
                break
        else:
            if rel in self.patched:
                res = (''.join(self.patched[rel]), 'patches/ (' + rel + ', partial)')
        self.cache[rel] = res
        return res

    def module(self, crate, mods, private_ok=False):
        """(clean text of the module's items, origin); (None, why) when its source is not
        here, (False, why) when rustdoc has no such module (missing or private)."""
        if crate != 'kernel':
            return None, f'crate {crate} is not ours'
        text, origin = self.read('rust/kernel/lib.rs')
        clean = sanitize(text) if text is not None else None
        path = 'rust/kernel'
        for seg in mods:
            if clean is not None:
                top = top_level(clean)
                decl = re.search(r'((?:pub(?:\s*\([^)]*\))?\s+)?)mod\s+' + seg + r'\s*([;{])', top)
                if not decl:
                    return False, f'no mod {seg} in {origin}'
                if not PUB.search(decl.group(1)) and not private_ok:
                    return False, (f'mod {seg} in {origin} is not pub: rustdoc documents its items '
                                   'where they are re-exported')
                if decl.group(2) == '{':
                    brace = decl.end() - 1
                    clean = clean[brace + 1:match_brace(clean, brace) - 1]
                    origin = f'{origin} (mod {seg})'
                    path = f'{path}/{seg}'
                    continue
            path = f'{path}/{seg}'
            text, origin = self.read(path + '.rs')
            if text is None:
                text, origin = self.read(path + '/mod.rs')
            if text is None:
                return None, f'no source for {path}.rs'
            clean = sanitize(text)
        if clean is None:
            return None, 'no source of the kernel crate root (rust/kernel/lib.rs)'
        return clean, origin

    def all_impls(self):
        """Every impl block of every kernel-crate file we have."""
        if self._impls is None:
            rels = set()
            for root in self.roots:
                base = os.path.join(root, 'rust', 'kernel')
                for d, _dirs, files in os.walk(base):
                    for f in files:
                        if f.endswith('.rs'):
                            rels.add(os.path.relpath(os.path.join(d, f), root))
            rels.update(r for r in self.patched if r.startswith('rust/kernel/') and
                        r.endswith('.rs'))
            self._impls = []
            for rel in sorted(rels):
                text, _ = self.read(rel)
                if text is not None:
                    self._impls.extend(impls_of(sanitize(text)))
        return self._impls


DEF_KW = {'struct': 'struct', 'enum': 'enum', 'trait': 'trait', 'type': 'type', 'fn': 'fn',
          'constant': 'const', 'static': 'static', 'union': 'union'}


def find_item(src, crate, mods, kind, name, seen=None, private_ok=False):
    """None if crate::mods has a documented page <kind>.<name>.html, else why not.
    Returns ('unverified', reason) when the source is not available."""
    clean, origin = src.module(crate, mods, private_ok)
    if clean is None:
        return ('unverified', origin)
    if clean is False:
        return origin
    top = top_level(clean)
    if kind == 'macro':
        return None if re.search(r'macro_rules!\s*' + name + r'\b', clean) else \
            f'no macro_rules! {name}'
    kw = DEF_KW[kind]
    m = re.search(r'(?:^|[;{}\]\s])((?:pub(?:\s*\([^)]*\))?\s+)?(?:(?:const|unsafe|async|extern\s+"C")\s+)*)'
                  + kw + r'\s+' + name + r'\b', top)
    if m:
        if not PUB.search(m.group(1)):
            return f'{kind} {name} in {origin} is not pub'
        return None
    # A re-export: rustdoc documents it here (inlined) only if its own module is private.
    for u in re.finditer(r'\bpub\s+use\s+', top):
        stmt = clean[u.end():clean.find(';', u.end())]
        for path, alias in use_leaves(stmt):
            if (alias or path[-1]) != name:
                continue
            first = path[0]
            if first in ('self', 'super', 'crate'):
                return None     # (not resolved further)
            decl = re.search(r'((?:pub(?:\s*\([^)]*\))?\s+)?)mod\s+' + first + r'\b', top)
            if decl and PUB.search(decl.group(1)):
                return (f'{name} is only re-exported here from the public module {first}: '
                        f'rustdoc documents it at {"/".join(mods + [first])}/')
            if decl:
                seen = seen or set()
                key = (tuple(mods + path[:-1]), kind, path[-1])
                if key in seen:
                    return None
                seen.add(key)
                r = find_item(src, crate, mods + path[:-1], kind, path[-1], seen, True)
                return r if isinstance(r, tuple) else (None if r is None else
                                                       f'{name} re-exported from {first}: {r}')
            return None         # from another crate (bindings, core, ...): inlined
    if 'partial' in origin:
        # Only the lines the patches add or keep: no reliable nesting, no verdict.
        if re.search(r'\bpub\s+(?:(?:const|unsafe)\s+)*' + kw + r'\s+' + name + r'\b', clean):
            return None
        return ('unverified', f'{kw} {name} is not in {origin} (no kernel tree)')
    return f'no pub {kw} {name} in {origin}'


def use_leaves(tree, prefix=()):
    """Flatten a use tree 'a::{b, c::D as E}' into ([path], alias) pairs."""
    tree = ' '.join(tree.split())
    m = re.match(r'^((?:\w+\s*::\s*)*)\{(.*)\}$', tree)
    if m:
        pre = tuple(s.strip() for s in m.group(1).split('::') if s.strip())
        parts, depth, cur = [], 0, ''
        for ch in m.group(2):
            if ch == ',' and depth == 0:
                parts.append(cur)
                cur = ''
                continue
            depth += ch == '{'
            depth -= ch == '}'
            cur += ch
        parts.append(cur)
        out = []
        for p in parts:
            if p.strip():
                out.extend(use_leaves(p.strip(), prefix + pre))
        return out
    m = re.match(r'^([\w\s:]+?)(?:\s+as\s+(\w+))?$', tree)
    if not m:
        return []
    path = tuple(s.strip() for s in m.group(1).split('::') if s.strip())
    return [(list(prefix + path), m.group(2))]


def find_anchor(src, crate, mods, kind, name, akind, aname):
    """None if the page kind.name has the anchor akind.aname, else why not."""
    if kind == 'trait':
        clean, origin = src.module(crate, mods)
        if clean is None or clean is False:
            return ('unverified', origin) if clean is None else origin
        m = re.search(r'\btrait\s+' + name + r'\b', top_level(clean))
        if not m and 'partial' in origin:
            m = re.search(r'\btrait\s+' + name + r'\b', clean)
        if not m:
            return ('unverified', f'trait {name} not defined in {origin} (re-exported?)')
        brace = clean.find('{', m.end())
        body = clean[brace + 1:match_brace(clean, brace) - 1]
        top = top_level(body)
        if akind in ('method', 'tymethod'):
            f = re.search(r'\bfn\s+' + aname + r'\b', top)
            if not f:
                return f'trait {name} has no fn {aname}'
            # required (no default body) -> tymethod, provided -> method
            rest = top[f.end():]
            semi, brace2 = rest.find(';'), rest.find('{')
            required = semi >= 0 and (brace2 < 0 or semi < brace2)
            want = 'tymethod' if required else 'method'
            return None if want == akind else \
                f'{name}::{aname} is {"required" if required else "provided"}: rustdoc ' \
                f'anchors it as #{want}.{aname}'
        if akind == 'associatedtype':
            return None if re.search(r'\btype\s+' + aname + r'\b', top) else \
                f'trait {name} has no associated type {aname}'
        if akind == 'associatedconstant':
            return None if re.search(r'\bconst\s+' + aname + r'\b', top) else \
                f'trait {name} has no associated const {aname}'
    if akind in ('structfield', 'variant'):
        clean, origin = src.module(crate, mods)
        if clean is None or clean is False:
            return ('unverified', origin) if clean is None else origin
        m = re.search(r'\b(?:struct|enum|union)\s+' + name + r'\b[^{;]*\{', top_level(clean))
        if not m:
            return f'no braced {kind} {name} in {origin}'
        brace = clean.find('{', m.start())
        body = top_level(clean[brace + 1:match_brace(clean, brace) - 1])
        if akind == 'structfield':
            f = re.search(r'(?:^|,)\s*((?:pub(?:\s*\([^)]*\))?\s+)?)' + aname + r'\s*:', body)
            return None if f and PUB.search(f.group(1)) else f'{name} has no pub field {aname}'
        return None if re.search(r'(?:^|,)\s*' + aname + r'\b', body) else \
            f'enum {name} has no variant {aname}'
    # Methods and associated consts of a struct/enum/union/type page: its impls, and
    # through Deref those of the target (rustdoc lists "Methods from Deref").
    impls = src.all_impls()
    names, todo, found_any = set(), [name], False
    while todo:
        t = todo.pop()
        if t in names:
            continue
        names.add(t)
        for im in impls:
            if im.self_ty != t:
                continue
            found_any = True
            if akind == 'method':
                fns = im.fns()
                if aname in fns and (fns[aname] or im.trait):
                    return None
            elif akind == 'associatedconstant':
                cs = im.consts()
                if aname in cs and (cs[aname] or im.trait):
                    return None
            elif akind == 'associatedtype' and im.trait:
                if re.search(r'\btype\s+' + aname + r'\b', im.body):
                    return None
            d = im.deref_target()
            if d:
                todo.append(d)
    if not found_any:
        if src.tree is None:
            return ('unverified', f'no impl of {name} in our files (no kernel tree)')
        return f'no impl block of {name} found'
    what = 'pub fn' if akind == 'method' else akind
    msg = f'no {what} {aname} in the impls of {" / ".join(sorted(names))}'
    if src.tree is None:
        return ('unverified', msg + ' in our files (no kernel tree)')
    return msg


def lint_item(src, uri):
    m = URL.match(uri)
    crate, mods = m.group('crate'), [s for s in m.group('mods').split('/') if s]
    kind, name, akind, aname = m.group('kind'), m.group('name'), m.group('akind'), \
        m.group('aname')
    if not kind:        # a module index
        if crate != 'kernel':
            return ('unverified', f'crate {crate} is not ours')
        if not mods:
            return None
        clean, origin = src.module(crate, mods)
        if clean is None or clean is False:
            return ('unverified', origin) if clean is None else origin
        return None
    r = find_item(src, crate, mods, kind, name)
    if r is not None or not akind:
        return r
    r = find_anchor(src, crate, mods, kind, name, akind, aname)
    origin = src.module(crate, mods)[1]
    if isinstance(r, str) and 'partial' in (origin or ''):
        return ('unverified', r)
    return r


# ----------------------------------------------------------------------------
# Against a rustdoc output


def rustdoc_root(d):
    """(rustdoc dir, rendered ledger page or None) for a directory argument."""
    d = os.path.abspath(d)
    for root, page in (
            (d, None),
            (os.path.join(d, 'rust', 'rustdoc'), os.path.join(d, 'rust', 'mm-locking.html')),
            (os.path.join(d, 'Documentation', 'output', 'rust', 'rustdoc'),
             os.path.join(d, 'Documentation', 'output', 'rust', 'mm-locking.html'))):
        if os.path.isfile(os.path.join(root, 'kernel', 'index.html')):
            return root, page if page and os.path.isfile(page) else None
    return None, None


_pages = {}


def check_target(path, anchor):
    """None, or why path#anchor is not a rustdoc page with that anchor."""
    if not os.path.isfile(path):
        return f'no file {path}'
    if path not in _pages:
        _pages[path] = open(path, encoding='utf-8', errors='replace').read()
    text = _pages[path]
    r = re.search(r'http-equiv="refresh" content="0;URL=([^"]+)"', text)
    if r:
        return f'{path} is a redirect to {r.group(1)}: link the page it redirects to'
    if anchor and not re.search(r'\bid="' + re.escape(anchor) + '"', text):
        return f'no id="{anchor}" in {path}'
    return None


def main(argv):
    lint, verbose, ledger, tree, page, dirs = False, False, LEDGER, None, None, []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == '--lint':
            lint = True
        elif a == '-v':
            verbose = True
        elif a in ('--ledger', '--tree', '--html') and args:
            v = args.pop(0)
            if a == '--ledger':
                ledger = v
            elif a == '--tree':
                tree = v
            else:
                page = v
        elif a in ('-h', '--help'):
            print(__doc__)
            return 0
        elif not a.startswith('-'):
            dirs.append(a)
        else:
            print(f'doclinks: unknown option {a}', file=sys.stderr)
            return 2
    if not lint and not dirs and not page:
        print(__doc__, file=sys.stderr)
        return 2
    if tree is None:
        t = os.path.join(CACHE, 'tree')
        tree = t if os.path.isdir(t) else None

    refs, targets, rows, problems, used = parse_ledger(ledger)
    rel = os.path.relpath(ledger)
    bad = 0
    for line, msg in problems:
        print(f'{rel}:{line}: {msg}')
        bad += 1

    rd = [r for r in refs if r.uri and r.uri.startswith('rustdoc/')]
    for r in refs:
        if r.uri and not r.uri.startswith('rustdoc/') and not re.match(r'^\w+:', r.uri):
            print(f'{rel}:{r.line}: {r.where()}: relative link {r.uri} is not into rustdoc/ '
                  '(the page is Documentation/output/rust/mm-locking.html, rustdoc is '
                  'Documentation/output/rust/rustdoc/)')
            bad += 1
    for name, (line, uri) in sorted(targets.items(), key=lambda kv: kv[1][0]):
        if not uri.startswith('rustdoc/'):
            continue
        if name not in used:
            print(f'{rel}:{line}: warning: target "{name}" is not referenced')
    uris = sorted({r.uri for r in rd})
    syntax = {u: check_syntax(u) for u in uris}
    for u in uris:
        if syntax[u]:
            users = ', '.join(sorted({r.row or f'line {r.line}' for r in rd if r.uri == u}))
            print(f'{rel}: {u}: {syntax[u]} (used by {users})')
            bad += 1

    unverified = 0
    if lint:
        src = Sources(tree)
        for u in uris:
            if syntax[u]:
                continue
            r = lint_item(src, u)
            if r is None:
                continue
            users = ', '.join(sorted({x.row or f'line {x.line}' for x in rd if x.uri == u}))
            if isinstance(r, tuple):
                unverified += 1
                print(f'{rel}: {u}: unverified: {r[1]} (used by {users})')
            else:
                bad += 1
                print(f'{rel}: {u}: {r} (used by {users})')

    checked_dirs = []
    for d in dirs:
        root, rendered = rustdoc_root(d)
        if root is None:
            print(f'doclinks: {d}: no rustdoc output here (no kernel/index.html in it, in '
                  'rust/rustdoc/ or in Documentation/output/rust/rustdoc/); run make rustdoc')
            bad += 1
            continue
        checked_dirs.append(root)
        for u in uris:
            if syntax[u]:
                continue
            path, _, anchor = u[len('rustdoc/'):].partition('#')
            why = check_target(os.path.join(root, path), anchor)
            if why:
                users = ', '.join(sorted({x.row or f'line {x.line}' for x in rd if x.uri == u}))
                print(f'{rel}: {u}: {why} (used by {users})')
                bad += 1
        if rendered and not page:
            # A page rendered before the ledger last changed is another ledger: make docs
            # renders it again (and this check then runs on it); --html checks any page.
            if os.path.getmtime(rendered) >= os.path.getmtime(ledger):
                page = rendered
            else:
                print(f'doclinks: {rendered} is older than {rel}: not checked (make docs)')
    if page:
        text = open(page, encoding='utf-8', errors='replace').read()
        hrefs = [html.unescape(h) for h in re.findall(r'<a [^>]*href="(rustdoc/[^"]*)"', text)]
        base = os.path.dirname(os.path.abspath(page))
        for h in sorted(set(hrefs)):
            path, _, anchor = h.partition('#')
            why = check_target(os.path.join(base, path), anchor)
            if why:
                print(f'{page}: href {h}: {why}')
                bad += 1
        if len(hrefs) != len(rd):
            print(f'{page}: {len(hrefs)} rustdoc links rendered, {len(rd)} in {rel} '
                  '(is the page built from this ledger?)')
            bad += 1

    linked = [row for row in rows if row != 'ID' and
              any(r.row == row and r.cell == 5 for r in rd)]
    real_rows = [row for row in rows if row != 'ID']
    if verbose:
        for row in real_rows:
            if row not in linked:
                print(f'{rel}: {row}: no rustdoc link in its Enforcement cell')
    mode = []
    if lint:
        mode.append('sources' + ('' if tree else ' (no kernel tree)'))
    mode += checked_dirs
    if page:
        mode.append(os.path.relpath(page))
    print(f'doclinks: {len(rd)} rustdoc links to {len(uris)} targets; '
          f'{len(linked)} of {len(real_rows)} rows linked; checked against '
          f'{", ".join(mode) or "syntax only"}: {bad} failing'
          + (f', {unverified} unverified' if unverified else ''), file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
