# Reel — the two commands a newcomer needs are `make run` and `make test` (see README.md).

SWIFT        ?= swift
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the build, the tests and the benchmarks need (prometheus: promtool, which
# the monitoring tests run on pipeline/monitoring/ and on Reel's metrics).
APT_PACKAGES := libzstd-dev libxxhash-dev zlib1g-dev zstd unzip zip curl prometheus
# The browser test of the web face (Tests/Browser): headless Chromium and its driver, Selenium in a venv.
APT_PACKAGES += chromium chromium-driver python3-venv
# pipeline/ship-to-edge.sh copies bundles with rsync over ssh.
APT_PACKAGES += rsync openssh-client
# Python packages the tests use as independent readers of Reel's Parquet/Delta tables.
PIP_TEST_PACKAGES := pyarrow duckdb deltalake
BIN          := .build/release/reel
# Dataset `make run` creates when lakehouse/bronze is empty (tiny | small | ml-25m).
SYNTH_PRESET ?= small
HOST         ?= 127.0.0.1
PORT         ?= 8000
# Where `make install` puts a deployable home (binary, schemas, pipeline/, docs/).
PREFIX       ?= /srv/reel

.PHONY: help setup build run test fuzz bench install clean print-apt pipeline data install-files pyenv

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

## The whole chain on this checkout: data (synthetic unless bronze holds data), then `reel nightly`
## (validate, ingest, ETL, training, evaluation, publish, prune: unchanged stages are skipped, so a
## restart is quick, and every run leaves a record for `reel runs list`), then the daemon in the
## foreground. A quality-gate block (exit 4) still serves the previous release.
run: build
	@$(MAKE) --no-print-directory pipeline
	@echo
	@echo "Reel is serving http://$(HOST):$(PORT)  (Ctrl-C to stop). Try:"
	@echo "  curl -s 'http://$(HOST):$(PORT)/v1/users/1/recommendations?k=5'"
	@echo "  curl -s 'http://$(HOST):$(PORT)/v1/trending?window=7d&k=5'"
	@echo "  curl -s 'http://$(HOST):$(PORT)/openapi.json'"
	@echo "  $(BIN) topk 1 --k 5"
	$(BIN) serve --host $(HOST) --port $(PORT)

## Bronze data, then one nightly run (what `make run` does before serving; no build step).
pipeline: data
	@$(BIN) nightly; status=$$?; \
	if [ $$status = 4 ]; then echo "the quality gate kept the previous release (reel runs show)"; \
	elif [ $$status != 0 ]; then exit $$status; fi

## Bronze data for `make run`: the SYNTH_PRESET synthetic set when bronze is empty. A SYNTH_PRESET
## given explicitly replaces a synthetic set of another preset; real MovieLens data is never replaced.
data:
	@dir=lakehouse/bronze/movielens/ml-25m; \
	have=$$(sed -n 's/.*"preset" *: *"\([^"]*\)".*/\1/p' $$dir/_manifest.json 2>/dev/null | head -n 1); \
	if [ ! -s $$dir/ratings.csv ]; then \
	  echo "lakehouse/bronze is empty: generating the '$(SYNTH_PRESET)' synthetic data set (reel synth)"; \
	  $(BIN) synth --preset $(SYNTH_PRESET); \
	elif [ -z "$$have" ]; then \
	  if [ "$(origin SYNTH_PRESET)" != file ]; then echo "SYNTH_PRESET=$(SYNTH_PRESET) ignored: lakehouse/bronze holds real MovieLens data, which make never replaces"; \
	  else echo "using the MovieLens data in lakehouse/bronze"; fi; \
	elif [ "$$have" != "$(SYNTH_PRESET)" ] && [ "$(origin SYNTH_PRESET)" != file ]; then \
	  echo "lakehouse/bronze holds the '$$have' synthetic data set: replacing it with '$(SYNTH_PRESET)' (SYNTH_PRESET=$(SYNTH_PRESET))"; \
	  $(BIN) synth --preset $(SYNTH_PRESET) --force; \
	else \
	  echo "using the '$$have' synthetic data set in lakehouse/bronze (make run SYNTH_PRESET=tiny|small|ml-25m replaces it)"; \
	fi

## Unit and end-to-end tests (debug build), then short bounded fuzzing of the release and Parquet readers.
## Quiet by default: the full output goes to .build/test.log and a summary lists every failure and
## every skip with its reason (VERBOSE=1 prints everything). The Python readers the tests compare
## against are installed into a virtualenv, .build/pyenv, never into the system Python.
PYENV := .build/pyenv
test: setup
	@python3 scripts/check-imports.py
	@scripts/lint.sh
	@$(MAKE) --no-print-directory pyenv
	@echo "building the tests (log: .build/test-build.log)"
	@mkdir -p .build; $(SWIFT) build --build-tests > .build/test-build.log 2>&1 || { tail -n 60 .build/test-build.log; exit 1; }
	@# One test at a time: the end-to-end tests wait on real processes, and in parallel they can
	@# starve the daemon tests' timers on a 2-core machine.
	@echo "running the tests (log: .build/test.log)"
	@if [ -n "$(VERBOSE)" ]; then PATH="$(abspath $(PYENV))/bin:$$PATH" $(SWIFT) test --skip-build --no-parallel 2>&1 | tee .build/test.log; \
	else PATH="$(abspath $(PYENV))/bin:$$PATH" $(SWIFT) test --skip-build --no-parallel > .build/test.log 2>&1; fi; \
	status=$$?; scripts/test-summary.sh .build/test.log; [ $$status = 0 ] || exit $$status
	@# The Airflow DAG (pipeline/airflow): parsed and run by Apache Airflow from PyPI in .build/airflow-venv
	@# (install bounded by REEL_AIRFLOW_INSTALL_TIMEOUT); plain-Python checks only, saying so, if it cannot be installed.
	@echo "airflow DAG test (log: .build/airflow.log)"
	@Tests/Airflow/run.sh .build/debug/reel > .build/airflow.log 2>&1 || { tail -n 40 .build/airflow.log; exit 1; }
	@grep -E "^(skipped|airflow DAG test passed)" .build/airflow.log | tail -n 2 || true
	@# The web face in a real browser (skips, saying why, only when Chromium or Selenium cannot be had).
	@echo "browser test of the web face (log: .build/browser.log)"
	@Tests/Browser/run.sh .build/debug/reel > .build/browser.log 2>&1 || { tail -n 40 .build/browser.log; exit 1; }
	@tail -n 1 .build/browser.log
	@echo "fuzzing (bounded)"
	@Tests/Fuzz/run.sh 20 > .build/fuzz.log 2>&1 || { tail -n 40 .build/fuzz.log; exit 1; }
	@REEL_FUZZ_SECONDS=15 $(SWIFT) test --skip-build --no-parallel --filter CorruptionTests > .build/fuzz-corruption.log 2>&1 \
	  || { tail -n 40 .build/fuzz-corruption.log; exit 1; }
	@REEL_HTTP_FUZZ_SECONDS=20 $(SWIFT) test --skip-build --no-parallel --filter HTTPFuzzTests > .build/fuzz-http.log 2>&1 \
	  || { tail -n 40 .build/fuzz-http.log; exit 1; }
	@echo "fuzzing passed (logs: .build/fuzz.log, .build/fuzz-corruption.log, .build/fuzz-http.log)"

## swift format lint --strict with the repository's .swift-format (Sources, Tests, Swift benchmarks):
## fails on any violation, naming file and line (REEL_LINT_STRICT=0 only counts them).
.PHONY: lint
lint:
	@scripts/lint.sh

## Applies swift-format in place with the repository's configuration (what `make lint` checks).
.PHONY: format
format:
	@scripts/format-all.sh

## A virtualenv with the Python packages the tests use as independent readers (pyarrow, duckdb,
## deltalake, pyyaml). Failing to install them only skips those tests, with the reason printed.
pyenv:
	@if ! $(PYENV)/bin/python -c "import pyarrow, duckdb, deltalake, yaml" 2>/dev/null; then \
	  echo "installing $(PIP_TEST_PACKAGES) pyyaml into the virtualenv $(PYENV) (not the system Python)"; \
	  python3 -m venv $(PYENV) && $(PYENV)/bin/pip install -q $(PIP_TEST_PACKAGES) pyyaml \
	  || echo "warning: could not install $(PIP_TEST_PACKAGES) into $(PYENV); the external-reader tests will say they were skipped"; \
	fi

fuzz:
	Tests/Fuzz/run.sh
	# Field-level release mutations with recomputed checksums (issue 16), for longer than `make test` runs them.
	$(SWIFT) build --build-tests
	REEL_FUZZ_SECONDS=$${REEL_FUZZ_SECONDS:-300} $(SWIFT) test --skip-build --filter StructuredCorruptionTests
	# The HTTP fuzzer (mutated, pipelined, slow and non-reading clients) against the daemon: 5 minutes.
	REEL_HTTP_FUZZ_SECONDS=$${REEL_HTTP_FUZZ_SECONDS:-300} $(SWIFT) test --skip-build --filter HTTPFuzzTests

bench: build
	Benchmarks/run.sh

install: build install-files

## What `make install` copies, without the build (BIN=… installs another binary). The systemd
## units, the crontab and the Prometheus example name the home: /srv/reel becomes $(PREFIX).
install-files:
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
	@for f in $(PREFIX)/pipeline/systemd/*.service $(PREFIX)/pipeline/systemd/*.timer $(PREFIX)/pipeline/crontab \
	          $(PREFIX)/pipeline/monitoring/prometheus.yml; do \
	  [ -f "$$f" ] && sed -i 's#/srv/reel#$(abspath $(PREFIX))#g' "$$f"; done; true
	@echo "installed into $(PREFIX): $(PREFIX)/bin/reel; units in $(PREFIX)/pipeline/systemd name $(abspath $(PREFIX))"

clean:
	rm -rf .build
