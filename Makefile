# `make demo` and `make test` work on a fresh machine: each sets up first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test bench clean

setup: $(STAMP)

# Reinstall only when the dependency list changes, so `make setup` is idempotent and fast.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: setup
	mkdir -p out
	$(BIN)/fogofwar extract samples/ -o out/demo.jsonl
	$(BIN)/fogofwar summarize out/demo.jsonl

test: setup
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) out .pytest_cache
