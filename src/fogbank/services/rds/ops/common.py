"""What RDS's handlers share: reading parameters, Filters, Marker/MaxRecords paging."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from fogbank.core.context import RequestContext
from fogbank.services.rds import errors, tagging
from fogbank.services.rds.models import Scope, Tags

T = TypeVar("T")
Params = Mapping[str, object]
_MARKER_PREFIX = "fogbank:"


def scope(ctx: RequestContext) -> Scope:
    return Scope(ctx.account_id, ctx.region)


def text(params: Params, name: str) -> str | None:
    value = params.get(name)
    return value if isinstance(value, str) else None


def required(params: Params, name: str) -> str:
    value = text(params, name)
    if value is None or value == "":
        raise errors.invalid_value(f"The parameter {name} must be provided and must not be blank.")
    return value


def integer(params: Params, name: str) -> int | None:
    value = params.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def boolean(params: Params, name: str) -> bool | None:
    value = params.get(name)
    return value if isinstance(value, bool) else None


def strings(params: Params, name: str) -> list[str] | None:
    value = params.get(name)
    if not isinstance(value, list):
        return None
    return [str(v) for v in value]


def tags(params: Params, name: str = "Tags") -> Tags:
    value = params.get(name)
    if not isinstance(value, list):
        return ()
    out: list[tuple[str, str]] = []
    for item in value:
        if not isinstance(item, Mapping):
            continue
        key = item.get("Key")
        if not isinstance(key, str):
            raise errors.invalid_value("A tag must have a Key.")
        val = item.get("Value")
        out.append((key, val if isinstance(val, str) else ""))
    return tagging.check(out)


def timestamp(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


# -- Filters ------------------------------------------------------------------------------


def filters(params: Params, known: Sequence[str]) -> dict[str, list[str]]:
    """``Filters`` as name -> values; InvalidParameterValue for a name RDS does not know."""
    value = params.get("Filters")
    out: dict[str, list[str]] = {}
    if not isinstance(value, list):
        return out
    for item in value:
        if not isinstance(item, Mapping):
            continue
        name = item.get("Name")
        values = item.get("Values")
        if not isinstance(name, str) or name not in known:
            raise errors.invalid_value(f"Unrecognized filter name: {name}")
        if not isinstance(values, list) or not values:
            raise errors.invalid_value(f"The filter {name} must have at least one value.")
        out.setdefault(name, []).extend(str(v) for v in values)
    return out


# -- paging -------------------------------------------------------------------------------


def max_records(params: Params, default: int = 100, low: int = 20, high: int = 100) -> int:
    value = integer(params, "MaxRecords")
    if value is None:
        return default
    if not low <= value <= high:
        raise errors.invalid_value(
            f"Invalid value {value} for MaxRecords. Must be between {low} and {high}"
        )
    return value


def _encode(key: str) -> str:
    return base64.urlsafe_b64encode((_MARKER_PREFIX + key).encode()).decode()


def _decode(marker: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(marker.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise errors.invalid_value(f"Invalid marker: {marker}") from None
    if not raw.startswith(_MARKER_PREFIX):
        raise errors.invalid_value(f"Invalid marker: {marker}")
    return raw[len(_MARKER_PREFIX) :]


def page(
    items: Sequence[T],
    key: Callable[[T], str],
    params: Params,
    *,
    default: int = 100,
    low: int = 20,
    high: int = 100,
) -> tuple[list[T], str | None]:
    """One page of ``items`` (already in ``key`` order) and the Marker of the next."""
    limit = max_records(params, default, low, high)
    marker = text(params, "Marker")
    rest = list(items)
    if marker:
        after = _decode(marker)
        rest = [item for item in rest if key(item) > after]
    if len(rest) <= limit:
        return rest, None
    shown = rest[:limit]
    return shown, _encode(key(shown[-1]))


def with_marker(output: dict[str, object], marker: str | None) -> dict[str, object]:
    if marker is not None:
        output["Marker"] = marker
    return output
