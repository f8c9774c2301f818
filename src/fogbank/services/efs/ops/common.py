"""What the operations share: typed parameter access, ids, owned-resource lookups,
pagination markers."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence

from fogbank.core.context import RequestContext
from fogbank.services.efs import errors, ids
from fogbank.services.efs.engine import EfsEngine
from fogbank.services.efs.models import AccessPoint, FileSystem, MountTarget
from fogbank.services.efs.store import access_points as ap_store
from fogbank.services.efs.store import filesystems as fs_store
from fogbank.services.efs.store import targets as mt_store

Params = dict[str, object]


def opt_str(params: Mapping[str, object], name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


def req_str(params: Mapping[str, object], name: str) -> str:
    value = opt_str(params, name)
    if value is None:
        raise errors.bad_request(f"{name} is required")
    return value


def opt_int(params: Mapping[str, object], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    assert isinstance(value, int), name
    return value


def struct(params: Mapping[str, object], name: str) -> Mapping[str, object] | None:
    value = params.get(name)
    if value is None:
        return None
    assert isinstance(value, dict), name
    return value


def items(params: Mapping[str, object], name: str) -> list[Mapping[str, object]]:
    value = params.get(name)
    if value is None:
        return []
    assert isinstance(value, list), name
    return [v for v in value if isinstance(v, dict)]


def strings(params: Mapping[str, object], name: str) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    assert isinstance(value, list), name
    return [str(v) for v in value]


def tag_pairs(raw: Sequence[Mapping[str, object]]) -> list[tuple[str, str]]:
    return [(str(t.get("Key", "")), str(t.get("Value", ""))) for t in raw]


def fs_id_of(text: str) -> str:
    """The file system id a FileSystemId parameter names (id or ARN)."""
    fs_id = ids.file_system_id(text)
    if fs_id is None:
        raise errors.validation(
            [
                f"Value '{text}' at 'fileSystemId' failed to satisfy constraint: Member must"
                " satisfy regular expression pattern: ^(arn:aws[-a-z]*:elasticfilesystem:"
                "[0-9a-z-:]+:file-system/fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40})$"
            ]
        )
    return fs_id


def ap_id_of(text: str) -> str:
    ap_id = ids.access_point_id(text)
    if ap_id is None:
        raise errors.validation(
            [
                f"Value '{text}' at 'accessPointId' failed to satisfy constraint: Member must"
                " satisfy regular expression pattern: ^(arn:aws[-a-z]*:elasticfilesystem:"
                "[0-9a-z-:]+:access-point/fsap-[0-9a-f]{8,40}|fsap-[0-9a-f]{8,40})$"
            ]
        )
    return ap_id


def mt_id_of(text: str) -> str:
    mt_id = ids.mount_target_id(text)
    if mt_id is None:
        raise errors.validation(
            [
                f"Value '{text}' at 'mountTargetId' failed to satisfy constraint: Member must"
                " satisfy regular expression pattern: ^fsmt-[0-9a-f]{8,40}$"
            ]
        )
    return mt_id


async def file_system(engine: EfsEngine, ctx: RequestContext, fs_id: str) -> FileSystem:
    found = await engine.read(lambda c: fs_store.owned(c, ctx.account_id, ctx.region, fs_id))
    if found is None:
        raise errors.file_system_not_found(fs_id)
    return found


async def mount_target(engine: EfsEngine, ctx: RequestContext, mt_id: str) -> MountTarget:
    found = await engine.read(lambda c: mt_store.get(c, mt_id))
    if found is None or (found.account_id, found.region) != (ctx.account_id, ctx.region):
        raise errors.mount_target_not_found(mt_id)
    return found


async def access_point(engine: EfsEngine, ctx: RequestContext, ap_id: str) -> AccessPoint:
    found = await engine.read(lambda c: ap_store.get(c, ap_id))
    if found is None or (found.account_id, found.region) != (ctx.account_id, ctx.region):
        raise errors.access_point_not_found(ap_id)
    return found


def require_available(fs: FileSystem) -> None:
    if fs.state != "available":
        raise errors.incorrect_state(fs.fs_id, fs.state)


# -- pagination ---------------------------------------------------------------------
# Markers are opaque to clients: the last id of the previous page, base64url-encoded.


def marker(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def after(token: str | None, member: str = "Marker") -> str:
    if token is None:
        return ""
    try:
        padded = token + "=" * (-len(token) % 4)
        return base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise errors.bad_request(f"Invalid {member}: {token}") from None


def page_size(value: int | None, default: int, member: str) -> int:
    if value is None:
        return default
    if value < 1:
        raise errors.validation(
            [
                f"Value '{value}' at '{member}' failed to satisfy constraint: Member must have"
                " value greater than or equal to 1"
            ]
        )
    return min(value, default)
