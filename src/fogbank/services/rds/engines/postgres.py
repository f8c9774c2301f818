"""PostgreSQL: serves RDS engine ``postgres``.

Data directories are copied from a template cluster made once per server version with
``initdb``. The server listens on a unix socket only (``listen_addresses = ''``); clients
reach it through the front, and every login, fogbank's own included, is checked with
SCRAM-SHA-256. fogbank administers it as the superuser ``rdsadmin``; the master user is
given ``rds_superuser`` (monitoring and signalling roles), CREATEDB and CREATEROLE, as on
RDS, and owns the database named at creation.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import secrets
import shutil
import signal
from collections.abc import Mapping
from pathlib import Path

import psycopg

from fogbank.services.rds.engines import base
from fogbank.services.rds.engines.base import Bootstrap, EngineError, Layout, RunAs
from fogbank.services.rds.engines.catalog import Server
from fogbank.services.rds.models import ParameterDef

ADMIN_USER = "rdsadmin"
INITDB_CONF = "postgresql.initdb.conf"
INITDB_OPTIONS = (
    "-U",
    ADMIN_USER,
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
    "--auth=scram-sha-256",
    "--no-sync",
)
FIXED = frozenset(
    {
        "config_file",
        "data_directory",
        "external_pid_file",
        "hba_file",
        "ident_file",
        "listen_addresses",
        "log_directory",
        "log_filename",
        "logging_collector",
        "port",
        "unix_socket_directories",
        "unix_socket_group",
        "unix_socket_permissions",
        "ssl_ca_file",
        "ssl_cert_file",
        "ssl_crl_file",
        "ssl_key_file",
        "ssl_crl_dir",
        "archive_command",
        "restore_command",
        "archive_library",
        "shared_preload_libraries",
        "dynamic_library_path",
        "local_preload_libraries",
        "session_preload_libraries",
        "jit_provider",
        "ssl_passphrase_command",
        "data_sync_retry",
    }
)
_QUERY_SETTINGS = (
    "SELECT name, boot_val, unit, short_desc, context, vartype, min_val, max_val,"
    " enumvals FROM pg_settings ORDER BY name"
)


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """PostgreSQL's stored SCRAM-SHA-256 form of a (printable ASCII) password."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(b: bytes) -> str:
        return base64.b64encode(b).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def definition_from_row(row: Mapping[str, object]) -> ParameterDef:
    def text(key: str) -> str | None:
        v = row.get(key)
        return None if v is None else str(v)

    name = str(row["name"])
    context = text("context") or "internal"
    vartype = text("vartype") or "string"
    lo_t, hi_t = text("min_val"), text("max_val")
    choices: tuple[str, ...] = ()
    lo = hi = None
    allowed: str | None
    if vartype == "bool":
        data_type, allowed = "boolean", "0,1"
    elif vartype in ("integer", "real"):
        data_type = "integer" if vartype == "integer" else "float"
        lo = float(lo_t) if lo_t is not None else None
        hi = float(hi_t) if hi_t is not None else None
        allowed = f"{lo_t}-{hi_t}" if lo_t is not None and hi_t is not None else None
    elif vartype == "enum":
        raw = row.get("enumvals")
        choices = tuple(str(v) for v in raw) if isinstance(raw, list | tuple) else ()
        data_type, allowed = "string", ",".join(choices) or None
    else:
        data_type, allowed = "string", None
    unit = text("unit")
    description = (text("short_desc") or "") + (f" (unit: {unit})" if unit else "")
    return ParameterDef(
        name=name,
        default=text("boot_val"),
        data_type=data_type,
        apply_type="static" if context == "postmaster" else "dynamic",
        modifiable=context != "internal" and name not in FIXED,
        allowed_values=allowed,
        description=description,
        minimum=lo,
        maximum=hi,
        choices=choices,
    )


