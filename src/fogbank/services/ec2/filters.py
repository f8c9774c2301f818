"""EC2 ``Filters``: each filter is one name and values (any may match: OR), all filters
must match (AND). Values may use ``*`` and ``?`` wildcards, ``\\`` escapes them.
``tag:<key>``, ``tag-key`` and ``tag-value`` work on every taggable resource."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from fogbank.services.ec2 import errors

T = TypeVar("T")

Extract = Callable[[T], Iterable[str]]


@dataclass(frozen=True)
class Filter:
    name: str
    values: tuple[str, ...]


def parse(params: Mapping[str, object]) -> list[Filter]:
    raw = params.get("Filters") or []
    assert isinstance(raw, list)
    out = []
    for item in raw:
        assert isinstance(item, dict)
        name = item.get("Name")
        if not isinstance(name, str) or not name:
            raise errors.missing("Filter.Name")
        values = item.get("Values") or []
        assert isinstance(values, list)
        out.append(Filter(name, tuple(str(v) for v in values)))
    return out


def pattern(value: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            out.append(re.escape(value[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def flag(value: bool) -> list[str]:
    return ["true" if value else "false"]


def opt(value: object) -> list[str]:
    return [] if value is None else [str(value)]


@dataclass(frozen=True)
class Fields(Generic[T]):
    """The filters a Describe call accepts: name -> the values an item has for it."""

    fields: Mapping[str, Extract[T]]
    tags: Callable[[T], Mapping[str, str]] | None = None

    def _extract(self, name: str) -> Extract[T]:
        direct = self.fields.get(name)
        if direct is not None:
            return direct
        tags = self.tags
        if tags is not None:
            if name.startswith("tag:") and len(name) > 4:
                key = name[4:]
                return lambda item: opt(tags(item).get(key))
            if name == "tag-key":
                return lambda item: list(tags(item))
            if name == "tag-value":
                return lambda item: list(tags(item).values())
        raise errors.invalid_filter(name)

    def apply(self, filters: Sequence[Filter], items: Iterable[T]) -> list[T]:
        checks = [(self._extract(f.name), [pattern(v) for v in f.values]) for f in filters]
        return [
            item
            for item in items
            if all(
                any(p.fullmatch(v) for v in extract(item) for p in patterns)
                for extract, patterns in checks
            )
        ]
