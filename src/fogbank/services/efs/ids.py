"""EFS identifiers: ``fs-``, ``fsmt-``, ``fsap-`` + 17 hex digits (long ids), and the
id-or-ARN forms the API accepts."""

from __future__ import annotations

import re

from fogbank.core import ids

_FS = re.compile(
    r"^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system/)?(fs-[0-9a-f]{8,40})$"
)
_AP = re.compile(
    r"^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:access-point/)?(fsap-[0-9a-f]{8,40})$"
)
_MT = re.compile(r"^fsmt-[0-9a-f]{8,40}$")


def new(prefix: str) -> str:
    return ids.hex_id(prefix, 17)


def file_system_id(text: str) -> str | None:
    """The ``fs-`` id named by an id or a file-system ARN (None if neither)."""
    m = _FS.match(text) if len(text) <= 128 else None
    return m.group(2) if m else None


def access_point_id(text: str) -> str | None:
    m = _AP.match(text) if len(text) <= 128 else None
    return m.group(2) if m else None


def mount_target_id(text: str) -> str | None:
    return text if 13 <= len(text) <= 45 and _MT.match(text) else None


def resource_kind(text: str) -> tuple[str, str] | None:
    """("file-system" | "access-point", id) for a ResourceId (id or ARN)."""
    fs = file_system_id(text)
    if fs is not None:
        return "file-system", fs
    ap = access_point_id(text)
    if ap is not None:
        return "access-point", ap
    return None
