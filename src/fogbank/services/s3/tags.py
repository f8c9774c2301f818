"""Tag sets of buckets and objects: validation, and the ``x-amz-tagging`` query form."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode

from fogbank.services.s3 import errors

Tags = list[tuple[str, str]]

_ALLOWED = set("_.:/=+-@ ")

OBJECT_LIMIT = 10
BUCKET_LIMIT = 50


def pairs(tag_set: object) -> Tags:
    """``[{"Key": k, "Value": v}, ...]`` as pairs."""
    out: Tags = []
    if isinstance(tag_set, list):
        for tag in tag_set:
            if isinstance(tag, dict):
                out.append((str(tag.get("Key", "")), str(tag.get("Value", ""))))
    return out


def tag_set(tags: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags]


def _valid_text(text: str) -> bool:
    return all(ch.isalnum() or ch.isspace() or ch in _ALLOWED for ch in text)


def check(tags: Sequence[tuple[str, str]], *, limit: int) -> None:
    if len(tags) > limit:
        kind = "Object" if limit == OBJECT_LIMIT else "Bucket"
        raise errors.invalid_tag(f"{kind} tags cannot be greater than {limit}")
    seen: set[str] = set()
    for key, value in tags:
        if key in seen:
            raise errors.invalid_tag("Cannot provide multiple Tags with the same key")
        seen.add(key)
        if not 1 <= len(key) <= 128 or not _valid_text(key):
            raise errors.invalid_tag("The TagKey you have provided is invalid")
        if len(value) > 256 or not _valid_text(value):
            raise errors.invalid_tag("The TagValue you have provided is invalid")
        if key.startswith("aws:"):
            raise errors.invalid_tag("System tags cannot be added/updated by requester")


def from_header(value: str | None) -> Tags:
    """The ``x-amz-tagging`` header (URL query form: ``k1=v1&k2=v2``)."""
    if not value:
        return []
    try:
        items = parse_qsl(value, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise errors.invalid_argument(
            "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query "
            "parameters without tag name duplicates.",
            "x-amz-tagging",
            value,
        ) from None
    keys = [k for k, _ in items]
    if len(set(keys)) != len(keys):
        raise errors.invalid_tag("Cannot provide multiple Tags with the same key")
    return [(k, v) for k, v in items]


def to_header(tags: Sequence[tuple[str, str]]) -> str:
    return urlencode(list(tags))


def from_tagging_xml(document: str | None) -> Tags:
    """A ``tagging`` form field: ``<Tagging><TagSet><Tag><Key/><Value/></Tag>...``."""
    if not document:
        return []
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(document)
    except Exception:
        raise errors.malformed_xml() from None
    out: Tags = []
    for tag in root.iter():
        if tag.tag.rsplit("}", 1)[-1] == "Tag":
            key = value = ""
            for child in tag:
                name = child.tag.rsplit("}", 1)[-1]
                if name == "Key":
                    key = child.text or ""
                elif name == "Value":
                    value = child.text or ""
            out.append((key, value))
    return out
