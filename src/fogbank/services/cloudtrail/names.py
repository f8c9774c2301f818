"""Trail names and ARNs, bucket names and key prefixes, checked as CloudTrail checks them.

Trail naming requirements (CloudTrail user guide): ASCII letters, digits, ``.``, ``_`` and
``-``; start and end with a letter or digit; 3 to 128 characters; no adjacent ``.``, ``_``
or ``-``; not an IP address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fogbank.services.cloudtrail import errors

_NAME_CHARS = re.compile(r"^[A-Za-z0-9._-]+$")
_SPECIAL_RUN = re.compile(r"[._-]{2}")
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_TRAIL_ARN = re.compile(r"^arn:(aws[a-z-]*):cloudtrail:([a-z0-9-]+):(\d{12}):trail/(.+)$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
MAX_PREFIX = 200


def check_trail_name(name: str) -> None:
    if len(name) < 3:
        raise errors.invalid_trail_name(
            "Trail name too short. Minimum allowed length: 3 characters. Specified name"
            f" length: {len(name)} characters."
        )
    if len(name) > 128:
        raise errors.invalid_trail_name(
            "Trail name too long. Maximum allowed length: 128 characters. Specified name"
            f" length: {len(name)} characters."
        )
    if not _NAME_CHARS.match(name):
        raise errors.invalid_trail_name(
            "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers,"
            " periods (.), hyphens (-), and underscores (_)."
        )
    if not name[0].isalnum():
        raise errors.invalid_trail_name("Trail name must starts with a letter or number.")
    if not name[-1].isalnum():
        raise errors.invalid_trail_name("Trail name must ends with a letter or number.")
    if _SPECIAL_RUN.search(name):
        raise errors.invalid_trail_name(
            "Trail name cannot have adjacent periods (.), hyphens (-) or underscores (_)."
        )
    if _IP.match(name):
        raise errors.invalid_trail_name("Trail name cannot be formatted as an IP address.")


@dataclass(frozen=True)
class TrailRef:
    """A ``Name`` parameter: a trail name (in the caller's region) or a trail ARN."""

    name: str
    arn: str | None = None
    region: str | None = None
    account: str | None = None


def parse_trail_ref(text: str) -> TrailRef:
    if text.startswith("arn:"):
        m = _TRAIL_ARN.match(text)
        if m is None:
            raise errors.invalid_arn(text)
        return TrailRef(name=m.group(4), arn=text, region=m.group(2), account=m.group(3))
    check_trail_name(text)
    return TrailRef(name=text)


def check_bucket_name(bucket: str) -> None:
    if not _BUCKET.match(bucket) or ".." in bucket or _IP.match(bucket):
        raise errors.invalid_bucket_name(f"Bucket name {bucket} is not valid.")


def check_prefix(prefix: str | None) -> None:
    if prefix is not None and len(prefix) > MAX_PREFIX:
        raise errors.invalid_prefix(
            f"Prefix {prefix[:32]}... is too long: the maximum length is {MAX_PREFIX}."
        )
