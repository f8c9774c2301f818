"""rest-json responses (EFS): rest parts plus JSON documents, and their errors.

Errors carry the code in ``x-amzn-ErrorType`` and a JSON body with the modeled error
shape's members (EFS: ``ErrorCode``, ``Message``), or the corrections' member names for
errors the model does not know.
"""

from __future__ import annotations

from fogbank.core.errors import AwsError
from fogbank.protocol.http import HttpResponse
from fogbank.protocol.plan import OperationPlan, Ref
from fogbank.protocol.serialize import Output
from fogbank.protocol.serialize.json_writer import dumps, structure_to_json, to_json
from fogbank.protocol.serialize.rest import RestSerializer

_CODE_MEMBERS = frozenset({"code", "errorcode"})


class RestJsonSerializer(RestSerializer):
    document_content_type = "application/json"

    def request_id_headers(self, request_id: str) -> list[tuple[str, str]]:
        return [("x-amzn-RequestId", request_id)]

    def payload_document(self, plan: OperationPlan, ref: Ref, value: object) -> bytes:
        return dumps(to_json(value, ref))

    def body_document(self, plan: OperationPlan, output: Output) -> bytes:
        assert plan.output is not None
        return dumps(structure_to_json(plan.output.shape, output))

    def serialize_error(
        self, error: AwsError, request_id: str, plan: OperationPlan | None, method: str
    ) -> HttpResponse:
        headers = self.request_id_headers(request_id)
        headers.append(("x-amzn-ErrorType", error.code))
        headers.extend(error.headers.items())
        if method == "HEAD":
            return HttpResponse(error.status, headers, b"")
        shape = self.error_shape(error)
        body: dict[str, object] = {}
        code_key, message_key = self.ctx.corrections.error_body_members
        if shape is not None:
            for ref in shape.members.values():
                lowered = ref.wire_name.lower()
                if lowered in _CODE_MEMBERS:
                    code_key = ref.wire_name
                elif lowered == "message":
                    message_key = ref.wire_name
            fields = {k: v for k, v in error.fields.items() if k in shape.members}
            body.update(structure_to_json(shape, fields))
            extra = {k: v for k, v in error.fields.items() if k not in shape.members}
        else:
            extra = dict(error.fields)
        body[code_key] = error.code
        body[message_key] = error.message
        for key, value in extra.items():
            if value is not None:
                body.setdefault(key, value if isinstance(value, str | int | bool) else str(value))
        headers.append(("Content-Type", "application/json"))
        return HttpResponse(error.status, headers, dumps(body))
