"""Untrusted JSON request documents (json and rest-json bodies) into params, by shape.

Numbers are decoded as ``Decimal`` first so that epoch timestamps keep their exact
microseconds; members typed float/double become floats. Unknown members are ignored and
``null`` means absent, as AWS's JSON services do. Values of the wrong JSON type raise
``InvalidValue``, missing required members ``MissingParameter`` (with the dotted path).
"""

from __future__ import annotations

import json
from decimal import Decimal

from fogbank.protocol.errors import InvalidValue, MalformedBody, MissingParameter
from fogbank.protocol.parse import Params
from fogbank.protocol.plan import (
    BLOB,
    BOOLEAN,
    FLOAT_TYPES,
    INTEGER_TYPES,
    LIST,
    MAP,
    STRING,
    STRUCTURE,
    TIMESTAMP,
    Ref,
    Shape,
)
from fogbank.protocol.shapes import b64decode, epoch_to_datetime, parse_timestamp


def load_json(data: bytes) -> object:
    if not data.strip():
        return {}
    try:
        return json.loads(data, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and bad UTF-8 are ValueErrors
        raise MalformedBody() from exc


def read_object(document: object, shape: Shape, path: str = "") -> Params:
    """A JSON object as a structure; the document root of json and rest-json bodies."""
    if not isinstance(document, dict):
        raise InvalidValue(name=path or shape.name, value=_kind(document))
    out: Params = {}
    names = shape.json_names
    for key, raw in document.items():
        if raw is None:
            continue
        ref = names.get(key)
        if ref is None or ref.location is not None:
            continue
        out[ref.name] = read_value(raw, ref, f"{path}.{key}" if path else key)
    for name in shape.required:
        ref = shape.members[name]
        if ref.location is None and name not in out:
            raise MissingParameter(name=f"{path}.{ref.wire_name}" if path else ref.wire_name)
    return out


def read_value(raw: object, ref: Ref, path: str) -> object:
    shape = ref.shape
    kind = shape.type
    try:
        if kind == STRING and isinstance(raw, str):
            return raw
        if kind == STRUCTURE:
            if shape.document:
                return _plain(raw)
            return read_object(raw, shape, path)
        if kind == LIST and isinstance(raw, list):
            assert shape.member is not None
            member = shape.member
            return [
                read_value(item, member, f"{path}.{i}")
                for i, item in enumerate(raw, 1)
                if item is not None
            ]
        if kind == MAP and isinstance(raw, dict):
            assert shape.value is not None
            value_ref = shape.value
            return {
                k: read_value(v, value_ref, f"{path}.{k}") for k, v in raw.items() if v is not None
            }
        if kind in INTEGER_TYPES and isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if kind in FLOAT_TYPES and isinstance(raw, int | Decimal) and not isinstance(raw, bool):
            return float(raw)
        if kind in FLOAT_TYPES and isinstance(raw, str) and raw in ("NaN", "Infinity", "-Infinity"):
            return float(raw.replace("Infinity", "inf"))
        if kind == BOOLEAN and isinstance(raw, bool):
            return raw
        if kind == TIMESTAMP:
            if isinstance(raw, int | Decimal) and not isinstance(raw, bool):
                return epoch_to_datetime(raw)
            if isinstance(raw, str):
                return parse_timestamp(raw, ref.timestamp_format)
        if kind == BLOB and isinstance(raw, str):
            return b64decode(raw)
    except (ValueError, OverflowError, ArithmeticError) as exc:
        raise InvalidValue(name=path, value=_short(raw)) from exc
    raise InvalidValue(name=path, value=_short(raw), type=kind)


def _plain(raw: object) -> object:
    """A document-type value: plain JSON, with Decimals back to ints/floats."""
    if isinstance(raw, Decimal):
        return int(raw) if raw == raw.to_integral_value() and "." not in str(raw) else float(raw)
    if isinstance(raw, list):
        return [_plain(v) for v in raw]
    if isinstance(raw, dict):
        return {k: _plain(v) for k, v in raw.items()}
    return raw


def _kind(raw: object) -> str:
    return type(raw).__name__


def _short(raw: object) -> str:
    text = raw if isinstance(raw, str) else json.dumps(_plain(raw), default=str)
    return text[:256]
