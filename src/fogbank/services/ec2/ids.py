"""EC2 identifiers: ``vpc-``/``subnet-``/``sg-``/``sgr-`` + 17 hex digits, and ARNs."""

from __future__ import annotations

import re

from fogbank.core import ids
from fogbank.services.ec2 import errors

# The resource types fogbank's EC2 has, by id prefix: (resource type, malformed code).
PREFIXES: dict[str, tuple[str, str]] = {
    "vpc": ("vpc", "InvalidVpcID.Malformed"),
    "subnet": ("subnet", "InvalidSubnetID.Malformed"),
    "sg": ("security-group", "InvalidGroupId.Malformed"),
    "sgr": ("security-group-rule", "InvalidSecurityGroupRuleId.Malformed"),
}
_SHAPE = re.compile(r"^(vpc|subnet|sg|sgr|dopt|vpc-cidr-assoc|subnet-cidr-assoc)-([0-9a-f]+)$")


def new(prefix: str) -> str:
    return ids.hex_id(prefix, 17)


def well_formed(text: str, prefix: str) -> bool:
    """Older 8-digit ids and today's 17-digit ids are both valid."""
    m = _SHAPE.match(text)
    return bool(m) and m.group(1) == prefix and len(m.group(2)) in (8, 17)  # type: ignore[union-attr]


def check(text: str, prefix: str) -> str:
    if not well_formed(text, prefix):
        raise errors.malformed(PREFIXES[prefix][1], text, prefix)
    return text


def resource_type(resource_id: str) -> str | None:
    """``vpc``/``subnet``/``security-group``/``security-group-rule`` for a well-formed id."""
    prefix = resource_id.rsplit("-", 1)[0] if "-" in resource_id else ""
    entry = PREFIXES.get(prefix)
    if entry is None or not well_formed(resource_id, prefix):
        return None
    return entry[0]


def arn(region: str, account_id: str, resource_type: str, resource_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account_id}:{resource_type}/{resource_id}"
