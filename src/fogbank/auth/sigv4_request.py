"""SigV4 on an HTTP request: parse the Authorization header or the presign query, check the
credential scope, and compare the signature over the canonical request(s).

Several canonical forms are tried where clients legitimately differ, the strict one first:
S3 paths as sent, then re-encoded per AWS UriEncode (clients that leave ``!*'()``
unescaped); header values as latin-1 text (botocore), then as UTF-8 (most other SDKs).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from fogbank.auth.error_codes import Failure, Family, auth_error
from fogbank.auth.sigv4 import (
    ALGORITHM,
    TERMINATOR,
    canonical_headers,
    canonical_query,
    canonical_request,
    canonical_uri,
    credential_scope,
    has_non_ascii,
    s3_canonical_uri,
    signatures_equal,
    sigv4_signature,
    string_to_sign,
    uri_encode_path,
)
from fogbank.protocol.http import Headers

PRESIGN_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Expires",
)
MAX_PRESIGN_EXPIRES = 604800  # seven days


@dataclass(frozen=True)
class SigV4Parts:
    """The signer's claims, before any of them is checked against a key."""

    access_key_id: str
    date: str  # credential scope date, yyyymmdd
    region: str
    service: str
    terminator: str
    signed_headers: tuple[str, ...]
    signed_headers_text: str
    signature: str
    presigned: bool
    amz_date: str | None = None  # X-Amz-Date (query), when presigned
    expires: int | None = None  # X-Amz-Expires, when presigned
    token: str | None = None  # X-Amz-Security-Token (query), when presigned

    @property
    def scope(self) -> str:
        return credential_scope(self.date, self.region, self.service)


def _split_credential(value: str, family: Family) -> tuple[str, str, str, str, str]:
    parts = value.split("/")
    if len(parts) != 5 or not all(parts[:4]):
        raise auth_error(family, Failure.MALFORMED_CREDENTIAL, got=value)
    return parts[0], parts[1], parts[2], parts[3], parts[4]


def parse_authorization(value: str, family: Family) -> SigV4Parts:
    """``AWS4-HMAC-SHA256 Credential=AK/d/r/s/aws4_request, SignedHeaders=a;b, Signature=…``."""
    _, _, rest = value.partition(" ")
    fields: dict[str, str] = {}
    for component in rest.split(","):
        name, sep, field_value = component.strip().partition("=")
        if not sep:
            if component.strip():
                raise auth_error(
                    family,
                    Failure.MALFORMED_AUTH,
                    detail=f'the authorization component "{component.strip()}" is malformed.',
                )
            continue
        fields[name.strip()] = field_value.strip()
    missing = [n for n in ("Credential", "SignedHeaders", "Signature") if not fields.get(n)]
    if missing:
        detail = (
            "the authorization header requires three components: Credential, SignedHeaders, "
            "and Signature."
            if family is Family.S3
            else " ".join(f"Authorization header requires '{n}' parameter." for n in missing)
        )
        raise auth_error(family, Failure.MALFORMED_AUTH, detail=detail)
    access_key, date, region, service, terminator = _split_credential(fields["Credential"], family)
    signed_text = fields["SignedHeaders"]
    return SigV4Parts(
        access_key_id=access_key,
        date=date,
        region=region,
        service=service,
        terminator=terminator,
        signed_headers=tuple(h.strip().lower() for h in signed_text.split(";") if h.strip()),
        signed_headers_text=signed_text,
        signature=fields["Signature"],
        presigned=False,
    )


def parse_presign(params: Mapping[str, str], family: Family) -> SigV4Parts:
    """The ``X-Amz-*`` query parameters of a presigned request."""
    missing = [n for n in PRESIGN_PARAMS if n not in params]
    if missing:
        raise auth_error(
            family,
            Failure.QUERY_PARAMS,
            detail="Query-string authentication version 4 requires the X-Amz-Algorithm, "
            "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
            "X-Amz-Expires parameters.",
        )
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise auth_error(family, Failure.UNSUPPORTED_ALGORITHM, got=params["X-Amz-Algorithm"])
    expires_text = params["X-Amz-Expires"].strip()
    if not expires_text.lstrip("-").isdigit():
        raise auth_error(family, Failure.QUERY_PARAMS, detail="X-Amz-Expires should be a number")
    expires = int(expires_text)
    if expires < 0:
        raise auth_error(family, Failure.QUERY_PARAMS, detail="X-Amz-Expires must be non-negative")
    if expires > MAX_PRESIGN_EXPIRES:
        raise auth_error(
            family,
            Failure.QUERY_PARAMS,
            detail="X-Amz-Expires must be less than a week (in seconds); that is, the given "
            "X-Amz-Expires must be less than 604800 seconds",
        )
    access_key, date, region, service, terminator = _split_credential(
        params["X-Amz-Credential"], family
    )
    signed_text = params["X-Amz-SignedHeaders"]
    return SigV4Parts(
        access_key_id=access_key,
        date=date,
        region=region,
        service=service,
        terminator=terminator,
        signed_headers=tuple(h.strip().lower() for h in signed_text.split(";") if h.strip()),
        signed_headers_text=signed_text,
        signature=params["X-Amz-Signature"],
        presigned=True,
        amz_date=params["X-Amz-Date"],
        expires=expires,
        token=params.get("X-Amz-Security-Token"),
    )


def check_scope(parts: SigV4Parts, signing_name: str, amz_date: str, family: Family) -> None:
    """Terminator, service and date of the credential scope; any region is accepted."""
    if parts.terminator != TERMINATOR:
        raise auth_error(family, Failure.WRONG_TERMINATOR, got=parts.terminator)
    if parts.service != signing_name:
        raise auth_error(family, Failure.WRONG_SERVICE, got=parts.service, expected=signing_name)
    if parts.date != amz_date[:8]:
        raise auth_error(
            family, Failure.DATE_MISMATCH, got=parts.date, expected=amz_date[:8], date=amz_date
        )


@dataclass(frozen=True)
class Canonical:
    request: str
    string_to_sign: str


def _uris(raw_path: str, s3: bool) -> list[str]:
    if not s3:
        return [canonical_uri(raw_path)]
    first = s3_canonical_uri(raw_path)
    second = uri_encode_path(raw_path)
    return [first] if second == first else [first, second]


def canonical_forms(
    *,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Headers,
    parts: SigV4Parts,
    amz_date: str,
    payload_hash: str,
    s3: bool,
) -> Iterator[Canonical]:
    """Each canonical request a legitimate client may have signed, the strict form first."""
    query = canonical_query(raw_query, exclude="X-Amz-Signature" if parts.presigned else None)
    signed: Sequence[str] = parts.signed_headers
    header_forms = [canonical_headers(headers, signed)]
    if has_non_ascii(headers, signed):
        alternative = canonical_headers(headers, signed, utf8_values=True)
        if alternative != header_forms[0]:
            header_forms.append(alternative)
    scope = parts.scope
    for uri in _uris(raw_path, s3):
        for canon_headers in header_forms:
            request = canonical_request(
                method, uri, query, canon_headers, parts.signed_headers_text, payload_hash
            )
            yield Canonical(request, string_to_sign(amz_date, scope, request))


def find_match(key: bytes, signature: str, forms: Iterator[Canonical]) -> tuple[bool, Canonical]:
    """Whether any form's signature equals ``signature``; the matching (or first) form."""
    first: Canonical | None = None
    for form in forms:
        if first is None:
            first = form
        if signatures_equal(signature, sigv4_signature(key, form.string_to_sign)):
            return True, form
    assert first is not None
    return False, first
