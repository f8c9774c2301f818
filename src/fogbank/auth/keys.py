"""From an access key id (and session token) to a usable credential, or the AWS error."""

from __future__ import annotations

import hashlib
import hmac

from fogbank.auth.credentials import Credential, CredentialLookup
from fogbank.auth.error_codes import Failure, Family, auth_error


async def resolve_credential(
    credentials: CredentialLookup,
    access_key_id: str,
    token: str | None,
    family: Family,
    now: float,
) -> Credential:
    """The active credential for ``access_key_id``, with its session token checked.

    A temporary key needs its own token (missing: the key is unknown to AWS; different:
    the token is invalid); a long-term key must come without one. Expiry is read on the
    simulated clock (``now``).
    """
    credential = await credentials.lookup(access_key_id)
    s3 = family in (Family.S3, Family.S3_PRESIGN)
    unknown_fields = {"AWSAccessKeyId": access_key_id} if s3 else None
    if credential is None or not credential.active:
        raise auth_error(family, Failure.UNKNOWN_KEY, fields=unknown_fields)
    if credential.session_token is not None or credential.session_token_sha256 is not None:
        if not token:
            raise auth_error(family, Failure.MISSING_TOKEN, fields=unknown_fields)
        if credential.session_token_sha256 is not None:
            given = hashlib.sha256(token.encode()).hexdigest()
            expected = credential.session_token_sha256
        else:
            given, expected = token, credential.session_token or ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise auth_error(family, Failure.INVALID_TOKEN)
    elif token:
        raise auth_error(family, Failure.INVALID_TOKEN)
    if credential.expires_at is not None and now >= credential.expires_at:
        raise auth_error(family, Failure.EXPIRED_TOKEN)
    return credential
