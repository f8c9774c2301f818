"""Pristine data directories per server version, and the parameters read from them.

Made once (``mariadb-install-db`` / ``initdb``, then the server is started to read its
parameters) under ``<data-dir>/rds/templates/<server>``; a new instance's data directory
is a copy, which is what makes creation take about a second. The parameter definitions
go to the store (``rds_engine_parameters``), where every gateway process can read them.
With a template cache (template_cache.py), a template some other data directory made
already is copied from there instead of being made again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from pathlib import Path

from fogbank.services.rds import group_store
from fogbank.services.rds.engines import params
from fogbank.services.rds.engines.base import Engine
from fogbank.services.rds.engines.template_cache import TemplateCache
from fogbank.services.rds.models import ParameterDef
from fogbank.storage.db import Database


class Templates:
    def __init__(
        self,
        root: Path,
        engines: Mapping[str, Engine],
        db: Database,
        now: Callable[[], float],
        cache: TemplateCache | None = None,
    ) -> None:
        self.root = root
        self.cache = cache
        self.engines = engines
        self.db = db
        self.now = now
        self._locks: dict[str, asyncio.Lock] = {}
        self._defs: dict[str, dict[str, ParameterDef]] = {}

    def path(self, server: str) -> Path:
        return self.root / server

    async def ensure(self, server: str) -> dict[str, ParameterDef]:
        """The template of ``server`` exists and its parameters are in the store."""
        lock = self._locks.setdefault(server, asyncio.Lock())
        async with lock:
            cached = self._defs.get(server)
            stored = await self.db.read(lambda c: group_store.get_definitions(c, server))
            if cached is not None and stored is not None and self.path(server).is_dir():
                return cached
            if stored is not None and self.path(server).is_dir():
                self._defs[server] = params.defs_from_json(stored)
                return self._defs[server]
            self.root.mkdir(parents=True, exist_ok=True)
            engine = self.engines[server]
            if self.cache is None:
                defs = await engine.make_template(self.path(server))
            else:
                defs = await self.cache.ensure(engine, self.path(server), engine.make_template)
            text = params.defs_to_json(defs)
            now = self.now()
            await self.db.write(lambda c: group_store.put_definitions(c, server, text, now))
            self._defs[server] = defs
            return defs


async def read_definitions(
    db: Database, server: str, timeout: float = 120.0
) -> dict[str, ParameterDef] | None:
    """Definitions from the store, waiting up to ``timeout`` for the supervisor to make them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        text = await db.read(lambda c: group_store.get_definitions(c, server))
        if text is not None:
            return params.defs_from_json(text)
        if loop.time() >= deadline:
            return None
        await asyncio.sleep(0.2)
