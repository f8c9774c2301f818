"""The services of one gateway process, each built on its first use.

A gateway process is ready to answer as soon as its edge, authentication and IAM are up;
every other service (its modules, engines and background jobs) is built when a request
first needs it. That first request marks the service in use in the store
(storage/in_use.py), and every process builds the services marked there (``watch``,
``build_in_use``), so that their clock-driven jobs run and what they supervise (database
engines, mount targets) resumes, whichever process or earlier run used them first. An
idle server with an empty store has built only IAM and STS. Building imports a service's
modules, which is CPU work: it runs in a thread, so that the event loop keeps answering.

The factories come from the composition root (server/assemble.py); a factory may ask
the registry for the services it depends on (``require``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Mapping
from typing import TypeVar

from fogbank.core.jobs import Job
from fogbank.services.base import ServiceProvider
from fogbank.storage import in_use
from fogbank.storage.db import Database

log = logging.getLogger("fogbank.services")

S = TypeVar("S", bound=ServiceProvider)
ServiceFactory = Callable[["ServiceRegistry"], ServiceProvider]


class ServiceRegistry:
    def __init__(
        self,
        factories: Mapping[str, ServiceFactory],
        *,
        db: Database | None = None,
        primary: bool = False,
        on_job: Callable[[Job], None] | None = None,
    ) -> None:
        self._factories = dict(factories)
        self._db = db  # where services in use are marked (None: not marked)
        self._built: dict[str, ServiceProvider] = {}
        self._started: list[str] = []
        self._primary = primary
        self._on_job = on_job
        self._lock = threading.RLock()  # builds (in threads) and their dependencies
        self._starting: asyncio.Lock | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every service this process serves, built or not."""
        return tuple(self._factories)

    @property
    def built(self) -> Mapping[str, ServiceProvider]:
        """The services built so far (a live view)."""
        return self._built

    def add(self, provider: ServiceProvider) -> None:
        """A service built eagerly by the composition root (IAM, STS)."""
        self._factories[provider.name] = lambda _registry: provider
        self._built[provider.name] = provider

    def require(self, name: str, kind: type[S]) -> S:
        """The service ``name``, built now if need be (blocking: for factories)."""
        with self._lock:
            provider = self._built.get(name)
            if provider is None:
                provider = self._factories[name](self)
                self._built[name] = provider
        if not isinstance(provider, kind):
            raise TypeError(f"service {name!r} is a {type(provider).__name__}, not {kind}")
        return provider

    def build_all_sync(self) -> dict[str, ServiceProvider]:
        """Every service, built now (blocking; for tools that read the dispatch tables)."""
        return {name: self.require(name, ServiceProvider) for name in self._factories}

    async def get(self, name: str, mark: bool = True) -> ServiceProvider | None:
        """The started service ``name`` (built off the loop on first use); None if unknown.
        ``mark``: record in the store that the service is in use (a request for it)."""
        provider = self._built.get(name)
        if provider is not None and name in self._started:
            return provider
        if name not in self._factories:
            return None
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            before = set(self._built)
            if name not in self._built:
                await asyncio.to_thread(self.require, name, ServiceProvider)
            new = [n for n in self._built if n not in before]
            if mark and new and self._db is not None:
                await self._db.write(lambda conn: in_use.mark(conn, new))
            await self.start_built()
        return self._built[name]

    async def build_all(self) -> None:
        for name in self._factories:
            await self.get(name, mark=False)

    async def build_in_use(self) -> None:
        """Build the services the store marks in use (by any process) not built here yet."""
        if self._db is None or all(name in self._started for name in self._factories):
            return
        marked = await self._db.read(in_use.marked)
        for name in self._factories:
            if name in marked or in_use.ALL in marked:
                await self.get(name, mark=False)

    async def watch(self, interval: float = 1.0) -> None:
        """Keep building what other processes start using (until cancelled)."""
        while True:
            try:
                await self.build_in_use()
            except Exception:
                log.exception("building the services in use failed")
            await asyncio.sleep(interval)

    async def start_built(self) -> None:
        """Start what was built and not started yet (dependencies included), in order;
        a service's jobs go to ``on_job`` first."""
        for name, provider in list(self._built.items()):
            if name in self._started:
                continue
            self._started.append(name)
            if self._on_job is not None:
                for job in provider.jobs():
                    self._on_job(job)
            await provider.start(self._primary)

    async def stop(self) -> None:
        """Stop the started services, last started first."""
        while self._started:
            name = self._started.pop()
            with contextlib.suppress(Exception):
                await self._built[name].stop()
