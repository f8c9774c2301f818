"""The rest protocols' common request parsing (rest-xml and rest-json): routing, URI labels,
query parameters, headers, and payload dispatch. The body document format is the subclass's.

Per operation, an ``_InputPlan`` (labels, query names, header names, prefixed header maps,
payload kind) is compiled once; per request the work is a route match, one pass over the
request's headers and query parameters, and reading the body only when the operation has
a document in it. A streaming blob payload (S3 PutObject ``Body``) is the request's body
stream itself, never read here.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from fogbank.protocol.context import ServiceContext
from fogbank.protocol.errors import InvalidUri, InvalidValue, MissingBody, MissingParameter, NoRoute
from fogbank.protocol.http import HttpRequest
from fogbank.protocol.parse import Params, RequestParser, read_document, text_to_value
from fogbank.protocol.plan import BLOB, LIST, MAP, STRING, STRUCTURE, OperationPlan, Ref
from fogbank.protocol.rest_routing import RestRouter, Route, compile_route
from fogbank.protocol.shapes import b64decode

STREAMING = "streaming"
RAW = "raw"
DOCUMENT = "document"


@dataclass(slots=True)
class _InputPlan:
    labels: dict[str, Ref] = field(default_factory=dict)
    query: dict[str, Ref] = field(default_factory=dict)
    query_map: Ref | None = None
    headers: dict[str, Ref] = field(default_factory=dict)
    prefixes: list[tuple[str, Ref]] = field(default_factory=list)
    required: list[Ref] = field(default_factory=list)
    payload: Ref | None = None
    payload_kind: str | None = None
    payload_required: bool = False
    has_body_members: bool = False
    literal_keys: frozenset[str] = frozenset()


def _compile_input(plan: OperationPlan, route: Route) -> _InputPlan:
    out = _InputPlan(literal_keys=frozenset(k for k, _ in route.literals + route.hints))
    if plan.input is None:
        return out
    shape = plan.input.shape
    for ref in shape.members.values():
        if ref.location == "uri":
            out.labels[ref.wire_name] = ref
        elif ref.location == "querystring":
            if ref.shape.type == MAP:
                out.query_map = ref
            else:
                out.query[ref.wire_name] = ref
        elif ref.location == "header":
            out.headers[ref.wire_name.lower()] = ref
        elif ref.location == "headers":
            out.prefixes.append((ref.wire_name.lower(), ref))
        elif ref.location is None and ref.name != shape.payload:
            out.has_body_members = True
        if ref.location in ("uri", "querystring", "header") and ref.name in shape.required:
            out.required.append(ref)
    if shape.payload is not None:
        ref = shape.members[shape.payload]
        out.payload = ref
        out.payload_required = shape.payload in shape.required
        if ref.shape.type in (STRING, BLOB):
            out.payload_kind = STREAMING if ref.streaming and ref.shape.type == BLOB else RAW
        else:
            out.payload_kind = DOCUMENT
    return out


class RestParser(RequestParser):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        self._router: RestRouter | None = None
        self._routes: dict[str, Route] = {}
        self._inputs: dict[str, _InputPlan] = {}

    # --- the body format, per protocol ------------------------------------------------

    @abstractmethod
    def read_payload(self, data: bytes, ref: Ref) -> object:
        """A structure payload member's value from its (non-empty) document."""

    @abstractmethod
    def read_body(self, data: bytes, input_ref: Ref) -> Params:
        """The body members of an input without a payload member (data may be empty)."""

    # --- routing ----------------------------------------------------------------------

    @property
    def router(self) -> RestRouter:
        if self._router is None:
            shadowed = self.ctx.corrections.route_shadowed
            for name in self.ctx.operation_names():
                self._routes[name] = compile_route(self.ctx.operation(name), name in shadowed)
            self._router = RestRouter(self._routes.values())
        return self._router

    def _route(self, plan: OperationPlan) -> Route:
        route = self._routes.get(plan.name)
        if route is None:
            route = self._routes[plan.name] = compile_route(plan)
        return route

    def route_path(self, request: HttpRequest) -> str:
        """The path matched against templates: a virtual-hosted S3 request's bucket (from
        its Host header) becomes the first segment, as in a path-style request."""
        if request.virtual_bucket is not None and self.ctx.corrections.virtual_host_label:
            return "/" + quote(request.virtual_bucket, safe="") + request.path
        return request.path

    async def parse(self, request: HttpRequest) -> tuple[str, Params]:
        path = self.route_path(request)
        query = dict(request.query) if request.query_string else {}
        match = self.router.match(request.method, path, query, request.headers)
        if match is None:
            raise NoRoute(method=request.method, value=request.path)
        plan = self.ctx.operation(match.route.operation)
        return plan.name, await self._parse(request, plan, match.route, match.labels)

    async def parse_as(self, request: HttpRequest, operation: OperationPlan) -> Params:
        route = self._route(operation)
        m = route.regex.match(self.route_path(request))
        if m is None:
            raise NoRoute(method=request.method, value=request.path)
        labels = {name: m.group(f"g{i}") for i, name in enumerate(route.labels)}
        return await self._parse(request, operation, route, labels)

    # --- the request's parts ----------------------------------------------------------

    async def _parse(
        self, request: HttpRequest, plan: OperationPlan, route: Route, labels: dict[str, str]
    ) -> Params:
        inp = self._inputs.get(plan.name)
        if inp is None:
            inp = self._inputs[plan.name] = _compile_input(plan, route)
        params: Params = {}
        for label, raw in labels.items():
            ref = inp.labels.get(label)
            if ref is not None:
                try:
                    text = unquote(raw, errors="strict")
                except UnicodeDecodeError as exc:
                    raise InvalidUri(name=label, value=raw) from exc
                params[ref.name] = _convert(ref, text, label)
        if request.query_string:
            self._query(request, inp, params)
        self._headers(request, inp, params)
        for ref in inp.required:
            if ref.name not in params:
                raise MissingParameter(name=ref.wire_name)
        if inp.payload is not None:
            await self._payload(request, inp, params)
        elif inp.has_body_members:
            assert plan.input is not None
            params.update(self.read_body(await read_document(request), plan.input))
        return params

    @staticmethod
    def _query(request: HttpRequest, inp: _InputPlan, params: Params) -> None:
        for key, value in request.query:
            ref = inp.query.get(key)
            if ref is None:
                if inp.query_map is not None and key not in inp.literal_keys:
                    _add_to_query_map(inp.query_map, key, value, params)
                continue
            if ref.shape.type == LIST:
                assert ref.shape.member is not None
                items = params.setdefault(ref.name, [])
                assert isinstance(items, list)
                items.append(_convert(ref.shape.member, value, key))
            else:
                params[ref.name] = _convert(ref, value, key)

    @staticmethod
    def _headers(request: HttpRequest, inp: _InputPlan, params: Params) -> None:
        headers = request.headers
        for name in headers.names():
            ref = inp.headers.get(name)
            if ref is not None:
                params[ref.name] = _header_value(ref, headers.get(name) or "", name)
                continue
            for prefix, map_ref in inp.prefixes:
                if name.startswith(prefix):
                    values = params.setdefault(map_ref.name, {})
                    assert isinstance(values, dict)
                    values[name[len(prefix) :]] = headers.get(name) or ""

    async def _payload(self, request: HttpRequest, inp: _InputPlan, params: Params) -> None:
        ref = inp.payload
        assert ref is not None
        if inp.payload_kind == STREAMING:
            params[ref.name] = request.body
            return
        data = await read_document(request)
        if not data.strip() and (inp.payload_kind == DOCUMENT or not data):
            if inp.payload_required:
                raise MissingBody(name=ref.name)
            return
        if inp.payload_kind == DOCUMENT:
            params[ref.name] = self.read_payload(data, ref)
        elif ref.shape.type == STRING:
            try:
                params[ref.name] = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidValue(name=ref.name, value="<binary>") from exc
        else:
            params[ref.name] = data


