"""The ``userIdentity`` element of a CloudTrail record, for each kind of principal.

CloudTrail user guide, "CloudTrail userIdentity element": ``type``, ``principalId``,
``arn``, ``accountId``, ``accessKeyId``, ``userName``; ``sessionContext`` (with
``sessionIssuer``, ``webIdFederationData`` and ``attributes``) for temporary credentials;
``invokedBy`` for AWS services. Anonymous S3 requests are recorded as type ``AWSAccount``
with the account ``ANONYMOUS_PRINCIPAL``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fogbank.core.principal import Principal, PrincipalKind, Session

ANONYMOUS_ACCOUNT = "ANONYMOUS_PRINCIPAL"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _session_context(session: Session) -> dict[str, object]:
    issuer: dict[str, object] = {}
    if session.issuer is not None:
        issuer = {
            "type": session.issuer.kind,
            "principalId": session.issuer.principal_id,
            "arn": session.issuer.arn,
            "accountId": session.issuer.account_id,
            "userName": session.issuer.name,
        }
    context: dict[str, object] = {
        "sessionIssuer": issuer,
        "webIdFederationData": {},
        "attributes": {
            "creationDate": _iso(session.created),
            "mfaAuthenticated": "true" if session.mfa_authenticated else "false",
        },
    }
    if session.source_identity:
        context["sourceIdentity"] = session.source_identity
    return context


def user_identity(principal: Principal, access_key_id: str | None) -> dict[str, object]:
    kind = principal.kind
    if kind is PrincipalKind.ANONYMOUS:
        return {"type": "AWSAccount", "principalId": "", "accountId": ANONYMOUS_ACCOUNT}
    if kind is PrincipalKind.SERVICE:
        return {"type": "AWSService", "invokedBy": principal.name or principal.arn}
    identity: dict[str, object] = {
        "type": kind.value,
        "principalId": principal.principal_id,
        "arn": principal.arn,
        "accountId": principal.account_id,
    }
    key = access_key_id or principal.access_key_id
    if key:
        identity["accessKeyId"] = key
    if kind is PrincipalKind.IAM_USER and principal.name:
        identity["userName"] = principal.name
    if principal.session is not None:
        identity["sessionContext"] = _session_context(principal.session)
    return identity


def lookup_username(principal: Principal) -> str | None:
    """The ``Username`` LookupEvents shows and filters on."""
    kind = principal.kind
    if kind is PrincipalKind.ROOT:
        return "root"
    if kind is PrincipalKind.ASSUMED_ROLE:
        session = principal.session
        if session is not None and session.session_name:
            return session.session_name
        return principal.arn.rsplit("/", 1)[-1]
    if kind is PrincipalKind.SERVICE:
        return principal.name or principal.arn
    if kind is PrincipalKind.ANONYMOUS:
        return None
    return principal.name or principal.arn.rsplit("/", 1)[-1]
