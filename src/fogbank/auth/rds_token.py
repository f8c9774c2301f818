"""RDS IAM database authentication tokens, checked by the database front before a login.

A token is a presigned URL without its scheme (reference/aws-protocol-notes.md §6;
botocore ``generate_db_auth_token``)::

    HOST:PORT/?Action=connect&DBUser=<user>&X-Amz-Algorithm=AWS4-HMAC-SHA256
        &X-Amz-Credential=AK/<date>/<region>/rds-db/aws4_request&X-Amz-Date=…
        &X-Amz-Expires=900&X-Amz-SignedHeaders=host[&X-Amz-Security-Token=…]&X-Amz-Signature=…

Its canonical request is ``GET /`` with the query as given (minus the signature), the one
header ``host:HOST:PORT`` and the payload hash of the empty string. Whether the principal
may ``rds-db:connect`` as that user is authorization's business, not this module's.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import parse_qsl

from fogbank.auth.credentials import Credential, CredentialLookup
from fogbank.auth.error_codes import Family
from fogbank.auth.keys import resolve_credential
from fogbank.auth.sigv4 import EMPTY_SHA256, parse_amz_date, signing_key
from fogbank.auth.sigv4_request import canonical_forms, check_scope, find_match, parse_presign
from fogbank.core.clock import Clock
from fogbank.core.errors import AwsError
from fogbank.core.principal import Principal
from fogbank.protocol.http import Headers

RDS_DB_SERVICE = "rds-db"
MAX_TOKEN_LENGTH = 8192


class TokenRejected(Exception):
    """An IAM auth token was refused. ``reason`` is safe to log: it never holds a secret."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RdsTokenIdentity:
    credential: Credential
    principal: Principal
    access_key_id: str
    region: str
    db_user: str
    host: str  # HOST:PORT as signed
    signed_at: float
    expires_at: float


async def verify_rds_token(
    token: str,
    credentials: CredentialLookup,
    clock: Clock,
    *,
    db_user: str | None = None,
    hosts: Collection[str] | None = None,
    max_skew_seconds: int = 900,
) -> RdsTokenIdentity:
    """Check an IAM auth token's signature, expiry and session token.

    ``db_user``: the login name, which must equal the token's DBUser (case-sensitive).
    ``hosts``: the ``host:port`` names of the endpoint being connected to, if the caller
    wants the token bound to it (lower-case). Raises :class:`TokenRejected`.
    """
    try:
        return await _verify(token, credentials, clock, db_user, hosts, max_skew_seconds)
    except AwsError as exc:
        raise TokenRejected(f"{exc.code}: {exc.message}") from None


async def _verify(
    token: str,
    credentials: CredentialLookup,
    clock: Clock,
    db_user: str | None,
    hosts: Collection[str] | None,
    max_skew: int,
) -> RdsTokenIdentity:
    token = token.strip().rstrip("\x00")
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenRejected("token too long")
    for scheme in ("https://", "http://"):
        if token.lower().startswith(scheme):
            token = token[len(scheme) :]
    host, sep, rest = token.partition("/")
    if not sep or not host or not rest.startswith("?"):
        raise TokenRejected("not an IAM auth token")
    raw_query = rest[1:]
    params: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        params.setdefault(name, value)
    if params.get("Action") != "connect" or not params.get("DBUser"):
        raise TokenRejected("token is not for Action=connect with a DBUser")
    if db_user is not None and params["DBUser"] != db_user:
        raise TokenRejected("token was issued for another database user")
    if hosts is not None and host.lower() not in hosts:
        raise TokenRejected("token was issued for another endpoint")

    family = Family.QUERY
    parts = parse_presign(params, family)
    assert parts.amz_date is not None and parts.expires is not None
    signed_at = parse_amz_date(parts.amz_date)
    if signed_at is None:
        raise TokenRejected("malformed X-Amz-Date")
    check_scope(parts, RDS_DB_SERVICE, parts.amz_date, family)
    if parts.signed_headers != ("host",):
        raise TokenRejected("token must sign exactly the host header")
    now = clock.real_time()  # the token's date is the client's real time
    if signed_at - now > max_skew:
        raise TokenRejected("token is not valid yet")
    expires_at = signed_at + parts.expires
    if now > expires_at:
        raise TokenRejected("token has expired")
    credential = await resolve_credential(
        credentials, parts.access_key_id, parts.token, family, clock.time()
    )
    key = signing_key(credential.secret_access_key, parts.date, parts.region, parts.service)
    # botocore signs the URL's host, which drops the port when it is 443 (https default).
    signed_host = host[: -len(":443")] if host.endswith(":443") else host
    forms = canonical_forms(
        method="GET",
        raw_path="/",
        raw_query=raw_query,
        headers=Headers([("host", signed_host.lower())]),
        parts=parts,
        amz_date=parts.amz_date,
        payload_hash=EMPTY_SHA256,
        s3=False,
    )
    matched, _ = find_match(key, parts.signature, forms)
    if not matched:
        raise TokenRejected("signature does not match")
    return RdsTokenIdentity(
        credential=credential,
        principal=credential.principal,
        access_key_id=parts.access_key_id,
        region=parts.region,
        db_user=params["DBUser"],
        host=host,
        signed_at=signed_at,
        expires_at=expires_at,
    )
