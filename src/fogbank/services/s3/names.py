"""Bucket name and object key rules (S3 user guide, "Bucket naming rules"; "Object keys").

General purpose buckets: 3-63 characters of lower-case letters, digits, dots and hyphens,
beginning and ending with a letter or digit; no two adjacent dots; not an IP address;
not starting with ``xn--``, ``sthree-``, ``amzn-s3-demo-``; not ending with ``-s3alias``,
``--ol-s3``, ``.mrap``, ``--x-s3``, ``--table-s3``. Keys are at most 1024 bytes of UTF-8.
"""

from __future__ import annotations

import re

from fogbank.services.s3 import errors

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z")
_IP = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\Z")
_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

MAX_KEY_BYTES = 1024


def bucket_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a new bucket's name, or None when it can."""
    if not 3 <= len(name) <= 63:
        return "Bucket name must be between 3 and 63 characters long"
    if not _BUCKET.match(name):
        return (
            "Bucket name can only contain lowercase letters, numbers, periods and hyphens, "
            "and must begin and end with a letter or number"
        )
    if ".." in name or ".-" in name or "-." in name:
        return "Bucket name must not contain adjacent periods or a period next to a hyphen"
    if _IP.match(name):
        return "Bucket name must not be formatted as an IP address"
    if name.startswith(_BAD_PREFIXES):
        return "Bucket name must not start with a reserved prefix"
    if name.endswith(_BAD_SUFFIXES):
        return "Bucket name must not end with a reserved suffix"
    return None


def check_new_bucket_name(name: str) -> None:
    if bucket_name_problem(name) is not None:
        raise errors.invalid_bucket_name(name)


def could_be_bucket(name: str) -> bool:
    """Whether a request naming ``name`` can refer to an existing bucket at all (legacy
    names were looser: up to 255 characters, upper case and underscores)."""
    return 0 < len(name) <= 255 and "/" not in name


def check_key(key: str) -> str:
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > MAX_KEY_BYTES:
        raise errors.key_too_long(size)
    if not key:
        raise errors.invalid_argument("Object key must not be empty", "Key", key)
    return key
