# The two commands of the README: `make demo` and `make test`. Everything they need is
# installed here, into .venv, from the package registries.

VENV    := .venv
PY      := $(VENV)/bin/python
LINLI   := $(VENV)/bin/linli
STAMP   := $(VENV)/.installed
PG_URL  ?= postgresql://postgres@127.0.0.1:5432/test
# Two test processes (pytest-xdist): the whole suite is ~1,300 tests, about half the time on
# two cores. `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n 2

.PHONY: demo test lint bench mutants serve worker clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(STAMP)
	$(LINLI) migrate --noinput
	$(LINLI) demo $(DEMO_ARGS)
	@# The server and the worker (clock, tasks, events) together; Ctrl-C stops both.
	$(LINLI) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; $(LINLI) serve

serve: $(STAMP)
	$(LINLI) serve

worker: $(STAMP)
	$(LINLI) worker

test: $(STAMP) lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

# Each benchmark prints a table and, last, one JSON line; run on SQLite and PostgreSQL.
bench: $(STAMP)
	@for b in bench/[!_]*.py; do \
	  echo "== $$b (sqlite)"; $(PY) $$b || exit 1; \
	  echo "== $$b (postgresql)"; DATABASE_URL=$(PG_URL) $(PY) $$b || exit 1; \
	done

# Mutation testing (docs/decisions/0022): not part of `make test`. MUTANTS limits the run to
# some mutant names, e.g. MUTANTS='linli.ledger.services.*'; results stay in mutants/ and a
# second run checks only what is new or changed (rm -rf mutants to start again).
MUTANTS ?=
mutants: $(STAMP)
	$(VENV)/bin/mutmut run --max-children 1 $(MUTANTS)
	$(PY) scripts/mutation-score

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
