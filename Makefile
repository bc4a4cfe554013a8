# `make demo` and `make test` work on a fresh machine: each sets up first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEB := src/fogofwar/web
WEB_MODULES := $(WEB)/node_modules/.installed
WEB_BUILT := $(WEB)/dist/index.html
CHROMIUM := /usr/bin/chromium
PORT ?= 8000

.PHONY: setup demo test bench clean

setup: $(STAMP) $(WEB_BUILT) $(CHROMIUM)

# Reinstall only when the dependency list changes, so `make setup` is idempotent and fast.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The page's libraries come from the npm registry at the versions in package-lock.json.
# --ignore-scripts: no package runs code at install (esbuild finds its binary package without it).
$(WEB_MODULES): $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --ignore-scripts --no-audit --no-fund
	touch $(WEB_MODULES)

$(WEB_BUILT): $(WEB_MODULES) $(WEB)/build.mjs $(WEB)/regions.json $(WEB)/index.html $(WEB)/docs.html $(wildcard $(WEB)/src/*)
	cd $(WEB) && npm run --silent build

# The browser test drives Debian's chromium; Playwright never downloads a browser here.
$(CHROMIUM):
	apt-get update && apt-get install -y chromium

demo: setup
	mkdir -p out
	$(BIN)/fogofwar extract samples/ -o out/demo.jsonl
	$(BIN)/fogofwar summarize out/demo.jsonl
	$(BIN)/fogofwar ingest samples/ --db out/demo.duckdb
	@echo "fogofwar: the page is at http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/fogofwar serve --db out/demo.duckdb --port $(PORT)

test: setup
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) out .pytest_cache test-artifacts $(WEB)/dist $(WEB)/node_modules
