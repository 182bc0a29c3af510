#!/bin/bash
# make lint: rustfmt, clippy, rustdoc (no warnings in our files), checkpatch on our patches.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
"$REPO/scripts/setup.sh"
"$REPO/scripts/prepare.sh"
"$REPO/scripts/build.sh"
build_lock
ours='rust/kernel/(mm|miscdevice)|rust/helpers/mm|samples/rust/rust_m|drivers/android/binder'
fail=0

stage "rustfmtcheck"
if ! kmake RUSTFMT="$HOME/.cargo/bin/rustfmt" rustfmtcheck >"$LOGDIR/rustfmt.log" 2>&1; then
	cat "$LOGDIR/rustfmt.log" | head -n 40; echo "rustfmt: FAILED"; fail=1
fi

stage "clippy (CLIPPY=1)"
# Force the Rust objects to be re-checked by clippy.
touch "$TREE/rust/kernel/lib.rs"
kmake CLIPPY=1 bzImage >"$LOGDIR/clippy.log" 2>&1 || { tail -n 30 "$LOGDIR/clippy.log"; fail=1; }
if grep -E "^(warning|error)" -A6 "$LOGDIR/clippy.log" | grep -qE "$ours"; then
	grep -E "^(warning|error)" -A6 "$LOGDIR/clippy.log" | head -n 60; echo "clippy: warnings in our files"; fail=1
fi
touch "$TREE/rust/kernel/lib.rs"

stage "rustdoc"
kmake rustdoc >"$LOGDIR/rustdoc.log" 2>&1 || { tail -n 30 "$LOGDIR/rustdoc.log"; fail=1; }
if grep -E "^(warning|error)" -A6 "$LOGDIR/rustdoc.log" | grep -qE "$ours"; then
	grep -E "^(warning|error)" -A6 "$LOGDIR/rustdoc.log" | head -n 60; echo "rustdoc: warnings in our files"; fail=1
fi

stage "ledger: rustdoc links resolve"
python3 "$REPO/scripts/doclinks.py" "$BUILD" >"$LOGDIR/doclinks.log" 2>&1 || { tail -n 20 "$LOGDIR/doclinks.log"; fail=1; }

stage "line length of our Rust files"
# checkpatch's limit (100 columns), which rustfmt does not enforce on comments; the series'
# checkpatch would find it, this names the file and line.
long=$(find "$REPO/rust" "$REPO/samples/rust" "$REPO/tools/testing/rust" -name '*.rs' -print0 |
	xargs -0 awk 'length($0) > 100 { print FILENAME ":" FNR ": " length($0) " columns" }')
[ -z "$long" ] || { echo "${long//"$REPO"\//}"; echo "line length: FAILED"; fail=1; }

stage "checkpatch over our C files"
for f in "$REPO"/samples/rust/*.c; do
	if ! (cd "$TREE" && perl scripts/checkpatch.pl --no-tree --strict -q -f "$f"); then
		echo "checkpatch: ${f#"$REPO"/} FAILED"; fail=1
	fi
done

stage "checkpatch over patches/"
for p in "$REPO"/patches/*.patch; do
	if ! (cd "$TREE" && perl scripts/checkpatch.pl --no-tree --strict -q --ignore FILE_PATH_CHANGES "$p"); then
		echo "checkpatch: $(basename "$p") FAILED"; fail=1
	fi
done
[ $fail = 0 ] && stage "lint clean" || die "lint found problems (logs in $LOGDIR)"
