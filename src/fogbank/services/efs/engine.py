"""The EFS engine: what the API operations and the data-plane host share in a process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fogbank.auth.credentials import CredentialLookup
from fogbank.core.clock import Clock
from fogbank.services.ec2.client import Ec2Client
from fogbank.services.efs.access import IdentityLookup, PolicyCache, no_identities
from fogbank.services.efs.fs.store import FsStore
from fogbank.services.efs.serving.addresses import AddressPool
from fogbank.services.efs.serving.wake import Wake
from fogbank.services.kms.client import KmsClient
from fogbank.storage.db import Conn, Database

T = TypeVar("T")

MOUNT_TARGET_USAGE = "efs-mount-target"  # the kind EC2 records for group usage
NFS_PORT = 2049


@dataclass(frozen=True)
class Limits:
    """EFS quotas (Amazon EFS user guide, "Quotas"); adjustable ones can be raised."""

    file_systems_per_region: int = 1000
    access_points_per_file_system: int = 10_000
    security_groups_per_mount_target: int = 5


class EfsEngine:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        store: FsStore,
        ec2: Ec2Client,
        kms: KmsClient,
        wake: Wake,
        addresses: AddressPool,
        *,
        limits: Limits | None = None,
        port: int = NFS_PORT,
        identities: IdentityLookup = no_identities,
        credentials: CredentialLookup | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.store = store
        self.ec2 = ec2
        self.kms = kms
        self.wake = wake
        self.addresses = addresses
        self.limits = limits or Limits()
        self.port = port
        self.identities = identities
        self.credentials = credentials  # access keys, for --iam mounts
        self.policies = PolicyCache()

    def now(self) -> float:
        return self.clock.time()

    async def read(self, fn: Callable[[Conn], T]) -> T:
        return await self.db.read(fn)

    async def write(self, fn: Callable[[Conn], T]) -> T:
        return await self.db.write(fn)
