#!/bin/bash
# Build the userspace programs of the rust-mmap sample devices (static, for the
# busybox initramfs) into $CACHE/userspace, which boot.sh copies to /tests, and
# write the scripts /init runs there by mode: test.sh, run.sh, bench.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT="$CACHE/userspace"
SRCDIR="$REPO/tools/testing/selftests/rust_mmap"
# kselftest_harness.h from the kernel tree (or the pristine source).
KSFT="$TREE/tools/testing/selftests"
[ -f "$KSFT/kselftest_harness.h" ] || KSFT="$SRC/linux-source-6.12/tools/testing/selftests"
[ -f "$KSFT/kselftest_harness.h" ] || die "no kselftest_harness.h (run scripts/prepare.sh first)"
command -v gcc >/dev/null || die "gcc not found"

# The sources include "../kselftest_harness.h" as in-tree selftests do: build
# them in a directory laid out like tools/testing/selftests.
work="$CACHE/userspace.build"
rm -rf "$work" && mkdir -p "$work/selftests/rust_mmap"
cp "$KSFT/kselftest_harness.h" "$KSFT/kselftest.h" "$work/selftests/"
cp "$SRCDIR"/*.c "$work/selftests/rust_mmap/"

rm -rf "$OUT" && mkdir -p "$OUT"
CFLAGS="-static -O2 -pthread -Wall -Werror -I$REPO/include/uapi"
for prog in rust_mmap_test rust_mmap_bench rust_mmap_demo; do
	gcc $CFLAGS -o "$OUT/$prog" "$work/selftests/rust_mmap/$prog.c" ||
		die "building $prog failed"
done

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
echo "rust-mm: bench end"
SH
chmod +x "$OUT"/*.sh
stage "userspace programs ready: $OUT"
