#!/bin/bash
# Configure (from scripts/rust_mm.kunitconfig) and build the kernel in $BUILD.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KCONF="$REPO/scripts/rust_mm.kunitconfig"
build_lock
mkdir -p "$BUILD"
if [ "${NOINLINE:-0}" = 1 ]; then
	# The same kernel with the C helpers called out of line (for make bench NOINLINE=1).
	sed 's/^CONFIG_RUST_INLINE_HELPERS=y$/# CONFIG_RUST_INLINE_HELPERS is not set/' "$KCONF" >"$BUILD/.kunitconfig.want"
	KCONF="$BUILD/.kunitconfig.want"
fi
# The base configuration with the architecture's fragment (ARCH=arm64), then the flavour's, over
# it: options a fragment names (set or "is not set") are dropped from what it goes over first.
for part in ${ASUFFIX:+$ARCH} $FLAVOUR; do
	frag="$REPO/scripts/rust_mm.$part.kunitconfig"
	names=$(sed -nE 's/^(# )?(CONFIG_[A-Za-z0-9_]+)[= ].*/\2/p' "$frag" | sort -u)
	{
		grep -vE "^(# )?($(echo $names | tr ' ' '|'))[= ]" "$KCONF"
		echo "# --- $(basename "$frag") ---"
		cat "$frag"
	} >"$BUILD/.kunitconfig.$part"
	KCONF="$BUILD/.kunitconfig.$part"
done
# Every option we ask for must be in .config, and every "is not set" one absent (a make run
# with another rustc can silently turn CONFIG_RUST off, so this is checked every time).
config_ok() {
	local line opt bad=0
	while read -r line; do
		case "$line" in
		CONFIG_*) grep -qx "$line" "$BUILD/.config" 2>/dev/null && continue ;;
		"# CONFIG_"*" is not set")
			opt=${line#"# "}; opt=${opt%" is not set"}
			grep -q "^$opt=" "$BUILD/.config" 2>/dev/null || continue ;;
		*) continue ;;
		esac
		[ "${1:-}" = quiet ] || echo "config: $line did not stick" >&2
		bad=1
	done <"$KCONF"
	return $bad
}
if ! cmp -s "$KCONF" "$BUILD/.kunitconfig" || ! config_ok quiet; then
	stage "configuring from $(basename "$KCONF")"
	cp "$KCONF" "$BUILD/.config"
	kmake olddefconfig >"$LOGDIR/config.log" 2>&1 || { tail -n 30 "$LOGDIR/config.log"; die "olddefconfig failed"; }
	config_ok || die "kernel configuration incomplete (is Rust available? see $LOGDIR/config.log; try: make -C $TREE O=$BUILD ARCH=$ARCH LLVM=-$LLVM_VER RUSTC=/usr/bin/rustc BINDGEN=$BINDGEN rustavailable)"
	cp "$KCONF" "$BUILD/.kunitconfig"
fi

log="$LOGDIR/build.log"
stage "building kernel (log: $log)"
if ! kmake "$@" "$(basename "$IMAGE")" >"$log" 2>&1; then
	grep -E "error(\[E[0-9]+\])?:|Error [0-9]" -A12 "$log" | head -n 80 || true
	echo "--- tail of $log ---"; tail -n 25 "$log"
	die "kernel build failed (full log: $log)"
fi
# Warnings in our own files fail the build of the project.
if grep -nE "^(warning|error)" -A4 "$log" | grep -E "rust/kernel/(mm|kunit)|samples/rust/rust_mmap|rust/helpers/mm" >/dev/null; then
	grep -nE "^warning" -A6 "$log" | head -n 60
	die "the build printed warnings in our files (log: $log)"
fi
config_ok || die "the build changed the configuration (see $log)"
stage "kernel built: $BUILD/$IMAGE"
