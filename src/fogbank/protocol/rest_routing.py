"""Which operation of a rest-xml / rest-json service a request is, from method, path, query
and header names, matched against the model's ``requestUri`` templates.

Templates are compiled once per service. A template is a path with labels (``{Bucket}``
matches one segment, ``{Key+}`` is greedy) and optional literal query parameters
(``?uploads``, ``?list-type=2``, ``?select&select-type=2``). ``x-id=<Operation>`` literals of
newer models are hints, not requirements: older clients do not send them.

Several operations can share a template (S3 ``PUT /{Bucket}/{Key+}`` is PutObject,
CopyObject, UploadPart and UploadPartCopy); the best candidate is the one that matches
the most: literal query parameters first, then literal path text, then how many of its
required query/header members the request carries, then whether it carries all of them.
Operations listed as shadowed in the corrections lose ties to their twins.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass

from fogbank.protocol.plan import OperationPlan

_LABEL = re.compile(r"\{([^}]+)\}")
HINT_QUERY_KEYS = frozenset({"x-id"})


@dataclass(frozen=True, slots=True)
class Route:
    operation: str
    method: str
    regex: re.Pattern[str]
    labels: tuple[str, ...]  # label name per regex group g0, g1 ...
    literals: tuple[tuple[str, str | None], ...]  # required query keys (and values)
    hints: tuple[tuple[str, str], ...]  # x-id=Operation
    required_query: tuple[str, ...]
    required_headers: tuple[str, ...]  # lower-case
    path_rank: int
    shadowed: bool

    def sort_key(
        self, query: Mapping[str, str], header_names: Container[str]
    ) -> tuple[int, int, int, int, int, int]:
        hint = sum(1 for k, v in self.hints if query.get(k) == v)
        present = sum(1 for k in self.required_query if k in query)
        present += sum(1 for h in self.required_headers if h in header_names)
        complete = int(present == len(self.required_query) + len(self.required_headers))
        return (hint, len(self.literals), self.path_rank, present, complete, -self.shadowed)


@dataclass(frozen=True, slots=True)
class RouteMatch:
    route: Route
    labels: dict[str, str]  # label name -> raw (still percent-encoded) value


def compile_route(plan: OperationPlan, shadowed: bool = False) -> Route:
    path, _, query = plan.request_uri.partition("?")
    pattern: list[str] = ["^"]
    labels: list[str] = []
    literal_chars = 0
    greedy = 0
    pos = 0
    for m in _LABEL.finditer(path):
        literal = path[pos : m.start()]
        pattern.append(re.escape(literal))
        literal_chars += len(literal)
        name = m.group(1)
        group = f"g{len(labels)}"
        if name.endswith("+"):
            pattern.append(f"(?P<{group}>.+)")
            labels.append(name[:-1])
            greedy += 1
        else:
            pattern.append(f"(?P<{group}>[^/]+)")
            labels.append(name)
        pos = m.end()
    tail = path[pos:]
    literal_chars += len(tail)
    if path != "/" and tail.endswith("/"):
        tail = tail[:-1]  # "/tags/{Id}/" also answers "/tags/x"
    pattern.append(re.escape(tail))
    if path != "/" and not path.endswith("+}"):
        pattern.append("/?")  # and "/bucket/" is the bucket
    pattern.append("$")

    literals: list[tuple[str, str | None]] = []
    hints: list[tuple[str, str]] = []
    for part in filter(None, query.split("&")):
        key, eq, value = part.partition("=")
        if key in HINT_QUERY_KEYS:
            hints.append((key, value))
        else:
            literals.append((key, value if eq else None))

    required_query: list[str] = []
    required_headers: list[str] = []
    if plan.input is not None:
        shape = plan.input.shape
        for member in shape.required:
            ref = shape.members[member]
            if ref.location == "querystring":
                required_query.append(ref.wire_name)
            elif ref.location == "header":
                required_headers.append(ref.wire_name.lower())
    return Route(
        operation=plan.name,
        method=plan.method,
        regex=re.compile("".join(pattern), re.DOTALL),
        labels=tuple(labels),
        literals=tuple(literals),
        hints=tuple(hints),
        required_query=tuple(required_query),
        required_headers=tuple(required_headers),
        path_rank=literal_chars * 2 - greedy,
        shadowed=shadowed,
    )


class RestRouter:
    """All routes of one service, grouped by method, by first literal query key and by
    path pattern (each distinct pattern is matched once per request)."""

    def __init__(self, routes: Iterable[Route]) -> None:
        plain: dict[str, dict[str, list[Route]]] = {}
        literal: dict[tuple[str, str], dict[str, list[Route]]] = {}
        for route in routes:
            if route.literals:
                groups = literal.setdefault((route.method, route.literals[0][0]), {})
            else:
                groups = plain.setdefault(route.method, {})
            groups.setdefault(route.regex.pattern, []).append(route)
        self._plain = {k: _grouped(v) for k, v in plain.items()}
        self._by_literal = {k: _grouped(v) for k, v in literal.items()}
        self._literal_keys: dict[str, frozenset[str]] = {}
        for method, key in literal:
            self._literal_keys[method] = self._literal_keys.get(method, frozenset()) | {key}

    def match(
        self, method: str, path: str, query: Mapping[str, str], header_names: Container[str]
    ) -> RouteMatch | None:
        groups = self._plain.get(method, [])
        if query:
            keys = self._literal_keys.get(method)
            if keys:
                groups = list(groups)
                for key in query:
                    if key in keys:
                        groups.extend(self._by_literal[(method, key)])
        best: Route | None = None
        best_match: re.Match[str] | None = None
        best_key: tuple[int, ...] | None = None
        for regex, routes in groups:
            m = regex.match(path)
            if m is None:
                continue
            for route in routes:
                if route.literals and not all(
                    k in query and (v is None or query[k] == v) for k, v in route.literals
                ):
                    continue
                if best is None:
                    best, best_match = route, m
                    continue
                if best_key is None:
                    best_key = best.sort_key(query, header_names)
                candidate = route.sort_key(query, header_names)
                if candidate > best_key:
                    best, best_match, best_key = route, m, candidate
        if best is None or best_match is None:
            return None
        labels = {name: best_match.group(f"g{i}") for i, name in enumerate(best.labels)}
        return RouteMatch(best, labels)


def _grouped(groups: dict[str, list[Route]]) -> list[tuple[re.Pattern[str], list[Route]]]:
    return [(routes[0].regex, routes) for routes in groups.values()]
