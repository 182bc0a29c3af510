#!/bin/bash
# make mm-selftests: the kernel's own tools/testing/selftests/mm on the debug kernel with our
# code built in, and on a pristine 7.3 kernel built from the same .config (our sample options
# drop out, nothing else). Pass/fail/skip counts must be equal test by test, and neither log
# may carry a kernel report. Long (a second debug kernel, two boots): not part of .ci/run.
set -euo pipefail
export FLAVOUR=debug
. "$(dirname "$0")/lib.sh"

# Programs that build statically from the pristine source and need no network, fast ones
# first, each with its time limit in seconds (TCG, debug kernel).
TESTS="map_fixed_noreplace:90 mremap_dontunmap:90 mdwe_test:90 madv_populate:90
mlock2-tests:90 mseal_test:90 mkdirty:90 mremap_test:150 gup_longterm:150 cow:300
uffd-unit-tests:900"

"$REPO/scripts/setup.sh"
"$REPO/scripts/prepare.sh"
"$REPO/scripts/build.sh"
"$REPO/scripts/userspace.sh"   # also installs the uapi headers into $CACHE/uapi
OURS="$BUILD"
PRISTINE="$(cat "$TREE/.pristine")"
PBUILD="$CACHE/build-pristine-debug"
OUT="$LOGDIR/mm-selftests"
mkdir -p "$OUT"

build_pristine_twin "$OURS" "$PBUILD" "$OUT"

# The selftests, static, from the pristine source (check_config.sh's result without liburing).
MM="$PRISTINE/tools/testing/selftests/mm"
stage "building the mm selftests from $MM"
work="$CACHE/mmst"
rm -rf "$work" && mkdir -p "$work/gen" "$work/tests"
echo "// No liburing support found" >"$work/gen/local_config.h_gen"
for spec in $TESTS; do
	t=${spec%%:*}
	extra="vm_util.c hugepage_settings.c"
	[ "$t" = uffd-unit-tests ] && extra="$extra uffd-common.c"
	(cd "$MM" && gcc -static -Wall -O2 -U_FORTIFY_SOURCE -I "$PRISTINE" -I "$MM/.." -I "$work/gen" \
		-isystem "$CACHE/uapi/include" -isystem "$PRISTINE/tools/include/uapi" \
		"$t.c" $extra -lrt -lpthread -lm -o "$work/tests/$t") >"$work/gen/$t.log" 2>&1 ||
		{ cat "$work/gen/$t.log"; die "building $t failed"; }
done

# /tests/mmst.sh, run by /init in mode mmst: each program under its limit, then one line
# "mmst: NAME pass= fail= skip= rc=" from its kselftest totals.
{
	echo '#!/bin/sh'
	echo "TESTS=\"$(echo $TESTS)\""
	cat <<'SH'
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm
echo 32 >/proc/sys/vm/nr_hugepages
cd /tmp
for spec in $TESTS; do
	n=${spec%%:*}; limit=${spec##*:}
	echo "mmst: start $n (limit ${limit}s, uptime $(cut -d' ' -f1 /proc/uptime))"
	timeout "$limit" "/tests/$n" >/tmp/out 2>&1
	rc=$?
	cat /tmp/out
	tot=$(grep '^# Totals:' /tmp/out | tail -n 1)
	p=$(echo "$tot" | sed -n 's/.* pass:\([0-9]*\).*/\1/p')
	f=$(echo "$tot" | sed -n 's/.* fail:\([0-9]*\).*/\1/p')
	s=$(echo "$tot" | sed -n 's/.* skip:\([0-9]*\).*/\1/p')
	echo "mmst: $n pass=${p:--} fail=${f:--} skip=${s:--} rc=$rc"
done
echo "mmst: done (uptime $(cut -d' ' -f1 /proc/uptime))"
SH
} >"$work/tests/mmst.sh"
chmod +x "$work/tests/mmst.sh"

for k in ours pristine; do
	kernel="$OURS/arch/x86/boot/bzImage"
	[ $k = pristine ] && kernel="$PBUILD/arch/x86/boot/bzImage"
	KERNEL="$kernel" USERSPACE="$work/tests" BOOT_TIMEOUT=2400 \
		"$REPO/scripts/boot.sh" "$OUT/$k.log" mmst
done
python3 "$REPO/scripts/mmst_compare.py" "$OUT/ours.log" "$OUT/pristine.log"
