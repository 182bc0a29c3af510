#!/bin/bash
# Format our Rust files with the kernel's rustfmt settings: run the kernel's `make rustfmt` on
# the prepared tree and copy our files (overlay files and the patched files under .work/) back.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
"$REPO/scripts/prepare.sh"
kmake RUSTFMT="$HOME/.cargo/bin/rustfmt" rustfmt >"$LOGDIR/rustfmt.log" 2>&1 ||
	{ tail -n 20 "$LOGDIR/rustfmt.log"; die "rustfmt failed"; }
cd "$REPO"
{ find rust samples tools -name '*.rs'; [ -d .work ] && (cd .work && find . -name '*.rs' | sed 's|^\./||'); } |
while read -r f; do
	dst="$f"; [ -f ".work/$f" ] && dst=".work/$f"
	if [ -f "$TREE/$f" ] && ! cmp -s "$TREE/$f" "$dst"; then cp "$TREE/$f" "$dst"; echo "formatted $f"; fi
done
[ -d .work ] && python3 "$REPO/scripts/patches.py" refresh
exit 0
