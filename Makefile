# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Every target is idempotent; the second run only does what changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test
# The relay's storage tests also run on PostgreSQL when a server answers here.
PG_UP  := $(shell $(PYTHON) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null && echo yes)

.PHONY: demo test lint browser screenshots clean

demo: $(VENV)/.app
	$(BIN)/brolly demo

test: $(VENV)/.dev browser
	$(if $(PG_UP),BROLLY_TEST_POSTGRES_URL=$(PG_URL)) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/mypy

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { echo "Python's venv module is missing: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[server]'
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[server,dev]'
	touch $@ $(VENV)/.app

# Regenerates docs/screenshots/ (each main screen at phone size, in Chromium).
screenshots: $(VENV)/.dev browser
	$(BIN)/python -m tools.screenshots

# The browser tests drive Debian's Chromium; Playwright's own browser download cannot work offline.
browser:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -x /usr/bin/chromium

clean:
	rm -rf $(VENV) demo-data .pytest_cache .ruff_cache .mypy_cache .hypothesis
