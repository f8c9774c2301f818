"""rest-xml responses (S3, S3 Control): rest parts plus XML documents, and their errors.

The model does not name the root element of S3 output documents; the corrections do
(``ListBucketResult``, ``InitiateMultipartUploadResult`` ...), else the payload member's or
the output shape's name (S3 Control's ``GetAccessPointResult``) is used. Documents carry
the service's namespace. Errors are S3's ``<Error>`` document or, for S3 Control,
``<ErrorResponse><Error/></ErrorResponse>``; a HEAD error has no body.
"""

from __future__ import annotations

import hashlib
import re
from base64 import b64encode

from fogbank.core.errors import AwsError
from fogbank.protocol.context import ServiceContext
from fogbank.protocol.http import HttpResponse
from fogbank.protocol.plan import OperationPlan, Ref, Shape
from fogbank.protocol.serialize import Output
from fogbank.protocol.serialize.rest import RestSerializer
from fogbank.protocol.serialize.xml_writer import XML_DECLARATION, XmlWriter, document, escape

_ELEMENT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")


def host_id(request_id: str) -> str:
    """The ``x-amz-id-2`` value: opaque, stable per request id."""
    return b64encode(hashlib.sha256(request_id.encode()).digest()).decode("ascii")


def error_fields(writer: XmlWriter, parts: list[str], error: AwsError, shape: Shape | None) -> None:
    for name, value in error.fields.items():
        if value is None or not _ELEMENT_NAME.match(name):
            continue
        ref = shape.members.get(name) if shape is not None else None
        if ref is not None and ref.location is None:
            writer.write_element(parts, ref.xml_name, ref, value)
        else:
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            parts.append(f"<{name}>{escape(text)}</{name}>")


class RestXmlSerializer(RestSerializer):
    document_content_type = "application/xml"

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        self.writer = XmlWriter()

    def request_id_headers(self, request_id: str) -> list[tuple[str, str]]:
        return [("x-amz-request-id", request_id), ("x-amz-id-2", host_id(request_id))]

    def payload_document(self, plan: OperationPlan, ref: Ref, value: object) -> bytes:
        root = self.ctx.corrections.output_roots.get(plan.name) or ref.location_name or ref.name
        parts: list[str] = []
        self.writer.write_element(parts, root, ref, value, self.ctx.xml_namespace)
        return (XML_DECLARATION + "".join(parts)).encode("utf-8", "replace")

    def body_document(self, plan: OperationPlan, output: Output) -> bytes:
        assert plan.output is not None
        corrections = self.ctx.corrections
        root = (
            corrections.output_roots.get(plan.name)
            or plan.output.location_name
            or plan.output.shape.name
        )
        text_member = corrections.text_root_outputs.get(plan.name)
        if text_member is not None:
            value = output.get(text_member)
            return document(root, self.ctx.xml_namespace, [escape(str(value or ""))])
        parts: list[str] = []
        self.writer.write_members(parts, plan.output.shape, output)
        return document(root, self.ctx.xml_namespace, parts)

    def serialize_error(
        self, error: AwsError, request_id: str, plan: OperationPlan | None, method: str
    ) -> HttpResponse:
        headers = self.request_id_headers(request_id)
        headers.extend(error.headers.items())
        if method == "HEAD" or error.status == 304:  # no body, as HTTP requires of a 304
            return HttpResponse(error.status, headers, b"")
        parts = [f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"]
        error_fields(self.writer, parts, error, self.error_shape(error))
        ids = f"<RequestId>{escape(request_id)}</RequestId><HostId>{host_id(request_id)}</HostId>"
        if self.ctx.corrections.error_style == "error_response":
            body = "<ErrorResponse><Error>" + "".join(parts) + "</Error>" + ids + "</ErrorResponse>"
        else:
            body = "<Error>" + "".join(parts) + ids + "</Error>"
        headers.append(("Content-Type", "application/xml"))
        return HttpResponse(error.status, headers, (XML_DECLARATION + body).encode("utf-8"))
