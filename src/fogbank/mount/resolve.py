"""Finding a file system's mount target through the EFS API, as ``mount.efs`` does
(it calls DescribeMountTargets when it cannot use the file system's DNS name).

The caller's own credentials ask; among the file system's mount targets an ``available``
one is chosen (the first by Availability Zone, or the one in ``zone``); one still
``creating`` is waited for. Mount targets listen on NFS's port 2049 at their address.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

NFS_PORT = 2049


class ResolveError(Exception):
    """No mount target can be used; the message says why and what to do."""


@dataclass(frozen=True)
class Caller:
    endpoint: str
    region: str
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


def _client(caller: Caller) -> Any:
    import botocore.session
    from botocore.config import Config

    session = botocore.session.Session()
    return session.create_client(
        "efs",
        region_name=caller.region,
        endpoint_url=caller.endpoint,
        aws_access_key_id=caller.access_key_id,
        aws_secret_access_key=caller.secret_access_key,
        aws_session_token=caller.session_token,
        config=Config(retries={"max_attempts": 2}, connect_timeout=5, read_timeout=30),
    )


def _targets(client: Any, fs_id: str) -> list[dict[str, Any]]:
    from botocore.exceptions import ClientError, EndpointConnectionError

    try:
        pages = client.get_paginator("describe_mount_targets").paginate(FileSystemId=fs_id)
        return [mt for page in pages for mt in page.get("MountTargets", [])]
    except ClientError as exc:
        err = exc.response.get("Error", {})
        raise ResolveError(f"{err.get('Code', 'Error')}: {err.get('Message', exc)}") from None
    except EndpointConnectionError as exc:
        raise ResolveError(f"no EFS API answers: {exc}") from None


def choose(targets: list[dict[str, Any]], zone: str | None = None) -> dict[str, Any] | None:
    """The mount target to use: an available one (in ``zone`` if given), else None."""
    ready = [t for t in targets if t.get("LifeCycleState") == "available"]
    if zone is not None:
        ready = [t for t in ready if t.get("AvailabilityZoneName") == zone]
    ready.sort(key=lambda t: (str(t.get("AvailabilityZoneName")), str(t.get("MountTargetId"))))
    return ready[0] if ready else None


def resolve(
    caller: Caller, fs_id: str, zone: str | None = None, wait: float = 30.0
) -> tuple[str, int]:
    """(address, port) of a mount target of ``fs_id``."""
    client = _client(caller)
    deadline = time.monotonic() + wait
    while True:
        targets = _targets(client, fs_id)
        chosen = choose(targets, zone)
        if chosen is not None:
            return str(chosen["IpAddress"]), NFS_PORT
        pending = [
            t
            for t in targets
            if t.get("LifeCycleState") == "creating"
            and (zone is None or t.get("AvailabilityZoneName") == zone)
        ]
        if not pending:
            where = f" in {zone}" if zone else ""
            raise ResolveError(
                f"{fs_id} has no available mount target{where}; create one with: aws efs"
                f" create-mount-target --file-system-id {fs_id} --subnet-id SUBNET"
            )
        if time.monotonic() > deadline:
            raise ResolveError(
                f"the mount target {pending[0]['MountTargetId']} of {fs_id} is still creating"
            )
        time.sleep(0.2)
