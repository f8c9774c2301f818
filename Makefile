# The two commands a new machine needs:
#   make run    install what fogbank needs and serve on 127.0.0.1:4566
#   make test   install what the tests need and run lint, types and the whole suite
#               (once on SQLite metadata, once on PostgreSQL)
.PHONY: run test setup-run setup-test lint unit test-sqlite test-postgres compat

VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=

run: setup-run
	$(VENV)/bin/fogbank up $(ARGS)

setup-run:
	scripts/setup-system.sh run
	scripts/setup-venv.sh run

setup-test:
	scripts/setup-system.sh test
	scripts/setup-venv.sh test

lint: setup-test
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

test-sqlite: setup-test
	FOGBANK_TEST_METADATA=sqlite $(PY) -m pytest -n 2 $(ARGS)

test-postgres: setup-test
	FOGBANK_TEST_METADATA=postgresql $(PY) -m pytest -n 2 $(ARGS)

test: lint test-sqlite test-postgres
