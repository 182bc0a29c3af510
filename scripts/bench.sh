#!/bin/bash
# make bench: set up, build, boot in bench mode and print the benchmarks, Rust against the
# same C: the per-operation lock benchmark (/dev/rust-mm-bench vs /dev/c-mm-bench) and the
# device benchmark (/dev/rust-mmap vs /dev/c-mmap). Each table has min/median/max per series
# and, next to the Rust/C ratio, the C/C ratio of a second C series (the A/A noise floor).
# A second boot under QEMU's -icount (virtual time = instructions executed) gives the same
# tables as deterministic counts (BENCH_ICOUNT=0 skips it). The ratios are drawn in
# $LOGDIR/bench.png.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
"$REPO/scripts/setup.sh"
"$REPO/scripts/prepare.sh"
"$REPO/scripts/build.sh"
"$REPO/scripts/userspace.sh"
if ! python3 -c 'import matplotlib' 2>/dev/null && [ "$(id -u)" = 0 ]; then
	stage "installing python3-matplotlib (for the PNG)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-matplotlib >"$LOGDIR/apt-bench.log" 2>&1 ||
		echo "(python3-matplotlib could not be installed: no PNG; see $LOGDIR/apt-bench.log)"
fi
log="$LOGDIR/qemu-bench.log"
"$REPO/scripts/boot.sh" "$log" bench
all="$LOGDIR/qemu-bench-all.log"
cp "$log" "$all"
if [ "${BENCH_ICOUNT:-1}" = 1 ]; then
	ilog="$LOGDIR/qemu-bench-icount.log"
	QEMU_EXTRA="-icount shift=0,sleep=off" "$REPO/scripts/boot.sh" "$ilog" bench
	{ echo "# icount run"; cat "$ilog"; } >>"$all"
fi
out="$(sed -E 's/^\[\s*[0-9.]+\] ?//' "$log" | tr -d '\r' |
	sed -n '/^rust-mm: bench start/,/^rust-mm: bench end/p' | sed '1d;$d')"
[ -n "$out" ] || { grep -v "^\s*$" "$log" | tail -n 30; die "no benchmark output (log: $log)"; }
echo
echo "$out"
echo
python3 "$REPO/scripts/bench_plot.py" --png "$LOGDIR/bench.png" "$all" ||
	die "bench_plot.py found no table in $all"
echo
echo "(TCG emulation: compare the ratios, not the absolute numbers; logs: $all)"
if grep -q "checksum mismatch" "$all"; then
	die "the Rust and C per-op benchmarks differ in what they do (checksum mismatch)"
fi
