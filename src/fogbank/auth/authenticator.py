"""Who signed this request: SigV4 (header or presigned), S3 SigV2, or nobody.

``Authenticator.authenticate`` checks, in AWS's order: the form of the signature, the date
(15 minutes of skew; presigned expiry), the access key and its session token, the
signature; then it wraps the body so that the payload hash, chunk signatures and checksum
trailers are verified as the operation reads it. Every time is read from the simulated
clock. Failures are ``AwsError``s worded as the service in question words them
(error_codes.py). Whether an anonymous caller may do anything is authorization's business.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Mapping
from urllib.parse import quote

from fogbank.auth.chunked import ChunkSigning
from fogbank.auth.credentials import CredentialLookup
from fogbank.auth.error_codes import Failure, Family, auth_error, family_of
from fogbank.auth.keys import resolve_credential
from fogbank.auth.payload import PayloadMode, payload_mode, wrap_s3_body
from fogbank.auth.post_policy import PostPolicyResult, verify_post_policy
from fogbank.auth.result import AuthResult, anonymous_result
from fogbank.auth.sigv2_request import verify_sigv2_header, verify_sigv2_query
from fogbank.auth.sigv4 import ALGORITHM, EMPTY_SHA256, UNSIGNED_PAYLOAD, is_sha256_hex, signing_key
from fogbank.auth.sigv4_request import (
    Canonical,
    SigV4Parts,
    canonical_forms,
    check_scope,
    find_match,
    parse_authorization,
    parse_presign,
)
from fogbank.auth.timing import check_presign_window, check_skew, header_date, presign_date
from fogbank.core.clock import Clock
from fogbank.protocol.catalog import ServiceInfo
from fogbank.protocol.http import BytesBody, HttpRequest

__all__ = ["AuthResult", "Authenticator"]

_PRESIGN_MARKERS = frozenset({"X-Amz-Credential", "X-Amz-Signature", "X-Amz-Algorithm"})


def _redact(text: str, token: str | None) -> str:
    """``text`` without the session token (raw, or percent-encoded as in a query)."""
    if not token:
        return text
    return text.replace(token, "REDACTED").replace(quote(token, safe="-_.~"), "REDACTED")


class Authenticator:
    def __init__(
        self,
        credentials: CredentialLookup,
        clock: Clock,
        *,
        max_skew_seconds: int = 900,
        max_unsigned_body: int = 16 * 1024 * 1024,
    ) -> None:
        self._credentials = credentials
        self._clock = clock
        self._max_skew = max_skew_seconds
        self._max_body = max_unsigned_body

    async def authenticate(self, request: HttpRequest, service: ServiceInfo) -> AuthResult:
        family = family_of(service)
        authorization = request.headers.get("authorization")
        if authorization is not None:
            authorization = authorization.strip()
            scheme = authorization.split(" ", 1)[0]
            if scheme == ALGORITHM:
                parts = parse_authorization(authorization, family)
                return await self._sigv4(request, service, family, parts)
            if scheme == "AWS" and family is Family.S3:
                return await verify_sigv2_header(
                    request,
                    authorization,
                    self._credentials,
                    self._clock.real_time(),
                    self._max_skew,
                    self._clock.time(),
                )
            if scheme.startswith("AWS4-"):
                raise auth_error(family, Failure.UNSUPPORTED_ALGORITHM, got=scheme)
            raise auth_error(family, Failure.UNSUPPORTED_AUTH)
        params: dict[str, str] = {}
        for name, value in request.query:
            params.setdefault(name, value)
        if _PRESIGN_MARKERS.intersection(params):
            query_family = Family.S3_PRESIGN if family is Family.S3 else family
            parts = parse_presign(params, query_family)
            return await self._sigv4(request, service, query_family, parts)
        if family is Family.S3 and "AWSAccessKeyId" in params:
            return await verify_sigv2_query(
                request, params, self._credentials, self._clock.real_time(), self._clock.time()
            )
        if family is Family.S3:
            self._wrap_anonymous_s3_body(request)
        return anonymous_result()

    async def authenticate_post_form(self, fields: Mapping[str, str]) -> PostPolicyResult:
        """Who signed an S3 browser POST form's policy (anonymous if nobody did)."""
        return await verify_post_policy(fields, self._credentials, self._clock)

    async def _sigv4(
        self, request: HttpRequest, service: ServiceInfo, family: Family, parts: SigV4Parts
    ) -> AuthResult:
        # Dates written by the client (signature time, presign window) are real time;
        # what fogbank issued (temporary credentials' expiry) is simulated time.
        now = self._clock.real_time()
        if parts.presigned:
            assert parts.amz_date is not None and parts.expires is not None
            amz_date, signed_at = parts.amz_date, presign_date(parts.amz_date, family)
            check_scope(parts, service.signing_name, amz_date, family)
            check_presign_window(family, signed_at, parts.expires, now, self._max_skew)
            token = parts.token
        else:
            amz_date, signed_at = header_date(request, family)
            check_scope(parts, service.signing_name, amz_date, family)
            check_skew(request, family, signed_at, now, self._max_skew)
            token = request.headers.get("x-amz-security-token")
        credential = await resolve_credential(
            self._credentials, parts.access_key_id, token, family, self._clock.time()
        )

        s3 = family in (Family.S3, Family.S3_PRESIGN)
        content_sha256 = request.headers.get("x-amz-content-sha256")
        content_sha256 = content_sha256.strip() if content_sha256 is not None else None
        mode: PayloadMode | None = None
        body_claim = ""  # what the body must be: x-amz-content-sha256, else the signed hash
        if s3:
            if parts.presigned:
                payload_hash = request.query_get("X-Amz-Content-Sha256") or UNSIGNED_PAYLOAD
            elif content_sha256 is None:
                raise auth_error(family, Failure.MISSING_CONTENT_SHA256)
            else:
                payload_hash = content_sha256
            body_claim = content_sha256 or payload_hash
            mode = payload_mode(body_claim, family)
        else:
            payload_hash = await self._hash_whole_body(request, family, content_sha256)

        key = signing_key(credential.secret_access_key, parts.date, parts.region, parts.service)
        matched, form = find_match(
            key, parts.signature, self._forms(request, parts, amz_date, payload_hash, s3)
        )
        if not matched and not s3 and request.scheme == "https" and content_sha256 is None:
            # Operations whose body botocore leaves unsigned (payload_signing_enabled=False).
            matched, _ = find_match(
                key, parts.signature, self._forms(request, parts, amz_date, UNSIGNED_PAYLOAD, s3)
            )
        if not matched:
            fields: dict[str, object] | None = None
            if s3:  # as S3 does, minus the session token
                fields = {
                    "AWSAccessKeyId": parts.access_key_id,
                    "StringToSign": form.string_to_sign,
                    "SignatureProvided": parts.signature,
                    "CanonicalRequest": _redact(form.request, token),
                }
            raise auth_error(family, Failure.BAD_SIGNATURE, fields=fields)

        if mode is not None:
            signing = None
            if mode.signed_chunks and not parts.presigned:
                signing = ChunkSigning(key, amz_date, parts.scope, parts.signature.lower())
            request.body = wrap_s3_body(
                request.body, request.headers, mode, body_claim, family, signing
            )
        return AuthResult(
            principal=credential.principal,
            credential=credential,
            method="sigv4-query" if parts.presigned else "sigv4-header",
            region=parts.region,
            signing_service=parts.service,
            signed_at=signed_at,
            auth_type="REST-QUERY-STRING" if parts.presigned else "REST-HEADER",
            signature_age_ms=max(0, int((now - signed_at) * 1000)),
            access_key_id=parts.access_key_id,
        )

    @staticmethod
    def _forms(
        request: HttpRequest, parts: SigV4Parts, amz_date: str, payload_hash: str, s3: bool
    ) -> Iterator[Canonical]:
        return canonical_forms(
            method=request.method,
            raw_path=request.path,
            raw_query=request.query_string,
            headers=request.headers,
            parts=parts,
            amz_date=amz_date,
            payload_hash=payload_hash,
            s3=s3,
        )

    async def _hash_whole_body(
        self, request: HttpRequest, family: Family, claimed: str | None
    ) -> str:
        """Query/JSON services sign the hash of their (small, bounded) body: read it all.

        A client that sends ``x-amz-content-sha256`` signs that value (botocore does too);
        a hex value must then be the body's hash.
        """
        data = await request.body.read(self._max_body)
        request.body = BytesBody(data)
        actual = hashlib.sha256(data).hexdigest() if data else EMPTY_SHA256
        if claimed is None:
            return actual
        if is_sha256_hex(claimed) and not hmac.compare_digest(claimed.lower(), actual):
            raise auth_error(family, Failure.CONTENT_SHA256_MISMATCH)
        return claimed

    @staticmethod
    def _wrap_anonymous_s3_body(request: HttpRequest) -> None:
        """Unsigned S3 requests still get their payload hash and checksum trailer checked."""
        content_sha256 = request.headers.get("x-amz-content-sha256")
        if content_sha256 is None:
            return
        value = content_sha256.strip()
        mode = payload_mode(value, Family.S3)
        request.body = wrap_s3_body(request.body, request.headers, mode, value, Family.S3, None)
