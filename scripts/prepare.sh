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
	deb=$(ls "$CACHE"/debsrc/"${KPKG}"_*.deb 2>/dev/null | sort -V | tail -n 1)
	[ -n "$deb" ] || die "no $KPKG package in $CACHE/debsrc: run make setup (or use KDIR=/path/to/linux-$KVER_WANT)"
	PRISTINE="$SRC/$(basename "$deb" .deb | tr "~:+" "___")"
	if [ ! -f "$PRISTINE/Makefile" ]; then
		stage "unpacking $(basename "$deb") into $SRC (once)"
		rm -rf "$SRC" && mkdir -p "$SRC.tmp"
		dpkg-deb --fsys-tarfile "$deb" | tar xO --wildcards './usr/src/linux-source-*.tar.xz' |
			tar xJ -C "$SRC.tmp" || die "unpacking $deb failed"
		mkdir -p "$SRC" && mv "$SRC.tmp"/linux-source-* "$PRISTINE" && rm -rf "$SRC.tmp"
	fi
fi

kver="$(make -s -C "$PRISTINE" kernelversion 2>/dev/null)"
case "$kver" in
"$KVER_WANT"|"$KVER_WANT".*) ;;
*) die "kernel at $PRISTINE is version '$kver'; this project supports only $KVER_WANT.y (use a v$KVER_WANT.y tree or unset KDIR)";;
esac

if [ ! -f "$TREE/Makefile" ] || [ "$(cat "$TREE/.pristine" 2>/dev/null)" != "$PRISTINE" ]; then
	stage "copying $PRISTINE ($kver) to $TREE"
	rm -rf "$TREE"
	rsync -a --exclude .git "$PRISTINE/" "$TREE/"
	echo "$PRISTINE" >"$TREE/.pristine"
	rm -rf "$BUILD"
fi

# Patched files being edited as whole files (scripts/patches.py): fold them back into the
# patches first.
if [ -d "$REPO/.work" ] && [ -f "$TREE/.pristine" ]; then
	python3 "$REPO/scripts/patches.py" refresh
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
