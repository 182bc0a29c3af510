#!/bin/bash
# Compile-fail tests: type-check every tools/testing/rust/compile_fail/*.rs as a crate against
# the real built `kernel` crate, with the rustc command line Kbuild recorded for a Rust object.
#
#   scripts/compile_fail.sh [RESULTS_FILE [NAME...]]
#
# Files named ok_*.rs are controls: they must compile without errors or warnings. Every other
# file is a case: rustc must fail, every error must carry the code of the file's
# `// expect-error: E0xxx` header, and each `// expect-message: <fragment>` must appear in
# rustc's diagnostics (source lines it quotes excluded). Each file also needs a `// rule:`
# header, and each case a control: ok_<case>.rs, the one named by `// control: ok_<name>`, or
# one generated from the case's misuse markers. A marker ends a line of code:
#
#   drop(mmap); // misuse                          the control drops the line
#   mm.mmap_read_lock(&mut ctx); // misuse: mm.mmap_read_trylock(&mut ctx)?;
#                                                  the control has the code after `misuse: `
#
# A case with markers and no explicit control gets ok_<case>: the case with each marked line
# replaced or dropped (left empty, so that line numbers match the case's) and its `expect-`
# headers blanked, written to the work dir (a copy goes to the logs) and checked as any
# control; another case may name it with `// control:`. Markers are refused in a case that has
# an explicit control, and in controls. Only top-level *.rs files are tests: subdirectories
# (support/) hold files they `include!`, linked beside the generated controls.
# `// emit: obj` makes rustc also run codegen (for errors raised only at monomorphisation);
# the default is --emit=metadata (parse, types, traits, borrowck, lints: no codegen).
#
# The command is the rustc part of $BUILD/samples/rust/.rust_minimal.o.cmd (Kbuild appends
# `; llvm-link ...; clang ...` with inlined helpers) with only these words replaced: the
# driver (-> /usr/bin/rustc), --crate-name, --out-dir, --emit=..., and the input file. It runs
# from $BUILD (the paths in it are relative to it) with Kbuild's RUSTC_BOOTSTRAP=1 and the
# environment assignments of the recorded line. As a check of that, the recorded input
# (rust_minimal.rs) is replayed first as control `kbuild_rust_minimal`. The exact command is
# saved next to the results, in <RESULTS>.logs/, together with each file's rustc output.
#
# Writes `compile-fail <cases|controls> <name> pass|fail` lines to RESULTS_FILE (default
# $LOGDIR/compile-fail.results); NAMEs restrict the run to those files (a case's name also runs
# its generated control; ok_<case> alone runs only that). Always exits 0, unless
# called wrongly: scripts/results.py decides. Holds /tmp/kbuild.lock shared while it reads the
# build directory (skipped if this process already has the lock open, e.g. `flock
# /tmp/kbuild.lock make test`).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CASEDIR="${CF_DIR:-$REPO/tools/testing/rust/compile_fail}"   # CF_DIR: to test the harness itself
[ -d "$CASEDIR" ] && CASEDIR="$(cd "$CASEDIR" && pwd)"   # rustc runs in $BUILD
RESULTS="${1:-$LOGDIR/compile-fail.results}"
[ $# -gt 0 ] && shift
ONLY=("$@")
CMDFILE="$BUILD/samples/rust/.rust_minimal.o.cmd"
RUSTC=/usr/bin/rustc
LOCK="${KBUILD_LOCK:-/tmp/kbuild-$(basename "$BUILD").lock}"
JOBS="${CF_JOBS:-$(nproc)}"
case "$RESULTS" in *.results) LOGS="${RESULTS%.results}.logs" ;; *) LOGS="$RESULTS.logs" ;; esac

t0=$(date +%s%N)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/compile-fail.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
GEN="$WORK/gen"   # generated controls
mkdir -p "$WORK/res" "$WORK/log" "$WORK/out" "$GEN" "$(dirname "$RESULTS")"

# Harness-level failure: record it (so the summary fails) and stop.
harness_fail() {
	echo "compile-fail: FAIL harness: $*" >&2
	echo "compile-fail harness $1 fail" >"$RESULTS"
	exit 0
}

