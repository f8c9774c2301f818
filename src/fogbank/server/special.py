"""Requests that are no operation of any model, read at the edge: S3 browser POST uploads
(``PostObject``: a multipart form whose signed policy authenticates it) and CORS preflight
(``OptionsObject``: unauthenticated by design).

Each becomes an ``OperationCall`` like any other, so authorization, the handler, the log
line and the audit record work as usual; the handler's output says its own status,
headers and body (``core.outputs``), turned into the response by ``special_response``.
"""

from __future__ import annotations

from urllib.parse import unquote

from fogbank.auth.authenticator import Authenticator, AuthResult
from fogbank.auth.result import anonymous_result
from fogbank.core.errors import AwsError
from fogbank.core.outputs import HEADERS, STATUS
from fogbank.protocol.forms import read_post_form
from fogbank.protocol.http import HttpRequest, HttpResponse, ResponseBody
from fogbank.protocol.serialize.rest_xml import host_id
from fogbank.protocol.specs import OperationCall

BODY = "Body"


def bucket_and_key(request: HttpRequest) -> tuple[str | None, str | None]:
    path = request.path
    if request.virtual_bucket is not None:
        key = unquote(path.lstrip("/")) if path.strip("/") else None
        return request.virtual_bucket, key
    parts = path.lstrip("/").split("/", 1)
    bucket = unquote(parts[0]) if parts[0] else None
    key = unquote(parts[1]) if len(parts) > 1 and parts[1] else None
    return bucket, key


async def special_call(
    name: str, request: HttpRequest, service: str, authenticator: Authenticator
) -> tuple[AuthResult, OperationCall]:
    bucket, key = bucket_and_key(request)
    if name == "PostObject":
        if bucket is None or key is not None:
            raise AwsError(
                "MethodNotAllowed", "The specified method is not allowed against this resource.",
                status=405, fields={"Method": "POST", "ResourceType": "OBJECT"},
            )  # fmt: skip
        form = await read_post_form(request.body, request.headers.get("content-type") or "")
        verified = await authenticator.authenticate_post_form(form.fields)
        params: dict[str, object] = {
            "Bucket": bucket,
            "Form": form.fields,
            "Policy": verified.policy,
            "FileName": form.file_name,
            "FileContentType": form.file_content_type,
            "Body": form.file,
            "Scheme": request.scheme,
            "Host": request.host,
        }
        return verified.auth, OperationCall(service, name, params)
    params = {
        "Bucket": bucket,
        "Key": key,
        "Origin": request.headers.get("origin"),
        "AccessControlRequestMethod": request.headers.get("access-control-request-method"),
        "AccessControlRequestHeaders": request.headers.get("access-control-request-headers"),
    }
    return anonymous_result(), OperationCall(service, name, params)


def special_response(output: dict[str, object], request_id: str) -> HttpResponse:
    headers = [("x-amz-request-id", request_id), ("x-amz-id-2", host_id(request_id))]
    extra = output.get(HEADERS)
    if isinstance(extra, list):
        headers.extend((str(k), str(v)) for k, v in extra)
    status = output.get(STATUS, 200)
    body = output.get(BODY, b"")
    assert isinstance(status, int)
    return HttpResponse(status, headers, body)  # type: ignore[arg-type]


__all__ = ["ResponseBody", "bucket_and_key", "special_call", "special_response"]
