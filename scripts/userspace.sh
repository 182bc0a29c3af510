#!/bin/bash
# Build the userspace test programs (static, for the busybox initramfs) into
# $CACHE/userspace, which boot.sh copies to /tests, and write the scripts /init
# runs there by mode: test.sh, run.sh, bench.sh. The programs: the rust-mmap
# sample devices' selftests, demo and benchmark; binder_test (Rust Binder);
# the kernel's own binderfs selftest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT="$CACHE/userspace$ASUFFIX"
SRCDIR="$REPO/tools/testing/selftests/rust_mmap"
BINDER_SRC="$REPO/tools/testing/selftests/rust_binder"
# The pristine kernel source the tree was copied from (prepare.sh records it).
PRISTINE="$(cat "$TREE/.pristine" 2>/dev/null || true)"
# kselftest_harness.h and the binderfs selftest from the kernel tree (or the pristine source).
KSFT="$TREE/tools/testing/selftests"
[ -f "$KSFT/kselftest_harness.h" ] || KSFT="$PRISTINE/tools/testing/selftests"
[ -f "$KSFT/kselftest_harness.h" ] || die "no kselftest_harness.h (run scripts/prepare.sh first)"
BINDERFS_TEST="$KSFT/filesystems/binderfs/binderfs_test.c"
[ -f "$BINDERFS_TEST" ] || die "no $BINDERFS_TEST"
# ARCH=arm64: cross-built (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross).
CC=gcc
[ "$ARCH" = arm64 ] && CC=aarch64-linux-gnu-gcc
command -v $CC >/dev/null || die "$CC not found (run make setup)"

