"""json protocol requests (KMS, CloudTrail): ``X-Amz-Target: Prefix.Operation`` and a JSON
object body (``{}`` when empty)."""

from __future__ import annotations

from fogbank.protocol.errors import MissingOperation, UnknownOperation
from fogbank.protocol.http import HttpRequest
from fogbank.protocol.parse import Params, RequestParser, read_document
from fogbank.protocol.parse.json_reader import load_json, read_object
from fogbank.protocol.plan import OperationPlan


class JsonParser(RequestParser):
    async def parse(self, request: HttpRequest) -> tuple[str, Params]:
        target = request.headers.get("x-amz-target")
        if not target:
            raise MissingOperation()
        prefix, _, name = target.rpartition(".")
        if prefix != self.ctx.metadata.get("targetPrefix") or not self.ctx.has_operation(name):
            raise UnknownOperation(operation=name, target=target)
        plan = self.ctx.operation(name)
        return name, await self.parse_as(request, plan)

    async def parse_as(self, request: HttpRequest, operation: OperationPlan) -> Params:
        document = load_json(await read_document(request))
        if operation.input is None:
            return {}
        return read_object(document, operation.input.shape)
