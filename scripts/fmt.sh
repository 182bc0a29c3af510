#!/bin/bash
# Format our Rust files with the kernel's rustfmt settings.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$REPO"
find rust samples tools -name '*.rs' -print0 |
	xargs -0 "$HOME/.cargo/bin/rustfmt" --config-path "$SRC/linux-source-6.12/.rustfmt.toml" --edition 2021
