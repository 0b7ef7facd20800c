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

.PHONY: help setup filter report test validate lab serve benchmark clean

help: ## list the targets
	@echo "Usage: make <target>   (first run creates .venv and installs everything; later runs reuse it)"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (nd-market)" >/dev/null
	@touch $(STAMP)

setup: $(STAMP) filter ## create .venv, install the project, its Jupyter kernel (only when pyproject.toml changed) and the git filter

# nbstripout's git filter (.gitattributes: notebooks/*.ipynb): git stores notebooks without outputs, execution
# counts or kernel language_info, whatever a run in JupyterLab saved. git runs filters from the work tree's root, so
# the relative ".venv/bin/python" makes each clone or worktree use its own .venv. --keep-id keeps the cells' ids
# (nbstripout would renumber them). Outside a git work tree there is nothing to do.
NBSTRIPOUT := ".venv/bin/python" -m nbstripout --keep-id
filter: $(STAMP) ## install the nbstripout git filter: notebooks are committed without outputs (part of setup)
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  $(BIN)/nbstripout --install --python $(BIN)/python --attributes .gitattributes && \
	  git config filter.nbstripout.clean '$(NBSTRIPOUT)' && \
	  git config diff.ipynb.textconv '$(NBSTRIPOUT) -t' && \
	  git config filter.nbstripout.extrakeys 'metadata.language_info'; \
	else echo "not a git work tree: nbstripout filter not installed"; fi

report: setup ## execute every notebook and render the HTML reports (reports/index.html); ARGS="--force" rebuilds all
	$(BIN)/python -m analysis report $(ARGS)

test: setup ## run the whole test suite (data, units, models, notebooks)
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-kernel-name $(KERNEL) --nbval-sanitize-with tests/nbval_sanitize.cfg $(ARGS)

validate: setup ## check every dataset in data/ against its schema and sources
	$(BIN)/python -m analysis validate

lab: setup ## open JupyterLab on the project's kernel
	$(BIN)/jupyter lab --notebook-dir=. $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

serve: setup ## serve the built reports on http://127.0.0.1:8000/ (their links work there; in Lab's HTML viewer they give 403)
	$(BIN)/python -m analysis serve $(ARGS)

benchmark: setup ## time the report build (benchmarks/bench_build.py); ARGS="--repeat 3 --skip-cli" for example
	$(BIN)/python benchmarks/bench_build.py $(ARGS)

clean: ## remove the virtual environment and built reports
	rm -rf $(VENV) reports .reports-build-*
