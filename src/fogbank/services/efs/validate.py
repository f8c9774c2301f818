"""Constraint checks of EFS's model (lengths, patterns, ranges) that the protocol layer
does not make, answered as EFS does: ``ValidationException`` listing every violation,
``Value '...' at 'member' failed to satisfy constraint: ...``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from fogbank.services.efs import errors

PATH_PATTERN = r"^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$"
_PATH = re.compile(PATH_PATTERN)
_TAG_KEY = re.compile(r"^(?![aA][wW][sS]:)([\w\s_.:/=+\-@]+)$", re.UNICODE)
_TAG_VALUE = re.compile(r"^([\w\s_.:/=+\-@]*)$", re.UNICODE)
_PERMISSIONS = re.compile(r"^[0-7]{3,4}$")
MAX_ID = 4294967295


class Violations:
    """Collects violations; ``raise_if_any`` raises one ValidationException for all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, value: object, member: str, constraint: str) -> None:
        shown = "null" if value is None else f"'{value}'"
        self.items.append(f"Value {shown} at '{member}' failed to satisfy constraint: {constraint}")

    def length(self, value: str | None, member: str, lo: int, hi: int) -> None:
        if value is None:
            return
        if len(value) < lo:
            self.add(value, member, f"Member must have length greater than or equal to {lo}")
        elif len(value) > hi:
            self.add(value, member, f"Member must have length less than or equal to {hi}")

    def pattern(self, value: str | None, member: str, regex: re.Pattern[str], text: str) -> None:
        if value is not None and not regex.match(value):
            self.add(value, member, f"Member must satisfy regular expression pattern: {text}")

    def range(self, value: int | None, member: str, lo: int, hi: int) -> None:
        if value is None:
            return
        if value < lo:
            self.add(value, member, f"Member must have value greater than or equal to {lo}")
        elif value > hi:
            self.add(value, member, f"Member must have value less than or equal to {hi}")

    def raise_if_any(self) -> None:
        if self.items:
            raise errors.validation(self.items)


def tags(v: Violations, items: Sequence[Mapping[str, object]], member: str = "tags") -> None:
    for i, tag in enumerate(items, 1):
        key, value = str(tag.get("Key", "")), str(tag.get("Value", ""))
        v.length(key, f"{member}.{i}.member.key", 1, 128)
        v.pattern(
            key,
            f"{member}.{i}.member.key",
            _TAG_KEY,
            r"^(?![aA]{1}[wW]{1}[sS]{1}:)([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$",
        )
        v.length(value, f"{member}.{i}.member.value", 0, 256)
        v.pattern(
            value, f"{member}.{i}.member.value", _TAG_VALUE, r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"
        )


def tag_keys(v: Violations, keys: Sequence[str], member: str = "tagKeys") -> None:
    for i, key in enumerate(keys, 1):
        v.length(key, f"{member}.{i}.member", 1, 128)


def root_path(v: Violations, path: str) -> None:
    v.length(path, "rootDirectory.path", 1, 100)
    v.pattern(path, "rootDirectory.path", _PATH, PATH_PATTERN)


def permissions(v: Violations, text: str, member: str) -> None:
    v.length(text, member, 3, 4)
    v.pattern(text, member, _PERMISSIONS, "^[0-7]{3,4}$")
