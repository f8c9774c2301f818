"""Matching actions and resource ARNs against policy patterns.

* Actions (IAM user guide, "IAM JSON policy elements: Action"): ``service:Action`` compared
  case-insensitively; ``*`` matches any run of characters and ``?`` any one character.
  There are no character classes: ``[`` is an ordinary character.
* Resources ("IAM JSON policy elements: Resource"): an ARN has six colon-separated
  segments; wildcards may appear in any segment but never span segments, so the pattern and
  the ARN are split with ``split(":", 5)`` and compared segment by segment. The sixth
  segment is the whole resource part, so a ``*`` there matches across ``/`` and ``:``.
  Matching is case-sensitive. A pattern of just ``*`` matches every resource (including the
  ``"*"`` of actions without a resource). Policy variables may appear only in the resource
  part (after the fifth colon).
* ``ArnEquals``/``ArnLike`` conditions use the same per-segment rule ("Condition operators",
  ARN section: "Each of the six colon-delimited components of the ARN is checked
  separately").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fogbank.authz.policy.variables import Glob, Lookup, static_glob


@dataclass(frozen=True)
class ActionMatcher:
    """Matches an action name against a list of patterns (any pattern may match)."""

    patterns: tuple[str, ...]
    _any: bool = field(default=False, compare=False, repr=False)
    _exact: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    _wild: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    # The services (lower-case) the patterns can match; None when a service is a wildcard.
    vendors: frozenset[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def compile(cls, patterns: tuple[str, ...]) -> ActionMatcher:
        lowered = [p.lower() for p in patterns]
        exact = frozenset(p for p in lowered if "*" not in p and "?" not in p)
        wild = [p for p in lowered if "*" in p or "?" in p]
        regex = None
        if wild:
            alternatives = "|".join(static_glob(p).pattern for p in wild)
            regex = re.compile(f"(?:{alternatives})", re.DOTALL)
        vendors = frozenset(p.partition(":")[0] for p in lowered)
        if any("*" in v or "?" in v for v in vendors):
            return cls(patterns, "*" in patterns, exact, regex, None)
        return cls(patterns, "*" in patterns, exact, regex, vendors)

    def matches(self, action: str) -> bool:
        """Whether ``action`` (already lower-cased by the caller) matches."""
        if self._any or action in self._exact:
            return True
        return self._wild is not None and self._wild.fullmatch(action) is not None


@dataclass(frozen=True)
class ArnPattern:
    """One resource pattern, compared segment by segment."""

    source: str
    _any: bool = field(default=False, compare=False, repr=False)
    _whole: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    _head: tuple[re.Pattern[str] | str, ...] = field(default=(), compare=False, repr=False)
    _tail: Glob | None = field(default=None, compare=False, repr=False)

    @classmethod
    def compile(cls, source: str, *, variables: bool) -> ArnPattern:
        if source == "*":
            return cls(source, _any=True)
        segments = source.split(":", 5)
        if len(segments) < 6:
            # Not an ARN: compared as one piece of wildcard text.
            return cls(source, _whole=static_glob(source))
        head = tuple(static_glob(s) if ("*" in s or "?" in s) else s for s in segments[:5])
        return cls(source, _head=head, _tail=Glob.compile(segments[5], variables=variables))

    def matches(self, value: str, lookup: Lookup) -> bool:
        if self._any:
            return True
        if self._whole is not None:
            return self._whole.fullmatch(value) is not None
        segments = value.split(":", 5)
        if len(segments) != 6 or self._tail is None:
            return False
        for expected, actual in zip(self._head, segments, strict=False):
            if isinstance(expected, str):
                if expected != actual:
                    return False
            elif expected.fullmatch(actual) is None:
                return False
        return self._tail.matches(segments[5], lookup)


@dataclass(frozen=True)
class ResourceMatcher:
    """Matches a resource against a list of ARN patterns (any pattern may match)."""

    patterns: tuple[ArnPattern, ...]

    @classmethod
    def compile(cls, sources: tuple[str, ...], *, variables: bool) -> ResourceMatcher:
        return cls(tuple(ArnPattern.compile(s, variables=variables) for s in sources))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(p.source for p in self.patterns)

    def matches(self, resource: str, lookup: Lookup) -> bool:
        return any(p.matches(resource, lookup) for p in self.patterns)
