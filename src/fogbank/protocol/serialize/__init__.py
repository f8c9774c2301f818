"""Response serializers, one per protocol family, all driven by the compiled model."""

from __future__ import annotations

from abc import ABC, abstractmethod
from base64 import b64encode
from collections.abc import Mapping

from fogbank.core.errors import AwsError
from fogbank.protocol.context import ServiceContext
from fogbank.protocol.http import HttpResponse
from fogbank.protocol.plan import OperationPlan, Shape

Output = Mapping[str, object]


class ResponseSerializer(ABC):
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @abstractmethod
    def serialize(self, plan: OperationPlan, output: Output, request_id: str) -> HttpResponse:
        """A successful response of ``plan`` carrying ``output``."""

    @abstractmethod
    def serialize_error(
        self, error: AwsError, request_id: str, plan: OperationPlan | None, method: str
    ) -> HttpResponse:
        """An error response."""

    def error_shape(self, error: AwsError) -> Shape | None:
        return self.ctx.error_shape(error.code)


def header_safe(value: str) -> str:
    """A header value that cannot split the response: kept as is when it is printable
    Latin-1 (the bytes a client sent come back unchanged), otherwise RFC 2047 encoded, as
    S3 does for non-ASCII user metadata."""
    if value.isascii() and value.isprintable():
        return value
    if all(c == "\t" or (" " <= c <= "\xff" and c != "\x7f") for c in value):
        return value
    return "=?UTF-8?B?" + b64encode(value.encode("utf-8", "replace")).decode("ascii") + "?="


def fields_as_text(fields: Mapping[str, object]) -> dict[str, str]:
    return {k: _plain_text(v) for k, v in fields.items() if v is not None}


def _plain_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
