"""MariaDB: serves RDS engines ``mariadb`` and ``mysql``.

Data directories are copied from a template made once per server version with
``mariadb-install-db``. The server listens on a unix socket only (``skip-networking``);
clients reach it through the front. fogbank administers it as ``rdsadmin@localhost``
(random password, like RDS's own ``rdsadmin``); the master user gets the privileges
an RDS MySQL master user has (no SUPER, no FILE, no SHUTDOWN).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import shutil
import signal
from collections.abc import Mapping
from pathlib import Path

import pymysql

from fogbank.services.rds.engines import base
from fogbank.services.rds.engines.base import Bootstrap, EngineError, Layout, RunAs
from fogbank.services.rds.engines.catalog import Server
from fogbank.services.rds.models import ParameterDef

ADMIN_USER = "rdsadmin"
SOCKET = "mysqld.sock"
# mariadb-install-db's options for a template (besides --no-defaults and the data dir)
INSTALL_OPTIONS = (
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
    "--skip-name-resolve",
)
MASTER_PRIVILEGES = (
    "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX,"
    " ALTER, SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE,"
    " REPLICATION SLAVE, BINLOG MONITOR, CREATE VIEW, SHOW VIEW, CREATE ROUTINE,"
    " ALTER ROUTINE, CREATE USER, EVENT, TRIGGER"
)
FIXED = frozenset(
    {
        "basedir",
        "bind_address",
        "character_sets_dir",
        "datadir",
        "general_log_file",
        "init_file",
        "innodb_data_home_dir",
        "innodb_log_group_home_dir",
        "innodb_tmpdir",
        "lc_messages_dir",
        "log_bin_basename",
        "log_bin_index",
        "log_error",
        "pid_file",
        "plugin_dir",
        "port",
        "relay_log_basename",
        "relay_log_index",
        "secure_file_priv",
        "skip_networking",
        "slow_query_log_file",
        "socket",
        "tmpdir",
        "plugin_maturity",
        "skip_grant_tables",
        "user",
    }
)
_QUERY_VARIABLES = (
    "SELECT VARIABLE_NAME, DEFAULT_VALUE, GLOBAL_VALUE, VARIABLE_SCOPE, VARIABLE_TYPE,"
    " VARIABLE_COMMENT, NUMERIC_MIN_VALUE, NUMERIC_MAX_VALUE, ENUM_VALUE_LIST, READ_ONLY,"
    " COMMAND_LINE_ARGUMENT FROM information_schema.SYSTEM_VARIABLES"
    " WHERE VARIABLE_SCOPE <> 'SESSION ONLY'"
)
_NUMERIC = {"INT", "INT UNSIGNED", "BIGINT", "BIGINT UNSIGNED"}


def native_password_hash(password: str) -> str:
    """mysql_native_password's stored form: ``*`` + SHA1(SHA1(password)) in upper hex."""
    inner = hashlib.sha1(password.encode("utf-8")).digest()  # noqa: S324 - the protocol's hash
    return "*" + hashlib.sha1(inner).hexdigest().upper()  # noqa: S324


