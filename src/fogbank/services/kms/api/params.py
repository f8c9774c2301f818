"""Typed access to a KMS request's parsed parameters.

The protocol layer has already checked each member's JSON type and the presence of the
required ones against botocore's model; these helpers give them their Python types (and
answer KMS's ValidationException should a value still not be what the model says).
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.errors import AwsError
from fogbank.services.kms import errors

Params = Mapping[str, object]


def _wrong(name: str) -> AwsError:
    return errors.validation(f"Invalid value for {name}.")


def text(params: Params, name: str) -> str:
    value = params.get(name)
    if value is None:
        raise errors.constraint(name, "Member must not be null")
    if not isinstance(value, str):
        raise _wrong(name)
    return value


def opt_text(params: Params, name: str) -> str | None:
    value = params.get(name)
    if value is not None and not isinstance(value, str):
        raise _wrong(name)
    return value


def blob(params: Params, name: str) -> bytes:
    value = params.get(name)
    if value is None:
        raise errors.constraint(name, "Member must not be null")
    if not isinstance(value, bytes):
        raise _wrong(name)
    return value


def opt_int(params: Params, name: str) -> int | None:
    value = params.get(name)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise _wrong(name)
    return value


def flag(params: Params, name: str) -> bool:
    value = params.get(name)
    if value is not None and not isinstance(value, bool):
        raise _wrong(name)
    return bool(value)


def strings(params: Params, name: str) -> list[str]:
    value = params.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _wrong(name)
    return [str(v) for v in value]


def pairs(params: Params, name: str) -> dict[str, str] | None:
    """A string-to-string map (an encryption context), or None when absent."""
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _wrong(name)
    out: dict[str, str] = {}
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise errors.validation("Encryption context keys and values must be strings.")
        out[k] = v
    return out


def structure(params: Params, name: str) -> Mapping[str, object]:
    value = params.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _wrong(name)
    return value


def tags(params: Params, name: str = "Tags") -> list[tuple[str, str]]:
    """KMS's tag list (``[{"TagKey": ..., "TagValue": ...}]``) as pairs."""
    value = params.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _wrong(name)
    out = []
    for item in value:
        if not isinstance(item, dict):
            raise _wrong(name)
        key, val = item.get("TagKey"), item.get("TagValue")
        if not isinstance(key, str) or not isinstance(val, str):
            raise errors.constraint(f"{name}.member.tagValue", "Member must not be null")
        out.append((key, val))
    return out
