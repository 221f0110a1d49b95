# lamina: `make demo` sets up a fresh machine and runs the demo; `make test` sets up and runs the tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DATA ?= ../shared/data

.PHONY: setup demo test test-fast bench bench-quick docs clean

setup: $(VENV)/.installed
	@command -v dot >/dev/null || { echo "installing graphviz (dot) for plot_model"; \
	  (apt-get install -y -q graphviz >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q graphviz >/dev/null)) \
	  || echo "warning: could not install graphviz; plot_model tests will fail"; }
	@if [ -d $(DATA) ]; then $(PY) -c 'import sys, lamina.datasets as d; sys.exit(d.seed.main(sys.argv[1:]))' $(DATA); else echo "no $(DATA): datasets will be downloaded on first use"; fi

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,plot,docs]'
	@touch $@

demo: setup
	$(PY) examples/demo.py

# The whole suite, slow tests included (what CI runs), on both cores (pytest-xdist).
test: setup
	$(PY) -m pytest -n 2 --runslow

# The fast default for development: slow tests skipped.
test-fast: setup
	$(PY) -m pytest -n 2

bench: setup
	$(PY) bench/run.py

bench-quick: setup
	$(PY) bench/run.py --quick

# The documentation site, into site/ (strict: any warning fails the build).
docs: setup
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict

clean:
	rm -rf $(VENV) build *.egg-info examples/out site