def _convert(ref: Ref, text: str, name: str) -> object:
    try:
        return text_to_value(ref, text)
    except ValueError as exc:
        raise InvalidValue(name=name, value=text, type=ref.shape.type) from exc


def _header_value(ref: Ref, text: str, name: str) -> object:
    shape = ref.shape
    if shape.type == LIST:
        assert shape.member is not None
        return [_convert(shape.member, item, name) for item in split_header_list(text)]
    if ref.jsonvalue and shape.type == STRING:
        try:
            return json.loads(b64decode(text))
        except ValueError as exc:
            raise InvalidValue(name=name, value=text) from exc
    if shape.type == STRUCTURE:
        raise InvalidValue(name=name, value=text)
    return _convert(ref, text.strip() if shape.type != STRING else text, name)


def split_header_list(text: str) -> list[str]:
    """Comma-separated header values, honouring double-quoted items (RFC 7230)."""
    items: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t":
            i += 1
        if i < n and text[i] == '"':
            i += 1
            buf: list[str] = []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(text[i])
                i += 1
            items.append("".join(buf))
            i = text.find(",", i)
            i = n if i < 0 else i + 1
        else:
            end = text.find(",", i)
            end = n if end < 0 else end
            items.append(text[i:end].strip())
            i = end + 1
    return items


def _add_to_query_map(ref: Ref, key: str, value: str, params: Params) -> None:
    values = params.setdefault(ref.name, {})
    assert isinstance(values, dict)
    value_shape = ref.shape.value
    if value_shape is not None and value_shape.shape.type == LIST:
        items = values.setdefault(key, [])
        assert isinstance(items, list)
        items.append(value)
    else:
        values[key] = value
