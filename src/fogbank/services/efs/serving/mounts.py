"""What a mount target asks about a connecting client: security groups (EC2), access
points and the file system policy (the control plane's rows), evaluated per mount."""

from __future__ import annotations

import logging

from fogbank.services.efs import access
from fogbank.services.efs.engine import EfsEngine
from fogbank.services.efs.models import AccessPoint as AccessPointRow
from fogbank.services.efs.models import file_system_arn
from fogbank.services.efs.rpc.auth import (
    AccessPoint,
    Admission,
    Admit,
    CreationInfo,
    MountRequest,
    PosixUser,
)
from fogbank.services.efs.store import access_points as ap_store
from fogbank.services.efs.store import filesystems as fs_store

log = logging.getLogger("fogbank.efs")


def to_rpc(row: AccessPointRow) -> AccessPoint:
    user = None
    if row.posix_uid is not None and row.posix_gid is not None:
        user = PosixUser(row.posix_uid, row.posix_gid, row.secondary_gids)
    info = None
    if row.owner_uid is not None and row.owner_gid is not None and row.permissions:
        info = CreationInfo(row.owner_uid, row.owner_gid, int(row.permissions, 8))
    return AccessPoint(row.ap_id, row.fs_id, user, row.root_path, info, row.arn)


class TargetGroups:
    """A mount target's security groups; the host updates them when they change."""

    def __init__(self, groups: tuple[str, ...]) -> None:
        self.groups = groups


class MountGate:
    """The callbacks of one file system's mount targets."""

    def __init__(self, engine: EfsEngine, fs_id: str, account_id: str, region: str) -> None:
        self.engine = engine
        self.fs_id = fs_id
        self.account_id = account_id
        self.region = region

    def admit_for(self, target: TargetGroups) -> Admit:
        """Admission by one mount target's security groups (as the host last read them)."""

        async def admit(client_ip: str, port: int) -> Admission:
            found = await self.engine.ec2.admit(
                self.account_id, self.region, target.groups, client_ip, "tcp", port
            )
            return Admission(found.allowed, found.message)

        return admit

    async def access_point(self, fs_id: str, ap_id: str) -> AccessPoint | None:
        row = await self.engine.read(lambda c: ap_store.get(c, ap_id))
        if row is None or row.fs_id != fs_id or row.account_id != self.account_id:
            return None
        return to_rpc(row)

    async def authorize(self, request: MountRequest) -> frozenset[str]:
        fs = await self.engine.read(lambda c: fs_store.get(c, self.fs_id))
        if fs is None:
            return frozenset()
        arn = file_system_arn(self.region, self.account_id, self.fs_id)
        try:
            policy = self.engine.policies.get(fs.policy or access.DEFAULT_POLICY, arn)
        except access.PolicyError:
            log.error("efs: the policy of %s does not parse; no client is allowed", self.fs_id)
            return frozenset()
        identity = access.IdentitySide()
        if request.principal is not None:
            identity = await self.engine.identities(request.principal)
        return access.client_actions(request, arn, self.account_id, policy, identity)
