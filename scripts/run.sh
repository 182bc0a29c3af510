#!/bin/bash
# make run: set up, build, boot, and show the project at work.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
"$REPO/scripts/setup.sh"
"$REPO/scripts/prepare.sh"
"$REPO/scripts/build.sh"
if [ -x "$REPO/scripts/userspace.sh" ]; then "$REPO/scripts/userspace.sh"; fi
log="$LOGDIR/qemu-run.log"
"$REPO/scripts/boot.sh" "$log" run
echo
echo "=== Our Rust KUnit suites (kernel::mm on real address spaces) ==="
sed -E 's/^\[\s*[0-9.]+\] ?//' "$log" | awk '
	/^    # Subtest: rust_mm_/ { on = 1 }
	on { print }
	/^ok [0-9]+ rust_mm_|^not ok [0-9]+ rust_mm_/ { on = 0 }' |
	grep -E "Subtest|^    (not )?ok|^(not )?ok|# " | grep -v "^    # module"
echo
echo "=== The kernel's Rust doctests (rust_doctests_kernel) ==="
sed -E 's/^\[\s*[0-9.]+\] ?//' "$log" | grep -E "^(not )?ok [0-9]+ rust_doctests_kernel|# rust_doctests_kernel: pass"
echo
echo "=== Userspace ==="
sed -E 's/^\[\s*[0-9.]+\] ?//' "$log" | sed -n '/rust-mm: userspace start/,/rust-mm: userspace done/p'
echo
echo "(full log: $log)"
