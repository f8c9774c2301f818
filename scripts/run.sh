#!/usr/bin/env bash
# Installs what fogbank needs (Debian packages, .venv) and serves in the foreground.
# Extra arguments go to `fogbank up` (e.g. scripts/run.sh --tls --ephemeral).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh run
scripts/setup-venv.sh run
exec .venv/bin/fogbank up "$@"
