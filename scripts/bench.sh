#!/bin/bash
# make bench: set up, build, boot in bench mode and print the benchmark of
# /dev/rust-mmap against its C twin /dev/c-mmap (medians, ns per operation).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
"$REPO/scripts/setup.sh"
"$REPO/scripts/prepare.sh"
"$REPO/scripts/build.sh"
"$REPO/scripts/userspace.sh"
log="$LOGDIR/qemu-bench.log"
"$REPO/scripts/boot.sh" "$log" bench
out="$(sed -E 's/^\[\s*[0-9.]+\] ?//' "$log" | tr -d '\r' |
	sed -n '/^rust-mm: bench start/,/^rust-mm: bench end/p' | sed '1d;$d')"
[ -n "$out" ] || { grep -v "^\s*$" "$log" | tail -n 30; die "no benchmark output (log: $log)"; }
echo
echo "$out"
echo
echo "(TCG emulation: compare the ratios, not the absolute numbers; full log: $log)"
