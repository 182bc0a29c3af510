#!/bin/bash
# Boot the built kernel in QEMU (TCG) with a busybox initramfs.
# Built-in KUnit suites run during boot; then /init runs the userspace test
# programs found in the initramfs (if any) and powers off.
# Usage: boot.sh LOGFILE [MODE]   (MODE=test|run|bench|mmst, passed to /init)
# KERNEL= boots another bzImage, USERSPACE= stages another directory as /tests, BOOT_ARGS=
# adds to the kernel command line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log="$1"; mode="${2:-test}"
kernel="${KERNEL:-$BUILD/arch/x86/boot/bzImage}"
userspace="${USERSPACE:-$CACHE/userspace}"
[ -f "$kernel" ] || die "no kernel at $kernel (build first)"

# Initramfs: busybox, our /init and whatever scripts/userspace.sh staged.
root="$CACHE/initramfs-$(basename "$userspace")"
rm -rf "$root" && mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,tests}
cp /bin/busybox "$root/bin/busybox"
for app in sh mount echo cat ls sleep reboot mkdir uname grep sed seq timeout tee tail; do
	ln -s busybox "$root/bin/$app"
done
cp "$REPO/scripts/init.sh" "$root/init" && chmod +x "$root/init"
if [ -d "$userspace" ]; then
	cp -a "$userspace/." "$root/tests/"
fi
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$root.cpio.gz"

stage "booting in QEMU (TCG, mode=$mode; log: $log)"
set +e
timeout "${BOOT_TIMEOUT:-1200}" qemu-system-x86_64 \
	-accel tcg -cpu max -smp "${SMP:-4}" -m 2048 -nographic -no-reboot \
	-bios /usr/share/qemu/qboot.rom \
	-kernel "$kernel" -initrd "$root.cpio.gz" \
	-append "console=ttyS0 panic=-1 oops=panic rdinit=/init rust_mm.mode=$mode${STORM_SECONDS:+ rust_mm.storm_seconds=$STORM_SECONDS}${FLAVOUR:+ rust_mm.flavour=$FLAVOUR}${BOOT_ARGS:+ $BOOT_ARGS}" \
	${QEMU_EXTRA:-} \
	</dev/null >"$log" 2>&1
rc=$?
set -e
[ $rc = 124 ] && echo "QEMU timed out after ${BOOT_TIMEOUT:-1200}s" >>"$log"
stage "QEMU exited ($rc)"
exit 0
