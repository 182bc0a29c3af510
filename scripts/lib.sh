# Common settings for our scripts. Sourced, not executed.
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/rust-mm-locking"
LOGDIR="$CACHE/logs"
SRC="$CACHE/src"            # pristine kernel source (unpacked once)
TREE="$CACHE/tree"          # pristine + our overlay + patches
BUILD="$CACHE/build"        # O= build directory
BINDGEN="${BINDGEN:-$HOME/.cargo/bin/bindgen}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KVER_WANT="7.3"
LLVM_VER=22
KPKG="linux-source-$KVER_WANT"   # Debian package with the kernel source
KSUITE="trixie-backports"       # the Debian suite that has it
mkdir -p "$LOGDIR"
export LIBCLANG_PATH=/usr/lib/llvm-$LLVM_VER/lib
export PATH="/usr/bin:$PATH"

_T0=${_T0:-$(date +%s)}
export _T0
stage() { printf '==> [%4ss] %s\n' "$(( $(date +%s) - _T0 ))" "$*"; }
die() { echo "error: $*" >&2; exit 1; }

# make invocation for the kernel tree
kmake() {
	make -C "$TREE" O="$BUILD" ARCH="$ARCH" LLVM=-$LLVM_VER RUSTC=/usr/bin/rustc HOSTRUSTC=/usr/bin/rustc \
		RUSTDOC=/usr/bin/rustdoc BINDGEN="$BINDGEN" -j"$(nproc)" "$@"
}
# The Debian packages among "$@" that are not installed, space-separated.
debs_missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || printf '%s ' "$p"
	done
}
# Installs Debian packages "$2"... (log: $LOGDIR/$1.log). Returns 2 without root or apt-get, 1 if
# apt-get fails (after showing the log's end): the caller says what that means for it.
apt_install() {
	local log="$LOGDIR/$1.log"
	shift
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 2
	stage "installing Debian packages: $*"
	(export DEBIAN_FRONTEND=noninteractive
	 apt-get update && apt-get install -y --no-install-recommends "$@") >"$log" 2>&1 ||
		{ tail -n 30 "$log"; echo "(apt-get failed; log: $log)"; return 1; }
}
# Take the build-directory lock exclusively for the rest of the calling script:
# compile_fail.sh reads the build directory under the same lock, shared, and must not see a
# half-written kernel crate. A no-op if this process already holds it.
build_lock() {
	local lock="${KBUILD_LOCK:-/tmp/kbuild-$(basename "$BUILD").lock}" fd
	for fd in /proc/$$/fd/*; do [ "$(readlink "$fd" 2>/dev/null)" = "$lock" ] && return 0; done
	[ -e "$lock" ] || : >>"$lock"
	exec 8<"$lock"
	flock -x 8
}
# Repository directories that mirror kernel-tree paths.
OVERLAY_DIRS="rust samples Documentation tools include"
if [ -n "${KDIR:-}" ]; then
	TREE="$CACHE/tree-kdir"
	BUILD="$CACHE/build-kdir"
fi
# ARCH=arm64: the kernel cross-built for 64-bit Arm (scripts/rust_mm.arm64.kunitconfig over the
# base configuration) and booted on QEMU's virt machine, in its own build and log directories;
# the userspace programs are cross-built into their own directories (ASUFFIX), and the
# initramfs gets Debian's arm64 busybox (setup.sh downloads it).
ARCH="${ARCH:-x86}"
case "$ARCH" in
x86 | x86_64)
	ARCH=x86 IMAGE=arch/x86/boot/bzImage ASUFFIX= BUSYBOX=/bin/busybox ;;
arm64)
	IMAGE=arch/arm64/boot/Image ASUFFIX=-arm64 BUSYBOX="$CACHE/busybox-arm64/bin/busybox"
	BUILD="$BUILD-arm64" LOGDIR="$LOGDIR/arm64"
	mkdir -p "$LOGDIR" ;;
*) die "unsupported ARCH=$ARCH (x86 or arm64)" ;;
esac
# NOINLINE=1: a second build directory whose kernel calls the C helpers out of line.
if [ "${NOINLINE:-0}" = 1 ]; then BUILD="$BUILD-noinline"; fi
# FLAVOUR=debug|novma: another kernel, configured with scripts/rust_mm.$FLAVOUR.kunitconfig over
# the base configuration, in its own build and log directories (make test-debug, test-novma).
FLAVOUR="${FLAVOUR:-}"
if [ -n "$FLAVOUR" ]; then
	[ -f "$REPO/scripts/rust_mm.$FLAVOUR.kunitconfig" ] && [ "$FLAVOUR" != arm64 ] || die "unknown FLAVOUR=$FLAVOUR"
	BUILD="$BUILD-$FLAVOUR"
	LOGDIR="$LOGDIR/$FLAVOUR"
	mkdir -p "$LOGDIR"
fi
# The pristine twin of a build: the unpatched source ($TREE/.pristine) built in $2 from the
# .config of the build in $1 (olddefconfig drops our sample options, nothing else), for the
# comparisons that need upstream as it is (make mm-selftests, make bench BINDER_BASELINE=1).
# Prints the configuration differences; logs go to $3.
build_pristine_twin() {
	local ours="$1" pbuild="$2" logs="$3"
	mkdir -p "$pbuild" "$logs"
	(
		TREE="$(cat "$TREE/.pristine")" BUILD="$pbuild"
		build_lock
		if ! cmp -s "$ours/.config" "$pbuild/.config.ours"; then
			stage "configuring the pristine kernel from $ours/.config"
			cp "$ours/.config" "$pbuild/.config"
			kmake olddefconfig >"$logs/pristine-config.log" 2>&1 ||
				{ tail -n 20 "$logs/pristine-config.log"; die "olddefconfig failed"; }
			cp "$ours/.config" "$pbuild/.config.ours"
		fi
		stage "configuration differences, ours (<) and pristine (>):"
		diff <(grep '^CONFIG_' "$ours/.config") <(grep '^CONFIG_' "$pbuild/.config") | grep '^[<>]' || true
		stage "building the pristine kernel in $pbuild (log: $logs/pristine-build.log)"
		kmake bzImage >"$logs/pristine-build.log" 2>&1 ||
			{ tail -n 30 "$logs/pristine-build.log"; die "pristine kernel build failed"; }
	)
}
