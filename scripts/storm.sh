#!/bin/bash
# make storm SECONDS=N: boot and run only the storm (rust_mmap_storm) against /dev/rust-mmap
# and /dev/c-mmap, 8 threads for N seconds each (default 60); results as for make test.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
"$REPO/scripts/setup.sh"
"$REPO/scripts/prepare.sh"
"$REPO/scripts/build.sh"
"$REPO/scripts/userspace.sh"
export STORM_SECONDS="${SECONDS_ARG:-60}"
log="$LOGDIR/qemu-storm.log"
BOOT_TIMEOUT=$((STORM_SECONDS * 6 + 600)) "$REPO/scripts/boot.sh" "$log" storm
grep -h "^# storm:" <(sed -E 's/^\[\s*[0-9.]+\] ?//' "$log") || true
python3 "$REPO/scripts/results.py" "$log"
