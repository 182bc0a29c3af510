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
	make -C "$TREE" O="$BUILD" LLVM=-$LLVM_VER RUSTC=/usr/bin/rustc HOSTRUSTC=/usr/bin/rustc \
		RUSTDOC=/usr/bin/rustdoc BINDGEN="$BINDGEN" -j"$(nproc)" "$@"
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
# NOINLINE=1: a second build directory whose kernel calls the C helpers out of line.
if [ "${NOINLINE:-0}" = 1 ]; then BUILD="$BUILD-noinline"; fi
# FLAVOUR=debug|novma: another kernel, configured with scripts/rust_mm.$FLAVOUR.kunitconfig over
# the base configuration, in its own build and log directories (make test-debug, test-novma).
FLAVOUR="${FLAVOUR:-}"
if [ -n "$FLAVOUR" ]; then
	[ -f "$REPO/scripts/rust_mm.$FLAVOUR.kunitconfig" ] || die "unknown FLAVOUR=$FLAVOUR"
	BUILD="$BUILD-$FLAVOUR"
	LOGDIR="$LOGDIR/$FLAVOUR"
	mkdir -p "$LOGDIR"
fi
