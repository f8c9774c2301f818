"""Request parsers, one per protocol family, all driven by the compiled model.

Each parser turns an ``HttpRequest`` into ``(operation name, params)`` or raises a
``WireError`` (see ``fogbank.protocol.errors``) that the service protocol renders in the
protocol's own error vocabulary.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from fogbank.core.errors import AwsError
from fogbank.protocol.context import ServiceContext
from fogbank.protocol.errors import BodyTooLarge
from fogbank.protocol.http import HttpRequest
from fogbank.protocol.plan import (
    BLOB,
    BOOLEAN,
    FLOAT_TYPES,
    INTEGER_TYPES,
    STRING,
    TIMESTAMP,
    OperationPlan,
    Ref,
)
from fogbank.protocol.shapes import (
    b64decode,
    parse_bool,
    parse_float,
    parse_int,
    parse_timestamp,
)

# Largest non-streaming request body parsed into memory (XML, JSON or form documents).
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

Params = dict[str, object]


class RequestParser(ABC):
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @abstractmethod
    async def parse(self, request: HttpRequest) -> tuple[str, Params]:
        """The operation a request calls and its input params."""

    @abstractmethod
    async def parse_as(self, request: HttpRequest, operation: OperationPlan) -> Params:
        """The input params of a request already known to call ``operation``."""


async def read_document(request: HttpRequest) -> bytes:
    """The whole (bounded) body of a request carrying a document."""
    marker = AwsError("RequestEntityTooLarge", status=413)
    try:
        return await request.body.read(MAX_DOCUMENT_BYTES, too_large=marker)
    except AwsError as exc:
        if exc is marker:
            raise BodyTooLarge(limit=str(MAX_DOCUMENT_BYTES)) from None
        raise


def text_to_value(ref: Ref, text: str) -> object:
    """A scalar member's value from its text form; ``ValueError`` when it is not one."""
    kind = ref.shape.type
    if kind == STRING:
        return text
    if kind in INTEGER_TYPES:
        return parse_int(text)
    if kind == BOOLEAN:
        return parse_bool(text)
    if kind == TIMESTAMP:
        return parse_timestamp(text, ref.timestamp_format)
    if kind in FLOAT_TYPES:
        return parse_float(text)
    if kind == BLOB:
        return b64decode(text)
    raise ValueError(f"a {kind} cannot be written as text")
