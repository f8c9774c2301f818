"""RDS's engine layer run in a background event loop, for tests that act as its clients.

The engines, the supervisor and the front live in a uvloop loop on a thread of their own;
the test drives the layer through ``call`` and connects with real clients (PyMySQL,
psycopg, the mariadb and psql programs) like any user would.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import uvloop

from fogbank.core.clock import Clock
from fogbank.services.rds.addresses import AddressPool
from fogbank.services.rds.assembly import RdsEngineLayer, build_engine_layer
from fogbank.services.rds.engines.admission import CidrRules
from fogbank.services.rds.models import Instance, Scope
from fogbank.services.rds.schema import MIGRATIONS
from fogbank.storage.db import Database, DbSettings
from fogbank.storage.migrations import migrate

T = TypeVar("T")
SCOPE = Scope("000000000000", "us-east-1")


def _template_cache() -> Path | None:
    """The session's RDS template cache (tests/conftest.py), as a server would use it."""
    cache = os.environ.get("FOGBANK_RDS_TEMPLATE_CACHE")
    return Path(cache) if cache else None


class RdsHarness:
    def __init__(
        self,
        metadata_url: str | None = None,
        diagnostic_tcp_offset: int | None = None,
        kernel_routes: str = "off",
    ) -> None:
        self.diagnostic_tcp_offset = diagnostic_tcp_offset
        self.kernel_routes = kernel_routes
        self.dir = Path(tempfile.mkdtemp(prefix="fogbank-rds-test-"))
        self.url = metadata_url or f"sqlite:///{self.dir / 'metadata.db'}"
        self.rules = CidrRules()
        self.events: list[tuple[str, str]] = []
        # A loopback /24 of this run's own, so parallel runs never share an endpoint (and
        # none is another run's twin: see tests/integration/rds/clients.address_range).
        a, b = random.randint(64, 127), random.randint(1, 250)
        self.pool = AddressPool(f"127.{a}.{b}.1", f"127.{a}.{b}.254")
        self.loop = uvloop.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.db = Database(DbSettings(self.url))
        migrate(self.db, MIGRATIONS)
        self.layer = self._build()
        self.call(self.layer.start())

    def _build(self) -> RdsEngineLayer:
        return build_engine_layer(
            db=self.db,
            clock=Clock(),
            data_dir=self.dir,
            admitter=self.rules,
            primary=True,
            addresses=self.pool,
            on_event=lambda i, m: self.events.append((i, m)),
            poll=0.5,
            diagnostic_tcp_offset=self.diagnostic_tcp_offset,
            kernel_routes=self.kernel_routes,
            template_cache=_template_cache(),
        )

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 120.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def wait(self, instance_id: str, *statuses: str, timeout: float = 60.0) -> Instance:
        return self.call(
            self.layer.instances.wait_for_status(SCOPE, instance_id, set(statuses), timeout),
            timeout + 5,
        )

    def restart(self) -> None:
        """Stop the supervisor (and so every engine); build a new layer on the same files."""
        self.call(self.layer.stop())
        self.layer = self._build()
        self.call(self.layer.start())

    def close(self) -> None:
        try:
            self.call(self.layer.stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.db.close()
            shutil.rmtree(self.dir, ignore_errors=True)


def cli(argv: list[str], password: str | None = None, timeout: float = 30) -> tuple[int, str]:
    """Run a client program; (exit status, stdout and stderr)."""
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    return done.returncode, done.stdout + done.stderr
