"""XML documents from params, by shape: the body rules shared by rest-xml, query and ec2.

Each (member, element name) is compiled once into a small writer function that appends
strings to a list (no DOM): a structure writes its members in model order, each as
``<locationName>``; lists as ``<Name><member>..</member></Name>`` (the member's own
locationName, e.g. EC2's ``item``, when the model gives one) or, flattened, as repeated
``<Name>``; maps as ``<entry><key/><value/></entry>``; ``xmlAttribute`` members as
attributes with their namespace declared. Text is escaped for XML 1.0, and characters a
parser would normalize away (CR, TAB, other controls) are written as character references
as S3 does (``&#x0D;``), so that keys with such characters survive the trip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from fogbank.protocol.plan import (
    BLOB,
    BOOLEAN,
    INTEGER_TYPES,
    LIST,
    MAP,
    STRING,
    STRUCTURE,
    TIMESTAMP,
    Ref,
    Shape,
)
from fogbank.protocol.shapes import ISO8601, b64encode, format_scalar, format_timestamp

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;"}
_ESCAPES.update({c: f"&#x{c:02X};" for c in range(0x20)})
_SPECIAL = frozenset(chr(c) for c in _ESCAPES)

Emit = Callable[[list[str], object], None]
_Member = tuple[str, int, str, str, Emit]  # name, fast kind, opening, closing, writer
_FAST_STRING, _FAST_INT = 1, 2


def escape(text: str) -> str:
    if _SPECIAL.isdisjoint(text):
        return text
    return text.translate(_ESCAPES)


def scalar_text(ref: Ref, value: object) -> str:
    kind = ref.shape.type
    if kind == TIMESTAMP:
        return str(format_timestamp(value, ref.timestamp_format or ISO8601))
    if kind == BLOB:
        if not isinstance(value, bytes | bytearray | str):
            raise TypeError(f"{ref.name or ref.shape.name}: a blob must be bytes")
        return b64encode(bytes(value) if isinstance(value, bytearray) else value)
    return escape(format_scalar(value))


def document(root: str, namespace: str | None, body: Iterable[str]) -> bytes:
    ns = f' xmlns="{escape(namespace)}"' if namespace else ""
    return (XML_DECLARATION + f"<{root}{ns}>" + "".join(body) + f"</{root}>").encode(
        "utf-8", "replace"
    )


class XmlWriter:
    """Compiled element writers of one service, built on first use."""

    def __init__(self) -> None:
        self._elements: dict[tuple[int, str, str | None], Emit] = {}
        self._members: dict[int, list[tuple[str, Emit]]] = {}
        self._fast: dict[int, list[_Member]] = {}

    def write_element(
        self, parts: list[str], name: str, ref: Ref, value: object, namespace: str | None = None
    ) -> None:
        """One member as an element (several for a flattened list or map); ``namespace``
        is declared as the default namespace of a structure (a document root)."""
        self.element(ref, name, namespace)(parts, value)

    def write_members(self, parts: list[str], shape: Shape, value: Mapping[str, object]) -> None:
        """A structure's child elements (body members only: no headers, no attributes)."""
        for member_name, emit in self._member_writers(shape):
            item = value.get(member_name)
            if item is not None:
                emit(parts, item)

    # --- compilation ------------------------------------------------------------------

    def element(self, ref: Ref, name: str, namespace: str | None = None) -> Emit:
        key = (id(ref), name, namespace)
        emit = self._elements.get(key)
        if emit is None:
            emit = self._compile(ref, name, namespace, key)
        return emit

    def _member_writers(self, shape: Shape) -> list[tuple[str, Emit]]:
        members = self._members.get(id(shape))
        if members is None:
            members = self._members[id(shape)] = []  # registered first: shapes may recurse
            for ref in shape.members.values():
                if ref.location is None and not ref.xml_attribute:
                    members.append((ref.name, self.element(ref, ref.xml_name)))
        return members

    def _compile(
        self, ref: Ref, name: str, namespace: str | None, key: tuple[int, str, str | None]
    ) -> Emit:
        kind = ref.shape.type
        if kind == STRUCTURE:
            emit = self._structure(ref, name, namespace, key)
        elif kind == LIST:
            emit = self._list(ref, name)
        elif kind == MAP:
            emit = self._map(ref, name)
        else:
            emit = _scalar(ref, name)
        self._elements[key] = emit
        return emit

    def _structure(
        self, ref: Ref, name: str, namespace: str | None, key: tuple[int, str, str | None]
    ) -> Emit:
        shape = ref.shape
        ns = f' xmlns="{escape(namespace)}"' if namespace else ""
        opening, closing = f"<{name}{ns}>", f"</{name}>"
        with_attributes = bool(shape.xml_attributes) or bool(
            ref.xml_namespace and ref.xml_namespace[0]
        )
        box: list[list[_Member]] = [[]]

        def emit(parts: list[str], value: object) -> None:
            if type(value) is not dict and not isinstance(value, Mapping):
                raise TypeError(f"{name}: a structure must be a mapping, not {type(value)}")
            append = parts.append
            append(f"<{name}{ns}{_attributes(ref, value)}>" if with_attributes else opening)
            get = value.get
            # Plain strings and integers are written here, without a call per member: a
            # listing writes thousands of such structures.
            for member_name, fast, member_open, member_close, member_emit in box[0]:
                item = get(member_name)
                if item is None:
                    continue
                if fast == _FAST_STRING and type(item) is str:
                    if not _SPECIAL.isdisjoint(item):
                        item = item.translate(_ESCAPES)
                    append(member_open + item + member_close)
                elif fast == _FAST_INT and type(item) is int:
                    append(member_open + str(item) + member_close)
                else:
                    member_emit(parts, item)
            append(closing)

        self._elements[key] = emit  # before the members: shapes may recurse
        box[0] = self._fast_members(shape)  # the shared list, complete once compiled
        return emit

    def _fast_members(self, shape: Shape) -> list[_Member]:
        found = self._fast.get(id(shape))
        if found is None:
            found = self._fast[id(shape)] = []  # registered first: shapes may recurse
            for ref in shape.members.values():
                if ref.location is not None or ref.xml_attribute:
                    continue
                emit = self.element(ref, ref.xml_name)
                kind = ref.shape.type
                fast = _FAST_STRING if kind == STRING else _FAST_INT if kind in INTEGER_TYPES else 0
                name = ref.xml_name
                if ref.shape.type in (LIST, MAP):
                    fast = 0
                found.append((ref.name, fast, f"<{name}>", f"</{name}>", emit))
        return found

    def _list(self, ref: Ref, name: str) -> Emit:
        member = ref.shape.member
        assert member is not None
        if ref.flattened:
            item_emit = self.element(member, name)

            def flat(parts: list[str], value: object) -> None:
                for item in _items(name, value):
                    if item is not None:
                        item_emit(parts, item)

            return flat
        inner = self.element(member, member.location_name or "member")
        opening, closing = f"<{name}>", f"</{name}>"

        def wrapped(parts: list[str], value: object) -> None:
            parts.append(opening)
            for item in _items(name, value):
                if item is not None:
                    inner(parts, item)
            parts.append(closing)

        return wrapped

    def _map(self, ref: Ref, name: str) -> Emit:
        shape = ref.shape
        assert shape.key is not None and shape.value is not None
        key_emit = self.element(shape.key, shape.key.location_name or "key")
        value_emit = self.element(shape.value, shape.value.location_name or "value")
        entry = f"<{name}>" if ref.flattened else "<entry>"
        entry_end = f"</{name}>" if ref.flattened else "</entry>"
        opening, closing = ("", "") if ref.flattened else (f"<{name}>", f"</{name}>")

        def emit(parts: list[str], value: object) -> None:
            if not isinstance(value, Mapping):
                raise TypeError(f"{name}: a map must be a mapping")
            parts.append(opening)
            for k, v in value.items():
                if v is not None:
                    parts.append(entry)
                    key_emit(parts, k)
                    value_emit(parts, v)
                    parts.append(entry_end)
            parts.append(closing)

        return emit


