#!/bin/bash
# Install the toolchain the kernel build needs. Idempotent: skips what is present.
# See ../shared/TOOLCHAIN.md for why each piece is what it is.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS="linux-source-6.12 rustc-web rust-web-src rust-web-clippy clang-19 libclang-19-dev lld-19 llvm-19 \
qemu-system-x86 flex bison bc libelf-dev libssl-dev cpio busybox-static rsync"
BINDGEN_VERSION=0.73.2

missing=()
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		die "cannot install packages (need root and apt-get). Install these Debian packages: ${missing[*]}
and then: cargo install bindgen-cli --locked --version $BINDGEN_VERSION"
	fi
	stage "installing Debian packages: ${missing[*]}"
	log="$LOGDIR/apt.log"
	if ! (export DEBIAN_FRONTEND=noninteractive
	      apt-get update && apt-get install -y --no-install-recommends "${missing[@]}") >"$log" 2>&1; then
		tail -n 30 "$log"
		die "apt-get failed (log: $log). Install these Debian packages by hand: ${missing[*]}"
	fi
fi

if ! "$BINDGEN" --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
	command -v cargo >/dev/null || die "cargo not found; install bindgen-cli $BINDGEN_VERSION by hand (cargo install bindgen-cli --locked --version $BINDGEN_VERSION)"
	stage "installing bindgen-cli $BINDGEN_VERSION (cargo install)"
	log="$LOGDIR/bindgen-install.log"
	if ! cargo install bindgen-cli --locked --version "$BINDGEN_VERSION" >"$log" 2>&1; then
		tail -n 30 "$log"
		die "cargo install bindgen-cli failed (log: $log)"
	fi
fi
stage "toolchain ready: $(/usr/bin/rustc --version), $("$BINDGEN" --version)"
