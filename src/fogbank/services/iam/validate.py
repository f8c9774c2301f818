"""Input constraints of IAM's model (the ones the service checks, as AWS does).

The messages are the model-constraint texts ("Member must satisfy regular expression
pattern: [\\w+=,.@-]+", "Member must have length less than or equal to 64"); members are
named as AWS names them in these messages (lower camel case: ``userName``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from fogbank.services.iam import errors
from fogbank.services.iam.models import Tags

_NAME = re.compile(r"[\w+=,.@-]+", re.ASCII)
_NAME_TEXT = r"[\w+=,.@-]+"
_PATH = re.compile(r"(/)|(/[\x21-\x7e]+/)")
_PATH_TEXT = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"
_PATH_PREFIX = re.compile(r"/[\x21-\x7f]*")
_PATH_PREFIX_TEXT = r"\u002F[\u0021-\u007F]*"
_DOCUMENT = re.compile(r"[\t\n\r\x20-\xff]+")
_DOCUMENT_TEXT = r"[\u0009\u000A\u000D\u0020-\u00FF]+"
_TAG_KEY = re.compile(r"[\w\s.:/=+\-@]+")
_TAG_KEY_TEXT = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"
_TAG_VALUE = re.compile(r"[\w\s.:/=+\-@]*")
_TAG_VALUE_TEXT = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"
MAX_TAGS = 50


def length(member: str, value: str, low: int, high: int) -> None:
    if len(value) < low:
        raise errors.constraint(member, value, f"must have length greater than or equal to {low}")
    if len(value) > high:
        raise errors.constraint(member, value, f"must have length less than or equal to {high}")


def name(member: str, value: str, high: int) -> str:
    length(member, value, 1, high)
    if not _NAME.fullmatch(value):
        raise errors.constraint(
            member, value, f"must satisfy regular expression pattern: {_NAME_TEXT}"
        )
    return value


def path(value: object, member: str = "path") -> str:
    if value is None:
        return "/"
    text = str(value)
    length(member, text, 1, 512)
    if not _PATH.fullmatch(text):
        raise errors.constraint(
            member, text, f"must satisfy regular expression pattern: {_PATH_TEXT}"
        )
    return text


def path_prefix(value: object) -> str:
    if value is None:
        return "/"
    text = str(value)
    length("pathPrefix", text, 1, 512)
    if not _PATH_PREFIX.fullmatch(text):
        raise errors.constraint(
            "pathPrefix", text, f"must satisfy regular expression pattern: {_PATH_PREFIX_TEXT}"
        )
    return text


def document(member: str, value: str) -> str:
    length(member, value, 1, 131072)
    if not _DOCUMENT.fullmatch(value):
        raise errors.constraint(
            member, value, f"must satisfy regular expression pattern: {_DOCUMENT_TEXT}"
        )
    return value


def description(value: object, high: int = 1000) -> str | None:
    if value is None:
        return None
    text = str(value)
    length("description", text, 0, high)
    return text


def max_items(value: object) -> int:
    if value is None:
        return 100
    number = int(str(value))
    if number < 1:
        raise errors.constraint("maxItems", number, "must have value greater than or equal to 1")
    if number > 1000:
        raise errors.constraint("maxItems", number, "must have value less than or equal to 1000")
    return number


def tags(raw: object) -> Tags:
    """A request's ``Tags`` list: at most 50, keys unique (without regard to case)."""
    if raw is None:
        return ()
    if not isinstance(raw, Sequence):
        raise errors.invalid_input("Tags must be a list.")
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, Mapping):
            raise errors.invalid_input("Each tag must have a Key and a Value.")
        key, value = str(item.get("Key") or ""), str(item.get("Value") or "")
        tag_key(key)
        length("tags.member.value", value, 0, 256)
        if not _TAG_VALUE.fullmatch(value):
            raise errors.constraint(
                "tags.member.value",
                value,
                f"must satisfy regular expression pattern: {_TAG_VALUE_TEXT}",
            )
        if key.lower() in seen:
            raise errors.invalid_input(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive."
            )
        seen.add(key.lower())
        out.append((key, value))
    if len(out) > MAX_TAGS:
        raise errors.limit_exceeded(
            f"The number of tags has reached the maximum limit of {MAX_TAGS}."
        )
    return tuple(out)


def tag_key(key: str, member: str = "tags.member.key") -> str:
    length(member, key, 1, 128)
    if not _TAG_KEY.fullmatch(key):
        raise errors.constraint(
            member, key, f"must satisfy regular expression pattern: {_TAG_KEY_TEXT}"
        )
    return key


def tag_keys(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        return ()
    return tuple(tag_key(str(k), "tagKeys.member") for k in raw)


def session_duration(value: object) -> int:
    if value is None:
        return 3600
    number = int(str(value))
    if number < 3600:
        raise errors.constraint(
            "maxSessionDuration", number, "must have value greater than or equal to 3600"
        )
    if number > 43200:
        raise errors.constraint(
            "maxSessionDuration", number, "must have value less than or equal to 43200"
        )
    return number