def _scalar(ref: Ref, name: str) -> Emit:
    opening, closing = f"<{name}>", f"</{name}>"
    kind = ref.shape.type
    if kind == STRING:

        def string(parts: list[str], value: object) -> None:
            text = value if type(value) is str else format_scalar(value)
            if not _SPECIAL.isdisjoint(text):
                text = text.translate(_ESCAPES)
            parts.append(opening + text + closing)

        return string
    if kind in INTEGER_TYPES or kind == BOOLEAN:

        def plain(parts: list[str], value: object) -> None:
            text = str(value) if type(value) is int else format_scalar(value)
            parts.append(opening + text + closing)

        return plain

    def other(parts: list[str], value: object) -> None:
        parts.append(opening + scalar_text(ref, value) + closing)

    return other


def _items(name: str, value: object) -> Iterable[object]:
    if isinstance(value, list | tuple):
        return value
    raise TypeError(f"{name}: a list must be a list, not {type(value).__name__}")


def _attributes(ref: Ref, value: Mapping[str, object]) -> str:
    out = ""
    namespaces: dict[str, str] = {}
    if ref.xml_namespace and ref.xml_namespace[0]:
        namespaces[ref.xml_namespace[0]] = ref.xml_namespace[1]
    for attr in ref.shape.xml_attributes.values():
        item = value.get(attr.name)
        if item is None:
            continue
        qualified = attr.wire_name
        prefix = qualified.partition(":")[0] if ":" in qualified else ""
        if prefix and attr.xml_namespace and attr.xml_namespace[0] == prefix:
            namespaces[prefix] = attr.xml_namespace[1]
        out += f' {qualified}="{scalar_text(attr, item)}"'
    declared = "".join(f' xmlns:{p}="{escape(uri)}"' for p, uri in namespaces.items())
    return declared + out