# --- Lock: keep concurrent rebuilds from changing the build dir under us --------------------
held=
for fd in /proc/$$/fd/*; do
	[ "$(readlink "$fd" 2>/dev/null)" = "$LOCK" ] && held=1
done
if [ -z "$held" ]; then
	[ -e "$LOCK" ] || : >>"$LOCK"
	exec 9<"$LOCK"
	if ! flock -n -s 9; then
		echo "compile-fail: waiting for $LOCK (a kernel build is running)"
		flock -s -w "${CF_LOCK_TIMEOUT:-1800}" 9 || harness_fail lock "timed out waiting for $LOCK"
	fi
fi

# --- The recorded Kbuild command --------------------------------------------------------------
[ -f "$CMDFILE" ] || harness_fail kbuild_cmd "$CMDFILE missing: build the kernel first (make build)"
line="$(sed -n 's/^savedcmd_[^ ]* := //p' "$CMDFILE")"
[ -n "$line" ] || harness_fail kbuild_cmd "no savedcmd line in $CMDFILE"
line="${line//\$\$/\$}"            # make-cmd escaping: $$ -> $, \# -> #
line="${line//\\#/#}"
# With CONFIG_RUST_INLINE_HELPERS the recorded line goes on with `; llvm-link ...; clang ...`
# (linking the C helpers' bitcode in); only the rustc command before the first `;` is ours.
line="${line%%;*}"
eval "words=($line)" || harness_fail kbuild_cmd "cannot split the command of $CMDFILE"

# KENV: the VAR=value prefix; KPRE/KPOST: flags before/after the input file (NAME, OUT and the
# emit flags are filled in per file).
KENV=(RUSTC_BOOTSTRAP=1) KPRE=() KPOST=() driver= input= seen=
for ((i = 0; i < ${#words[@]}; i++)); do
	a="${words[i]}"
	if [ -z "$driver" ]; then
		if [[ $a =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then KENV+=("$a"); else driver="$a"; fi
		continue
	fi
	case "$a" in
	--crate-name | --out-dir) seen+=" $a"; i=$((i + 1)) ;;
	--emit=*) seen+=" --emit" ;;
	--emit | -o) harness_fail kbuild_cmd "unexpected '$a' in $CMDFILE" ;;
	-*) if [ -n "$input" ]; then KPOST+=("$a"); else KPRE+=("$a"); fi ;;
	@*) if [ -n "$input" ]; then KPOST+=("$a"); else KPRE+=("$a"); fi ;;
	*.rs) [ -z "$input" ] || harness_fail kbuild_cmd "two inputs in $CMDFILE"; input="$a" ;;
	*) if [ -n "$input" ]; then KPOST+=("$a"); else KPRE+=("$a"); fi ;;
	esac
done
case "$(basename "$driver")" in rustc | clippy-driver) ;; *)
	harness_fail kbuild_cmd "driver '$driver' in $CMDFILE is not rustc/clippy-driver" ;;
esac
for want in --out-dir --emit; do
	[[ "$seen" == *"$want"* ]] || harness_fail kbuild_cmd "no $want in $CMDFILE"
done
[ -n "$input" ] || harness_fail kbuild_cmd "no input file in $CMDFILE"
flags=" ${KPRE[*]} ${KPOST[*]} "
for want in "--extern kernel" "-L ./rust/" "--target=" "@./include/generated/rustc_cfg" "--edition="; do
	[[ "$flags" == *" $want"* ]] || harness_fail kbuild_cmd "'$want' missing from $CMDFILE"
done

# rustc_cmd NAME SOURCE OUTDIR EMIT: sets CMD to the command for one file.
rustc_cmd() {
	local emit="--emit=metadata=$3/lib$1.rmeta"
	[ "$4" = obj ] && emit="--emit=obj=$3/$1.o"
	CMD=(env "${KENV[@]}" "$RUSTC" "${KPRE[@]}" --crate-name "$1" --out-dir "$3" "$emit" "$2" "${KPOST[@]}")
}

# Keep the exact command for the record (and for reproducing a case by hand).
rustc_cmd '<name>' '<file.rs>' '<outdir>' metadata
{
	echo "# from $CMDFILE (driver was: $driver); run in $BUILD"
	printf '%q ' "${CMD[@]}"
	echo
	echo "# recorded by Kbuild:"
	sed -n 's/^savedcmd_[^ ]* := //p' "$CMDFILE"
} >"$WORK/log/kbuild-rustc.cmd"

# --- Misuse markers ---------------------------------------------------------------------------
# MARKED: a line of code (not a comment line) with something like a marker; MARKER: a well-formed
# one, `// misuse` or `// misuse: <code>` at the end of the line.
MARKED='^[[:space:]]*[^[:space:]/].*//[[:space:]]*misuse'
MARKER='^[[:space:]]*[^[:space:]/].*[[:space:]]// misuse(: .*[^[:space:]])?$'

