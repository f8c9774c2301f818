"""S3 browser-based uploads (``POST /bucket`` with a multipart form): the policy signature.

SigV4 form fields (docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html;
botocore ``S3SigV4PostAuth``): ``policy`` (base64 JSON), ``x-amz-algorithm``,
``x-amz-credential``, ``x-amz-date``, ``x-amz-signature`` = hex HMAC-SHA256 of the base64
policy under the derived signing key. SigV2 (botocore ``HmacV1PostAuth``):
``AWSAccessKeyId``, ``policy``, ``signature`` = base64 HMAC-SHA1 of the base64 policy.
Temporary credentials add ``x-amz-security-token``. Field names are case-insensitive.

This checks who signed the policy and that it has not expired; the S3 service evaluates the
policy's conditions against the form.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from fogbank.auth.credentials import CredentialLookup
from fogbank.auth.error_codes import Failure, Family, auth_error
from fogbank.auth.keys import resolve_credential
from fogbank.auth.result import AuthResult, anonymous_result
from fogbank.auth.sigv2 import sigv2_signature
from fogbank.auth.sigv4 import (
    ALGORITHM,
    TERMINATOR,
    hmac_sha256,
    parse_amz_date,
    signatures_equal,
    signing_key,
)
from fogbank.core.clock import Clock
from fogbank.core.errors import AwsError


@dataclass(frozen=True)
class PostPolicyResult:
    auth: AuthResult
    policy: bytes | None  # the decoded policy document (JSON); None for an unsigned form


def _missing(name: str) -> AwsError:
    return AwsError(
        "InvalidArgument",
        f"Bucket POST must contain a field named '{name}'.  If it is specified, please check "
        "the order of the fields.",
        status=400,
        fields={"ArgumentName": name},
    )


def _policy_error(message: str) -> AwsError:
    return AwsError("InvalidPolicyDocument", f"Invalid Policy: {message}", status=400)


async def verify_post_policy(
    form: Mapping[str, str], credentials: CredentialLookup, clock: Clock
) -> PostPolicyResult:
    """Who signed this POST form's policy; anonymous when the form carries no signature."""
    fields = {name.lower(): value for name, value in form.items()}
    family = Family.S3
    # The policy's expiration is the client's (real time); credentials expire on the
    # simulated clock.
    now, cred_now = clock.real_time(), clock.time()
    if "x-amz-signature" in fields or "x-amz-algorithm" in fields:
        return await _sigv4(fields, credentials, now, cred_now, family)
    if "signature" in fields or "awsaccesskeyid" in fields:
        return await _sigv2(fields, credentials, now, cred_now, family)
    return PostPolicyResult(anonymous_result("POST"), None)


async def _sigv4(
    fields: dict[str, str],
    credentials: CredentialLookup,
    now: float,
    cred_now: float,
    family: Family,
) -> PostPolicyResult:
    for name in ("policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"):
        if not fields.get(name):
            raise _missing(name)
    if fields["x-amz-algorithm"] != ALGORITHM:
        raise auth_error(family, Failure.UNSUPPORTED_ALGORITHM, got=fields["x-amz-algorithm"])
    scope = fields["x-amz-credential"].split("/")
    if len(scope) != 5 or not all(scope):
        raise AwsError("InvalidArgument", "Invalid X-Amz-Credential field", status=400)
    access_key, date, region, service, terminator = scope
    amz_date = fields["x-amz-date"]
    signed_at = parse_amz_date(amz_date)
    if signed_at is None or amz_date[:8] != date or service != "s3" or terminator != TERMINATOR:
        raise AwsError(
            "InvalidArgument", "Invalid X-Amz-Credential or X-Amz-Date field", status=400
        )
    policy = _decode_policy(fields["policy"], now)
    credential = await resolve_credential(
        credentials, access_key, fields.get("x-amz-security-token"), family, cred_now
    )
    key = signing_key(credential.secret_access_key, date, region, service)
    expected = hmac_sha256(key, fields["policy"].encode("utf-8")).hex()
    if not signatures_equal(fields["x-amz-signature"], expected):
        raise auth_error(
            family,
            Failure.BAD_SIGNATURE,
            fields={"AWSAccessKeyId": access_key, "StringToSign": fields["policy"]},
        )
    auth = AuthResult(
        principal=credential.principal,
        credential=credential,
        method="sigv4-post",
        region=region,
        signing_service=service,
        signed_at=signed_at,
        auth_type="POST",
        signature_age_ms=max(0, int((now - signed_at) * 1000)),
        access_key_id=access_key,
    )
    return PostPolicyResult(auth, policy)


async def _sigv2(
    fields: dict[str, str],
    credentials: CredentialLookup,
    now: float,
    cred_now: float,
    family: Family,
) -> PostPolicyResult:
    for name, wire in (("awsaccesskeyid", "AWSAccessKeyId"), ("policy", "policy")):
        if not fields.get(name):
            raise _missing(wire)
    if not fields.get("signature"):
        raise _missing("signature")
    policy = _decode_policy(fields["policy"], now)
    access_key = fields["awsaccesskeyid"]
    credential = await resolve_credential(
        credentials, access_key, fields.get("x-amz-security-token"), family, cred_now
    )
    expected = sigv2_signature(credential.secret_access_key, fields["policy"])
    if not hmac.compare_digest(expected.encode(), fields["signature"].strip().encode()):
        raise auth_error(
            family,
            Failure.BAD_SIGNATURE,
            fields={"AWSAccessKeyId": access_key, "StringToSign": fields["policy"]},
        )
    auth = AuthResult(
        principal=credential.principal,
        credential=credential,
        method="sigv2-post",
        region=None,
        signing_service=None,
        signed_at=None,
        auth_type="POST",
        signature_age_ms=None,
        access_key_id=access_key,
    )
    return PostPolicyResult(auth, policy)


def _decode_policy(encoded: str, now: float) -> bytes:
    """The policy JSON; AccessDenied once its ``expiration`` has passed (simulated clock)."""
    try:
        document = base64.b64decode(encoded, validate=True)
        parsed = json.loads(document)
    except (binascii.Error, ValueError):
        raise _policy_error("Invalid JSON.") from None
    if not isinstance(parsed, dict):
        raise _policy_error("Invalid JSON.")
    expiration = parsed.get("expiration")
    if expiration is not None:
        if not isinstance(expiration, str):
            raise _policy_error("Invalid 'expiration' value.")
        try:
            expires = datetime.fromisoformat(expiration.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise _policy_error(f"Invalid 'expiration' value: '{expiration}'") from None
        if now > expires:
            raise AwsError(
                "AccessDenied", "Invalid according to Policy: Policy expired.", status=403
            )
    return document
