"""A throwaway PostgreSQL cluster for the tests that run on the PostgreSQL backend."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fogbank.storage.migrations import Migration

PG_USER = "fogbank"  # the unprivileged system user made by scripts/setup-system.sh


def _bin_dir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run scripts/setup-system.sh test")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresCluster:
    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.base = Path(tempfile.mkdtemp(prefix="fogbank-pg-"))
        self.data = self.base / "data"
        self.port = _free_port()
        self._as_root = os.geteuid() == 0

    def _run(self, *argv: str) -> None:
        cmd = list(argv)
        if self._as_root:
            cmd = ["runuser", "-u", PG_USER, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True)

    def start(self) -> None:
        if self._as_root:
            uid = pwd.getpwnam(PG_USER).pw_uid
            os.chown(self.base, uid, uid)
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.base / "log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c max_connections=300",
            "start",
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def new_database(self, template: str | None = None) -> str:
        """A new database: empty, or a copy of ``template`` (see ``make_template``)."""
        name = "fb_" + uuid.uuid4().hex[:12]
        source = f' TEMPLATE "{template}"' if template else ""
        self._admin(f'CREATE DATABASE "{name}"{source}')
        return self.url(name)

    def make_template(self, migrations: Sequence[Migration]) -> str:
        """A database holding what ``migrations`` make of an empty one, to be copied by
        ``new_database(template=...)`` (a file-level copy: far cheaper than running every
        migration's DDL again). Only the migrations run here, nothing a server's start-up
        seeds (root key, KMS root key, clock), so a server started on a copy finds its
        schema complete and seeds the rest as it would on an empty database. Afterwards
        the template takes no connections: PostgreSQL copies a database only while no
        session is open on it."""
        from fogbank.storage.db import Database, DbSettings
        from fogbank.storage.migrations import migrate

        name = "fb_template_" + uuid.uuid4().hex[:8]
        self._admin(f'CREATE DATABASE "{name}"')
        db = Database(DbSettings(self.url(name)))
        try:
            migrate(db, migrations)
        finally:
            db.close()
        self._admin(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
        return name

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        for _ in range(50):
            if not (self.data / "postmaster.pid").exists():
                break
            time.sleep(0.1)
        shutil.rmtree(self.base, ignore_errors=True)
