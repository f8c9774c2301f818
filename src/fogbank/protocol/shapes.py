"""Scalar values on the wire: timestamps, booleans, numbers, blobs, in each direction.

Parsers call the ``parse_*`` helpers with text taken from a header, a query string, a form
body or an XML element; they raise ``ValueError`` on bad input (the protocol turns that
into its own invalid-argument error). Serializers call the ``format_*`` helpers.
"""

from __future__ import annotations

import base64
import binascii
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime

ISO8601 = "iso8601"
RFC822 = "rfc822"
EPOCH = "unixtimestamp"

_EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- timestamps -------------------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    if value.tzinfo is UTC:
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def epoch_to_datetime(value: int | float | Decimal) -> datetime:
    """Epoch seconds (exact for ints and Decimals) as an aware UTC datetime."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("not a finite number")
        micros = int((value * 1_000_000).to_integral_value())
        return _EPOCH_START + timedelta(microseconds=micros)
    return _EPOCH_START + timedelta(seconds=value)


def parse_timestamp(text: str, fmt: str | None = None) -> datetime:
    """A timestamp as AWS clients send it: ISO 8601, RFC 822/1123 or epoch seconds.

    The declared format is tried first; the others are accepted too, as AWS does.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty timestamp")
    if fmt == EPOCH or (text[0].isdigit() and _looks_numeric(text)):
        try:
            return epoch_to_datetime(Decimal(text))
        except (InvalidOperation, OverflowError) as exc:
            if fmt == EPOCH:
                raise ValueError(f"invalid epoch timestamp {text!r}") from exc
    if text[0].isdigit():
        try:
            return _utc(datetime.fromisoformat(text))
        except ValueError:
            pass
    try:
        return _utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"invalid timestamp {text!r}") from exc


def _looks_numeric(text: str) -> bool:
    return all(c.isdigit() or c in ".eE+-" for c in text) and "-" not in text[1:5]


def format_iso8601(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as S3, EC2 and most XML services write it."""
    v = value if value.tzinfo is UTC else _utc(value)
    return v.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def format_rfc822(value: datetime) -> str:
    """RFC 7231 IMF-fixdate, as HTTP headers carry dates."""
    v = _utc(value)
    return (
        f"{_DAYS[v.weekday()]}, {v.day:02d} {_MONTHS[v.month - 1]} {v.year:04d} "
        f"{v.hour:02d}:{v.minute:02d}:{v.second:02d} GMT"
    )


def format_epoch(value: datetime) -> int | float:
    """Epoch seconds; whole seconds as an int, else a float with millisecond precision."""
    v = _utc(value)
    delta = v - _EPOCH_START
    millis = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if millis % 1000 == 0:
        return millis // 1000
    return millis / 1000


def format_timestamp(value: object, fmt: str) -> str | int | float:
    dt = to_datetime(value)
    if fmt == EPOCH:
        return format_epoch(dt)
    if fmt == RFC822:
        return format_rfc822(dt)
    return format_iso8601(dt)


def to_datetime(value: object) -> datetime:
    """What a service hands in for a timestamp: a datetime, epoch seconds, or a string."""
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return epoch_to_datetime(value)
    if isinstance(value, str):
        return parse_timestamp(value)
    raise TypeError(f"not a timestamp: {value!r}")


# --- other scalars ----------------------------------------------------------------------


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ValueError(f"invalid boolean {text!r}")


def parse_int(text: str) -> int:
    stripped = text.strip()
    if not stripped or not (stripped.isdigit() or (stripped[0] in "+-" and stripped[1:].isdigit())):
        raise ValueError(f"invalid integer {text!r}")
    return int(stripped)


def parse_float(text: str) -> float:
    stripped = text.strip()
    if stripped in ("NaN", "Infinity", "-Infinity"):
        return float(stripped.replace("Infinity", "inf"))
    return float(stripped)  # ValueError on garbage


def format_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(float(value))


def b64decode(text: str | bytes) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("invalid base64") from exc


def b64encode(value: bytes | str) -> str:
    if isinstance(value, str):
        value = value.encode("utf-8")
    return base64.b64encode(value).decode("ascii")


def format_scalar(value: object) -> str:
    """A scalar for a header, query string or XML text (not timestamps/blobs)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_float(value)
    return str(value)