# gen_control CASE OUT: the control of a marked case. Marked lines are replaced by their code
# (indentation kept) or emptied, and `expect-` headers by `//`, so line numbers stay the case's.
gen_control() {
	sed -E -e 's#^// expect-[a-z]+:.*$#//#' \
		-e 's#^([[:space:]]*)[^[:space:]/].*[[:space:]]// misuse: (.*[^[:space:]])$#\1\2#' \
		-e 's#^[[:space:]]*[^[:space:]/].*[[:space:]]// misuse$##' "$1" >"$2"
}

# --- One file --------------------------------------------------------------------------------
# run_one KIND NAME FILE: writes "pass|fail <reason>" to $WORK/res/KIND.NAME and rustc's stderr
# to $WORK/log/NAME.stderr.
run_one() {
	local kind="$1" name="$2" file="$3" res="$WORK/res/$1.$2" err="$WORK/log/$2.stderr"
	local out="$WORK/out/$name" rc codes want msgs emit control bad
	mkdir -p "$out"
	if [ "$kind" != kbuild ]; then
		grep -q '^// rule: ' "$file" || { echo "fail no '// rule:' header" >"$res"; return; }
		[[ $name =~ ^[a-z][a-z0-9_]*$ ]] || { echo "fail file name is not a crate name" >"$res"; return; }
	fi
	want="$(sed -n 's|^// expect-error: *\(E[0-9]\{4\}\) *$|\1|p' "$file")"
	emit="$(sed -n 's|^// emit: *\([a-z]*\) *$|\1|p' "$file")"
	if [ "$kind" = cases ]; then
		[ "$(grep -c '^// expect-error:' "$file")" = 1 ] && [ -n "$want" ] ||
			{ echo "fail needs one '// expect-error: E0xxx' header" >"$res"; return; }
		grep -q '^// expect-message: .' "$file" ||
			{ echo "fail no '// expect-message:' header" >"$res"; return; }
		control="$(sed -n 's|^// control: *\([a-z0-9_]*\) *$|\1|p' "$file")"
		if grep -qE "$MARKED" "$file"; then
			bad="$(grep -E "$MARKED" "$file" | grep -vE "$MARKER" | head -n 1)"
			[ -z "$bad" ] ||
				{ echo "fail malformed misuse marker: ${bad#"${bad%%[![:space:]]*}"}" >"$res"; return; }
			[ -z "$control" ] && [ ! -e "$CASEDIR/ok_$name.rs" ] ||
				{ echo "fail misuse markers and an explicit control: keep one" >"$res"; return; }
		fi
		control="${control:-ok_$name}"
		[ -f "$CASEDIR/$control.rs" ] || [ -f "$GEN/$control.rs" ] ||
			{ echo "fail no control $control.rs (name one with '// control:', or mark the misuse)" >"$res"; return; }
	elif grep -q '^// expect-' "$file"; then
		echo "fail a control (ok_*) must not have expect- headers" >"$res"
		return
	elif [ "$kind" = controls ] && grep -qE "$MARKED" "$file"; then
		echo "fail a control must not have misuse markers" >"$res"
		return
	fi
	[ "$kind" = zero-cost ] && emit=obj
	rustc_cmd "$name" "$file" "$out" "${emit:-metadata}"
	(cd "$BUILD" && "${CMD[@]}") >"$err" 2>&1 </dev/null
	rc=$?
	if [ "$kind" = zero-cost ]; then
		same_code "$name" "$file" "$out/$name.o" "$rc" >"$res"
		return
	fi
	if [ "$kind" != cases ]; then
		if [ $rc -ne 0 ]; then
			echo "fail does not compile (rustc exit $rc)" >"$res"
		elif grep -q '^warning' "$err"; then
			echo "fail compiles with warnings" >"$res"
		else
			echo "pass compiles cleanly" >"$res"
		fi
		return
	fi
	if [ $rc -eq 0 ]; then
		echo "fail compiles, expected $want" >"$res"
		return
	elif [ $rc -ne 1 ]; then
		echo "fail rustc exit $rc (crash?), expected $want" >"$res"
		return
	fi
	codes="$(grep -oE '^error\[E[0-9]{4}\]' "$err" | sed 's/^error\[\(.*\)\]$/\1/' | sort -u | tr '\n' ' ')"
	bad="$(grep -E '^error(:|\[)' "$err" | grep -vE "^error\[$want\]|^error: aborting due to" | head -n 1)"
	if [ -n "$bad" ]; then
		echo "fail other error besides $want: $bad" >"$res"
		return
	fi
	[ "$codes" = "$want " ] || { echo "fail expected $want, got: ${codes:-no error code}" >"$res"; return; }
	# Diagnostics without the source lines rustc quotes ("NN | code").
	grep -vE '^ *[0-9]+ *\|' "$err" >"$err.diag"
	while IFS= read -r msgs; do
		grep -qF -- "$msgs" "$err.diag" || { echo "fail $want, but no message '$msgs'" >"$res"; return; }
	done < <(sed -n 's|^// expect-message: *||p' "$file" | sed 's/ *$//')
	echo "pass $want: $(sed -n 's|^// expect-message: *||p' "$file" | head -n 1)" >"$res"
}

