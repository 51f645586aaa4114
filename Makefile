# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Every target is idempotent; the second run only does what changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test
# The relay's storage tests also run on PostgreSQL when a server answers here.
PG_UP  := $(shell $(PYTHON) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null && echo yes)

# The app reads compiled catalogues; they are built here from locales/*.po, never edited.
PO := $(wildcard locales/*/LC_MESSAGES/brolly.po)
MO := $(PO:.po=.mo)

.PHONY: demo test lint bench bench-quick browser screenshots translations clean

demo: $(VENV)/.app $(MO)
	$(BIN)/brolly demo

test: $(VENV)/.dev browser $(MO)
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

# Benchmarks (bench/): the full run writes bench/results.json; the quick one is a smoke run
# of the harness, also part of `make test` (tests/bench).
bench: $(VENV)/.dev browser $(MO)
	$(BIN)/python -m bench

bench-quick: $(VENV)/.dev browser $(MO)
	$(BIN)/python -m bench --quick

# Regenerates docs/screenshots/ (each main screen at phone size, in Chromium).
screenshots: $(VENV)/.dev browser $(MO)
	$(BIN)/python -m tools.screenshots

# Extract the strings from the code, merge them into every catalogue, compile.
# docs/TRANSLATING.md says how a volunteer adds or corrects a language.
translations: $(VENV)/.app
	$(BIN)/python -m tools.translations update
	$(MAKE) --no-print-directory $(MO)

locales/%/LC_MESSAGES/brolly.mo: locales/%/LC_MESSAGES/brolly.po | $(VENV)/.app
	$(BIN)/pybabel --quiet compile -D brolly -i $< -o $@

# The browser tests drive Debian's Chromium; Playwright's own browser download cannot work offline.
browser:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -x /usr/bin/chromium

clean:
	rm -rf $(VENV) demo-data .pytest_cache .ruff_cache .mypy_cache .hypothesis
