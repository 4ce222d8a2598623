# Two commands for a newcomer:  `make demo`  and  `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint browser-deps bench eval clean

$(BIN)/ficlens: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/ficlens

## Analyse the bundled example stories: JSON, Parquet tables and HTML reports in out/.
demo: setup
	bash scripts/demo.sh

## Chromium for the browser tests: Debian's package at /usr/bin/chromium, driven by the
## playwright Python package from .venv (never `playwright install`). Needs root, as on CI.
browser-deps:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  ($$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null) \
	  || echo "could not install chromium: browser tests will fail and say so"; }

lint: setup
	$(BIN)/ruff check src tests bench

## Set up, lint and run every test.
test: setup browser-deps lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/speed.py

eval: setup
	$(BIN)/ficlens eval

clean:
	rm -rf $(VENV) out .pytest_cache