# same_code NAME FILE OBJ RC: for `cost_*.rs` files. Their `// same-code: A B` header names two
# #[no_mangle] functions, one using the lock tokens and one calling the same C functions
# directly; they must compile to the same instructions (addresses, symbol offsets and alignment
# padding aside). A `// same-calls: A B` header (with a `// why:` line saying why the code is
# not identical) asks only for the same callees (a rotated loop has two call sites of one) and
# as many instructions, give
# or take four (the residue is register allocation and block layout; the diff is in the log).
same_code() {
	local a b da db mode=code
	# Relocations (lines of their own in the listing) and those of calls: x86-64, arm64.
	local reloc='R_(X86_64|AARCH64)_' calls='_(PLT32|CALL26|JUMP26)'
	read -r a b < <(sed -n 's|^// same-code: *||p' "$2")
	if [ -z "$a" ]; then
		read -r a b < <(sed -n 's|^// same-calls: *||p' "$2")
		mode=calls
		grep -q '^// why: ' "$2" || { echo "fail '// same-calls:' without a '// why:' line"; return; }
	fi
	[ "$4" -eq 0 ] || { echo "fail does not compile (rustc exit $4)"; return; }
	[ -n "$a" ] && [ -n "$b" ] || { echo "fail no '// same-code: A B' header"; return; }
	disasm() {
		"llvm-objdump-$LLVM_VER" -d -r --no-show-raw-insn --no-leading-addr --disassemble-symbols="$1" "$3" |
			sed -n '/^<'"$1"'>:/,$p' | tail -n +2 | sed -E 's/<[^>]*>//g; s/0x[0-9a-f]+//g; s/^[[:space:]]+//' |
			sed -E '/^'"$reloc"'/s/[+-]$//' | grep -vE '^$|^nop|^int3'
	}
	da="$(disasm "$a" "" "$3")"
	db="$(disasm "$b" "" "$3")"
	[ -n "$da" ] && [ -n "$db" ] || { echo "fail $a or $b not found in the object"; return; }
	local na nb
	na=$(grep -vEc "$reloc" <<<"$da")
	nb=$(grep -vEc "$reloc" <<<"$db")
	if [ "$da" = "$db" ]; then
		echo "pass $a and $b: identical, $na instructions each"
	elif [ "$mode" = calls ] && [ $((na - nb)) -le 4 ] && [ $((nb - na)) -le 4 ] &&
		[ "$(grep -E "$calls" <<<"$da" | sort -u)" = "$(grep -E "$calls" <<<"$db" | sort -u)" ]; then
		echo "pass $a and $b: same $(grep -E "$calls" <<<"$da" | sort -u | wc -l) callees, $na and $nb instructions (layout differs: see log)"
		diff <(echo "$da") <(echo "$db") | head -n 20 >"$WORK/log/$1.stderr"
	else
		echo "fail $a ($(grep -vEc "$reloc" <<<"$da") insns) differs from $b ($(grep -vEc "$reloc" <<<"$db") insns)"
		diff <(echo "$da") <(echo "$db") | head -n 20 >"$WORK/log/$1.stderr"
		echo "$da" >"$WORK/log/$1.$a.s"
		echo "$db" >"$WORK/log/$1.$b.s"
	fi
}

