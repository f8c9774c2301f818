#!/usr/bin/env bash
# Installs what the tests need, then runs lint, type checks and the suite: all of it on
# SQLite metadata (the default), then on PostgreSQL (a throwaway cluster per run) the tests
# that reach a metadata store (tests/conftest.py picks them).
# Extra arguments go to pytest (e.g. scripts/test.sh -k s3).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh test
scripts/setup-venv.sh test
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
.venv/bin/mypy
jobs="${FOGBANK_TEST_JOBS:-2}"
# worksteal: an idle worker takes tests queued on a busy one. With the default (load), the
# first worker's initial share held most of the slow integration tests and it ran alone
# for 340 of the SQLite pass's 430 s while the other sat idle.
echo "== tests on SQLite metadata"
FOGBANK_TEST_METADATA=sqlite .venv/bin/python -m pytest -n "$jobs" --dist worksteal "$@"
echo "== tests on PostgreSQL metadata"
FOGBANK_TEST_METADATA=postgresql .venv/bin/python -m pytest -n "$jobs" --dist worksteal "$@"
