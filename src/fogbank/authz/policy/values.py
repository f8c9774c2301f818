"""Typed readings of condition values, for the Numeric, Date, Binary and IP operators.

Both the values written in a policy and the values of request context keys go through
these functions; anything that does not read as the operator's type simply never matches.

Dates (IAM user guide, "Condition operators", Date section): "one of the W3C
implementations of the ISO 8601 date formats" (``2020``, ``2020-01``, ``2020-01-02``,
``2020-01-02T03:04Z``, ``2020-01-02T03:04:05.678+01:00`` ...) or epoch (UNIX) seconds.
Dates without a zone are UTC.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from fogbank.authz.policy.context import Scalar

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_YEAR_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")
_EPOCH = re.compile(r"-?\d+(?:\.\d+)?")


def read_decimal(value: Scalar) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def read_date(value: Scalar) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _EPOCH.fullmatch(text):
        return _from_epoch(float(text))
    partial = _YEAR_MONTH.fullmatch(text)
    if partial is not None:
        month = int(partial.group(2) or 1)
        if not 1 <= month <= 12:
            return None
        return datetime(int(partial.group(1)), month, 1, tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(text.upper())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _from_epoch(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def read_binary(value: Scalar) -> bytes | None:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def read_network(value: str) -> IpNetwork | None:
    """A CIDR block; an address without a prefix length is a /32 (or /128)."""
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


def read_address(value: Scalar) -> IpAddress | None:
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def read_bool_text(value: Scalar) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value.lower()
    return None
