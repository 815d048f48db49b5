# RoadSense — the two commands a newcomer needs are `make demo` and `make test`.
# Both install what is missing first (Debian packages; needs root or sudo), then build.

SHELL := /bin/bash
SWIFT ?= swift
DEMO_SPEED ?= 30
DEMO_DIR := $(shell if [ -d ../shared/data/trd/barber ]; then echo ../shared/data/trd/barber; else echo Tests/Fixtures/barber-r1-excerpt; fi)
DEMO_RUNTIME := $(CURDIR)/.build/demo-runtime
DEMO_STORE := sqlite:$(CURDIR)/.build/demo/roadsense.sqlite
RELEASE_BIN = $(shell $(SWIFT) build -c release --show-bin-path)

.PHONY: demo test test-python bench bench-store deps build release proto check-proto lint clean

## demo: install, build (release) and replay a real GR Cup race (Barber, race 1) through the whole system.
demo: deps release
	@mkdir -p .build/demo
	"$(RELEASE_BIN)/roadsense" run --replay "$(DEMO_DIR)" --race 1 --speed $(DEMO_SPEED) \
	    --store "$(DEMO_STORE)" --runtime-dir "$(DEMO_RUNTIME)" --log-level warning \
	    --watch 'telemetry.2$$,telemetry.13$$,alert.,strategy.13$$,lap.13$$,weather'

## test: install, check the generated protobuf code, build and run every test (Swift, then the Python plugin's).
## The store tests run against SQLite and against a throwaway PostgreSQL cluster started for the run
## (or the server at $$ROADSENSE_TEST_PG when set).
test: deps check-proto lint
	$(SWIFT) build --build-tests
	scripts/with-test-postgres.sh $(SWIFT) test --skip-build
	@$(MAKE) --no-print-directory test-python

## test-python: the example Python plugin's own unit tests (its venv is made by scripts/python-env.sh).
test-python:
	@PY="$$(scripts/python-env.sh)" && "$$PY" -m unittest discover -s examples/python-plugin/tests

## bench: every benchmark, each with its same-run reference (see BENCHMARKS.md).
bench: deps release
	"$(RELEASE_BIN)/roadsense" bench dispatch --calls 20000
	"$(RELEASE_BIN)/roadsense" bench restart --crashes 100
	"$(RELEASE_BIN)/roadsense" bench ingest --copies 10

## bench-store: the store benchmark, SQLite and PostgreSQL (a throwaway cluster) in one run.
bench-store: deps release
	scripts/with-test-postgres.sh "$(RELEASE_BIN)/roadsense" bench store

deps:
	@scripts/install-deps.sh

release:
	$(SWIFT) build -c release

build:
	$(SWIFT) build

## proto: regenerate Sources/Protocol/WireC from proto/roadsense.proto.
proto:
	scripts/gen-proto.sh

## check-proto: fail if the committed protobuf-c code does not match proto/.
check-proto:
	@scripts/check-proto.sh

## lint: swift format (bundled with the toolchain) against .swift-format; warnings fail the target.
lint:
	@out="$$($(SWIFT) format lint --recursive --configuration .swift-format Sources Tests 2>&1)"; \
	if [ -n "$$out" ]; then echo "$$out"; echo "swift format lint: fix the lines above (swift format format -i …)"; exit 1; fi

clean:
	rm -rf .build
