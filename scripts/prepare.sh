#!/bin/bash
# Obtain the kernel source (once), then lay our overlay and patch series over a
# copy of it. Files whose content did not change keep their mtime, so Kbuild
# only rebuilds what we touched.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ -n "${KDIR:-}" ]; then
	[ -f "$KDIR/Makefile" ] || die "KDIR=$KDIR is not a kernel tree"
	PRISTINE="$(cd "$KDIR" && pwd)"
else
	PRISTINE="$SRC/linux-source-6.12"
	if [ ! -f "$PRISTINE/Makefile" ]; then
		tarball=/usr/src/linux-source-6.12.tar.xz
		[ -f "$tarball" ] || die "$tarball missing: install Debian package linux-source-6.12 (make setup)"
		stage "unpacking $tarball into $SRC (once)"
		rm -rf "$SRC.tmp" && mkdir -p "$SRC.tmp"
		tar xf "$tarball" -C "$SRC.tmp"
		rm -rf "$SRC" && mv "$SRC.tmp" "$SRC"
	fi
fi

kver="$(make -s -C "$PRISTINE" kernelversion 2>/dev/null)"
case "$kver" in
6.12|6.12.*) ;;
*) die "kernel at $PRISTINE is version '$kver'; this project supports only 6.12.x (use a v6.12.y tree or unset KDIR)";;
esac

if [ ! -f "$TREE/Makefile" ] || [ "$(cat "$TREE/.pristine" 2>/dev/null)" != "$PRISTINE" ]; then
	stage "copying $PRISTINE ($kver) to $TREE"
	rm -rf "$TREE"
	rsync -a --exclude .git "$PRISTINE/" "$TREE/"
	echo "$PRISTINE" >"$TREE/.pristine"
	rm -rf "$BUILD"
fi

# Stage = pristine copies of the files our patches touch + our overlay files.
STAGE="$CACHE/stage"
rm -rf "$STAGE" && mkdir -p "$STAGE"
for p in "$REPO"/patches/*.patch; do
	[ -e "$p" ] || continue
	for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p"); do
		if [ ! -e "$STAGE/$f" ] && [ -e "$PRISTINE/$f" ]; then
			mkdir -p "$STAGE/$(dirname "$f")"
			cp -p "$PRISTINE/$f" "$STAGE/$f"
		fi
	done
	patch -s -p1 -d "$STAGE" --no-backup-if-mismatch <"$p" ||
		die "patch $(basename "$p") does not apply to $PRISTINE"
done
for d in $OVERLAY_DIRS; do
	[ -d "$REPO/$d" ] && rsync -a "$REPO/$d" "$STAGE/"
done

# Files we placed last time but no longer provide: restore or remove.
manifest="$CACHE/overlay.manifest"
(cd "$STAGE" && find . -type f | sort) >"$manifest.new"
if [ -f "$manifest" ]; then
	comm -23 "$manifest" "$manifest.new" | while read -r f; do
		if [ -e "$PRISTINE/$f" ]; then cp -p "$PRISTINE/$f" "$TREE/$f"; else rm -f "$TREE/$f"; fi
	done
fi
mv "$manifest.new" "$manifest"
rsync -a --checksum "$STAGE/" "$TREE/"
stage "kernel tree ready: $TREE ($kver + $(ls "$REPO"/patches/*.patch 2>/dev/null | wc -l) patches + overlay)"
