# Nd / NdFeB market analysis. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
KERNEL := nd-market
ARGS   ?=

.PHONY: help setup report test validate lab benchmark clean

help: ## list the targets
	@echo "Usage: make <target>   (first run creates .venv and installs everything; later runs reuse it)"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (nd-market)" >/dev/null
	@touch $(STAMP)

setup: $(STAMP) ## create .venv, install the project and its Jupyter kernel (only when pyproject.toml changed)

report: setup ## execute every notebook and render the HTML reports (reports/index.html); ARGS="--force" rebuilds all
	$(BIN)/python -m analysis report $(ARGS)

test: setup ## run the whole test suite (data, units, models, notebooks)
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-kernel-name $(KERNEL) --nbval-sanitize-with tests/nbval_sanitize.cfg $(ARGS)

validate: setup ## check every dataset in data/ against its schema and sources
	$(BIN)/python -m analysis validate

lab: setup ## open JupyterLab on the project's kernel
	$(BIN)/jupyter lab --notebook-dir=. $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

benchmark: setup ## time the report build (benchmarks/bench_build.py); ARGS="--repeat 3 --skip-cli" for example
	$(BIN)/python benchmarks/bench_build.py $(ARGS)

clean: ## remove the virtual environment and built reports
	rm -rf $(VENV) reports .reports-build-*
