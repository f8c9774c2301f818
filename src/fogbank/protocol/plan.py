"""Compiled shapes: a botocore service model reduced to what the wire needs, built once.

botocore's ``Shape`` objects are rebuilt on every ``shape_for`` call and resolve their
members lazily; walking them per request would be slow. This module compiles the raw model
(the JSON dict) into small linked ``Shape``/``Ref`` objects once per service, following
botocore's trait rules: a member reference's traits (``locationName``, ``location``,
``flattened``, ``timestampFormat``, ``xmlNamespace`` ...) override the target shape's.

A ``Shape`` is the type; a ``Ref`` is one use of it (a structure member, a list member, a
map key or value, an operation's input or output) with the merged serialization traits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

STRUCTURE = "structure"
LIST = "list"
MAP = "map"
STRING = "string"
TIMESTAMP = "timestamp"
BLOB = "blob"
BOOLEAN = "boolean"
INTEGER_TYPES = frozenset({"integer", "long", "short", "byte"})
FLOAT_TYPES = frozenset({"float", "double", "bigdecimal"})

JsonDict = Mapping[str, object]


@dataclass(eq=False, slots=True)
class Shape:
    name: str
    type: str
    members: dict[str, Ref] = field(default_factory=dict)
    member: Ref | None = None  # list
    key: Ref | None = None  # map
    value: Ref | None = None  # map
    required: tuple[str, ...] = ()
    payload: str | None = None
    document: bool = False
    exception: bool = False
    error_code: str | None = None
    error_status: int | None = None
    sender_fault: bool = True
    event_stream: bool = False
    sensitive: bool = False  # the model's ``sensitive`` trait (passwords, secret keys ...)
    # Member lookups by wire name, per naming rule (filled for structures).
    xml_children: dict[str, Ref] = field(default_factory=dict)
    xml_attributes: dict[str, Ref] = field(default_factory=dict)
    query_names: dict[str, Ref] = field(default_factory=dict)
    ec2_names: dict[str, Ref] = field(default_factory=dict)
    json_names: dict[str, Ref] = field(default_factory=dict)

    @property
    def is_scalar(self) -> bool:
        return self.type not in (STRUCTURE, LIST, MAP)


@dataclass(eq=False, slots=True)
class Ref:
    name: str  # the member's model name (the key in params); "" for roots and list members
    shape: Shape
    location_name: str | None = None
    location: str | None = None  # uri | querystring | header | headers | statusCode
    flattened: bool = False
    xml_attribute: bool = False
    xml_namespace: tuple[str, str] | None = None  # (prefix, uri); prefix "" for default
    timestamp_format: str | None = None
    query_name: str | None = None
    streaming: bool = False
    jsonvalue: bool = False
    host_label: bool = False
    result_wrapper: str | None = None

    @property
    def wire_name(self) -> str:
        return self.location_name or self.name

    @property
    def xml_name(self) -> str:
        """The element name of this member inside its structure (botocore's rule: a
        flattened list takes its member's locationName when it has one)."""
        if self.shape.type == LIST and self.flattened and self.shape.member is not None:
            inner = self.shape.member.location_name
            if inner:
                return inner
        return self.location_name or self.name

    @property
    def ec2_name(self) -> str:
        if self.query_name:
            return self.query_name
        if self.location_name:
            return self.location_name[0].upper() + self.location_name[1:]
        return self.name


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _namespace(value: object) -> tuple[str, str] | None:
    if isinstance(value, str):
        return ("", value)
    if isinstance(value, Mapping):
        uri = value.get("uri")
        if isinstance(uri, str):
            prefix = value.get("prefix")
            return (prefix if isinstance(prefix, str) else "", uri)
    return None


class ShapeCompiler:
    """Compiles shapes of one service model on demand; each shape once."""

    def __init__(self, shapes: JsonDict) -> None:
        self._raw = shapes
        self._done: dict[str, Shape] = {}

    def shape(self, name: str) -> Shape:
        done = self._done.get(name)
        if done is not None:
            return done
        raw = self._raw[name]
        assert isinstance(raw, Mapping)
        error = raw.get("error")
        error_map = error if isinstance(error, Mapping) else {}
        shape = Shape(
            name=name,
            type=str(raw["type"]),
            required=tuple(raw.get("required", ()) or ()),
            payload=raw.get("payload"),
            document=bool(raw.get("document")),
            exception=bool(raw.get("exception")),
            error_code=error_map.get("code"),
            error_status=error_map.get("httpStatusCode"),
            sender_fault=bool(error_map.get("senderFault", not raw.get("fault"))),
            event_stream=bool(raw.get("eventstream")),
            sensitive=bool(raw.get("sensitive")),
        )
        self._done[name] = shape  # registered before members: shapes may recurse
        if shape.type == STRUCTURE:
            members = raw.get("members", {})
            assert isinstance(members, Mapping)
            for member_name, ref in members.items():
                shape.members[member_name] = self.ref(ref, member_name)
            self._index(shape)
        elif shape.type == LIST:
            shape.member = self.ref(raw["member"], "")
        elif shape.type == MAP:
            shape.key = self.ref(raw["key"], "")
            shape.value = self.ref(raw["value"], "")
        return shape

    def ref(self, ref: JsonDict, name: str) -> Ref:
        target_name = ref["shape"]
        assert isinstance(target_name, str)
        shape = self.shape(target_name)
        raw = self._raw[target_name]
        assert isinstance(raw, Mapping)
        traits: dict[str, object] = {k: v for k, v in raw.items() if k not in ("members",)}
        traits.update(ref)
        ts_format = traits.get("timestampFormat")
        return Ref(
            name=name,
            shape=shape,
            location_name=_opt_str(traits.get("locationName")),
            location=_opt_str(traits.get("location")),
            flattened=bool(traits.get("flattened")),
            xml_attribute=bool(traits.get("xmlAttribute")),
            xml_namespace=_namespace(traits.get("xmlNamespace")),
            timestamp_format=ts_format.lower() if isinstance(ts_format, str) else None,
            query_name=_opt_str(traits.get("queryName")),
            streaming=bool(traits.get("streaming")),
            jsonvalue=bool(traits.get("jsonvalue")),
            host_label=bool(traits.get("hostLabel")),
            result_wrapper=_opt_str(traits.get("resultWrapper")),
        )

    @staticmethod
    def _index(shape: Shape) -> None:
        for ref in shape.members.values():
            if ref.location is None:
                if ref.xml_attribute:
                    local = ref.wire_name.rpartition(":")[2]
                    shape.xml_attributes[local] = ref
                else:
                    # A flattened list wins a name it shares with a scalar member (S3's
                    # deprecated TopicConfiguration: Events and Event are both <Event>).
                    known = shape.xml_children.get(ref.xml_name)
                    if known is None or not (known.flattened and known.shape.type == LIST):
                        shape.xml_children[ref.xml_name] = ref
                    if ref.xml_name != ref.wire_name:
                        # botocore's XML serializer names a flattened list's items after
                        # the structure member, its parser after the list member: read both
                        shape.xml_children.setdefault(ref.wire_name, ref)
            shape.json_names[ref.wire_name] = ref
            shape.query_names[ref.xml_name] = ref
            shape.ec2_names[ref.ec2_name] = ref


@dataclass(frozen=True, slots=True)
class OperationPlan:
    """One operation's wire facts, compiled."""

    name: str
    method: str
    request_uri: str
    response_code: int
    input: Ref | None
    output: Ref | None
    errors: tuple[str, ...]
    host_prefix: str | None
    deprecated: bool


def compile_operation(compiler: ShapeCompiler, name: str, raw: JsonDict) -> OperationPlan:
    http = raw.get("http", {})
    assert isinstance(http, Mapping)
    input_ref = raw.get("input")
    output_ref = raw.get("output")
    errors = raw.get("errors")
    error_refs = errors if isinstance(errors, list) else []
    endpoint = raw.get("endpoint")
    host_prefix = endpoint.get("hostPrefix") if isinstance(endpoint, Mapping) else None
    return OperationPlan(
        name=name,
        method=str(http.get("method", "POST")),
        request_uri=str(http.get("requestUri", "/")),
        response_code=int(str(http.get("responseCode", 200))),
        input=compiler.ref(input_ref, "") if isinstance(input_ref, Mapping) else None,
        output=compiler.ref(output_ref, "") if isinstance(output_ref, Mapping) else None,
        errors=tuple(str(e["shape"]) for e in error_refs if isinstance(e, Mapping)),
        host_prefix=host_prefix if isinstance(host_prefix, str) else None,
        deprecated=bool(raw.get("deprecated")),
    )
