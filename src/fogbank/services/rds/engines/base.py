"""What every engine driver shares: the OS user engines run as, an instance's file layout,
starting child processes, and the ``Engine`` interface the supervisor drives.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fogbank.services.rds.engines.catalog import Server
from fogbank.services.rds.models import ParameterDef

log = logging.getLogger("fogbank.rds")

ENGINE_USER = "fogbank"  # made by scripts/setup-system.sh
SOCKET_PATH_MAX = 100  # sun_path is 108 bytes; leave room for PostgreSQL's ".s.PGSQL.NNNNN"


class EngineError(Exception):
    """An engine could not be prepared, started or talked to."""


@dataclass(frozen=True)
class RunAs:
    """The unprivileged user engines run as when fogbank runs as root."""

    uid: int
    gid: int
    name: str

    @staticmethod
    def for_this_process(user: str = ENGINE_USER) -> RunAs | None:
        if os.geteuid() != 0:
            return None
        try:
            entry = pwd.getpwnam(user)
        except KeyError:
            raise EngineError(
                f"fogbank runs as root, and database engines must not: create the user"
                f" {user!r} (scripts/setup-system.sh does)"
            ) from None
        return RunAs(entry.pw_uid, entry.pw_gid, user)


@dataclass(frozen=True)
class Layout:
    """An instance's files: ``<root>/data`` (the engine's own), config, log, socket dir."""

    root: Path
    # The engine's TCP listener besides its unix socket: the endpoint's twin, reached only
    # through kernel routes (netfilter.py), or a benchmark's diagnostic port. None: none.
    tcp: tuple[str, int] | None = None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def config(self) -> Path:
        return self.root / "engine.conf"

    @property
    def log(self) -> Path:
        return self.root / "engine.log"

    @property
    def run(self) -> Path:
        """The engine's socket directory; short enough for a unix socket path."""
        local = self.root / "run"
        if len(str(local)) + 20 <= SOCKET_PATH_MAX:
            return local
        digest = hashlib.sha256(str(self.root).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"fogbank-rds-{digest}"


@dataclass(frozen=True)
class Bootstrap:
    """What a new instance is created with. Passwords arrive already hashed (verifiers)."""

    admin_secret: str
    master_username: str
    master_verifier: str
    db_name: str | None


class Engine(Protocol):
    """One kind of server (MariaDB, PostgreSQL); stateless apart from its ``Server``."""

    server: Server
    stop_signal: signal.Signals

    def password_verifier(self, password: str) -> str:
        """The engine's stored form of a password (never the password itself)."""
        ...

    def system_parameters(self, engine: str) -> dict[str, str]:
        """fogbank's values for a new group of this engine (AWS formulas allowed)."""
        ...

    def fixed_parameters(self) -> frozenset[str]:
        """Parameters fogbank owns (paths, sockets, networking): not modifiable."""
        ...

    async def make_template(self, dest: Path) -> dict[str, ParameterDef]:
        """Initialise a pristine data directory at ``dest``; return the engine's parameters."""
        ...

    def template_recipe(self) -> str:
        """How ``make_template`` initialises a data directory (the tool's options), for
        telling templates made differently apart (template_cache.py)."""
        ...

    def write_config(
        self,
        layout: Layout,
        port: int,
        applied: Mapping[str, str],
        defs: Mapping[str, ParameterDef],
        bootstrap: bool,
    ) -> None: ...

    def command(self, layout: Layout) -> list[str]: ...

    def after_start(
        self, applied: Mapping[str, str], defs: Mapping[str, ParameterDef]
    ) -> dict[str, str | None]:
        """Parameters to apply live right after every start (no startup option)."""
        ...

    async def ready(self, layout: Layout, port: int, admin_secret: str | None) -> bool:
        """True once the engine accepts fogbank's administrative connection."""
        ...

    async def bootstrap(self, layout: Layout, port: int, spec: Bootstrap) -> None:
        """First start only: fogbank's admin account, the master user, the database."""
        ...

    async def apply_live(
        self,
        layout: Layout,
        port: int,
        admin_secret: str,
        changes: Mapping[str, str | None],
        defs: Mapping[str, ParameterDef],
        applied: Mapping[str, str],
    ) -> None: ...

    async def set_master_password(
        self, layout: Layout, port: int, admin_secret: str, user: str, verifier: str
    ) -> None: ...

    def socket_path(self, layout: Layout, port: int) -> Path:
        """Where the front connects to reach the engine."""
        ...

    def pid_file(self, layout: Layout) -> Path: ...


# -- processes --------------------------------------------------------------------------


def _wrapper(run_as: RunAs | None) -> list[str]:
    """setpriv: the engine gets SIGTERM if fogbank dies, and drops to the engine user."""
    argv = ["setpriv", "--pdeathsig", "TERM"]
    if run_as is not None:
        argv += ["--reuid", str(run_as.uid), "--regid", str(run_as.gid), "--clear-groups"]
    return [*argv, "--"]


async def spawn(
    argv: Sequence[str],
    run_as: RunAs | None,
    log_path: Path,
    env: Mapping[str, str] | None = None,
) -> asyncio.subprocess.Process:
    out = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if run_as is not None:  # MariaDB also opens it itself (log-error)
            os.fchown(out, run_as.uid, run_as.gid)
        return await asyncio.create_subprocess_exec(
            *_wrapper(run_as),
            *argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
            env=dict(env) if env is not None else None,
        )
    finally:
        os.close(out)


async def run(argv: Sequence[str], run_as: RunAs | None, timeout: float = 120.0) -> str:
    """Run a one-shot tool as the engine user; its output, or EngineError if it fails."""
    proc = await asyncio.create_subprocess_exec(
        *_wrapper(run_as),
        *argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise EngineError(f"{Path(argv[0]).name} did not finish in {timeout:.0f}s") from None
    text = out.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise EngineError(f"{Path(argv[0]).name} failed ({proc.returncode}): {text[-2000:]}")
    return text


def tail(path: Path, size: int = 1500) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - size))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


