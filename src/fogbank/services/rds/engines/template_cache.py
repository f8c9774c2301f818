"""Engine templates shared between data directories (``FOGBANK_RDS_TEMPLATE_CACHE``).

Making a template (``initdb`` / ``mariadb-install-db``, then a start to read the engine's
parameters) takes seconds; every new data directory makes its own. With a cache directory
configured, the first data directory to need a template publishes a copy there, with its
parameter definitions, and every later one copies it instead of making it again.

An entry is keyed by what decides its content: the server (kind, version, programs), how
the template is made (the engine's ``template_recipe``, ``FORMAT``), and the user the
engine runs as (who owns the files). Entries appear whole or not at all: they are built
under a temporary name and renamed into place; a lock file per key makes concurrent
servers wait for the one building it rather than build it too. An entry is never changed
once published; deleting the cache directory (fogbank stopped) is always safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import fogbank
from fogbank.services.rds.engines import base, params
from fogbank.services.rds.engines.base import Engine, RunAs, log
from fogbank.services.rds.models import ParameterDef

# Bump when what a template holds changes in a way its recipe does not show.
FORMAT = 1
PARAMETERS = "parameters.json"

MakeTemplate = Callable[[Path], Awaitable[dict[str, ParameterDef]]]


def entry_key(engine: Engine, run_as: RunAs | None) -> str:
    server = engine.server
    owner = "self" if run_as is None else f"{run_as.uid}:{run_as.gid}"
    fingerprint = "\n".join(
        (
            fogbank.__version__,
            str(FORMAT),
            server.kind,
            server.version,
            str(server.bin_dir),
            engine.template_recipe(),
            owner,
        )
    )
    return f"{server.key}-{hashlib.sha256(fingerprint.encode()).hexdigest()[:16]}"


class TemplateCache:
    def __init__(self, root: Path, run_as: RunAs | None) -> None:
        self.root = root
        self.run_as = run_as
        self._prepared = False

    def entry(self, engine: Engine) -> Path:
        return self.root / entry_key(engine, self.run_as)

    async def ensure(
        self, engine: Engine, dest: Path, make: MakeTemplate
    ) -> dict[str, ParameterDef]:
        """Put the template of ``engine`` at ``dest``: copied from the cache, or made by
        ``make`` (and then published) when the cache has none yet."""
        entry = self.entry(engine)
        await asyncio.to_thread(self._prepare_root)
        async with self._locked(entry.with_name(entry.name + ".lock")):
            await asyncio.to_thread(self._drop_leftovers, entry)
            cached = await asyncio.to_thread(_read_parameters, entry)
            if cached is not None:
                await self._copy_out(entry / "data", dest)
                return cached
            defs = await make(dest)
            try:
                await self._publish(entry, dest, defs)
            except (OSError, base.EngineError) as exc:  # the template itself is fine
                log.warning(
                    "could not add the %s template to %s: %s", engine.server.key, self.root, exc
                )
            return defs

    def _drop_leftovers(self, entry: Path) -> None:
        """Half-built copies of ``entry`` (a server stopped while publishing it): with
        the entry's lock held, nobody else is building one."""
        for stale in self.root.glob(f".new-{entry.name}-*"):
            shutil.rmtree(stale, ignore_errors=True)

    def _prepare_root(self) -> None:
        if self._prepared:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        # the engine user copies in and out of it: it must reach into the root itself
        base.ensure_reachable(self.root / PARAMETERS, self.run_as)
        self._prepared = True

    @contextlib.asynccontextmanager
    async def _locked(self, path: Path) -> AsyncIterator[None]:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    async def _copy_out(self, source: Path, dest: Path) -> None:
        """Copy as the engine user (who then owns the copy), under a temporary name."""
        work = dest.with_name(dest.name + ".work")
        await asyncio.to_thread(_replace_dir, work, self.run_as)
        await base.copy_tree(source, work / "data", self.run_as)
        await asyncio.to_thread(_move_into_place, work / "data", dest, work)

    async def _publish(self, entry: Path, template: Path, defs: dict[str, ParameterDef]) -> None:
        tmp = self.root / f".new-{entry.name}-{uuid.uuid4().hex}"
        try:
            await asyncio.to_thread(_replace_dir, tmp, self.run_as)
            await base.copy_tree(template, tmp / "data", self.run_as)
            text = params.defs_to_json(defs)
            await asyncio.to_thread(base.write_file, tmp / PARAMETERS, text, None, 0o644)
            await asyncio.to_thread(os.rename, tmp, entry)  # whole, or not at all
        finally:
            await asyncio.to_thread(shutil.rmtree, tmp, True)


def _read_parameters(entry: Path) -> dict[str, ParameterDef] | None:
    try:
        text = (entry / PARAMETERS).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return params.defs_from_json(text)


def _replace_dir(path: Path, run_as: RunAs | None) -> None:
    shutil.rmtree(path, ignore_errors=True)
    base.make_dir(path, run_as, mode=0o755)


def _move_into_place(copy: Path, dest: Path, work: Path) -> None:
    shutil.rmtree(dest, ignore_errors=True)
    copy.rename(dest)
    shutil.rmtree(work, ignore_errors=True)
