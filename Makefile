# ecrm: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := build

BUILD_DIR  ?= build
BUILD_TYPE ?= Release
JOBS       ?= 2
PORT       ?= 8080
DB         ?= sqlite:data/ecrm.db

# Debian packages: to build and run, and additionally to test.
DEB_BUILD := cmake ninja-build g++ pkg-config ccache curl ca-certificates \
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-math1.81-dev \
  libsqlite3-dev sqlite3 libpq-dev libsodium-dev libcurl4-openssl-dev libspdlog-dev libcli11-dev \
  libnlopt-cxx-dev libcsv-dev libgtest-dev libgmock-dev libbenchmark-dev libkainjow-mustache-dev \
  libgmime-3.0-dev libhowardhinnant-date-dev libicu-dev libstemmer-dev libssl-dev
DEB_TEST := postgresql python3 python3-aiosmtpd python3-jsonschema chromium wrk nginx
# Fuzzing (`make fuzz`): clang and its libFuzzer.
DEB_FUZZ := clang libfuzzer-14-dev

FUZZ_DIR     ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_JOBS    ?= 1
FUZZ_TARGETS ?=

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts \
  web/tsconfig.json web/package.json

.PHONY: run build server test test-build deps deps-test deps-bench web bench cluster clean distclean asan \
  fuzz

## Install (if missing), build, load the demo shop on first start (a database without customers),
## then serve the UI and API on http://127.0.0.1:$(PORT) with SQLite.
run: deps build
	@mkdir -p data
	./$(BUILD_DIR)/ecrm demo --db $(DB) --if-empty
	./$(BUILD_DIR)/ecrm serve --db $(DB) --port $(PORT)

## Build the server (build/ecrm) and the web UI (web/dist): only what `make run` runs. The
## web build generates its API types from the server's OpenAPI document (`ecrm openapi`).
build: server web

server:
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS) --target ecrm

## Everything else: the unit and integration test binaries and the benchmarks' dependencies.
test-build: server
	cmake --build $(BUILD_DIR) -j $(JOBS)

## Install what the tests need, build, and run every test (unit, integration on SQLite and
## PostgreSQL, browser tests in Chromium).
test: deps deps-test build test-build tests/e2e/node_modules/.installed
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

## Same tests on an AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/.
asan:
	$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Sanitize

## Several processes on one PostgreSQL on this machine, to try it: a PostgreSQL of its own with
## the demo shop, two web nodes, one worker and nginx balancing them on http://127.0.0.1:$(PORT)
## (deploy/cluster.sh; Ctrl-C stops everything and removes the database).
cluster: deps deps-test build
	deploy/cluster.sh $(PORT)

## libFuzzer targets (tests/fuzz/README.md), built with clang under AddressSanitizer and
## UndefinedBehaviorSanitizer in $(FUZZ_DIR)/, each run for FUZZ_SECONDS (600; `make fuzz
## FUZZ_SECONDS=60` for a short run; FUZZ_TARGETS="csv_import_fuzz ..." for some). Prints the
## executions and crashes per target and fails when one crashed. Not part of `make test`.
fuzz:
	@$(call apt_install,$(DEB_BUILD) $(DEB_FUZZ))
	@cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
	  -DECRM_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
	cmake --build $(FUZZ_DIR) -j $(FUZZ_JOBS) --target $(or $(FUZZ_TARGETS),fuzz_targets)
	tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

## Benchmarks (see bench/README.md).
bench: deps deps-test deps-bench build test-build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target benchmarks

deps:
	@$(call apt_install,$(DEB_BUILD))
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then $(call apt_install,nodejs npm); fi

deps-test:
	@$(call apt_install,$(DEB_TEST))

# Postfix, for its smtp-sink and smtp-source (bench/messaging/): installed without a mail
# configuration, so that it asks nothing and its mail daemon does not run.
deps-bench:
	@if ! dpkg-query -W -f='$${Status}' postfix 2>/dev/null | grep -q "ok installed"; then \
	  echo "installing: postfix (smtp-sink, smtp-source; no mail configuration)"; \
	  echo "postfix postfix/main_mailer_type select No configuration" | $(SUDO) debconf-set-selections && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postfix && \
	  { $(SUDO) postfix stop >/dev/null 2>&1 || true; }; fi

web: server $(BUILD_DIR)/openapi.json web/dist/index.html

# The API document the web UI's types are generated from; rewritten only when it changes, so
# the web UI is rebuilt when the API changes and not on every server build.
$(BUILD_DIR)/openapi.json: server
	@./$(BUILD_DIR)/ecrm openapi > $@.tmp && { cmp -s $@.tmp $@ || mv $@.tmp $@; }; rm -f $@.tmp

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES) $(BUILD_DIR)/openapi.json
	cd web && ECRM_OPENAPI=$(abspath $(BUILD_DIR))/openapi.json npm run build
	@touch $@

tests/e2e/node_modules/.installed: tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund
	@touch $@

clean:
	rm -rf $(BUILD_DIR) build-asan $(FUZZ_DIR) web/dist

distclean: clean
	rm -rf web/node_modules tests/e2e/node_modules

# Installs the Debian packages in $(1) that are not installed yet (idempotent).
define apt_install
missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then echo "installing:$$missing"; \
  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; fi
endef
