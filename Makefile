# The two commands a newcomer needs: `make demo` and `make test`.
# Both install the Debian packages first (quick when present), then build.

JOBS ?= $(shell nproc)
CELLKIT = build/release/apps/cellkit/cellkit

.PHONY: demo test deps build release dev asan bench format clean

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

bench:
	@bash scripts/install-deps.sh --bench
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)
	bash bench/run.sh

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build
