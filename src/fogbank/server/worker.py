"""Entry point of a secondary gateway process (started by the primary, not by users)."""

from __future__ import annotations

import os
import sys

from fogbank.server import logs
from fogbank.server.runtime import WORKER_CONFIG_ENV, config_from_json, run_worker


def main() -> int:
    # The primary writes the secrets (KMS passphrase) on our stdin and closes it.
    secrets = sys.stdin.buffer.read().decode("utf-8")
    config = config_from_json(os.environ[WORKER_CONFIG_ENV], secrets)
    logs.configure(config.log_format)
    return run_worker(config)


if __name__ == "__main__":
    sys.exit(main())
