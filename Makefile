# Losen: `make demo` runs the demo municipality on SQLite, `make test` runs every test.
# Both set up what they need on a fresh machine (Python 3.11+, Node 20, Debian).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
LOCALES := $(wildcard src/losen/web/locale/*/LC_MESSAGES/django.po src/losen/apps/*/locale/*/LC_MESSAGES/django.po)

.PHONY: demo test setup setup-test messages messages-update lint check security bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The runtime lock: what Losen needs to run, and all that `make demo` and production install.
$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# The development lock adds the test, lint and benchmark tools and the benchmarks' peers, on the
# runtime lock's pins; `make test` and `make bench` need it.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

messages: $(LOCALES:.po=.mo)

# Without GNU gettext the interface stays in bokmål (the source language) until it is installed.
%.mo: %.po
	@if command -v msgfmt >/dev/null 2>&1; then msgfmt --check -o $@ $<; \
	else echo "msgfmt (gettext) mangler: $@ ble ikke laget; grensesnittet vises på bokmål."; fi

# After changing interface text: extract new strings into every catalogue, then translate them.
messages-update: $(VENV)/.installed
	$(BIN)/python tools/messages.py

setup: $(VENV)/.installed node_modules/.installed messages

demo: setup
	$(BIN)/losen demo
	@echo "Logg inn på http://$(HOST):$(PORT)/ med brukernavnene over og passordet som ble skrevet ut."
	@# The worker (web imports, the nightly fetch) runs beside the server and stops with it.
	@$(BIN)/losen worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/losen serve --host $(HOST) --port $(PORT)

# Chromium for the browser tests comes from Debian; installed only when missing.
setup-test: setup $(VENV)/.installed-dev
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installerer Chromium for nettlesertestene (apt-get) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@command -v msgfmt >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq gettext; }
	@$(MAKE) --no-print-directory messages

lint: setup $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check $$(ls -d src tests tools benchmarks 2>/dev/null)
	$(BIN)/lint-imports

check: setup
	DJANGO_SETTINGS_MODULE=losen.web.settings.test $(BIN)/losen manage makemigrations --check --dry-run

# Static security analysis of Losen's own code: any finding of high severity fails the build
# (a finding that is not a fault is marked in the code with `# nosec B### reason`).
security: setup $(VENV)/.installed-dev
	$(BIN)/bandit --recursive src --severity-level high --quiet

test: setup-test lint check security
	$(BIN)/pytest -n 2 --dist loadgroup

# Benchmarks need the development environment (their peers are in it); every suite in benchmarks/
# runs in one process.
bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks

# After changing the dependencies in pyproject.toml: make both locks again (keeps the pins it can).
lock: $(VENV)/.installed-dev
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet \
	  --custom-compile-command "make lock" -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet \
	  -c requirements.lock --custom-compile-command "make lock" -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules var/static
