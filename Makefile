# Reel — the two commands a newcomer needs are `make run` and `make test` (see README.md).

SWIFT        ?= swift
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the build, the tests and the benchmarks need (prometheus: promtool, which
# the monitoring tests run on pipeline/monitoring/ and on Reel's metrics).
APT_PACKAGES := libzstd-dev libxxhash-dev zlib1g-dev zstd unzip zip curl prometheus
# The browser test of the web face (Tests/Browser): headless Chromium and its driver, Selenium in a venv.
APT_PACKAGES += chromium chromium-driver python3-venv
# Python packages the tests use as independent readers of Reel's Parquet/Delta tables.
PIP_TEST_PACKAGES := pyarrow duckdb deltalake
BIN          := .build/release/reel
# Dataset `make run` creates when lakehouse/bronze is empty (tiny | small | ml-25m).
SYNTH_PRESET ?= small
HOST         ?= 127.0.0.1
PORT         ?= 8000
# Where `make install` puts a deployable home (binary, schemas, pipeline/, docs/).
PREFIX       ?= /srv/reel

.PHONY: help setup build run test fuzz bench install clean print-apt

help:
	@echo "make run    install what is missing, build, create data if needed, run the pipeline, start the daemon"
	@echo "make test   build and run every test (unit + end-to-end + bounded fuzzing)"
	@echo "make bench  run the benchmarks (slow; writes Benchmarks/results/)"
	@echo "make install PREFIX=/srv/reel   install the binary, schemas, pipeline files and docs"

print-apt:
	@echo $(APT_PACKAGES)

## Install the Debian packages that are missing (needs root or sudo).
setup:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: setup
	$(SWIFT) build -c release --product reel

## The whole chain on this checkout: data (synthetic unless bronze holds data), ETL, training,
## evaluation, publish, then the daemon in the foreground.
run: build
	@if [ ! -s lakehouse/bronze/movielens/ml-25m/ratings.csv ]; then \
	  echo "lakehouse/bronze is empty: generating the '$(SYNTH_PRESET)' synthetic data set (reel synth)"; \
	  $(BIN) synth --preset $(SYNTH_PRESET); \
	fi
	$(BIN) bronze validate
	$(BIN) etl
	$(BIN) train
	$(BIN) evaluate
	$(BIN) publish
	@echo
	@echo "Reel is serving http://$(HOST):$(PORT)  (Ctrl-C to stop). Try:"
	@echo "  curl -s 'http://$(HOST):$(PORT)/v1/users/1/recommendations?k=5'"
	@echo "  curl -s 'http://$(HOST):$(PORT)/v1/trending?window=7d&k=5'"
	@echo "  $(BIN) topk --user 1 --k 5"
	$(BIN) serve --host $(HOST) --port $(PORT)

## Unit and end-to-end tests (debug build), then short bounded fuzzing of the release and Parquet readers.
test: setup
	@python3 -c "import pyarrow, duckdb, deltalake" 2>/dev/null || python3 -m pip install -q $(PIP_TEST_PACKAGES) \
	  || echo "warning: could not install $(PIP_TEST_PACKAGES); the external-reader tests will say they were skipped"
	$(SWIFT) build --build-tests
	# One test at a time: the end-to-end tests wait on real processes, and in parallel they can
	# starve the daemon tests' timers on a 2-core machine.
	$(SWIFT) test --skip-build --no-parallel
	# The web face in a real browser (skips, saying why, only when Chromium or Selenium cannot be had).
	Tests/Browser/run.sh .build/debug/reel
	Tests/Fuzz/run.sh 20
	REEL_FUZZ_SECONDS=15 $(SWIFT) test --skip-build --no-parallel --filter CorruptionTests
	REEL_HTTP_FUZZ_SECONDS=20 $(SWIFT) test --skip-build --no-parallel --filter HTTPFuzzTests

fuzz:
	Tests/Fuzz/run.sh
	# Field-level release mutations with recomputed checksums (issue 16), for longer than `make test` runs them.
	$(SWIFT) build --build-tests
	REEL_FUZZ_SECONDS=$${REEL_FUZZ_SECONDS:-300} $(SWIFT) test --skip-build --filter StructuredCorruptionTests
	# The HTTP fuzzer (mutated, pipelined, slow and non-reading clients) against the daemon: 5 minutes.
	REEL_HTTP_FUZZ_SECONDS=$${REEL_HTTP_FUZZ_SECONDS:-300} $(SWIFT) test --skip-build --filter HTTPFuzzTests

bench: build
	Benchmarks/run.sh

install: build
	install -d $(PREFIX)/bin $(PREFIX)/schemas $(PREFIX)/pipeline $(PREFIX)/docs
	install -m 0755 $(BIN) $(PREFIX)/bin/reel
	cp -r schemas/. $(PREFIX)/schemas/
	tar -C pipeline --exclude=./reel.toml -cf - . | tar -C $(PREFIX)/pipeline -xf -
	@# An installed reel.toml is the operator's: never overwrite it; ship the new defaults beside it.
	@if [ -e $(PREFIX)/pipeline/reel.toml ]; then \
	  cp pipeline/reel.toml $(PREFIX)/pipeline/reel.toml.dist; \
	  echo "kept your $(PREFIX)/pipeline/reel.toml; this version's defaults are in reel.toml.dist (reel config show lists the effective settings)"; \
	else cp pipeline/reel.toml $(PREFIX)/pipeline/reel.toml; fi
	cp -r docs/. $(PREFIX)/docs/

clean:
	rm -rf .build
