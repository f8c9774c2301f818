"""Policy variables and the ``*`` / ``?`` wildcard language they are embedded in.

IAM user guide, "IAM policy elements: Variables and tags":

* ``${key}`` is replaced by the value of the condition key ``key`` (names are
  case-insensitive); ``${key, 'default'}`` supplies a value when the key is absent.
* ``${*}``, ``${?}`` and ``${$}`` stand for a literal ``*``, ``?`` and ``$``.
* Variables exist only in policies whose ``Version`` is ``2012-10-17``; in older (or
  version-less) policies ``${aws:username}`` is literal text.
* A variable that cannot be resolved (absent key without default, or a multivalued key)
  makes the element that contains it fail to match.

A substituted value is literal text: a ``*`` coming from the request is not a wildcard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

_SPECIAL = frozenset({"*", "?", "$"})
_VARIABLE = re.compile(r"\s*([^,\s][^,]*?)\s*(?:,\s*'([^']*)'\s*)?")


class Lookup(Protocol):
    def scalar_text(self, key: str) -> str | None:
        """The text of a single-valued, lower-case condition key, or None."""
        ...


@dataclass(frozen=True)
class Text:
    text: str
    glob: bool  # True: '*' and '?' in ``text`` are wildcards


@dataclass(frozen=True)
class Var:
    key: str  # lower-case
    default: str | None


Part = Text | Var


@dataclass(frozen=True)
class Template:
    source: str
    parts: tuple[Part, ...]

    @property
    def has_variables(self) -> bool:
        return any(isinstance(part, Var) for part in self.parts)

    def resolve(self, lookup: Lookup) -> tuple[Text, ...] | None:
        """The template with its variables replaced, or None if one is unresolvable."""
        out: list[Text] = []
        for part in self.parts:
            if isinstance(part, Text):
                out.append(part)
                continue
            value = lookup.scalar_text(part.key)
            if value is None:
                value = part.default
            if value is None:
                return None
            out.append(Text(value, glob=False))
        return tuple(out)


def parse_template(source: str, *, variables: bool) -> Template:
    """Split ``source`` into literal text and ``${...}`` references."""
    if not variables or "${" not in source:
        return Template(source, (Text(source, glob=True),))
    parts: list[Part] = []
    pos = 0
    while True:
        start = source.find("${", pos)
        end = source.find("}", start + 2) if start >= 0 else -1
        if start < 0 or end < 0:
            break
        if start > pos:
            parts.append(Text(source[pos:start], glob=True))
        inner = source[start + 2 : end]
        match = _VARIABLE.fullmatch(inner)
        if inner in _SPECIAL:
            parts.append(Text(inner, glob=False))
        elif match is not None:
            parts.append(Var(match.group(1).lower(), match.group(2)))
        else:
            parts.append(Text(source[start : end + 1], glob=True))
        pos = end + 1
    if pos < len(source):
        parts.append(Text(source[pos:], glob=True))
    return Template(source, tuple(parts))


def glob_regex(parts: tuple[Text, ...]) -> str:
    """A regular expression (for ``fullmatch``) equivalent to the IAM wildcard text."""
    out: list[str] = []
    for part in parts:
        if not part.glob:
            out.append(re.escape(part.text))
            continue
        for char in part.text:
            if char == "*":
                out.append(".*")
            elif char == "?":
                out.append(".")
            else:
                out.append(re.escape(char))
    return "".join(out)


def static_glob(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """Compile wildcard text that has no variables."""
    return re.compile(glob_regex((Text(pattern, glob=True),)), _flags(ignore_case))


def exact_text(parts: tuple[Text, ...]) -> str:
    return "".join(part.text for part in parts)


@dataclass(frozen=True)
class Glob:
    """A compiled ``*``/``?`` pattern that may contain policy variables."""

    template: Template
    ignore_case: bool = False
    _static: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    # With variables: regular-expression fragments, and the variables between them.
    _fragments: tuple[str | Var, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def compile(cls, source: str, *, variables: bool, ignore_case: bool = False) -> Glob:
        template = parse_template(source, variables=variables)
        if not template.has_variables:
            parts = tuple(p for p in template.parts if isinstance(p, Text))
            return cls(template, ignore_case, re.compile(glob_regex(parts), _flags(ignore_case)))
        fragments = tuple(
            glob_regex((part,)) if isinstance(part, Text) else part for part in template.parts
        )
        return cls(template, ignore_case, None, fragments)

    def matches(self, value: str, lookup: Lookup) -> bool:
        if self._static is not None:
            return self._static.fullmatch(value) is not None
        pieces: list[str] = []
        for fragment in self._fragments:
            if isinstance(fragment, str):
                pieces.append(fragment)
                continue
            resolved = lookup.scalar_text(fragment.key)
            if resolved is None:
                resolved = fragment.default
            if resolved is None:
                return False
            pieces.append(re.escape(resolved))
        # ``re`` keeps the compiled patterns of recent calls.
        return re.fullmatch("".join(pieces), value, _flags(self.ignore_case)) is not None


def _flags(ignore_case: bool) -> re.RegexFlag:
    return re.DOTALL | (re.IGNORECASE if ignore_case else re.NOFLAG)
