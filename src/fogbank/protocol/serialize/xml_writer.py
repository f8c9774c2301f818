"""XML documents from params, by shape: the body rules shared by rest-xml, query and ec2.

Written as strings (no DOM): a structure's members in model order, each as
``<locationName>``; lists as ``<Name><member>..</member></Name>`` (the member's own
locationName, e.g. EC2's ``item``, when the model gives one) or, flattened, as repeated
``<Name>``; maps as ``<entry><key/><value/></entry>``; ``xmlAttribute`` members as
attributes with their namespace declared. Text is escaped for XML 1.0, and characters a
parser would normalize away (CR, TAB, other controls) are written as character references
as S3 does (``&#x0D;``), so that keys with such characters survive the trip.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fogbank.protocol.plan import BLOB, LIST, MAP, STRUCTURE, TIMESTAMP, Ref, Shape
from fogbank.protocol.shapes import ISO8601, b64encode, format_scalar, format_timestamp

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;"}
_ESCAPES.update({c: f"&#x{c:02X};" for c in range(0x20)})
_SPECIAL = frozenset(chr(c) for c in _ESCAPES)


def escape(text: str) -> str:
    if _SPECIAL.isdisjoint(text):
        return text
    return text.translate(_ESCAPES)


def scalar_text(ref: Ref, value: object, timestamp_format: str = ISO8601) -> str:
    kind = ref.shape.type
    if kind == TIMESTAMP:
        return str(format_timestamp(value, ref.timestamp_format or timestamp_format))
    if kind == BLOB:
        if not isinstance(value, bytes | bytearray | str):
            raise TypeError(f"{ref.name or ref.shape.name}: a blob must be bytes")
        return b64encode(bytes(value) if isinstance(value, bytearray) else value)
    return escape(format_scalar(value))


def write_members(parts: list[str], shape: Shape, value: Mapping[str, object]) -> None:
    """A structure's child elements (body members only: no headers, no attributes)."""
    for ref in shape.members.values():
        if ref.location is not None or ref.xml_attribute:
            continue
        item = value.get(ref.name)
        if item is not None:
            write_element(parts, ref.xml_name, ref, item)


def write_element(
    parts: list[str], name: str, ref: Ref, value: object, namespace: str | None = None
) -> None:
    """One member as an element (several for a flattened list or map); ``namespace`` is
    declared as the default namespace of a structure (a document root)."""
    shape = ref.shape
    kind = shape.type
    if kind == STRUCTURE:
        if not isinstance(value, Mapping):
            raise TypeError(f"{name}: a structure must be a mapping, not {type(value).__name__}")
        ns = f' xmlns="{escape(namespace)}"' if namespace else ""
        parts.append(f"<{name}{ns}{_attributes(ref, value)}>")
        write_members(parts, shape, value)
        parts.append(f"</{name}>")
    elif kind == LIST:
        member = shape.member
        assert member is not None
        items = _items(name, value)
        if ref.flattened:
            for item in items:
                if item is not None:
                    write_element(parts, name, member, item)
        else:
            item_name = member.location_name or "member"
            parts.append(f"<{name}>")
            for item in items:
                if item is not None:
                    write_element(parts, item_name, member, item)
            parts.append(f"</{name}>")
    elif kind == MAP:
        _write_map(parts, name, ref, value)
    else:
        parts.append(f"<{name}>{scalar_text(ref, value)}</{name}>")


def _items(name: str, value: object) -> Iterable[object]:
    if isinstance(value, list | tuple):
        return value
    raise TypeError(f"{name}: a list must be a list, not {type(value).__name__}")


def _write_map(parts: list[str], name: str, ref: Ref, value: object) -> None:
    shape = ref.shape
    assert shape.key is not None and shape.value is not None
    if not isinstance(value, Mapping):
        raise TypeError(f"{name}: a map must be a mapping")
    key_name = shape.key.location_name or "key"
    value_name = shape.value.location_name or "value"
    if not ref.flattened:
        parts.append(f"<{name}>")
    entry = name if ref.flattened else "entry"
    for key, item in value.items():
        if item is None:
            continue
        parts.append(f"<{entry}>")
        write_element(parts, key_name, shape.key, key)
        write_element(parts, value_name, shape.value, item)
        parts.append(f"</{entry}>")
    if not ref.flattened:
        parts.append(f"</{name}>")


def _attributes(ref: Ref, value: Mapping[str, object]) -> str:
    out = ""
    namespaces: dict[str, str] = {}
    if ref.xml_namespace and ref.xml_namespace[0]:
        namespaces[ref.xml_namespace[0]] = ref.xml_namespace[1]
    attrs = ref.shape.xml_attributes
    for attr in attrs.values():
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


def document(root: str, namespace: str | None, body: Iterable[str]) -> bytes:
    ns = f' xmlns="{escape(namespace)}"' if namespace else ""
    return (XML_DECLARATION + f"<{root}{ns}>" + "".join(body) + f"</{root}>").encode(
        "utf-8", "replace"
    )