# The kernel's exported uapi headers (linux/android/binder.h and binderfs.h
# are newer than the build machine's): headers_install from the tree into the
# cache, out of tree (O=) so that the tree stays clean for its own O= build;
# redone when a uapi header of the tree changed.
UAPI="$CACHE/uapi$ASUFFIX"
HDRSRC="$TREE"
[ -f "$HDRSRC/Makefile" ] || HDRSRC="$PRISTINE"
stamp="$UAPI/.installed-from"
if [ ! -f "$UAPI/include/linux/android/binder.h" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$HDRSRC" ] ||
	[ -n "$(find "$HDRSRC/include/uapi" "$HDRSRC/arch/$ARCH/include/uapi" -newer "$stamp" -print -quit 2>/dev/null)" ]; then
	stage "installing the kernel uapi headers into $UAPI"
	rm -rf "$UAPI" "$UAPI.build"
	make -s -C "$HDRSRC" O="$UAPI.build" ARCH="$ARCH" headers_install INSTALL_HDR_PATH="$UAPI" \
		>"$LOGDIR/uapi.log" 2>&1 || { tail -n 20 "$LOGDIR/uapi.log"; die "headers_install failed (log: $LOGDIR/uapi.log)"; }
	echo "$HDRSRC" >"$stamp"
fi

# The sources include "../kselftest_harness.h" (ours) or "kselftest_harness.h"
# (binderfs) as in-tree selftests do: build them in a directory laid out like
# tools/testing/selftests.
work="$OUT.build"
rm -rf "$work" && mkdir -p "$work/selftests/rust_mmap" "$work/selftests/rust_binder" \
	"$work/selftests/filesystems/binderfs"
cp "$KSFT/kselftest_harness.h" "$KSFT/kselftest.h" "$work/selftests/"
cp "$SRCDIR"/*.c "$work/selftests/rust_mmap/"
cp "$BINDER_SRC"/*.c "$work/selftests/rust_binder/"
cp "$BINDERFS_TEST" "$work/selftests/filesystems/binderfs/"

rm -rf "$OUT" && mkdir -p "$OUT"
CFLAGS="-static -O2 -pthread -Wall -Werror -I$REPO/include/uapi -isystem $UAPI/include"
for prog in rust_mmap_test rust_mmap_bench rust_mmap_demo rust_mm_bench_ops rust_mmap_storm; do
	$CC $CFLAGS -o "$OUT/$prog" "$work/selftests/rust_mmap/$prog.c" ||
		die "building $prog failed"
done
$CC $CFLAGS -o "$OUT/binder_test" "$work/selftests/rust_binder/binder_test.c" ||
	die "building binder_test failed"
# Upstream's test, built as its Makefile does (no -Werror: it has unused variables).
$CC -static -O2 -pthread -Wall -Wno-unused-variable -isystem "$UAPI/include" -I"$work/selftests" \
	-o "$OUT/binderfs_test" "$work/selftests/filesystems/binderfs/binderfs_test.c" ||
	die "building binderfs_test failed"

# make test: the selftests against each device, then whether both agree.
cat >"$OUT/test.sh" <<'SH'
#!/bin/sh
cd /tests
ran=""
for d in rust c; do
	dev=/dev/$d-mmap
	[ -e $dev ] || { echo "rust-mm: $dev not present"; continue; }
	echo "rust-mm: suite selftests-$d"
	./rust_mmap_test $dev >/tmp/selftests-$d.log 2>&1
	cat /tmp/selftests-$d.log
	# Per-test outcome lines, for the comparison below.
	grep -E '^(not )?ok [0-9]+ ' /tmp/selftests-$d.log >/tmp/results-$d.txt
	ran="$ran $d"
done
if [ "$ran" = " rust c" ]; then
	echo "rust-mm: suite rust-c-agreement"
	echo "TAP version 13"
	echo "1..1"
	if [ -s /tmp/results-c.txt ] && [ "$(cat /tmp/results-rust.txt)" = "$(cat /tmp/results-c.txt)" ]; then
		echo "ok 1 identical_results"
	else
		grep -vxF -f /tmp/results-c.txt /tmp/results-rust.txt | sed 's/^/# rust: /'
		grep -vxF -f /tmp/results-rust.txt /tmp/results-c.txt | sed 's/^/# c:    /'
		echo "not ok 1 identical_results"
	fi
fi

# The storm: N threads x T seconds of random mmap/munmap/mremap/mprotect/madvise/fork and
# hostile ioctls per device, every result checked against a model of the ABI (make storm runs
# it long); then a deterministic single-thread sequence whose digest both devices must share.
for d in rust c; do
	dev=/dev/$d-mmap
	[ -e $dev ] || continue
	echo "rust-mm: suite storm-$d"
	./rust_mmap_storm $dev -t ${STORM_THREADS:-2} -s ${STORM_SECONDS:-10} >/tmp/storm-$d.log 2>&1
	cat /tmp/storm-$d.log
	echo "rust-mm: suite storm-det-$d"
	./rust_mmap_storm $dev -d >/tmp/storm-det-$d.log 2>&1
	cat /tmp/storm-det-$d.log
done
if [ -e /dev/rust-mmap ] && [ -e /dev/c-mmap ]; then
	echo "rust-mm: suite storm-agreement"
	echo "TAP version 13"
	echo "1..1"
	r=$(grep '^# storm-deterministic:' /tmp/storm-det-rust.log)
	c=$(grep '^# storm-deterministic:' /tmp/storm-det-c.log)
	if [ -n "$r" ] && [ "$r" = "$c" ]; then
		echo "ok 1 identical_digest"
	else
		echo "# rust: $r"
		echo "# c:    $c"
		echo "not ok 1 identical_digest"
	fi
fi

# Rust Binder (CONFIG_ANDROID_BINDER_IPC_RUST): binder_test mounts its
# binderfs at /dev/binderfs and runs transactions, the shrinker and hostile
# remaps; then the kernel's binderfs selftest.
# Uptime in centiseconds (/proc/uptime has two decimals), and as seconds.
now_cs() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}"; }
secs() { echo "$(($1 / 100)).$(($1 % 100 / 10))$(($1 % 10))"; }
t0=$(now_cs)
echo "rust-mm: suite binder"
# The debug kernel (KASAN under TCG) is about 15 times slower: longer waits in the storm, and
# a longer storm so that every kind of death still happens in it.
if [ "$RUST_MM_FLAVOUR" = debug ]; then
	export BINDER_STORM_WAIT_MS=30000 BINDER_STORM_SECONDS=20
fi
./binder_test >/tmp/binder.log 2>&1
cat /tmp/binder.log
t1=$(now_cs)
echo "# binder_test: $(secs $((t1 - t0))) s"

# binderfs_stress and binderfs_test_unprivileged unshare a user namespace and
# sync over an AF_UNIX socketpair: without those in the kernel they are
# reported as skipped rather than run (they could only fail).
echo "rust-mm: suite binderfs"
why=""
[ -e /proc/self/ns/user ] || why="needs user namespaces (CONFIG_USER_NS)"
[ -e /proc/net/unix ] || why="${why:+$why, }needs AF_UNIX sockets (CONFIG_UNIX)"
skip=""
[ -n "$why" ] && skip="binderfs_stress binderfs_test_unprivileged"
set --
for t in $skip; do set -- "$@" -T "$t"; done
./binderfs_test "$@" >/tmp/binderfs.log 2>&1
nskip=0
for t in $skip; do nskip=$((nskip + 1)); done
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' /tmp/binderfs.log)
plan=${plan:-0}
sed "s/^1\.\.$plan\$/1..$((plan + nskip))/" /tmp/binderfs.log
n=$plan
for t in $skip; do
	n=$((n + 1))
	echo "ok $n global.$t # SKIP $why"
done
t2=$(now_cs)
echo "# binderfs_test: $(secs $((t2 - t1))) s; binder tier: $(secs $((t2 - t0))) s"

# The debug kernel (CONFIG_DEBUG_KMEMLEAK): after every test, scan for leaked kernel memory
# twice (an object must stay unreferenced across scans to be reported); any leak fails.
mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo "rust-mm: suite kmemleak"
	echo "TAP version 13"
	echo "1..1"
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >/tmp/kmemleak.txt
	n=$(grep -c "^unreferenced object" /tmp/kmemleak.txt)
	head -n 80 /tmp/kmemleak.txt | sed 's/^/# /'
	echo "# kmemleak: $n unreferenced objects"
	if [ "$n" = 0 ]; then echo "ok 1 no_leaks"; else echo "not ok 1 no_leaks"; fi
fi
SH

# make storm SECONDS=N: the storm alone, long, with more threads, on both devices.
cat >"$OUT/storm.sh" <<'SH'
#!/bin/sh
cd /tests
for d in rust c; do
	echo "rust-mm: suite storm-$d"
	./rust_mmap_storm /dev/$d-mmap -t ${STORM_THREADS:-8} -s ${STORM_SECONDS:-60}
done
SH

# make run: a short transcript.
cat >"$OUT/run.sh" <<'SH'
#!/bin/sh
/tests/rust_mmap_demo
SH

# make bench: Rust against C.
cat >"$OUT/bench.sh" <<'SH'
#!/bin/sh
echo "rust-mm: bench start"
/tests/rust_mmap_bench ${RUST_MMAP_BENCH_ROUNDS:-30}
/tests/rust_mm_bench_ops ${RUST_MMAP_BENCH_ROUNDS:-30} || echo "# rust_mm_bench_ops: exit status $?"
/tests/binderbench.sh
echo "rust-mm: bench end"
SH
# make bench: Binder round trips alone (also the pristine kernel's run, BINDER_BASELINE=1).
cat >"$OUT/binderbench.sh" <<'SH'
#!/bin/sh
/tests/binder_test --bench ${RUST_MMAP_BENCH_ROUNDS:-30} || echo "# binder bench: exit status $?"
SH
chmod +x "$OUT"/*.sh
stage "userspace programs ready: $OUT"
