"""The rest protocols' common response parts (rest-xml and rest-json): status code, header
members, prefixed header maps and payload dispatch. The document format is the subclass's.

A streaming payload (S3 GetObject ``Body``: bytes, an async iterable of bytes, or a
``FileSlice``) is handed to ``HttpResponse.body`` untouched.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field

from fogbank.core.outputs import HEADERS, STATUS
from fogbank.protocol.context import ServiceContext
from fogbank.protocol.http import HttpResponse, ResponseBody
from fogbank.protocol.plan import BLOB, LIST, STRING, TIMESTAMP, OperationPlan, Ref
from fogbank.protocol.serialize import Output, ResponseSerializer, header_safe
from fogbank.protocol.shapes import RFC822, b64encode, format_scalar, format_timestamp


@dataclass(slots=True)
class _OutputPlan:
    headers: list[tuple[str, Ref]] = field(default_factory=list)
    prefixes: list[tuple[str, Ref]] = field(default_factory=list)
    status: Ref | None = None
    payload: Ref | None = None
    has_body_members: bool = False
    content_type_member: bool = False


def _compile_output(plan: OperationPlan) -> _OutputPlan:
    out = _OutputPlan()
    if plan.output is None:
        return out
    shape = plan.output.shape
    for ref in shape.members.values():
        if ref.location == "header":
            out.headers.append((ref.wire_name, ref))
            if ref.wire_name.lower() == "content-type":
                out.content_type_member = True
        elif ref.location == "headers":
            out.prefixes.append((ref.wire_name, ref))
        elif ref.location == "statusCode":
            out.status = ref
        elif ref.location is None and ref.name != shape.payload:
            out.has_body_members = True
    if shape.payload is not None:
        out.payload = shape.members[shape.payload]
    return out


def header_text(ref: Ref, value: object) -> str:
    shape = ref.shape
    kind = shape.type
    if kind == TIMESTAMP:
        return str(format_timestamp(value, ref.timestamp_format or RFC822))
    if kind == LIST:
        assert shape.member is not None
        if not isinstance(value, list | tuple):
            raise TypeError(f"{ref.name}: a list must be a list")
        return ",".join(_list_item(header_text(shape.member, v)) for v in value if v is not None)
    if kind == BLOB:
        if not isinstance(value, bytes | str):
            raise TypeError(f"{ref.name}: a blob must be bytes")
        return b64encode(value)
    if ref.jsonvalue:
        return b64encode(json.dumps(value, separators=(",", ":")))
    return header_safe(format_scalar(value))


def _list_item(text: str) -> str:
    if "," in text or '"' in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


class RestSerializer(ResponseSerializer):
    document_content_type = "application/xml"

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        self._outputs: dict[str, _OutputPlan] = {}

    @abstractmethod
    def request_id_headers(self, request_id: str) -> list[tuple[str, str]]:
        """The headers that carry the request id."""

    @abstractmethod
    def payload_document(self, plan: OperationPlan, ref: Ref, value: object) -> bytes:
        """A structure payload member's document."""

    @abstractmethod
    def body_document(self, plan: OperationPlan, output: Output) -> bytes:
        """The document of an output's body members (no payload member)."""

    def serialize(self, plan: OperationPlan, output: Output, request_id: str) -> HttpResponse:
        out = self._outputs.get(plan.name)
        if out is None:
            out = self._outputs[plan.name] = _compile_output(plan)
        headers = self.request_id_headers(request_id)
        for name, ref in out.headers:
            value = output.get(ref.name)
            if value is not None:
                headers.append((name, header_text(ref, value)))
        for prefix, ref in out.prefixes:
            values = output.get(ref.name)
            if isinstance(values, Mapping):
                for key, value in values.items():
                    if value is not None:
                        headers.append((prefix + str(key), header_safe(format_scalar(value))))
        status = plan.response_code
        if out.status is not None and output.get(out.status.name) is not None:
            status = int(output[out.status.name])  # type: ignore[call-overload]
        elif STATUS in output:
            status = int(output[STATUS])  # type: ignore[call-overload]
        extra = output.get(HEADERS)
        if extra:
            headers.extend(extra)  # type: ignore[arg-type]
        body: ResponseBody = b""
        document = False
        if out.payload is not None:
            value = output.get(out.payload.name)
            if value is not None:
                kind = out.payload.shape.type
                if kind == BLOB:
                    body = value  # type: ignore[assignment]  # bytes, async iterable, FileSlice
                elif kind == STRING:
                    body = str(value).encode("utf-8")
                else:
                    body = self.payload_document(plan, out.payload, value)
                    document = True
        elif out.has_body_members:
            body = self.body_document(plan, output)
            document = True
        if document and not out.content_type_member:
            headers.append(("Content-Type", self.document_content_type))
        return HttpResponse(status, headers, body)
