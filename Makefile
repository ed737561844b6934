# ketnap — the two commands:
#   make demo    set up .venv, migrate, load the demo data (empty DB only), serve on http://127.0.0.1:8000
#   make test    everything the tests need + static checks + the suite on SQLite and PostgreSQL
#   (make test-fast: the suite without slow and browser tests, on SQLite, while writing code)
# Data lives in var/ (or $KETNAP_DATA_DIR). `make help` lists the other targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
BIN    := $(VENV)/bin
LINT_PATHS = $(wildcard src tests benchmarks scripts)
export PYTHON VENV

.PHONY: help install install-dev demo prepare serve test test-fast lint fmt bench constraints clean

help:
	@echo "make demo [HOST=127.0.0.1] [PORT=8000]  venv + install + migrate + demo data + serve"
	@echo "make test [TEST_ARGS=...]               static checks + tests on SQLite and PostgreSQL (scripts/test.sh)"
	@echo "make test-fast [TEST_ARGS=...]          the tests not marked slow or browser, on SQLite"
	@echo "make lint | fmt                         ruff check + format --check | ruff format + check --fix"
	@echo "make bench [BENCH_DIR=/tmp/ketnap-bench] pages, scope, load, export (SQLite) + growth (PostgreSQL)"
	@echo "make constraints                        re-pin requirements/constraints.txt in a fresh venv"
	@echo "make clean                              remove .venv and caches (never var/)"

# Runtime only: `make demo` needs none of the test/postgres extras.
install:
	@bash scripts/venv.sh
	@bash scripts/system-packages.sh run

install-dev:
	@bash scripts/venv.sh test,postgres

prepare: install
	$(BIN)/ketnap migrate --noinput
	$(BIN)/ketnap collectstatic --noinput

demo: prepare
	$(BIN)/ketnap demo --host $(HOST) --port $(PORT)
	$(BIN)/ketnap serve --host $(HOST) --port $(PORT)

serve: prepare
	$(BIN)/ketnap serve --host $(HOST) --port $(PORT)

# Extra pytest arguments: make test TEST_ARGS="-k dates -x"
test:
	bash scripts/test.sh $(TEST_ARGS)

# While writing code: the tests not marked slow (random histories, the demo, real servers, LibreOffice) nor browser,
# on SQLite (scripts/test.sh's "fast" leg); make test still runs them all.
test-fast:
	KETNAP_TEST_LEGS=fast bash scripts/test.sh $(TEST_ARGS)

lint: install-dev
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

fmt: install-dev
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

# Issue 14's benchmarks, each figure beside its baseline, into benchmarks/results (about an hour on 2 cores; the
# demos are built once into BENCH_DIR/scale-N and kept for the next run).
BENCH_DIR ?= /tmp/ketnap-bench
export BENCH_DIR
bench: install-dev
	$(BIN)/python benchmarks/run.py --scale 10 --repeat 5 --user vp.ubnd
	$(BIN)/python benchmarks/scope.py --scales 1,10
	$(BIN)/python benchmarks/export.py --data-dir $(BENCH_DIR)/scale-10
	$(BIN)/python benchmarks/load.py --data-dir $(BENCH_DIR)/scale-10 --users 50 --seconds 120
	$(BIN)/python benchmarks/growth.py --scales 1,10,50

constraints:
	bash scripts/constraints.sh

# Never var/: it holds the data.
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist src/*.egg-info
	find src tests benchmarks -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
