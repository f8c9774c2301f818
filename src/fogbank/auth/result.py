"""What authentication says about a request: the input of authorization and audit."""

from __future__ import annotations

from typing import NamedTuple

from fogbank.auth.credentials import Credential
from fogbank.core.principal import ANONYMOUS, Principal


class AuthResult(NamedTuple):
    principal: Principal  # ANONYMOUS for unsigned requests
    credential: Credential | None
    method: str  # "sigv4-header" | "sigv4-query" | "sigv2-header" | "sigv2-query" | "anonymous"
    region: str | None  # from the credential scope (SigV4)
    signing_service: str | None  # scope service name
    signed_at: float | None  # epoch seconds of X-Amz-Date / Date
    auth_type: (
        str | None
    )  # S3 condition key s3:authType: "REST-HEADER" | "REST-QUERY-STRING" | "POST"
    signature_age_ms: int | None  # S3 condition key s3:signatureAge
    access_key_id: str | None


def anonymous_result(auth_type: str | None = None) -> AuthResult:
    return AuthResult(
        principal=ANONYMOUS,
        credential=None,
        method="anonymous",
        region=None,
        signing_service=None,
        signed_at=None,
        auth_type=auth_type,
        signature_age_ms=None,
        access_key_id=None,
    )
