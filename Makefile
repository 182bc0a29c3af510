# Front door. See README.md.
.PHONY: all setup prepare build test run lint bench fmt clean
all: test

setup:
	@scripts/setup.sh
prepare: setup
	@scripts/prepare.sh
build: prepare
	@scripts/build.sh
test:
	@scripts/test.sh
run:
	@scripts/run.sh
lint:
	@scripts/lint.sh
bench:
	@scripts/bench.sh
fmt:
	@scripts/fmt.sh
clean:
	rm -rf "$${XDG_CACHE_HOME:-$$HOME/.cache}/rust-mm-locking/build" "$${XDG_CACHE_HOME:-$$HOME/.cache}/rust-mm-locking/tree"
