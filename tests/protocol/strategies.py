"""Hypothesis strategies for botocore shapes (walking botocore's own Shape objects).

Text is as wide as the wire allows where the value travels: any Unicode in JSON, query
strings and URI labels; XML-legal characters in XML bodies (and no CR in a rest-xml request
body: botocore's XML serializer writes it raw and every XML parser turns it into LF);
printable ASCII in headers (no commas in header lists on the way out: botocore's response
parser splits them naively). Lists and maps are non-empty (an empty list leaves no trace on
some wires). Timestamps have microseconds going in and milliseconds coming out (the
precision fogbank writes, as AWS does).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.model import OperationModel, Shape, StructureShape
from hypothesis import strategies as st

from tests.protocol.samples import Wire, uri_labels

_XML_CHARS = st.characters(
    codec="utf-8",
    exclude_categories=("Cs",),
    exclude_characters="".join(chr(c) for c in range(0x20) if c not in (9, 10, 13))
    + "\ufffe\uffff",
)
_ANY_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))
_HEADER_TEXT = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20
).map(lambda s: s.replace(",", ";"))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _text(wire: Wire, low: int, high: int | None) -> st.SearchStrategy[str]:
    high = 40 if high is None else min(high, 40)
    low = max(low, 0)
    if wire.host_label:
        return st.from_regex(r"\A[a-z0-9][a-z0-9.-]{0,20}\Z")
    if wire.location in ("header", "headers"):
        return _HEADER_TEXT
    if wire.location == "uri":
        return st.text(_ANY_CHARS, min_size=max(low, 1), max_size=max(high, 1))
    if wire.location == "querystring" or wire.protocol in ("json", "rest-json"):
        return st.text(_ANY_CHARS, min_size=low, max_size=high)
    chars = _XML_CHARS
    if wire.protocol == "rest-xml" and not wire.output:
        chars = st.characters(
            codec="utf-8",
            exclude_categories=("Cs",),
            exclude_characters="".join(chr(c) for c in range(0x20) if c not in (9, 10))
            + "\ufffe\uffff",
        )
    return st.text(chars, min_size=low, max_size=high)


def _timestamp(output: bool) -> st.SearchStrategy[datetime]:
    micros = st.integers(0, 4102444800 * 10**6)  # 1970 .. 2100
    if output:
        return micros.map(lambda m: _EPOCH + timedelta(milliseconds=m // 1000))
    return micros.map(lambda m: _EPOCH + timedelta(microseconds=m))


class Strategies:
    def __init__(self, protocol: str, output: bool, max_depth: int = 5) -> None:
        self.protocol = protocol
        self.output = output
        self.max_depth = max_depth

    def operation(self, op: OperationModel) -> st.SearchStrategy[dict[str, Any]]:
        shape = op.output_shape if self.output else op.input_shape
        if shape is None:
            return st.just({})
        assert isinstance(shape, StructureShape)
        labels = uri_labels(op.http.get("requestUri", ""))
        greedy = {name[:-1] for name in labels if name.endswith("+")}
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for name, member in shape.members.items():
            if member.serialization.get("eventstream"):
                continue
            wire = Wire(
                self.protocol,
                self.output,
                member.serialization.get("location"),
                greedy=member.serialization.get("name", name) in greedy,
                host_label=bool(member.serialization.get("hostLabel")),
            )
            target = required if name in shape.required_members else optional
            target[name] = self.value(member, wire, 0)
        return st.fixed_dictionaries(required, optional=optional)

    def value(self, shape: Shape, wire: Wire, depth: int) -> st.SearchStrategy[Any]:
        kind = shape.type_name
        meta = shape.metadata
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            if meta.get("document"):
                return st.just({"doc": [1, "x"]})
            members = {
                n: m for n, m in shape.members.items() if not m.serialization.get("eventstream")
            }
            if meta.get("union"):
                return st.one_of(
                    [
                        self.value(m, wire, depth + 1).map(lambda v, n=n: {n: v})
                        for n, m in members.items()
                    ]
                )
            required = {
                n: self.value(m, wire, depth + 1)
                for n, m in members.items()
                if n in shape.required_members
            }
            optional = (
                {
                    n: self.value(m, wire, depth + 1)
                    for n, m in members.items()
                    if n not in shape.required_members
                }
                if depth < self.max_depth
                else {}
            )
            if not required and not optional and members:
                first = next(iter(members))
                required = {first: self.value(members[first], wire, depth + 1)}
            return st.fixed_dictionaries(required, optional=optional).filter(bool)
        if kind == "list":
            low, high = max(meta.get("min", 1), 1), min(meta.get("max", 3), 3)
            return st.lists(
                self.value(shape.member, wire, depth + 1), min_size=low, max_size=max(low, high)
            )  # type: ignore[attr-defined]
        if kind == "map":
            low, high = max(meta.get("min", 1), 1), min(meta.get("max", 3), 3)
            key_shape = shape.key  # type: ignore[attr-defined]
            if wire.location == "headers":
                keys: st.SearchStrategy[str] = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,10}\Z")
            elif key_shape.enum:
                keys = st.sampled_from(key_shape.enum)
            else:
                keys = _text(
                    wire, max(key_shape.metadata.get("min", 1), 1), key_shape.metadata.get("max")
                )
            return st.dictionaries(
                keys,
                self.value(shape.value, wire, depth + 1),
                min_size=low,
                max_size=max(low, high),
            )  # type: ignore[attr-defined]
        if kind == "string":
            if shape.enum:
                return st.sampled_from(shape.enum)
            return _text(wire, meta.get("min", 0), meta.get("max"))
        if kind in ("integer", "long"):
            bound = 2**63 - 1 if kind == "long" else 2**31 - 1
            return st.integers(
                max(meta.get("min", -bound), -bound), min(meta.get("max", bound), bound)
            )
        if kind == "boolean":
            return st.booleans()
        if kind in ("float", "double"):
            return st.floats(allow_nan=False, allow_infinity=False, width=64)
        if kind == "timestamp":
            return _timestamp(self.output)
        if kind == "blob":
            return st.binary(min_size=0 if shape.serialization.get("streaming") else 1, max_size=40)
        raise AssertionError(kind)