def quote_value(defn: ParameterDef | None, value: str) -> str:
    """A value as SQL for ``SET GLOBAL`` (numbers bare, everything else a string literal)."""
    if defn is not None and defn.data_type in ("integer", "float", "boolean"):
        float(value)  # validated already; refuse anything that is not a number
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def config_value(defn: ParameterDef | None, value: str) -> str:
    if defn is not None and defn.data_type in ("integer", "float", "boolean"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def definition_from_row(row: Mapping[str, object]) -> ParameterDef:
    def text(key: str) -> str | None:
        v = row.get(key)
        return None if v is None else str(v)

    name = str(row["VARIABLE_NAME"]).lower()
    vtype = text("VARIABLE_TYPE") or "VARCHAR"
    read_only = text("READ_ONLY") == "YES"
    startup = text("COMMAND_LINE_ARGUMENT") is not None
    choices: tuple[str, ...] = ()
    lo = hi = None
    allowed: str | None
    if vtype == "BOOLEAN":
        data_type, allowed = "boolean", "0,1"
    elif vtype in _NUMERIC or vtype == "DOUBLE":
        data_type = "integer" if vtype in _NUMERIC else "float"
        lo_t, hi_t = text("NUMERIC_MIN_VALUE"), text("NUMERIC_MAX_VALUE")
        lo = float(lo_t) if lo_t is not None else None
        hi = float(hi_t) if hi_t is not None else None
        allowed = f"{lo_t}-{hi_t}" if lo_t is not None and hi_t is not None else None
    elif vtype in ("ENUM", "SET") and text("ENUM_VALUE_LIST"):
        choices = tuple((text("ENUM_VALUE_LIST") or "").split(","))
        data_type, allowed = ("list" if vtype == "SET" else "string"), ",".join(choices)
    else:
        data_type, allowed = "string", None
    default: str | None = text("DEFAULT_VALUE")
    if default is None:
        default = text("GLOBAL_VALUE")
    return ParameterDef(
        name=name,
        default=default,
        data_type=data_type,
        apply_type="static" if read_only else "dynamic",
        modifiable=name not in FIXED and (not read_only or startup),
        allowed_values=allowed,
        description=text("VARIABLE_COMMENT") or "",
        minimum=lo,
        maximum=hi,
        choices=choices,
        is_set=vtype == "SET",
        startup_option=startup,
    )


class MariaDB:
    stop_signal = signal.SIGTERM

    def __init__(self, server: Server, run_as: RunAs | None) -> None:
        self.server = server
        self.run_as = run_as

    # -- parameters ------------------------------------------------------------------

    def password_verifier(self, password: str) -> str:
        return native_password_hash(password)

    def system_parameters(self, engine: str) -> dict[str, str]:
        values = {
            "innodb_buffer_pool_size": "{DBInstanceClassMemory*3/4}",
            "max_connections": "{DBInstanceClassMemory/12582880}",
        }
        if engine == "mysql":  # MySQL 8's defaults, where MariaDB's differ
            values["character_set_server"] = "utf8mb4"
            values["collation_server"] = "utf8mb4_general_ci"
        return values

    def fixed_parameters(self) -> frozenset[str]:
        return FIXED

    # -- files and processes --------------------------------------------------------------

    def socket_path(self, layout: Layout, port: int) -> Path:
        return layout.run / SOCKET

    def pid_file(self, layout: Layout) -> Path:
        return layout.run / "mariadbd.pid"

    def command(self, layout: Layout) -> list[str]:
        return [str(self.server.bin_dir / "mariadbd"), f"--defaults-file={layout.config}"]

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
            "[mariadbd]",
            f"datadir = {layout.data}",
            f"socket = {layout.run / SOCKET}",
            f"pid-file = {layout.run / 'mariadbd.pid'}",
            f"log-error = {layout.log}",
            *(
                ["skip-networking", f"port = {port}"]
                if layout.tcp is None
                else [f"bind-address = {layout.tcp[0]}", f"port = {layout.tcp[1]}"]
            ),
            "skip-name-resolve",
            "innodb_buffer_pool_load_at_startup = OFF",
            "innodb_buffer_pool_dump_at_shutdown = OFF",
        ]
        # "loose-": an option the server does not know is a warning, not a failed start.
        # Variables without a startup option of their own are also set with SET GLOBAL
        # once the server runs (after_start).
        for name, value in sorted(applied.items()):
            lines.append(f"loose-{name} = {config_value(defs.get(name), value)}")
        base.write_file(layout.config, "\n".join(lines) + "\n", self.run_as)

    def after_start(
        self, applied: Mapping[str, str], defs: Mapping[str, ParameterDef]
    ) -> dict[str, str | None]:
        """Parameters that have no startup option: applied with SET GLOBAL after start."""
        return {
            n: v
            for n, v in applied.items()
            if n in defs and not defs[n].startup_option and defs[n].apply_type == "dynamic"
        }

    # -- SQL ----------------------------------------------------------------------------

    def _connect(self, layout: Layout, user: str, password: str) -> pymysql.Connection:
        return pymysql.connect(
            unix_socket=str(layout.run / SOCKET),
            user=user,
            password=password,
            autocommit=True,
            connect_timeout=2,
            charset="utf8mb4",
        )

    async def _execute(
        self,
        layout: Layout,
        user: str,
        password: str,
        statements: list[tuple[str, tuple[object, ...]]],
    ) -> list[tuple[object, ...]]:
        def work() -> list[tuple[object, ...]]:
            conn = self._connect(layout, user, password)
            try:
                rows: list[tuple[object, ...]] = []
                with conn.cursor() as cur:
                    for sql, args in statements:
                        cur.execute(sql, args or None)
                        rows = list(cur.fetchall())
                return rows
            finally:
                conn.close()

        return await asyncio.to_thread(work)

    async def ready(self, layout: Layout, port: int, admin_secret: str | None) -> bool:
        user, password = (ADMIN_USER, admin_secret) if admin_secret else ("root", "")
        try:
            await self._execute(layout, user, password, [("SELECT 1", ())])
        except pymysql.err.MySQLError:
            return False
        return True

    async def bootstrap(self, layout: Layout, port: int, spec: Bootstrap) -> None:
        admin_hash = native_password_hash(spec.admin_secret)
        statements: list[tuple[str, tuple[object, ...]]] = [
            ("CREATE USER %s@'localhost' IDENTIFIED BY PASSWORD %s", (ADMIN_USER, admin_hash)),
            (f"GRANT ALL PRIVILEGES ON *.* TO {ADMIN_USER}@'localhost' WITH GRANT OPTION", ()),
            (
                "CREATE USER %s@'%%' IDENTIFIED BY PASSWORD %s",
                (spec.master_username, spec.master_verifier),
            ),
            (
                f"GRANT {MASTER_PRIVILEGES} ON *.* TO %s@'%%' WITH GRANT OPTION",
                (spec.master_username,),
            ),
        ]
        if spec.db_name:
            statements.append((f"CREATE DATABASE IF NOT EXISTS `{spec.db_name}`", ()))
        statements.append(
            (
                "SELECT User, Host FROM mysql.user WHERE User NOT IN ('mariadb.sys', %s, %s)",
                (ADMIN_USER, spec.master_username),
            )
        )
        leftovers = await self._execute(layout, "root", "", statements)
        drops: list[tuple[str, tuple[object, ...]]] = [
            ("DROP USER %s@%s", (str(user), str(host))) for user, host in leftovers
        ]
        if drops:  # the template's password-less root accounts
            await self._execute(layout, ADMIN_USER, spec.admin_secret, drops)

    async def apply_live(
        self,
        layout: Layout,
        port: int,
        admin_secret: str,
        changes: Mapping[str, str | None],
        defs: Mapping[str, ParameterDef],
        applied: Mapping[str, str],
    ) -> None:
        statements: list[tuple[str, tuple[object, ...]]] = []
        for name, value in sorted(changes.items()):
            if not name.replace("_", "").isalnum():
                raise EngineError(f"invalid parameter name {name!r}")
            sql_value = "DEFAULT" if value is None else quote_value(defs.get(name), value)
            statements.append((f"SET GLOBAL {name} = {sql_value}".replace("%", "%%"), ()))
        if statements:
            await self._execute(layout, ADMIN_USER, admin_secret, statements)

    async def set_master_password(
        self, layout: Layout, port: int, admin_secret: str, user: str, verifier: str
    ) -> None:
        await self._execute(
            layout,
            ADMIN_USER,
            admin_secret,
            [("ALTER USER %s@'%%' IDENTIFIED BY PASSWORD %s", (user, verifier))],
        )

    # -- the template -------------------------------------------------------------------

    def template_recipe(self) -> str:
        return " ".join(("mariadb-install-db", *INSTALL_OPTIONS))

    async def make_template(self, dest: Path) -> dict[str, ParameterDef]:
        run_as = self.run_as
        work = dest.with_name(dest.name + ".work")
        shutil.rmtree(work, ignore_errors=True)
        base.make_dir(work, run_as)
        layout = Layout(work)
        base.make_dir(layout.run, run_as)
        install = self.server.bin_dir.parent / "bin" / "mariadb-install-db"
        if not install.exists():
            install = Path(shutil.which("mariadb-install-db") or "mariadb-install-db")
        await base.run(
            [
                str(install),
                "--no-defaults",
                f"--datadir={layout.data}",
                *INSTALL_OPTIONS,
            ],
            run_as,
        )
        self.write_config(layout, 3306, {}, {}, bootstrap=True)
        proc = await base.spawn(self.command(layout), run_as, layout.log)
        try:
            for _ in range(600):
                if proc.returncode is not None:
                    raise EngineError(f"MariaDB did not start: {base.tail(layout.log)}")
                if await self.ready(layout, 3306, None):
                    break
                await asyncio.sleep(0.05)
            rows = await asyncio.to_thread(self._discover, layout)
        finally:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(self.stop_signal)
            await proc.wait()
        defs = {d.name: d for d in (definition_from_row(r) for r in rows)}
        (layout.data / "ib_buffer_pool").unlink(missing_ok=True)
        shutil.rmtree(dest, ignore_errors=True)
        layout.data.rename(dest)
        shutil.rmtree(work, ignore_errors=True)
        return defs

    def _discover(self, layout: Layout) -> list[dict[str, object]]:
        conn = self._connect(layout, "root", "")
        try:
            with conn.cursor(pymysql.cursors.DictCursor) as cur:
                cur.execute(_QUERY_VARIABLES)
                return list(cur.fetchall())
        finally:
            conn.close()
