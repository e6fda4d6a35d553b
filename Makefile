# Two entry points for a fresh Debian machine with Python 3.11: `make demo` and `make test`;
# `make check` is the developer's quick loop (no system packages, no slow tests).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= instance/redvest.db
PORT   ?= 5000
# Debian packages the tests need (installed when we are root and apt-get exists).
SYS_PACKAGES ?= chromium fonts-noto-cjk poppler-utils

.PHONY: demo test check lint typecheck pytest sysdeps bench clean

$(VENV)/.base: pyproject.toml
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || $(MAKE) --no-print-directory sysdeps SYS_PACKAGES=python3-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test: $(VENV)/.base
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

sysdeps:
	@if [ -n "$(strip $(SYS_PACKAGES))" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    missing=$$(for p in $(SYS_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	    if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	  else echo "please install: $(SYS_PACKAGES)"; fi; \
	fi

demo: $(VENV)/.base
	@$(MAKE) --no-print-directory sysdeps SYS_PACKAGES=fonts-noto-cjk
	$(BIN)/redvest demo --db $(DB)
	$(BIN)/redvest serve --db $(DB) --port $(PORT)

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.test
	$(BIN)/mypy

pytest: $(VENV)/.test
	$(BIN)/pytest

test: sysdeps lint typecheck pytest

# The gates of `make test` without the slow browser and PDF cases; no apt-get.
check: lint typecheck
	$(BIN)/pytest -m "not slow"

bench: $(VENV)/.test
	@$(MAKE) --no-print-directory sysdeps SYS_PACKAGES=wrk
	$(BIN)/pip install --quiet -e '.[bench]'
	for b in matrix territories patrols visits cases pairing web api_fuzz; do $(BIN)/python bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) instance build *.egg-info
