# Two commands set everything up (see README.md):
#   make demo   create the environment, install, migrate, load reference and demo data, serve
#   make test   create the environment, install, run the whole test suite
#   make audit  known vulnerabilities in the pinned dependencies (pip-audit over the lock files)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make test` runs the suite on every core with pytest-xdist (conftest.py says how the tests
# are handed out); PYTEST_WORKERS=0 runs it in this one process, PYTEST_WORKERS=3 on three.
PYTEST_WORKERS ?= auto

.PHONY: demo test audit install lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/kunskapsnav demo --port $(PORT)

# Browser tests need Debian's chromium and the axe-core npm package; without them they are
# skipped, unless KUNSKAPSNAV_REQUIRE_BROWSER=1 (as in .ci/run) makes their absence an error.
# The single sign-on tests run a real OpenID provider (the oidc-provider npm package) with
# Node.js; likewise skipped without them unless KUNSKAPSNAV_REQUIRE_OIDC=1.
test: $(VENV)/.installed-dev
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund --prefix tests/browser; fi
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund --prefix tests/oidc; fi
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

# Fails on a known vulnerability in requirements.lock or requirements-dev.lock; warns and
# passes when the advisory service cannot be asked (.ci/audit.py). A finding that cannot be
# fixed yet is ignored by its id, with the reason, in .ci/audit.py.
audit: $(VENV)/.installed-dev
	$(BIN)/python .ci/audit.py requirements.lock requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles tests/browser/node_modules tests/oidc/node_modules