def _conf_value(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


class Postgres:
    stop_signal = signal.SIGINT  # "fast" shutdown: roll back sessions, checkpoint, exit

    def __init__(self, server: Server, run_as: RunAs | None) -> None:
        self.server = server
        self.run_as = run_as

    # -- parameters --------------------------------------------------------------------

    def password_verifier(self, password: str) -> str:
        return scram_verifier(password)

    def system_parameters(self, engine: str) -> dict[str, str]:
        return {
            "shared_buffers": "{DBInstanceClassMemory/32768}",
            "max_connections": "LEAST({DBInstanceClassMemory/9531392},5000)",
            "effective_cache_size": "{DBInstanceClassMemory/16384}",
        }

    def fixed_parameters(self) -> frozenset[str]:
        return FIXED

    def after_start(
        self, applied: Mapping[str, str], defs: Mapping[str, ParameterDef]
    ) -> dict[str, str | None]:
        return {}

    # -- files and processes ---------------------------------------------------------------

    def socket_path(self, layout: Layout, port: int) -> Path:
        return layout.run / f".s.PGSQL.{port}"

    def pid_file(self, layout: Layout) -> Path:
        return layout.data / "postmaster.pid"

    def command(self, layout: Layout) -> list[str]:
        return [
            str(self.server.bin_dir / "postgres"),
            "-D",
            str(layout.data),
            "-c",
            f"config_file={layout.config}",
        ]

    def write_config(
        self,
        layout: Layout,
        port: int,
        applied: Mapping[str, str],
        defs: Mapping[str, ParameterDef],
        bootstrap: bool,
    ) -> None:
        lines = [
            "# Written by fogbank at every start; edit the DB parameter group instead.",
            f"include {_conf_value(str(layout.data / INITDB_CONF))}",
            f"listen_addresses = {_conf_value(layout.tcp[0] if layout.tcp else '')}",
            f"unix_socket_directories = {_conf_value(str(layout.run))}",
            "unix_socket_permissions = 0700",
            f"port = {port}",
            "logging_collector = off",
        ]
        lines += [f"{n} = {_conf_value(v)}" for n, v in sorted(applied.items()) if n not in FIXED]
        base.write_file(layout.config, "\n".join(lines) + "\n", self.run_as)
        hba = ["# Written by fogbank: SCRAM passwords; TCP only from loopback (kernel routes)."]
        if bootstrap:  # first start: fogbank sets its own password, then this line goes
            hba.append(f"local all {ADMIN_USER} trust")
        hba.append("local all all scram-sha-256")
        if layout.tcp is not None:  # reached through the endpoint's kernel route only
            hba.append("host all all 127.0.0.0/8 scram-sha-256")
        base.write_file(layout.data / "pg_hba.conf", "\n".join(hba) + "\n", self.run_as)

    # -- SQL ---------------------------------------------------------------------------

    async def _connect(
        self, layout: Layout, port: int, secret: str | None, dbname: str = "postgres"
    ) -> psycopg.AsyncConnection[tuple[object, ...]]:
        return await psycopg.AsyncConnection.connect(
            host=str(layout.run),
            port=port,
            user=ADMIN_USER,
            password=secret or None,
            dbname=dbname,
            autocommit=True,
            connect_timeout=3,
        )

    async def ready(self, layout: Layout, port: int, admin_secret: str | None) -> bool:
        try:
            conn = await self._connect(layout, port, admin_secret)
        except psycopg.Error:
            return False
        await conn.close()
        return True

    async def bootstrap(self, layout: Layout, port: int, spec: Bootstrap) -> None:
        user = spec.master_username
        async with await self._connect(layout, port, None) as conn:
            await conn.execute(
                f"ALTER ROLE {ADMIN_USER} PASSWORD {_literal(scram_verifier(spec.admin_secret))}"
            )
            await conn.execute("CREATE ROLE rds_superuser NOLOGIN")
            await conn.execute(
                "GRANT pg_monitor, pg_signal_backend, pg_read_all_settings TO rds_superuser"
                " WITH ADMIN OPTION"
            )
            await conn.execute(
                f'CREATE ROLE "{user}" LOGIN CREATEDB CREATEROLE IN ROLE rds_superuser'
                f" PASSWORD {_literal(spec.master_verifier)}"
            )
            if spec.db_name:
                await conn.execute(f'CREATE DATABASE "{spec.db_name}" OWNER "{user}"')

    async def apply_live(
        self,
        layout: Layout,
        port: int,
        admin_secret: str,
        changes: Mapping[str, str | None],
        defs: Mapping[str, ParameterDef],
        applied: Mapping[str, str],
    ) -> None:
        """Rewrite the config with the new values in effect, reload, wait until loaded."""
        self.write_config(layout, port, applied, defs, bootstrap=False)
        async with await self._connect(layout, port, admin_secret) as conn:
            cur = await conn.execute("SELECT pg_conf_load_time()")
            before = (await cur.fetchone() or (None,))[0]
            await conn.execute("SELECT pg_reload_conf()")
        for _ in range(100):  # new sessions fork from the postmaster once it has reloaded
            async with await self._connect(layout, port, admin_secret) as fresh:
                cur = await fresh.execute("SELECT pg_conf_load_time() > %s", (before,))
                row = await cur.fetchone()
                if row is not None and row[0]:
                    return
            await asyncio.sleep(0.02)

    async def set_master_password(
        self, layout: Layout, port: int, admin_secret: str, user: str, verifier: str
    ) -> None:
        async with await self._connect(layout, port, admin_secret) as conn:
            await conn.execute(f'ALTER ROLE "{user}" PASSWORD {_literal(verifier)}')

    # -- the template --------------------------------------------------------------------

    def template_recipe(self) -> str:
        return " ".join(("initdb", *INITDB_OPTIONS))

    async def make_template(self, dest: Path) -> dict[str, ParameterDef]:
        work = dest.with_name(dest.name + ".work")
        shutil.rmtree(work, ignore_errors=True)
        base.make_dir(work, self.run_as)
        layout = Layout(work)
        base.make_dir(layout.run, self.run_as)
        pwfile = work / "initdb.pw"  # a throwaway: rdsadmin gets its password per instance
        base.write_file(pwfile, secrets.token_urlsafe(24), self.run_as)
        await base.run(
            [
                str(self.server.bin_dir / "initdb"),
                "-D",
                str(layout.data),
                *INITDB_OPTIONS,
                f"--pwfile={pwfile}",
            ],
            self.run_as,
        )
        pwfile.unlink()
        (layout.data / "postgresql.conf").replace(layout.data / INITDB_CONF)
        self.write_config(layout, 5432, {}, {}, bootstrap=True)
        proc = await base.spawn(self.command(layout), self.run_as, layout.log)
        try:
            rows: list[dict[str, object]] = []
            for _ in range(600):
                if proc.returncode is not None:
                    raise EngineError(f"PostgreSQL did not start: {base.tail(layout.log)}")
                with contextlib.suppress(psycopg.Error):
                    rows = await self._discover(layout)
                    break
                await asyncio.sleep(0.05)
        finally:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(self.stop_signal)
            await proc.wait()
        if not rows:
            raise EngineError("could not read pg_settings from the template cluster")
        defs = {d.name: d for d in (definition_from_row(r) for r in rows)}
        shutil.rmtree(dest, ignore_errors=True)
        layout.data.rename(dest)
        shutil.rmtree(work, ignore_errors=True)
        return defs

    async def _discover(self, layout: Layout) -> list[dict[str, object]]:
        from psycopg.rows import dict_row

        async with await self._connect(layout, 5432, None) as conn:
            cur = conn.cursor(row_factory=dict_row)
            await cur.execute(_QUERY_SETTINGS)
            return list(await cur.fetchall())


def _literal(value: str) -> str:
    """A SQL string literal of a verifier (base64 and ``$:`` only; checked)."""
    if not all(c.isalnum() or c in "+/=$:-*" for c in value):
        raise EngineError("unexpected character in a password verifier")
    return "'" + value + "'"
