#!/bin/bash
# make test: set up, build, boot, run every test tier, summarise.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
"$REPO/scripts/setup.sh"
"$REPO/scripts/prepare.sh"
"$REPO/scripts/build.sh"
extra=()
if [ -x "$REPO/scripts/userspace.sh" ]; then "$REPO/scripts/userspace.sh"; fi
if [ -x "$REPO/scripts/compile_fail.sh" ]; then
	"$REPO/scripts/compile_fail.sh" "$LOGDIR/compile-fail.results"
	extra+=("$LOGDIR/compile-fail.results")
fi
log="$LOGDIR/qemu-test.log"
"$REPO/scripts/boot.sh" "$log" test
# The ledger's claims are about the configuration we ship: checked on the default x86-64 kernel
# only (a flavour skips the tests of features it lacks, e.g. per-VMA locks; the zero-cost checks
# it cites are x86-64's).
if [ -z "$FLAVOUR$ASUFFIX" ] && [ -x "$REPO/scripts/ledger.py" ]; then
	python3 "$REPO/scripts/ledger.py" "$log" "${extra[@]}" >"$LOGDIR/ledger.results" || true
	extra+=("$LOGDIR/ledger.results")
fi
stage "results (kernel log: $log)"
if ! python3 "$REPO/scripts/results.py" "$log" "${extra[@]}"; then
	echo "--- last lines of $log ---"
	grep -v "^\s*$" "$log" | tail -n 40
	exit 1
fi
