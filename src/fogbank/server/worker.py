"""Entry point of a secondary gateway process (started by the primary, not by users)."""

from __future__ import annotations

import gc
import os
import sys


def main() -> int:
    gc.disable()  # start-up makes long-lived objects, not garbage; serve() turns it back on
    from fogbank.server import logs
    from fogbank.server.runtime import WORKER_CONFIG_ENV, config_from_json, run_worker

    # The primary writes the secrets (KMS passphrase) on our stdin and closes it.
    secrets = sys.stdin.buffer.read().decode("utf-8")
    config = config_from_json(os.environ[WORKER_CONFIG_ENV], secrets)
    logs.configure(config.log_format)
    return run_worker(config)


if __name__ == "__main__":
    sys.exit(main())