# -- files ------------------------------------------------------------------------------


def make_dir(path: Path, run_as: RunAs | None, mode: int = 0o700) -> None:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(mode)
    if run_as is not None:
        os.chown(path, run_as.uid, run_as.gid)


def write_file(path: Path, text: str, run_as: RunAs | None, mode: int = 0o600) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    if run_as is not None:
        os.chown(tmp, run_as.uid, run_as.gid)
    tmp.replace(path)


def ensure_reachable(path: Path, run_as: RunAs | None) -> None:
    """Let the engine user traverse every ancestor of ``path`` (root's home is 0700).

    Grants search permission only, with an ACL entry for that one user (``setfacl``).
    """
    if run_as is None:
        return
    for parent in reversed(path.resolve().parents):
        st = parent.stat()
        if st.st_uid == run_as.uid:
            continue
        bit = stat.S_IXGRP if st.st_gid == run_as.gid else stat.S_IXOTH
        if st.st_mode & bit:
            continue
        setfacl = shutil.which("setfacl")
        if setfacl is None:
            raise EngineError(
                f"the engine user {run_as.name!r} cannot reach {parent}: install the 'acl'"
                f" package (scripts/setup-system.sh) or run `chmod o+x {parent}`"
            )
        subprocess.run([setfacl, "-m", f"u:{run_as.name}:x", str(parent)], check=True)
        log.warning("granted %s search permission on %s (ACL)", run_as.name, parent)


async def copy_tree(src: Path, dest: Path, run_as: RunAs | None) -> None:
    """Copy a template data directory, as the engine user so it owns the copy."""
    await run(["cp", "-a", "--reflink=auto", str(src), str(dest)], run_as)


def disk_usage(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512  # noqa: PTH118
    return total
