# Rumah Pengetahuan Pokja PKP — every set-up step lives here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# mkdocs-material 9.8 prints an advertisement for its successor on every build; it is not a problem of ours.
export NO_MKDOCS_2_WARNING := 1

.PHONY: install system-deps run build index test lint messages clean

$(BIN)/pokja: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/pokja

install: $(BIN)/pokja

# Debian packages the browser, PostgreSQL and two-node (nginx) tests need (root, as on CI), and Pango and
# fonts for WeasyPrint (the PDFs of guidelines and modules, site_builder/pdf.py).
system-deps:
	@if ! command -v chromium >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
		|| ! command -v openssl >/dev/null || ! test -x /usr/sbin/nginx; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql openssl nginx >/dev/null; \
	fi
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! ls /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
			fonts-dejavu-core >/dev/null; \
	fi

build: install
	$(BIN)/pokja check content
	$(BIN)/pokja build

index: install
	$(BIN)/pokja index

# pokja serve builds the site and the search index when they are missing or older than content/.
run: install
	$(BIN)/pokja check content
	$(BIN)/pokja serve --host $(HOST) --port $(PORT)

test: install system-deps
	bash scripts/run-tests.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The message catalogues: find the keys the code uses (babel.cfg), add new ones to every language's .po
# (then fill in their texts), compile the .mo files that are committed beside them.
TRANSLATIONS := site_builder/translations
messages: install
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -D messages -w 120 --no-fuzzy-matching
	$(BIN)/pybabel compile -d $(TRANSLATIONS) -D messages --statistics
	rm -f $(TRANSLATIONS)/messages.pot

clean:
	rm -rf site instance .pytest_cache
