#!/bin/bash
# make rust-analyzer: the kernel's own generator (make rust-analyzer) writes rust-project.json for
# the tree we build, our files included (the kernel crate's mm modules, the samples, Binder);
# it is copied to the tree's root, where an editor opened on $TREE finds it. Then a check with
# rust-analyzer's command line: Debian's rust-web-analyzer, the same 1.96 release as the
# rustc-web that builds the kernel, runs `diagnostics` over the whole project, and
# scripts/ra_check.py sets the diagnostics in our files against those in upstream's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
"$REPO/scripts/setup.sh"
"$REPO/scripts/prepare.sh"
"$REPO/scripts/build.sh"
RA=/usr/bin/rust-analyzer
# Debian's rust-web-analyzer matches rustc-web.
if [ ! -x "$RA" ]; then
	apt_install apt-ra rust-web-analyzer || die "rust-analyzer missing: install Debian's rust-web-analyzer"
fi
stage "$("$RA" --version) for $(/usr/bin/rustc --version)"
(build_lock && kmake rust-analyzer >"$LOGDIR/rust-analyzer.log" 2>&1) ||
	{ tail -n 20 "$LOGDIR/rust-analyzer.log"; die "make rust-analyzer failed"; }
cp "$BUILD/rust-project.json" "$TREE/rust-project.json"
stage "wrote $TREE/rust-project.json (open $TREE in the editor)"
stage "rust-analyzer diagnostics over the project (a few minutes; log: $LOGDIR/ra-diagnostics.log)"
# The tool exits non-zero when it finds any error anywhere; ra_check.py judges the output.
"$RA" diagnostics "$BUILD" >"$LOGDIR/ra-diagnostics.log" 2>"$LOGDIR/ra-diagnostics.err" || true
python3 "$REPO/scripts/ra_check.py" "$LOGDIR/ra-diagnostics.log" "$CACHE/overlay.manifest" "$TREE" "$BUILD"
