# The hub's tasks. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The browser code is type-checked with TypeScript from npm (package-lock.json); npm ci rewrites this file.
NPM        ?= npm
NODE_STAMP := node_modules/.package-lock.json
HAVE_NPM   := $(shell command -v $(NPM) 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help run test lint migrate bench messages clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("hub needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP) ## set up everything and serve the demo hub on http://localhost:8080 (a host name: keys refuse a bare IP)
	$(BIN)/hub migrate
	HUB_DEMO=true $(BIN)/hub demo --if-empty
	HUB_DEMO=true HUB_PUBLIC_ORIGIN=http://localhost:8080 HUB_LOG_JSON=false $(BIN)/hub serve

$(NODE_STAMP): package.json package-lock.json
	@command -v $(NPM) >/dev/null || { echo "type-checking web/static/js needs Node.js and npm"; exit 1; }
	$(NPM) ci --no-audit --no-fund
	@touch $@

# without npm the tests still run; tests/web says that it skipped the type check
test: $(STAMP) $(if $(HAVE_NPM),$(NODE_STAMP)) ## set up and run every test (PostgreSQL too when HUB_TEST_POSTGRES_URL is set)
	$(BIN)/pytest

lint: $(STAMP) $(NODE_STAMP) ## ruff (lint and format), mypy, and tsc on the browser code
	$(BIN)/ruff check hub tests bench
	$(BIN)/ruff format --check hub tests bench
	$(BIN)/mypy
	npx --no-install tsc -p .

migrate: $(STAMP) ## create or upgrade the database schema
	$(BIN)/hub migrate

bench: $(STAMP) ## run the benchmarks (each prints a JSON line of figures)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

messages: $(STAMP) ## list user-facing strings that the Chinese catalogue does not translate yet
	$(BIN)/python -c 'from hub.i18n import missing_translations as m; [print(w, repr(k)) for k, w in m().items()]'

clean: ## remove the virtualenv and local data (var/)
	rm -rf $(VENV) var
