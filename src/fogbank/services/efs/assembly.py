"""Builds the EFS service of one gateway process from its dependencies.

Every process gets the API and a data-plane host; the host serves the mount targets of
the file systems whose lease the process holds. File-system operations run on a second,
non-fsyncing handle on the store (made durable at fsync and close, see docs/efs.md).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fogbank.auth.credentials import CredentialLookup
from fogbank.core.clock import Clock
from fogbank.services.ec2.client import Ec2Client
from fogbank.services.efs.access import IdentityLookup, no_identities
from fogbank.services.efs.engine import NFS_PORT, EfsEngine, Limits
from fogbank.services.efs.fs.store import FsStore, fast_handle
from fogbank.services.efs.provider import EfsService
from fogbank.services.efs.serving.addresses import DEFAULT_RANGE, AddressPool
from fogbank.services.efs.serving.host import DataPlaneHost
from fogbank.services.efs.serving.wake import Wake
from fogbank.services.kms.client import KmsClient
from fogbank.storage.db import Database

WAKE_STAMP = "efs/targets.stamp"


@dataclass(frozen=True)
class EfsDeps:
    db: Database
    clock: Clock
    data_dir: Path
    ec2: Ec2Client
    kms: KmsClient
    holder: str  # this process, as lease holder ("host:pid")
    credentials: CredentialLookup | None = None
    identities: IdentityLookup = no_identities
    addresses: str = DEFAULT_RANGE
    port: int = NFS_PORT
    limits: Limits | None = None


def build_efs(deps: EfsDeps) -> EfsService:
    fast = fast_handle(deps.db.settings.url)
    io = ThreadPoolExecutor(16, thread_name_prefix="efs-io")
    store = FsStore(deps.db, deps.data_dir, deps.clock, io, fast_db=fast)
    engine = EfsEngine(
        deps.db,
        deps.clock,
        store,
        deps.ec2,
        deps.kms,
        Wake(deps.data_dir / WAKE_STAMP),
        AddressPool.parse(deps.addresses),
        limits=deps.limits,
        port=deps.port,
        identities=deps.identities,
        credentials=deps.credentials,
    )

    def close() -> None:
        io.shutdown(wait=False)
        fast.close()

    return EfsService(engine, DataPlaneHost(engine, deps.holder), on_stop=close)
