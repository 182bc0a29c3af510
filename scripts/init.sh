#!/bin/sh
# /init of the test initramfs. KUnit has already run (built-in suites run at boot).
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mode=$(sed -n 's/.*rust_mm\.mode=\([a-z]*\).*/\1/p' /proc/cmdline)
# make storm SECONDS=N: the storm's length, passed on the kernel command line.
STORM_SECONDS=$(sed -n 's/.*rust_mm\.storm_seconds=\([0-9]*\).*/\1/p' /proc/cmdline)
export STORM_SECONDS
# The kernel flavour of make test-FLAVOUR (tests that depend on it skip with a reason).
RUST_MM_FLAVOUR=$(sed -n 's/.*rust_mm\.flavour=\([a-z]*\).*/\1/p' /proc/cmdline)
export RUST_MM_FLAVOUR
echo "rust-mm: userspace start (mode=$mode)"
if [ -x "/tests/$mode.sh" ]; then
	"/tests/$mode.sh"
fi
echo "rust-mm: userspace done"
# -no-reboot makes QEMU exit on reboot (the kunit config has no ACPI power-off).
reboot -f
