"""SigV4 on an HTTP request: parse the Authorization header or the presign query, check the
credential scope, and compare the signature over the canonical request(s).

Several canonical forms are tried where clients legitimately differ, the strict one first:
S3 paths as sent, then re-encoded per AWS UriEncode (clients that leave ``!*'()``
unescaped); header values as latin-1 text (botocore), then as UTF-8 (most other SDKs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import NamedTuple

from fogbank.auth.error_codes import Failure, Family, auth_error
from fogbank.auth.sigv4 import (
    ALGORITHM,
    TERMINATOR,
    canonical_headers,
    canonical_query,
    canonical_request,
    canonical_uri,
    credential_scope,
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


class SigV4Parts(NamedTuple):
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


# What SDKs send: one space after the algorithm, ", " (or ",") between the components.
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=([^\s,=]+), ?SignedHeaders=([^\s,=]+), ?Signature=([^\s,=]+)"
)


@lru_cache(maxsize=256)
def _signed_headers(text: str) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in text.split(";") if h.strip())


def parse_authorization(value: str, family: Family) -> SigV4Parts:
    """``AWS4-HMAC-SHA256 Credential=AK/d/r/s/aws4_request, SignedHeaders=a;b, Signature=…``."""
    match = _AUTHORIZATION.fullmatch(value)
    if match is not None:  # the usual form: the same fields as the general parse below
        credential, signed_text, signature = match.groups()
    else:
        credential, signed_text, signature = _components(value, family)
    access_key, date, region, service, terminator = _split_credential(credential, family)
    return SigV4Parts(
        access_key_id=access_key,
        date=date,
        region=region,
        service=service,
        terminator=terminator,
        signed_headers=_signed_headers(signed_text),
        signed_headers_text=signed_text,
        signature=signature,
        presigned=False,
    )


def _components(value: str, family: Family) -> tuple[str, str, str]:
    """Credential, SignedHeaders and Signature of an Authorization header, in any order."""
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
    return fields["Credential"], fields["SignedHeaders"], fields["Signature"]


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
        signed_headers=_signed_headers(signed_text),
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


class Canonical(NamedTuple):
    request: str
    string_to_sign: str


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
    """Each canonical request a legitimate client may have signed, the strict form first.

    The forms are made as they are asked for: a request signed in the strict form (all
    of them, in practice) costs one canonical request.
    """
    query = canonical_query(raw_query, exclude="X-Amz-Signature" if parts.presigned else None)
    signed = parts.signed_headers
    scope = parts.scope

    def form(uri: str, canon_headers: str) -> Canonical:
        request = canonical_request(
            method, uri, query, canon_headers, parts.signed_headers_text, payload_hash
        )
        return Canonical(request, string_to_sign(amz_date, scope, request))

    strict = canonical_headers(headers, signed)
    uri = s3_canonical_uri(raw_path) if s3 else canonical_uri(raw_path)
    yield form(uri, strict)
    header_forms = [strict]
    if not strict.isascii():  # all-ASCII header values read the same as UTF-8
        alternative = canonical_headers(headers, signed, utf8_values=True)
        if alternative != strict:
            header_forms.append(alternative)
            yield form(uri, alternative)
    if s3:
        encoded = uri_encode_path(raw_path)
        if encoded != uri:
            for canon_headers in header_forms:
                yield form(encoded, canon_headers)


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
