# Front door. See README.md.
.PHONY: all setup prepare build test test-debug test-novma test-bench mm-selftests rust-analyzer storm run lint bench patches patches-check docs fmt clean
all: test

setup:
	@scripts/setup.sh
prepare: setup
	@scripts/prepare.sh
build: prepare
	@scripts/build.sh
test:
	@scripts/test.sh
# The same tiers on the debug kernel (KASAN, KFENCE, kmemleak, ...) and without per-VMA locks.
test-debug:
	@FLAVOUR=debug scripts/test.sh
test-novma:
	@FLAVOUR=novma scripts/test.sh
# The kernel make bench measures: no lockdep, no mm assertions (as production kernels).
test-bench:
	@FLAVOUR=bench scripts/test.sh
# The kernel's own mm selftests on the debug kernel and on a pristine one of the same .config:
# equal counts, no reports (long: a second kernel build and two boots; not in .ci/run).
mm-selftests:
	@scripts/mm_selftests.sh
run:
	@scripts/run.sh
lint:
	@scripts/lint.sh
bench:
	@scripts/bench.sh
# The storm alone, long: make storm SECONDS=600.
storm:
	@SECONDS_ARG=$(SECONDS) scripts/storm.sh
# The work as a git format-patch series for the tree we build, and its check (git am onto a
# pristine copy, then a kernel build after each patch: long).
patches: prepare
	@scripts/series.py patches
patches-check: patches
	@scripts/series.py check
# The ledger as HTML (Sphinx, 0 warnings) and the kernel crate's rustdoc it links to.
docs:
	@scripts/docs.sh
# rust-project.json for editors (the kernel's generator), checked with Debian's rust-analyzer.
rust-analyzer:
	@scripts/rust_analyzer.sh
fmt:
	@scripts/fmt.sh
clean:
	rm -rf "$${XDG_CACHE_HOME:-$$HOME/.cache}/rust-mm-locking/build" "$${XDG_CACHE_HOME:-$$HOME/.cache}/rust-mm-locking/tree"
