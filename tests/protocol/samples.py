"""Deterministic sample values for any botocore shape, input or output.

This walks botocore's own ``Shape`` objects (not fogbank's compiled plans), so that a bug
in the code under test cannot hide in the generator. Values are chosen to be hostile
where the wire allows it (XML/URL metacharacters, non-ASCII, newlines, ``../``, ``+``,
``%``) and to respect what the wire cannot carry (see ``Wire``): header values are
printable ASCII, URI labels are non-empty, host labels are DNS-safe, and strings in a
rest-xml request body carry no CR (botocore's own XML serializer writes CR raw and any XML
parser turns it into LF).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.model import OperationModel, Shape, StructureShape

TIMESTAMP = datetime(2024, 2, 29, 13, 14, 15, 123000, tzinfo=UTC)

S3_KEY = "dir/../sp ace+plus%25 caf\u00e9 \u4e2d/new\nline?#[]&=;,!'()*~.txt"
LABEL = "lbl-\u00e9 %2F/x+y"
HEADER = 'hv-1 a=b;c,d "q"'
QUERY = "q v&=+/\u00e9?#%"
BODY_XML_REQUEST = "body <&>\"' caf\u00e9 \u4e2d\n\ttab"
BODY = "body <&>\"' caf\u00e9 \u4e2d\n\ttab\rcr"


@dataclass
class Wire:
    """Where a value travels, which limits what it may contain."""

    protocol: str
    output: bool
    location: str | None = None  # top-level member location: uri, header, headers, querystring
    greedy: bool = False
    host_label: bool = False


@dataclass
class Sampler:
    protocol: str
    output: bool = False
    max_depth: int = 7
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    def operation(self, op: OperationModel) -> dict[str, Any]:
        shape = op.output_shape if self.output else op.input_shape
        if shape is None:
            return {}
        greedy = set()
        if not self.output:
            greedy = {
                name[:-1]
                for name in uri_labels(op.http.get("requestUri", ""))
                if name.endswith("+")
            }
        out: dict[str, Any] = {}
        assert isinstance(shape, StructureShape)
        for name, member in self._members(shape, ()):
            if member.serialization.get("eventstream"):
                continue
            location = member.serialization.get("location")
            wire = Wire(
                self.protocol,
                self.output,
                location,
                greedy=member.serialization.get("name", name) in greedy,
                host_label=bool(member.serialization.get("hostLabel")),
            )
            out[name] = self.value(member, wire, (shape.name,))
        return out

    def _members(self, shape: StructureShape, stack: tuple[str, ...]) -> list[tuple[str, Shape]]:
        members = list(shape.members.items())
        if shape.metadata.get("union"):
            pick = next(self._counter) % len(members)
            return [members[pick]]
        members = [(n, m) for n, m in members if not m.serialization.get("eventstream")]
        if len(stack) <= self.max_depth:
            chosen = [
                (n, m) for n, m in members if n in shape.required_members or m.name not in stack
            ]
        else:
            # deep down, keep the required members and one scalar: an empty structure
            # leaves no trace at all on query/ec2 wires
            chosen = [(n, m) for n, m in members if n in shape.required_members]
            scalar = next((x for x in members if x[1].type_name not in _CONTAINERS), None)
            if scalar is not None and scalar not in chosen:
                chosen.append(scalar)
        return chosen

    def value(self, shape: Shape, wire: Wire, stack: tuple[str, ...]) -> Any:
        kind = shape.type_name
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            if shape.metadata.get("document"):
                return {"doc": [1, "two", True, {"n": 2.5}]}
            inner = (*stack, shape.name)
            return {name: self.value(m, wire, inner) for name, m in self._members(shape, inner)}
        if kind == "list":
            count = _count(shape, 2)
            member = shape.member  # type: ignore[attr-defined]
            if member.type_name == "string" and member.enum:
                return [member.enum[i % len(member.enum)] for i in range(count)]
            return [self.value(member, wire, stack) for _ in range(count)]
        if kind == "map":
            count = _count(shape, 2)
            key_shape = shape.key  # type: ignore[attr-defined]
            if wire.location == "headers":
                keys = [f"meta-{i}" for i in range(count)]
            elif key_shape.enum:
                keys = list(key_shape.enum[:count])
            else:
                keys = [_fit(key_shape, f"k{i}-\u00e9") for i in range(count)]
            return {k: self.value(shape.value, wire, stack) for k in keys}  # type: ignore[attr-defined]
        return self.scalar(shape, wire)

    def scalar(self, shape: Shape, wire: Wire) -> Any:
        kind = shape.type_name
        n = next(self._counter)
        if kind == "string":
            if shape.enum:
                return shape.enum[n % len(shape.enum)]
            if shape.serialization.get("jsonvalue"):
                return {"json": ["value", 1]}
            return _fit(shape, self._text(wire, n))
        if kind in ("integer", "long"):
            low = shape.metadata.get("min")
            high = shape.metadata.get("max")
            value = 2**33 + n if kind == "long" else 7 + n % 5
            if low is not None and value < low:
                value = low
            if high is not None and value > high:
                value = high
            return value
        if kind == "boolean":
            return n % 2 == 0
        if kind in ("float", "double"):
            return 1.5 + n
        if kind == "timestamp":
            return TIMESTAMP
        if kind == "blob":
            if shape.serialization.get("streaming"):
                return b"streaming body \x00\xff" * 3
            return b"\x00\xffblob" + bytes([n % 256])
        raise AssertionError(f"unexpected shape type {kind}")

    def _text(self, wire: Wire, n: int) -> str:
        if wire.host_label:
            return "123456789012"
        if wire.location == "uri":
            return S3_KEY if wire.greedy else LABEL
        if wire.location in ("header", "headers"):
            # botocore's response parser splits list headers on commas without quotes
            return f"{HEADER}-{n}" if not wire.output else f"hv-{n} a=b;c"
        if wire.location == "querystring":
            return f"{QUERY}{n}"
        if wire.protocol == "rest-xml" and not wire.output:
            return f"{BODY_XML_REQUEST}{n}"
        return f"{BODY}{n}"


_CONTAINERS = frozenset({"structure", "list", "map"})


def uri_labels(uri: str) -> list[str]:
    out: list[str] = []
    rest = uri
    while "{" in rest:
        start = rest.index("{")
        end = rest.index("}", start)
        out.append(rest[start + 1 : end])
        rest = rest[end + 1 :]
    return out


def _count(shape: Shape, preferred: int) -> int:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    count = preferred
    if low is not None and count < low:
        count = low
    if high is not None and count > high:
        count = high
    return count


def _fit(shape: Shape, text: str) -> str:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    if low is not None and len(text) < low:
        text = text + "x" * (low - len(text))
    if high is not None and len(text) > high:
        text = text[:high]
    return text
