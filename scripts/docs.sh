#!/bin/bash
# The Rust documentation of our kernel: Sphinx (make htmldocs SPHINXDIRS=rust) and the kernel
# crate's rustdoc (make rustdoc), both written to $BUILD/Documentation/output, where the rules
# ledger's links into rustdoc resolve. Fails on a Sphinx warning from the ledger
# (Documentation/rust/mm-locking.rst, or its entry in the Rust index), on a rustdoc warning in our
# files, and on a ledger link whose rustdoc page or anchor does not exist (scripts/doclinks.py).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Documentation/sphinx/requirements.txt asks for Sphinx, alabaster and pyyaml; 7.3 builds with
# Sphinx 3.4.3 or later (Documentation/doc-guide/sphinx.rst); Debian 12 has 5.3.0.
DOC_PKGS="python3-sphinx python3-alabaster python3-yaml"
missing=$(debs_missing $DOC_PKGS)
if [ -n "$missing" ]; then
	apt_install apt-docs $missing || rc=$?
	if [ "${rc:-0}" = 1 ]; then
		die "Install these Debian packages by hand: $missing"
	elif [ "${rc:-0}" = 2 ] && command -v sphinx-build >/dev/null; then
		stage "using $(command -v sphinx-build) ($(sphinx-build --version 2>&1)); not installed: $missing"
	elif [ "${rc:-0}" = 2 ]; then
		die "no sphinx-build, and cannot install packages (need root and apt-get). Install these Debian packages: $missing
(or Sphinx in a venv: pip install -r Documentation/sphinx/requirements.txt)"
	fi
fi

"$REPO/scripts/setup.sh"
"$REPO/scripts/prepare.sh"
"$REPO/scripts/build.sh"
build_lock
OUT="$BUILD/Documentation/output"
fail=0

# kmake without RUSTDOC=: Documentation/Makefile has a RUSTDOC variable of its own (extra
# arguments of tools/docs/sphinx-build-wrapper), which RUSTDOC=/usr/bin/rustdoc on the command
# line would override ("unrecognized arguments: /usr/bin/rustdoc").
docmake() {
	make -C "$TREE" O="$BUILD" LLVM=-$LLVM_VER RUSTC=/usr/bin/rustc HOSTRUSTC=/usr/bin/rustc \
		BINDGEN="$BINDGEN" -j"$(nproc)" "$@"
}
# The wrapper looks for CONFIG_RUST in the source tree's .config, which an O= build does not
# have: pass the rustdoc tag ourselves, so that the index links the rustdoc built below. -E: read
# every file again; Sphinx repeats no warning of a file it does not re-read.
log="$LOGDIR/htmldocs.log"
stage "htmldocs SPHINXDIRS=rust (log: $log)"
if ! docmake htmldocs SPHINXDIRS=rust SPHINXOPTS="-E -t rustdoc" >"$log" 2>&1; then
	tail -n 30 "$log"
	die "make htmldocs failed (log: $log)"
fi
warn='(WARNING|ERROR|CRITICAL|SEVERE)'
ledger_re='Documentation/rust/mm-locking\.rst|Documentation/rust/index\.rst.*mm-locking'
mine=$(grep -E "$warn" "$log" | grep -E "$ledger_re" || true)
if [ -n "$mine" ]; then
	echo "$mine"
	echo "htmldocs: warnings from the rules ledger"; fail=1
fi
others=$(grep -E "$warn" "$log" | grep -vE "$ledger_re" || true)
if [ -n "$others" ]; then
	echo "htmldocs: $(echo "$others" | wc -l) warning(s) from upstream files and tools (not ours):"
	echo "$others" | cut -c1-200 | sed 's/^/  /'
fi

log="$LOGDIR/docs-rustdoc.log"
stage "rustdoc (log: $log)"
ours='rust/kernel/(mm|miscdevice)|rust/helpers/mm|samples/rust/rust_m|drivers/android/binder'
if ! kmake rustdoc >"$log" 2>&1; then
	tail -n 30 "$log"
	die "make rustdoc failed (log: $log)"
fi
if grep -E "^(warning|error)" -A6 "$log" | grep -E "$ours" >/dev/null; then
	grep -E "^(warning|error)" -A6 "$log" | head -n 60
	echo "rustdoc: warnings in our files"; fail=1
fi

stage "ledger links into rustdoc"
python3 "$REPO/scripts/doclinks.py" "$BUILD" || fail=1

[ $fail = 0 ] || die "documentation problems (logs in $LOGDIR)"
stage "HTML: $OUT/rust/mm-locking.html"
echo "    Rust docs index: $OUT/rust/index.html"
echo "    rustdoc:         $OUT/rust/rustdoc/kernel/mm/index.html"
