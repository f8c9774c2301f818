"""JSON documents from params, by shape (json and rest-json bodies).

Members under their ``locationName``; blobs base64; timestamps epoch seconds unless the
member says otherwise; non-finite floats as the strings AWS uses.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from fogbank.protocol.plan import BLOB, FLOAT_TYPES, LIST, MAP, STRUCTURE, TIMESTAMP, Ref, Shape
from fogbank.protocol.shapes import EPOCH, b64encode, format_timestamp


def dumps(document: object) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def structure_to_json(shape: Shape, value: Mapping[str, object]) -> dict[str, object]:
    """The body members of a structure (members bound to headers etc. are left out)."""
    out: dict[str, object] = {}
    members = shape.members
    for name, item in value.items():
        ref = members.get(name)
        if ref is None or item is None or ref.location is not None:
            continue
        out[ref.wire_name] = to_json(item, ref)
    return out


def to_json(value: object, ref: Ref) -> object:
    shape = ref.shape
    kind = shape.type
    if kind == STRUCTURE:
        if shape.document:
            return value
        if not isinstance(value, Mapping):
            raise TypeError(f"{ref.name or shape.name}: a structure must be a mapping")
        return structure_to_json(shape, value)
    if kind == LIST:
        assert shape.member is not None
        if not isinstance(value, list | tuple):
            raise TypeError(f"{ref.name or shape.name}: a list must be a list")
        return [to_json(item, shape.member) for item in value if item is not None]
    if kind == MAP:
        assert shape.value is not None
        if not isinstance(value, Mapping):
            raise TypeError(f"{ref.name or shape.name}: a map must be a mapping")
        return {str(k): to_json(v, shape.value) for k, v in value.items() if v is not None}
    if kind == TIMESTAMP:
        return format_timestamp(value, ref.timestamp_format or EPOCH)
    if kind == BLOB:
        if not isinstance(value, bytes | bytearray | str):
            raise TypeError(f"{ref.name or shape.name}: a blob must be bytes")
        return b64encode(bytes(value) if isinstance(value, bytearray) else value)
    if kind in FLOAT_TYPES and isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value
