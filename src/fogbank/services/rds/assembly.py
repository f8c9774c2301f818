"""Wires RDS's engine layer from its dependencies; the API provider builds one per process.

Every gateway process gets ``instances`` and ``groups`` (they only touch the store); the
primary process also gets the ``supervisor``, which owns the engines and the front.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fogbank.core.clock import Clock
from fogbank.services.rds.addresses import AddressPool
from fogbank.services.rds.engines.actions import Actions, EventSink, Paths
from fogbank.services.rds.engines.admission import Admitter
from fogbank.services.rds.engines.base import Engine, RunAs
from fogbank.services.rds.engines.catalog import MARIADB, Catalog, Server, discover_servers
from fogbank.services.rds.engines.doorbell import Doorbell
from fogbank.services.rds.engines.front import Front
from fogbank.services.rds.engines.mariadb import MariaDB
from fogbank.services.rds.engines.netfilter import KernelRoutes
from fogbank.services.rds.engines.postgres import Postgres
from fogbank.services.rds.engines.sizing import host_memory
from fogbank.services.rds.engines.supervisor import Supervisor
from fogbank.services.rds.engines.template_cache import TemplateCache
from fogbank.services.rds.engines.templates import Templates
from fogbank.services.rds.groups import ParameterGroups
from fogbank.services.rds.instances import RdsInstances
from fogbank.storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class RdsEngineLayer:
    catalog: Catalog
    instances: RdsInstances
    groups: ParameterGroups
    supervisor: Supervisor | None

    async def start(self) -> None:
        if self.supervisor is not None:
            await self.supervisor.start()

    async def stop(self) -> None:
        if self.supervisor is not None:
            await self.supervisor.stop()


def make_engines(servers: Sequence[Server], run_as: RunAs | None) -> dict[str, Engine]:
    engines: dict[str, Engine] = {}
    for server in servers:
        if server.kind == MARIADB:
            engines[server.key] = MariaDB(server, run_as)
        else:
            engines[server.key] = Postgres(server, run_as)
    return engines


def build_engine_layer(
    *,
    db: Database,
    clock: Clock,
    data_dir: Path,
    admitter: Admitter,
    primary: bool,
    servers: Sequence[Server] | None = None,
    addresses: AddressPool | None = None,
    on_event: EventSink | None = None,
    poll: float = 2.0,
    diagnostic_tcp_offset: int | None = None,
    template_cache: Path | None = None,
    kernel_routes: str = "off",
) -> RdsEngineLayer:
    """``servers``: the installed servers (found on this machine when None).

    ``diagnostic_tcp_offset`` (benchmarks only) makes every engine also listen on TCP at
    its endpoint address and port + offset, bypassing the front and the security groups.
    ``template_cache``: a directory of engine templates shared with other data dirs.
    ``kernel_routes``: "auto", "on" or "off" (engines/netfilter.py); with a diagnostic
    offset the routes lead to that listener, which stays reachable directly.
    """
    run_as = RunAs.for_this_process()
    catalog = Catalog(discover_servers() if servers is None else servers)
    engines = make_engines(catalog.servers, run_as)
    paths = Paths(data_dir / "rds")
    intents = Doorbell(paths.root / "intents.stamp")
    progress = Doorbell(paths.root / "progress.stamp")
    instances = RdsInstances(
        db=db,
        clock=clock,
        catalog=catalog,
        engines=engines,
        intents=intents,
        progress=progress,
        addresses=addresses,
    )
    groups = ParameterGroups(
        db=db, clock=clock, catalog=catalog, engines=engines, instances=instances
    )
    supervisor = None
    if primary:
        cache = TemplateCache(template_cache, run_as) if template_cache is not None else None
        templates = Templates(paths.templates, engines, db, clock.time, cache)
        kernel = KernelRoutes.detect(kernel_routes, guard=diagnostic_tcp_offset is None)
        if kernel is not None and not (addresses or AddressPool()).in_lower_half():
            # An endpoint in 127.128.0.0/9 has its twin in the lower half, where other
            # endpoints and EFS mount targets live: the front alone serves then.
            log.warning("RDS kernel routes need endpoint addresses in 127.0.0.0/9; off")
            kernel = None
        actions = Actions(
            db=db,
            clock=clock,
            paths=paths,
            engines=engines,
            templates=templates,
            front=Front(admitter, kernel),
            run_as=run_as,
            host_memory=host_memory(),
            on_event=on_event,
            diagnostic_tcp_offset=diagnostic_tcp_offset,
            engine_tcp=kernel is not None,
        )
        supervisor = Supervisor(actions, intents, progress, poll=poll)
    return RdsEngineLayer(catalog, instances, groups, supervisor)
