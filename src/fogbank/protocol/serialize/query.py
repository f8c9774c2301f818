"""query protocol responses (IAM, STS, RDS) and their errors.

``<OpResponse xmlns=ns><OpResult>..members..</OpResult><ResponseMetadata><RequestId/>
</ResponseMetadata></OpResponse>`` (the result wrapper's name comes from the model);
errors are ``<ErrorResponse xmlns=ns><Error><Type>Sender|Receiver</Type><Code/><Message/>
..fields..</Error><RequestId/></ErrorResponse>``.
"""

from __future__ import annotations

from fogbank.core.errors import AwsError
from fogbank.protocol.context import ServiceContext
from fogbank.protocol.http import HttpResponse
from fogbank.protocol.plan import OperationPlan
from fogbank.protocol.serialize import Output, ResponseSerializer
from fogbank.protocol.serialize.rest_xml import error_fields
from fogbank.protocol.serialize.xml_writer import XmlWriter, document, escape

CONTENT_TYPE = "text/xml"


class QuerySerializer(ResponseSerializer):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        self.writer = XmlWriter()

    def serialize(self, plan: OperationPlan, output: Output, request_id: str) -> HttpResponse:
        parts: list[str] = []
        self.write_output(parts, plan, output, request_id)
        body = document(f"{plan.name}Response", self.ctx.xml_namespace, parts)
        headers = [("x-amzn-RequestId", request_id), ("Content-Type", CONTENT_TYPE)]
        return HttpResponse(plan.response_code, headers, body)

    def write_output(
        self, parts: list[str], plan: OperationPlan, output: Output, request_id: str
    ) -> None:
        ref = plan.output
        if ref is not None:
            wrapper = ref.result_wrapper
            if wrapper:
                parts.append(f"<{wrapper}>")
            self.writer.write_members(parts, ref.shape, output)
            if wrapper:
                parts.append(f"</{wrapper}>")
        parts.append(
            f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>"
        )

    def serialize_error(
        self, error: AwsError, request_id: str, plan: OperationPlan | None, method: str
    ) -> HttpResponse:
        headers = [("x-amzn-RequestId", request_id), *error.headers.items()]
        if method == "HEAD":
            return HttpResponse(error.status, headers, b"")
        kind = "Sender" if error.sender_fault else "Receiver"
        parts = [
            f"<Error><Type>{kind}</Type><Code>{escape(error.code)}</Code>"
            f"<Message>{escape(error.message)}</Message>"
        ]
        error_fields(self.writer, parts, error, self.error_shape(error))
        parts.append(f"</Error><RequestId>{escape(request_id)}</RequestId>")
        headers.append(("Content-Type", CONTENT_TYPE))
        return HttpResponse(
            error.status, headers, document("ErrorResponse", self.ctx.xml_namespace, parts)
        )
