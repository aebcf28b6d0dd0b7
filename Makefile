# The two commands a newcomer needs: `make demo` and `make test`.
# Both install the Debian packages first (quick when present), then build.
# `make check` is the edit-compile-test loop (dev build and its tests only);
# `make install` puts `cellkit` in $(PREFIX)/bin.

JOBS ?= $(shell nproc)
CELLKIT = build/release/apps/cellkit/cellkit
PREFIX ?= /usr/local

# Seconds each fuzz target runs: `make fuzz` (FUZZ_SECONDS) and the slice `make fuzz-smoke`
# (FUZZ_SMOKE_SECONDS, or FUZZ_SMOKE_RUNS executions when that comes first; docs/fuzzing.md).
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_SMOKE_RUNS ?= 20000

.PHONY: demo test soak check install deps test-deps build release dev asan fuzz fuzz-build fuzz-smoke bench format clean

demo: release
	$(CELLKIT) demo

# The dev suite, the asan suite, then the fuzz slice (`make fuzz-smoke`): every libFuzzer
# target briefly, so CI keeps them alive (docs/fuzzing.md; its cost in docs/performance.md,
# "Build time of make test").
test: dev asan fuzz-smoke

# Long runs kept out of `make test` (ctest label `soak`): the 60 s store outage under load,
# 1,000,000 tenants published through the store and applied by two routers, the full local
# search of the design for 30 cells and the cyclic SQS(34) (suites named Soak*).
soak: dev
	ctest --test-dir build/dev -L soak --output-on-failure

deps:
	@bash scripts/install-deps.sh

# The test presets also need the Mermaid bundle of the diagram render test (fetched from npm).
test-deps:
	@bash scripts/install-deps.sh --test

release: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

dev: test-deps
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)
	ctest --preset dev -j $(JOBS)

asan: test-deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

# libFuzzer targets built with clang 14 under ASan/UBSan (tests/fuzz, docs/fuzzing.md).
fuzz-build: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)

fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_SECONDS)

# Its seeds and regressions, then mutations from a fixed libFuzzer seed, JOBS targets at once.
fuzz-smoke: fuzz-build
	FUZZ_SLICE=1 FUZZ_RUNS=$(FUZZ_SMOKE_RUNS) FUZZ_JOBS=$(JOBS) \
	  bash tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS)

build: dev

check: dev

# sudo only when the prefix's bin directory is not writable (as for /usr/local as a user).
install: release
	@mkdir -p "$(PREFIX)/bin" 2>/dev/null || true
	@if [ -w "$(PREFIX)/bin" ]; then cmake --install build/release --prefix "$(PREFIX)"; \
	 else sudo cmake --install build/release --prefix "$(PREFIX)"; fi
	@echo "installed $(PREFIX)/bin/cellkit; try: cellkit demo"

bench:
	@bash scripts/install-deps.sh --bench
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)
	bash bench/run.sh

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build
