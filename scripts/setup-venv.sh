#!/usr/bin/env bash
# Creates .venv at the repository root and installs fogbank into it (idempotent).
# Usage: scripts/setup-venv.sh [run|test]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.fogbank-$mode.stamp"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  if [ "$mode" = "test" ]; then
    .venv/bin/python -m pip install -q -e '.[dev]'
  else
    .venv/bin/python -m pip install -q -e .
  fi
  touch "$stamp"
fi
# An editable install leaves fogbank's own modules uncompiled; compile them now (as pip
# does for installed packages), so that no start pays for it, even where the environment
# sets PYTHONDONTWRITEBYTECODE. Quick when nothing changed.
.venv/bin/python -m compileall -q src >/dev/null
