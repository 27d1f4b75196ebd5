# The two commands of the README. Both set up everything they need on a fresh machine
# (a virtual environment in .venv with the pinned dependencies) and are quick to re-run.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format lock setup seed bench docs clean browser-deps asyncapi-parser oidc-provider

# ruff (lint + format) runs on the whole repository; mypy on kit/ and contracts/ (pyproject.toml).

run: $(STAMP)  ## the four services, the gateway on :8000 and the web app on http://localhost:8080 (SQLite under var/, local RabbitMQ)
	$(VENV)/bin/wenyun run

test: lint browser-deps asyncapi-parser oidc-provider  ## the linters, then the whole test suite (local RabbitMQ, PostgreSQL)
	$(VENV)/bin/python -m pytest --ignore=tests/browser
	# The browser tests in their own process: Playwright cannot run under eventlet's monkey-patching.
	$(VENV)/bin/python -m pytest tests/browser

AXE := tests/browser/node_modules/axe-core/axe.min.js

# matplotlib (the report's charts) only sees a font installed after it listed the fonts once its list is dropped.
browser-deps: $(AXE)  ## Debian's Chromium (+ a CJK font) and axe-core for tests/browser
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium fonts-wqy-zenhei \
	    && rm -f "$${MPLCONFIGDIR:-$$HOME/.cache/matplotlib}"/fontlist-*.json; \
	  else echo "missing /usr/bin/chromium: run as root 'apt-get install -y chromium fonts-wqy-zenhei' (browser tests need it)" >&2; exit 1; fi; \
	fi

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null || { echo "missing npm (Node.js): needed to install axe-core for the browser tests" >&2; exit 1; }
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	@touch $(AXE)

lint: $(STAMP)  ## ruff (lint + format check) everywhere, mypy on kit/ and contracts/, the import layering
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(STAMP)  ## format and fix the whole repository (ruff)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Pins with hashes: requirements/runtime.txt (the image) and requirements/dev.txt (runtime + test tools).
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links
lock: $(STAMP)  ## recompile requirements/*.txt from pyproject.toml (after adding or changing a dependency)
	$(PIP_COMPILE) -o requirements/runtime.txt pyproject.toml
	$(PIP_COMPILE) --extra test -o requirements/dev.txt pyproject.toml

setup: $(STAMP)

# The official AsyncAPI parser for tests/contract/test_asyncapi_parser.py, installed once into
# tools/asyncapi/node_modules (pinned by its package-lock.json); skipped when Node.js is absent.
asyncapi-parser:
	@if command -v npm >/dev/null 2>&1 && [ ! -d tools/asyncapi/node_modules/@asyncapi/parser ]; then \
		cd tools/asyncapi && npm ci --no-audit --no-fund --silent; fi

# A real OpenID Connect provider (oidc-provider, pinned by its package-lock.json) that the accounts
# OIDC sign-in test starts with node.
oidc-provider:
	@if command -v npm >/dev/null 2>&1 && [ ! -d tests/oidc_provider/node_modules/oidc-provider ]; then \
		npm ci --prefix tests/oidc_provider --no-audit --no-fund --silent; fi

$(STAMP): requirements/dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else "Wenyun needs Python 3.11 or 3.12 (nameko 2.14); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade "pip>=24" "setuptools<81" wheel
	$(VENV)/bin/pip install --quiet -r requirements/dev.txt
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

seed: $(STAMP)  ## load the 嘉平镇 demo data into a running platform
	$(VENV)/bin/wenyun seed

bench: $(STAMP)  ## benchmarks against a running platform (see docs/performance.md)
	$(VENV)/bin/python -m bench

docs: $(STAMP)  ## regenerate docs/openapi.json, docs/asyncapi.json and docs/schemas/
	$(VENV)/bin/wenyun docs

clean:
	rm -rf $(VENV) var tests/browser/node_modules tests/oidc_provider/node_modules
