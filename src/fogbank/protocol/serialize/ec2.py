"""ec2 protocol responses and errors.

``<OpResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId/>..members..
</OpResponse>`` with the members' (lower-case) locationNames and ``<item>`` list members,
both from the model; errors are ``<Response><Errors><Error><Code/><Message/></Error>
</Errors><RequestID/></Response>``.
"""

from __future__ import annotations

from fogbank.core.errors import AwsError
from fogbank.protocol.context import ServiceContext
from fogbank.protocol.http import HttpResponse
from fogbank.protocol.plan import OperationPlan
from fogbank.protocol.serialize import Output, ResponseSerializer
from fogbank.protocol.serialize.rest_xml import error_fields
from fogbank.protocol.serialize.xml_writer import XmlWriter, document, escape

CONTENT_TYPE = "text/xml;charset=UTF-8"


class Ec2Serializer(ResponseSerializer):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        self.writer = XmlWriter()

    def serialize(self, plan: OperationPlan, output: Output, request_id: str) -> HttpResponse:
        parts = [f"<requestId>{escape(request_id)}</requestId>"]
        ref = plan.output
        if ref is not None:
            wrapper = ref.result_wrapper  # EC2's own models have none; the rule allows one
            parts.append(f"<{wrapper}>" if wrapper else "")
            self.writer.write_members(parts, ref.shape, output)
            parts.append(f"</{wrapper}>" if wrapper else "")
        body = document(f"{plan.name}Response", self.ctx.xml_namespace, parts)
        return HttpResponse(plan.response_code, [("Content-Type", CONTENT_TYPE)], body)

    def serialize_error(
        self, error: AwsError, request_id: str, plan: OperationPlan | None, method: str
    ) -> HttpResponse:
        headers = list(error.headers.items())
        if method == "HEAD":
            return HttpResponse(error.status, headers, b"")
        parts = [f"<Errors><Error><Code>{escape(error.code)}</Code>"]
        parts.append(f"<Message>{escape(error.message)}</Message>")
        error_fields(self.writer, parts, error, self.error_shape(error))
        parts.append(f"</Error></Errors><RequestID>{escape(request_id)}</RequestID>")
        headers.append(("Content-Type", CONTENT_TYPE))
        return HttpResponse(error.status, headers, document("Response", None, parts))
