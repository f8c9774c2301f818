"""Untrusted XML request documents (rest-xml payloads) into params, by shape.

Documents are parsed with defusedxml (no DTDs, no entity expansion, no external
references). Namespaces are ignored, as AWS does; unknown elements are skipped. A document
that is not well-formed, whose root is not the expected element, whose scalars do not
convert, or that lacks a required member raises ``MalformedBody``.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml.ElementTree import fromstring

from fogbank.protocol.errors import MalformedBody
from fogbank.protocol.parse import Params, text_to_value
from fogbank.protocol.plan import LIST, MAP, STRUCTURE, Ref, Shape


def parse_document(data: bytes, root_name: str | None) -> Element:
    try:
        root: Element = fromstring(data, forbid_dtd=True)
    except (ParseError, ValueError) as exc:  # defusedxml's errors are ValueErrors
        raise MalformedBody() from exc
    if root_name is not None and local_name(root.tag) != root_name:
        raise MalformedBody(name=root_name, value=local_name(root.tag))
    return root


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


def read_document(data: bytes, ref: Ref, root_name: str | None) -> object:
    """A whole document as the value of ``ref`` (a payload member or the input itself)."""
    root = parse_document(data, root_name)
    try:
        return read_value(root, ref)
    except (ValueError, RecursionError) as exc:
        raise MalformedBody(name=ref.name) from exc


def read_value(elem: Element, ref: Ref) -> object:
    shape = ref.shape
    kind = shape.type
    if kind == STRUCTURE:
        return read_structure(elem, shape)
    if kind == LIST:
        member = shape.member
        assert member is not None
        item = member.location_name or "member"
        return [read_value(child, member) for child in elem if local_name(child.tag) == item]
    if kind == MAP:
        result: dict[object, object] = {}
        for entry in elem:
            _read_entry(entry, shape, result)
        return result
    return text_to_value(ref, elem.text or "")


def read_structure(elem: Element, shape: Shape) -> Params:
    out: Params = {}
    if shape.xml_attributes and elem.attrib:
        for key, text in elem.attrib.items():
            attr = shape.xml_attributes.get(local_name(key))
            if attr is not None:
                out[attr.name] = text_to_value(attr, text)
    children = shape.xml_children
    for child in elem:
        ref = children.get(local_name(child.tag))
        if ref is None:
            continue
        if ref.flattened and ref.shape.type == LIST:
            assert ref.shape.member is not None
            items = out.setdefault(ref.name, [])
            assert isinstance(items, list)
            items.append(read_value(child, ref.shape.member))
        elif ref.flattened and ref.shape.type == MAP:
            entries = out.setdefault(ref.name, {})
            assert isinstance(entries, dict)
            _read_entry(child, ref.shape, entries)
        else:
            out[ref.name] = read_value(child, ref)
    for name in shape.required:
        if name not in out and shape.members[name].location is None:
            raise MalformedBody(name=name)
    return out


def _read_entry(entry: Element, shape: Shape, into: dict[object, object]) -> None:
    assert shape.key is not None and shape.value is not None
    key_name = shape.key.location_name or "key"
    value_name = shape.value.location_name or "value"
    key: object = None
    value: object = None
    for part in entry:
        tag = local_name(part.tag)
        if tag == key_name:
            key = read_value(part, shape.key)
        elif tag == value_name:
            value = read_value(part, shape.value)
    if key is None:
        raise ValueError("map entry without a key")
    into[key] = value
