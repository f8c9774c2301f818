"""S3 SigV2 on an HTTP request: ``Authorization: AWS AK:sig`` and presigned
``?AWSAccessKeyId=&Expires=&Signature=`` (what boto3 presigns in us-east-1 by default)."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from fogbank.auth.credentials import Credential, CredentialLookup
from fogbank.auth.error_codes import Failure, Family, auth_error
from fogbank.auth.keys import resolve_credential
from fogbank.auth.result import AuthResult
from fogbank.auth.sigv2 import (
    canonical_amz_headers,
    canonical_resources,
    sigv2_signature,
    string_to_sign_v2,
)
from fogbank.auth.sigv4 import format_iso8601, parse_http_date
from fogbank.auth.timing import check_skew
from fogbank.core.errors import AwsError
from fogbank.protocol.http import HttpRequest


async def verify_sigv2_header(
    request: HttpRequest,
    authorization: str,
    credentials: CredentialLookup,
    now: float,
    max_skew: int,
    credential_now: float | None = None,
) -> AuthResult:
    """``now`` is real time (the client dated the request); temporary credentials expire
    on the simulated clock, ``credential_now`` (default: ``now``)."""
    family = Family.S3
    _, _, rest = authorization.partition(" ")
    access_key, sep, signature = rest.strip().rpartition(":")
    if not sep or not access_key or not signature or " " in rest.strip():
        raise AwsError(
            "InvalidArgument",
            "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
            status=400,
            fields={"ArgumentName": "Authorization"},
        )
    amz_date = request.headers.get("x-amz-date")
    date_header = request.headers.get("date")
    signed_at = parse_http_date(amz_date or date_header or "")
    if signed_at is None:
        raise auth_error(family, Failure.MISSING_DATE)
    check_skew(request, family, signed_at, now, max_skew)
    token = request.headers.get("x-amz-security-token")
    credential = await resolve_credential(
        credentials, access_key, token, family, now if credential_now is None else credential_now
    )
    # With x-amz-date present the Date line is empty (RestAuthentication); some clients sign
    # the Date header's value anyway.
    date_lines = [""] if amz_date is not None else [date_header or ""]
    if amz_date is not None and date_header:
        date_lines.append(date_header)
    _match(
        request,
        credential,
        signature,
        date_lines,
        canonical_amz_headers(request.headers.items()),
        query=None,
    )
    return _result(credential, "sigv2-header", "REST-HEADER", signed_at)


async def verify_sigv2_query(
    request: HttpRequest,
    params: Mapping[str, str],
    credentials: CredentialLookup,
    now: float,
    credential_now: float | None = None,
) -> AuthResult:
    """``now`` is real time (``Expires`` is the client's); see ``verify_sigv2_header``."""
    family = Family.S3
    access_key = params.get("AWSAccessKeyId", "")
    signature = params.get("Signature")
    expires_text = params.get("Expires", "").strip()
    if not access_key or signature is None or not expires_text.isdigit():
        raise AwsError(
            "AccessDenied",
            "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
            "parameters",
            status=403,
        )
    expires = int(expires_text)
    if now > expires:
        raise auth_error(
            family,
            Failure.PRESIGN_EXPIRED,
            fields={"Expires": format_iso8601(expires), "ServerTime": format_iso8601(now)},
        )
    token = params.get("x-amz-security-token") or request.headers.get("x-amz-security-token")
    credential = await resolve_credential(
        credentials, access_key, token, family, now if credential_now is None else credential_now
    )
    # boto3 moves signed x-amz-* headers (the session token) into the query string.
    query_amz = [(k, v) for k, v in request.query if k.lower().startswith("x-amz-")]
    amz_headers = canonical_amz_headers([*request.headers.items(), *query_amz])
    _match(request, credential, signature, [expires_text], amz_headers, query=params)
    return _result(credential, "sigv2-query", "REST-QUERY-STRING", None)


def _match(
    request: HttpRequest,
    credential: Credential,
    signature: str,
    date_lines: list[str],
    amz_headers: str,
    query: Mapping[str, str] | None,
) -> None:
    def value(name: str) -> str:
        if query is not None and name in query:
            return query[name]
        return request.headers.get(name) or ""

    resources = canonical_resources(request.path, request.query_string, request.virtual_bucket)
    provided = signature.strip().encode("utf-8", "replace")
    first = ""
    for resource in resources:
        for date_line in date_lines:
            sts = string_to_sign_v2(
                request.method,
                value("content-md5"),
                value("content-type"),
                date_line,
                amz_headers,
                resource,
            )
            first = first or sts
            expected = sigv2_signature(credential.secret_access_key, sts)
            if hmac.compare_digest(expected.encode("ascii"), provided):
                return
    raise auth_error(
        Family.S3,
        Failure.BAD_SIGNATURE,
        fields={
            "AWSAccessKeyId": credential.access_key_id,
            "StringToSign": first,
            "SignatureProvided": signature,
        },
    )


def _result(
    credential: Credential, method: str, auth_type: str, signed_at: float | None
) -> AuthResult:
    return AuthResult(
        principal=credential.principal,
        credential=credential,
        method=method,
        region=None,
        signing_service=None,
        signed_at=signed_at,
        auth_type=auth_type,
        signature_age_ms=None,
        access_key_id=credential.access_key_id,
    )
