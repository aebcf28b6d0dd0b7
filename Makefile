# The two commands a newcomer needs: `make demo` and `make test`.
# Both install the Debian packages first (quick when present), then build.
# `make check` is the edit-compile-test loop (dev build and its tests only);
# `make install` puts `cellkit` in $(PREFIX)/bin.

JOBS ?= $(shell nproc)
CELLKIT = build/release/apps/cellkit/cellkit
PREFIX ?= /usr/local

.PHONY: demo test check install deps build release dev asan bench format clean

demo: release
	$(CELLKIT) demo

test: dev asan

deps:
	@bash scripts/install-deps.sh

release: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

dev: deps
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)
	ctest --preset dev -j $(JOBS)

asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

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
