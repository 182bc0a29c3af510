#!/bin/bash
# Boot the built kernel in QEMU (TCG) with a busybox initramfs.
# Built-in KUnit suites run during boot; then /init runs the userspace test
# programs found in the initramfs (if any) and powers off.
# Usage: boot.sh LOGFILE [MODE]   (MODE=test|run|bench|mmst, passed to /init)
# KERNEL= boots another kernel image, USERSPACE= stages another directory as /tests, BOOT_ARGS=
# adds to the kernel command line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log="$1"; mode="${2:-test}"
kernel="${KERNEL:-$BUILD/$IMAGE}"
userspace="${USERSPACE:-$CACHE/userspace$ASUFFIX}"
[ -f "$kernel" ] || die "no kernel at $kernel (build first)"
[ -x "$BUSYBOX" ] || die "no busybox at $BUSYBOX (run make setup)"

# Initramfs: busybox, our /init and whatever scripts/userspace.sh staged.
root="$CACHE/initramfs-$(basename "$userspace")"
rm -rf "$root" && mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,tests}
cp "$BUSYBOX" "$root/bin/busybox"
for app in sh mount echo cat ls sleep reboot mkdir uname grep sed seq timeout tee tail; do
	ln -s busybox "$root/bin/$app"
done
cp "$REPO/scripts/init.sh" "$root/init" && chmod +x "$root/init"
if [ -d "$userspace" ]; then
	cp -a "$userspace/." "$root/tests/"
fi
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$root.cpio.gz"

# arm64: the virt machine (PSCI: reboot -f ends QEMU with -no-reboot); pauth-impdef=on replaces
# the architected pointer-authentication cipher, slow under TCG, with QEMU's own.
case "$ARCH" in
arm64) qemu=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on) console=ttyAMA0 ;;
*) qemu=(qemu-system-x86_64 -cpu max -bios /usr/share/qemu/qboot.rom) console=ttyS0 ;;
esac
# Kernels with hugetlb (rust_mm.kunitconfig) get huge pages for the KUnit test that maps one.
hugepages=""
grep -qx 'CONFIG_HUGETLB_PAGE=y' "$BUILD/.config" 2>/dev/null && hugepages=" hugepages=4"
stage "booting in QEMU (TCG, $ARCH, mode=$mode; log: $log)"
set +e
timeout "${BOOT_TIMEOUT:-1200}" "${qemu[@]}" \
	-accel tcg -smp "${SMP:-4}" -m 2048 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$root.cpio.gz" \
	-append "console=$console panic=-1 oops=panic rdinit=/init$hugepages rust_mm.mode=$mode${STORM_SECONDS:+ rust_mm.storm_seconds=$STORM_SECONDS}${FLAVOUR:+ rust_mm.flavour=$FLAVOUR}${BOOT_ARGS:+ $BOOT_ARGS}" \
	${QEMU_EXTRA:-} \
	</dev/null >"$log" 2>&1
rc=$?
set -e
[ $rc = 124 ] && echo "QEMU timed out after ${BOOT_TIMEOUT:-1200}s" >>"$log"
stage "QEMU exited ($rc)"
exit 0
