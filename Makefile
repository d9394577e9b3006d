# espace-sante — `make run` serves the portal, `make test` runs the whole suite.
# Both set everything up on a fresh machine that has Python 3.12+ and git.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYTHON_BOOT := $(shell for p in python3.13 python3.12 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then echo $$p; break; fi; done)
ROWS ?= 100000
PYTEST_ARGS ?=

.PHONY: install run test test-fast lint format check-deploy bench bench-lot bench-journal bench-pages bench-rappels demo clean

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON_BOOT)" || { echo "Python 3.12 ou plus récent est requis (python3.12 introuvable)."; exit 1; }
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) -m espace_sante.embedded run

# Two pytest workers (the suite's budget is 15 minutes on 2 cores); TEST_WORKERS=0 for one.
# Then the tests marked `seul` alone (exit status 5, "nothing selected", is not a failure).
TEST_WORKERS ?= 2
test: install
	$(PY) -m espace_sante.embedded test -n $(TEST_WORKERS) -m "not seul" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(PY) -m espace_sante.embedded test -n 0 -m seul $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Everything but the browser tests.
test-fast: install
	$(PY) -m espace_sante.embedded test -n $(TEST_WORKERS) -m "not e2e" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) -m espace_sante.embedded exec $(PY) manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# `check --deploy` under production settings with throwaway secrets: must print no warning.
check-deploy: install
	DEBUG=false ALLOWED_HOSTS=espace-sante.example.fr \
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ENCRYPTION_KEYS=k1:$$($(PY) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())') \
	HASH_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))') \
	JOURNAL_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))') \
	JOURNAL_SIGNING_KEY=$$($(PY) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())') \
	DATABASE_URL=postgres://nobody@127.0.0.1:1/none REDIS_URL=redis://127.0.0.1:1/0 \
	DATABASE_OWNER_URL=postgres://owner@127.0.0.1:1/none \
	$(PY) manage.py check --deploy --fail-level WARNING

demo: install
	$(PY) -m espace_sante.embedded exec $(PY) manage.py demo

bench-lot: install
	$(PY) -m espace_sante.embedded exec $(PY) bench/lot_creation.py --rows $(ROWS)

clean:
	$(PY) -m espace_sante.embedded stop || true
	rm -rf var $(VENV)

N ?= 3000
bench-journal: install
	$(PY) -m espace_sante.embedded exec $(PY) bench/journal_ecriture.py --n $(N)

bench-pages: install
	$(PY) -m espace_sante.embedded exec $(PY) bench/pages.py

# Every benchmark against its same-run baseline, written to bench/RESULTS.md (bounded:
# BENCH_ROWS, BENCH_N, BENCH_DUREE seconds per page, BENCH_PROFILS for the growth runs).
bench: install
	$(PY) -m espace_sante.embedded exec $(PY) bench/tout.py

# The reminder sweep among 100k then 1M rows: its cost follows the due rows, not the table.
bench-rappels: install
	$(PY) -m espace_sante.embedded exec $(PY) bench/rappels.py
