#!/bin/bash
# Install the toolchain the kernel build needs, and download the kernel source
# package. Idempotent: skips what is present. See ../shared/TOOLCHAIN.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS="rustc-web rust-web-src rust-web-clippy clang-$LLVM_VER libclang-$LLVM_VER-dev lld-$LLVM_VER \
llvm-$LLVM_VER qemu-system-x86 flex bison bc libelf-dev libssl-dev cpio busybox-static rsync \
xz-utils gcc libc6-dev python3 perl"
# ARCH=arm64: QEMU's aarch64 system emulator and a cross compiler for the userspace programs.
[ "$ARCH" = arm64 ] && PKGS="$PKGS qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
BINDGEN_VERSION=0.73.2

missing=$(debs_missing $PKGS)
if [ -n "$missing" ]; then
	apt_install apt $missing || die "cannot install Debian packages (needs root and apt-get): $missing
Install them by hand, and then: cargo install bindgen-cli --locked --version $BINDGEN_VERSION"
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

mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)

# ARCH=arm64: Debian's static busybox for arm64 (the initramfs's), unpacked into our cache from a
# download through a private sources list and package state for that one architecture (the
# machine's apt configuration and dpkg architectures are not changed).
if [ "$ARCH" = arm64 ] && [ ! -x "$BUSYBOX" ]; then
	D="$CACHE/debsrc-arm64"
	mkdir -p "$D/lists/partial" "$D/cache/archives/partial"
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror:-http://deb.debian.org/debian} ${suite:-bookworm} main" >"$D/sources.list"
	O=(-o "Dir::Etc::sourcelist=$D/sources.list" -o Dir::Etc::sourceparts=/nonexistent
	   -o "Dir::State::Lists=$D/lists" -o "Dir::Cache=$D/cache" -o APT::Sandbox::User=root
	   -o APT::Architecture=arm64 -o APT::Architectures::=arm64)
	stage "downloading busybox-static:arm64 (${suite:-bookworm})"
	rm -f "$D"/busybox-static_*.deb
	(apt-get "${O[@]}" update && cd "$D" && apt-get "${O[@]}" download busybox-static:arm64) \
		>"$LOGDIR/apt-busybox.log" 2>&1 || die "downloading busybox-static:arm64 failed (log: $LOGDIR/apt-busybox.log)"
	rm -rf "$CACHE/busybox-arm64"
	dpkg-deb -x "$D"/busybox-static_*_arm64.deb "$CACHE/busybox-arm64" && [ -x "$BUSYBOX" ] ||
		die "unpacking $(ls "$D"/busybox-static_*_arm64.deb) failed"
fi

# The kernel source: Debian's linux-source-$KVER_WANT, downloaded into our cache
# through a private sources list for the one suite that has it (the machine's
# apt configuration is not changed). Skipped when KDIR= names a tree.
[ -n "${KDIR:-}" ] && exit 0
D="$CACHE/debsrc"
mkdir -p "$D/lists/partial" "$D/cache/archives/partial"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror:-http://deb.debian.org/debian} $KSUITE main" >"$D/sources.list"
O=(-o "Dir::Etc::sourcelist=$D/sources.list" -o Dir::Etc::sourceparts=/nonexistent
   -o "Dir::State::Lists=$D/lists" -o "Dir::Cache=$D/cache" -o APT::Sandbox::User=root)
# Refresh the package list at most once a day: a newer 7.3.y is taken when Debian has it.
if [ -z "$(find "$D/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
	apt-get "${O[@]}" update >"$LOGDIR/apt-kernel.log" 2>&1 || true
fi
ver=$(apt-cache "${O[@]}" show "$KPKG" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n 1 || true)
if [ -z "$ver" ]; then
	have=$(ls "$D"/"${KPKG}"_*.deb 2>/dev/null | tail -n 1 || true)
	[ -n "$have" ] && { stage "$KPKG not listed now; using the cached $(basename "$have")"; exit 0; }
	die "Debian package $KPKG ($KSUITE) is not in the registry (log: $LOGDIR/apt-kernel.log).
Use a v$KVER_WANT.y kernel tree you have instead: make test KDIR=/path/to/linux-$KVER_WANT"
fi
deb="$D/${KPKG}_$(echo "$ver" | sed 's/:/%3a/')_all.deb"
if [ ! -f "$deb" ]; then
	stage "downloading $KPKG $ver"
	rm -f "$D"/"${KPKG}"_*.deb
	(cd "$D" && apt-get "${O[@]}" download "$KPKG") >>"$LOGDIR/apt-kernel.log" 2>&1 ||
		die "downloading $KPKG failed (log: $LOGDIR/apt-kernel.log); or use KDIR=/path/to/linux-$KVER_WANT"
fi
stage "kernel source package: $(basename "$deb")"