# --- Run -------------------------------------------------------------------------------------
selected() {
	[ ${#ONLY[@]} -eq 0 ] && return 0
	local n
	for n in "${ONLY[@]}"; do [ "$n" = "$1" ] || [ "$n" = "$1.rs" ] && return 0; done
	return 1
}
launch() {
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
	run_one "$@" &
}
# Generated controls first, all of them: a case may name another case's generated control. The
# subdirectories are linked beside them, for `include!("support/...")`.
for d in "$CASEDIR"/*/; do
	[ -d "$d" ] && ln -s "${d%/}" "$GEN/"
done
for f in "$CASEDIR"/*.rs; do
	[ -e "$f" ] || continue
	name="$(basename "$f" .rs)"
	case "$name" in ok_* | cost_*) continue ;; esac
	# With an explicit control, markers are refused (run_one); nothing is generated.
	grep -qE "$MARKER" "$f" && ! grep -q '^// control:' "$f" && [ ! -e "$CASEDIR/ok_$name.rs" ] &&
		gen_control "$f" "$GEN/ok_$name.rs"
done
ngen="$(find "$GEN" -maxdepth 1 -name '*.rs' | wc -l)"
stage "compile-fail: $(find "$CASEDIR" -maxdepth 1 -name '*.rs' 2>/dev/null | wc -l) files (+$ngen generated controls), rustc flags of ${CMDFILE#"$BUILD"/}, $JOBS jobs"
selected kbuild_rust_minimal && launch kbuild kbuild_rust_minimal "$input"
for f in "$CASEDIR"/*.rs; do
	[ -e "$f" ] || continue
	name="$(basename "$f" .rs)"
	if [ -f "$GEN/ok_$name.rs" ] && { selected "$name" || selected "ok_$name"; }; then
		cp "$GEN/ok_$name.rs" "$WORK/log/"   # kept in the logs, next to its rustc output
		launch controls "ok_$name" "$GEN/ok_$name.rs"
	fi
	selected "$name" || continue
	case "$name" in
	ok_*) launch controls "$name" "$f" ;;
	# The zero-cost checks are about the configuration we ship (no sanitizer instrumentation):
	# a flavour kernel (KASAN, !SMP) compiles the same source to other code on both sides. They
	# are x86-64's, as the benchmarks are; on arm64 (which they can read) all but cost_vmas are
	# identical there too, and cost_vmas shows the iterator copied once per walk (a memcpy).
	cost_*) [ -n "$FLAVOUR$ASUFFIX" ] || launch zero-cost "$name" "$f" ;;
	*) launch cases "$name" "$f" ;;
	esac
done
wait

: >"$WORK/results"
npass=0 nfail=0
for kind in kbuild controls cases zero-cost; do
	for r in "$WORK"/res/"$kind".*; do
		[ -e "$r" ] || continue
		name="${r##*/"$kind".}"
		read -r status reason <"$r"
		suite="$kind"; [ "$kind" = kbuild ] && suite=controls
		echo "compile-fail $suite $name $status" >>"$WORK/results"
		if [ "$status" = pass ]; then
			npass=$((npass + 1))
			printf 'PASS %-9s %-42s %s\n' "$suite" "$name" "$reason"
		else
			nfail=$((nfail + 1))
			printf 'FAIL %-9s %-42s %s\n' "$suite" "$name" "$reason"
			if [ -s "$WORK/log/$name.stderr" ]; then
				grep -m 1 -A 12 -E '^(error|warning)' "$WORK/log/$name.stderr" | sed 's/^/    | /'
			fi
		fi
	done
done
rm -f "$WORK"/log/*.diag
mv "$WORK/results" "$RESULTS.tmp.$$" && mv "$RESULTS.tmp.$$" "$RESULTS"
rm -rf "$LOGS.tmp.$$" && cp -r "$WORK/log" "$LOGS.tmp.$$" && rm -rf "$LOGS" && mv "$LOGS.tmp.$$" "$LOGS"
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
stage "compile-fail: $npass passed, $nfail failed in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s (results: $RESULTS, rustc logs and command: $LOGS/)"
exit 0
