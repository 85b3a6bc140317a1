# Two entry points for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PORT ?= 8000

.PHONY: run test lint

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# Local secrets for the embedded default, made once; never committed.
.env:
	$(PY) -m hrsuite.devenv > $@

run: $(STAMP) .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	HRSUITE_PORT=$(PORT) PATH=$(CURDIR)/$(VENV)/bin:$$PATH honcho -f Procfile.dev start

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: $(STAMP) lint
	DJANGO_SETTINGS_MODULE=hrsuite.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=hrsuite.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest
