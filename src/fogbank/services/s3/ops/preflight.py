"""CORS preflight (``OPTIONS`` on a bucket or object): answered from the bucket's CORS
rules, unauthenticated, as browsers send it."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.core.outputs import HEADERS, STATUS
from fogbank.services.s3 import cors
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.ops.common import Output, Params, text


async def options_object(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = text(params, "Bucket")
    origin = text(params, "Origin")
    method = text(params, "AccessControlRequestMethod")
    resource = "OBJECT" if params.get("Key") else "BUCKET"
    if not origin:
        raise AwsError(
            "BadRequest", "Insufficient information. Origin request header needed.", status=400
        )
    if not method:
        raise AwsError(
            "BadRequest",
            "Invalid Access-Control-Request-Method: null",
            status=400,
        )
    if bucket is None:
        raise cors.not_enabled(method, resource)
    await engine.bucket(bucket)
    rules = await engine.bucket_config(bucket, "cors")
    if not isinstance(rules, list) or not rules:
        raise cors.not_enabled(method, resource)
    request_headers = text(params, "AccessControlRequestHeaders")
    rule = cors.find_rule(rules, origin, method, request_headers)
    if rule is None:
        raise cors.not_allowed(method, resource)
    headers = cors.response_headers(
        rule, cors.CorsRequest(origin, method, request_headers), preflight=True
    )
    return {STATUS: 200, HEADERS: headers, "Body": b""}
