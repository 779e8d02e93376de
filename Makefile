# Rumah Pengetahuan Pokja PKP — every set-up step lives here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-deps run build index test lint bench clean

$(BIN)/pokja: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/pokja

install: $(BIN)/pokja

# Debian packages the browser and PostgreSQL tests need (root, as on CI).
system-deps:
	@if ! command -v chromium >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql >/dev/null; \
	fi

build: install
	$(BIN)/pokja check content
	$(BIN)/mkdocs build --quiet

run: build
	$(BIN)/pokja serve --host $(HOST) --port $(PORT)

test: install system-deps
	bash scripts/run-tests.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf site instance .pytest_cache
