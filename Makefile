# Two entry points for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Re-install when pyproject.toml changes (hashed with Python: sha1sum is not on every machine).
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib; print(hashlib.sha1(open('pyproject.toml', 'rb').read()).hexdigest()[:12])")
PORT ?= 8000

.PHONY: run test lint layers messages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "hrsuite needs Python 3.11+; run with PYTHON=python3.11 (or newer)." >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# Translations: the .po files are committed, the .mo files are compiled from them here and never
# committed. Babel compiles in pure Python, so a machine without GNU gettext (msgfmt) needs nothing more.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

messages: $(MO_FILES)

locale/%.mo: locale/%.po | $(STAMP)
	$(VENV)/bin/pybabel compile -i $< -o $@

# Local secrets for the embedded default, made once; never committed. Written through a temporary
# file so an interrupted run leaves no half-written .env behind.
.env: | $(STAMP)
	$(PY) -m config.devenv > $@.tmp
	mv $@.tmp $@

# honcho puts .env into the environment of every step, as it does for the processes it starts.
HONCHO := PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/honcho

# The embedded default: SQLite and kombu's filesystem broker (its folders must exist before the
# worker starts), web + worker + beat under honcho; Ctrl-C stops all three. A DJANGO_SETTINGS_MODULE
# left in the shell must not redirect it.
run: export DJANGO_SETTINGS_MODULE = config.settings.local
# The port the links are built on, in every step: the demo data's join links are made by seed_demo.
run: export HRSUITE_PORT = $(PORT)
run: $(STAMP) .env messages
	mkdir -p var/broker/processed
	$(HONCHO) run -- python manage.py migrate --noinput
	$(HONCHO) run -- python manage.py seed_demo
	@echo
	@echo "hrsuite: http://127.0.0.1:$(PORT)/account/sign-in/  (API docs: /api/docs/, admin: /admin/)"
	@echo "Starting web, worker and beat; Ctrl-C stops them."
	@echo
	$(HONCHO) -f Procfile.dev start

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The page tests drive Debian's Chromium (Playwright's own browser download is not used).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "Install Chromium at $@ for the browser tests." >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
		|| { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }

# The import contract in pyproject.toml: no package imports a layer above its own.
layers: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache

test: $(STAMP) messages lint layers $(CHROMIUM)
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest --numprocesses=auto
