# The two commands of the README. Both set up everything they need on a fresh machine
# (a virtual environment in .venv with the pinned dependencies) and are quick to re-run.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: run test setup seed bench docs clean asyncapi-parser

run: $(STAMP)  ## all four services + the gateway on http://localhost:8000 (SQLite under var/, local RabbitMQ)
	$(VENV)/bin/wenyun run

test: $(STAMP) asyncapi-parser  ## the whole test suite (needs the local RabbitMQ and PostgreSQL)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest

setup: $(STAMP)

# The official AsyncAPI parser for tests/contract/test_asyncapi_parser.py, installed once into
# tools/asyncapi/node_modules (pinned by its package-lock.json); skipped when Node.js is absent.
asyncapi-parser:
	@if command -v npm >/dev/null 2>&1 && [ ! -d tools/asyncapi/node_modules/@asyncapi/parser ]; then \
		cd tools/asyncapi && npm ci --no-audit --no-fund --silent; fi

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else "Wenyun needs Python 3.11 or 3.12 (nameko 2.14); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade "pip>=24" "setuptools<81" wheel
	$(VENV)/bin/pip install --quiet -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

seed: $(STAMP)  ## load the 嘉平镇 demo data into a running platform
	$(VENV)/bin/wenyun seed

bench: $(STAMP)  ## benchmarks against a running platform (see docs/performance.md)
	$(VENV)/bin/python -m bench

docs: $(STAMP)  ## regenerate docs/openapi.json, docs/asyncapi.json and docs/schemas/
	$(VENV)/bin/wenyun docs

clean:
	rm -rf $(VENV) var
