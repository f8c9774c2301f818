# Shortcuts for developers; the README's two commands are scripts/run.sh and scripts/test.sh.
.PHONY: run test lint unit compat

run:
	scripts/run.sh $(ARGS)

test:
	scripts/test.sh $(ARGS)

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/mypy

unit:
	.venv/bin/python -m pytest -n 2 --dist worksteal tests/unit tests/protocol tests/contract

compat:
	.venv/bin/python -m fogbank.tools.compat > docs/compatibility.md
