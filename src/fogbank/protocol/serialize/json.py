"""json protocol responses (KMS, CloudTrail) and errors: ``application/x-amz-json-1.1``
bodies, the request id in ``x-amzn-RequestId``, errors as ``{"__type", "message"}``."""

from __future__ import annotations

from fogbank.core.errors import AwsError
from fogbank.protocol.http import HttpResponse
from fogbank.protocol.plan import OperationPlan
from fogbank.protocol.serialize import Output, ResponseSerializer
from fogbank.protocol.serialize.json_writer import dumps, structure_to_json


class JsonSerializer(ResponseSerializer):
    @property
    def content_type(self) -> str:
        return f"application/x-amz-json-{self.ctx.metadata.get('jsonVersion', '1.1')}"

    def serialize(self, plan: OperationPlan, output: Output, request_id: str) -> HttpResponse:
        body = structure_to_json(plan.output.shape, output) if plan.output is not None else {}
        headers = [("x-amzn-RequestId", request_id), ("Content-Type", self.content_type)]
        return HttpResponse(plan.response_code, headers, dumps(body))

    def serialize_error(
        self, error: AwsError, request_id: str, plan: OperationPlan | None, method: str
    ) -> HttpResponse:
        headers = [("x-amzn-RequestId", request_id), *error.headers.items()]
        if method == "HEAD":
            return HttpResponse(error.status, headers, b"")
        body: dict[str, object] = {"__type": error.code, "message": error.message}
        shape = self.error_shape(error)
        if shape is not None:
            modeled = {k: v for k, v in error.fields.items() if k in shape.members}
            body.update(structure_to_json(shape, modeled))
        for key, value in error.fields.items():
            if value is not None and (shape is None or key not in shape.members):
                body.setdefault(key, value if isinstance(value, str | int | bool) else str(value))
        headers.append(("Content-Type", self.content_type))
        return HttpResponse(error.status, headers, dumps(body))
