#!/bin/bash
# make bench: set up, build, boot in bench mode and print the benchmarks, Rust against the
# same C: the per-operation lock benchmark (/dev/rust-mm-bench vs /dev/c-mm-bench) and the
# device benchmark (/dev/rust-mmap vs /dev/c-mmap). Each table has min/median/max per series
# and, next to the Rust/C ratio, the C/C ratio of a second C series (the A/A noise floor).
# A second boot under QEMU's -icount (virtual time = instructions executed) gives the same
# tables as deterministic counts (BENCH_ICOUNT=0 skips it). The ratios are drawn in
# $LOGDIR/bench.png.
#
# The kernel is the bench flavour (scripts/rust_mm.bench.kunitconfig: no lockdep, no mm
# assertions), booted without KUnit. binder_test --bench times Binder round trips; with
# BINDER_BASELINE=1 a pristine kernel of the same .config (upstream's kernel::mm and Binder)
# is built and booted as well, and the table sets our Binder against it.
set -euo pipefail
export FLAVOUR="${FLAVOUR-bench}"
. "$(dirname "$0")/lib.sh"
"$REPO/scripts/setup.sh"
"$REPO/scripts/prepare.sh"
"$REPO/scripts/build.sh"
"$REPO/scripts/userspace.sh"
if ! python3 -c 'import matplotlib' 2>/dev/null; then
	apt_install apt-bench python3-matplotlib || echo "(python3-matplotlib not installed: no PNG)"
fi
export BOOT_ARGS="kunit.enable=0"
# Boots in mode $2 into log $1 (TCG), then again under -icount, appended after "# icount run".
bench_boots() {
	local all="$1" mode="$2"
	"$REPO/scripts/boot.sh" "${all%.log}-tcg.log" "$mode"
	cp "${all%.log}-tcg.log" "$all"
	if [ "${BENCH_ICOUNT:-1}" = 1 ]; then
		QEMU_EXTRA="-icount shift=0,sleep=off" "$REPO/scripts/boot.sh" "${all%.log}-icount.log" "$mode"
		{ echo "# icount run"; cat "${all%.log}-icount.log"; } >>"$all"
	fi
}
all="$LOGDIR/qemu-bench-all.log"
bench_boots "$all" bench
log="${all%.log}-tcg.log"
binder="$LOGDIR/binder-bench.txt"
if [ "${BINDER_BASELINE:-0}" = 1 ]; then
	pbuild="$CACHE/build-pristine${FLAVOUR:+-$FLAVOUR}"
	build_pristine_twin "$BUILD" "$pbuild" "$LOGDIR/binder-baseline"
	pall="$LOGDIR/qemu-binder-pristine-all.log"
	KERNEL="$pbuild/arch/x86/boot/bzImage" bench_boots "$pall" binderbench
	python3 "$REPO/scripts/binder_bench.py" "$all" "$pall" >"$binder"
else
	python3 "$REPO/scripts/binder_bench.py" "$all" >"$binder"
fi
cat "$binder" >>"$all"
out="$(sed -E 's/^\[\s*[0-9.]+\] ?//' "$log" | tr -d '\r' |
	sed -n '/^rust-mm: bench start/,/^rust-mm: bench end/p' | sed '1d;$d')"
[ -n "$out" ] || { grep -v "^\s*$" "$log" | tail -n 30; die "no benchmark output (log: $log)"; }
echo
echo "$out"
echo
cat "$binder"
echo
python3 "$REPO/scripts/bench_plot.py" --png "$LOGDIR/bench.png" "$all" ||
	die "bench_plot.py found no table in $all"
echo
echo "(TCG emulation: compare the ratios, not the absolute numbers; logs: $all)"
if grep -q "checksum mismatch" "$all"; then
	die "the Rust and C per-op benchmarks differ in what they do (checksum mismatch)"
fi
