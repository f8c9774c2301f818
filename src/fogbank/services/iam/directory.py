"""IAM's answer to authorization's question: the policies of a principal.

Implements ``fogbank.authz.identity.IdentitySource``. A user's identity policies are its
inline and attached policies and those of its groups; a role session's are its role's,
plus the session policies passed to AssumeRole; a federated user's are the user's, with
the session policy passed to GetFederationToken. Sessions whose role or user was deleted
(or deleted and created again: another unique id) allow nothing.
"""

from __future__ import annotations

from fogbank.authz.identity import IdentityPolicies, PolicyText
from fogbank.core.principal import Principal, PrincipalKind
from fogbank.services.iam.catalog import ManagedCatalog
from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.store import entities, policies_of
from fogbank.services.iam.usage import UsageRecorder
from fogbank.storage.db import Conn


class Directory:
    def __init__(self, engine: IamEngine, usage: UsageRecorder) -> None:
        self._engine = engine
        self._usage = usage

    def generation(self) -> int:
        return self._engine.stamp.read()

    def record_use(self, principal: Principal, service: str, region: str, when: float) -> None:
        self._usage.note(principal, service, region, when)

    async def policies_of(self, principal: Principal) -> IdentityPolicies:
        return await self._engine.read(lambda conn: resolve(self._engine, conn, principal))


def resolve(engine: IamEngine, conn: Conn, principal: Principal) -> IdentityPolicies:
    account = principal.account_id
    session = principal.session
    issuer = session.issuer if session is not None else None
    if principal.kind is PrincipalKind.ASSUMED_ROLE:
        if issuer is None:
            return IdentityPolicies(exists=False)
        role = entities.get_role(conn, account, issuer.name, with_tags=False)
        if role is None or role.role_id != issuer.principal_id:
            return IdentityPolicies(exists=False)
        texts = entity_policies(engine, conn, account, "role", role.key)
        boundary = _boundary(engine, conn, account, role.boundary_arn)
        return IdentityPolicies(texts, boundary, session_policies(engine, conn, principal))
    if principal.kind in (PrincipalKind.IAM_USER, PrincipalKind.FEDERATED_USER):
        federated = principal.kind is PrincipalKind.FEDERATED_USER
        name = issuer.name if federated and issuer is not None else principal.name
        user = entities.get_user(conn, account, name or "", with_tags=False)
        expected = issuer.principal_id if issuer is not None else principal.principal_id
        if user is None or user.user_id != expected:
            return IdentityPolicies(exists=False)
        texts = user_policies(engine, conn, account, user.key)
        boundary = _boundary(engine, conn, account, user.boundary_arn)
        extra = session_policies(engine, conn, principal) if federated else ()
        return IdentityPolicies(texts, boundary, extra)
    return IdentityPolicies()


def user_policies(
    engine: IamEngine, conn: Conn, account: str, user_key: str
) -> tuple[PolicyText, ...]:
    texts = list(entity_policies(engine, conn, account, "user", user_key))
    for group in entities.groups_of_user(conn, account, user_key):
        texts += entity_policies(engine, conn, account, "group", group.key)
    return tuple(texts)


def entity_policies(
    engine: IamEngine, conn: Conn, account: str, entity_type: str, key: str
) -> tuple[PolicyText, ...]:
    texts = [
        PolicyText(p.document, p.name, entity_type)
        for p in policies_of.inline_all(conn, account, entity_type, key)
    ]
    for arn in policies_of.attached(conn, account, entity_type, key):
        text = _managed(engine, conn, account, arn)
        if text is not None:
            texts.append(text)
    return tuple(texts)


def session_policies(engine: IamEngine, conn: Conn, principal: Principal) -> tuple[PolicyText, ...]:
    session = principal.session
    if session is None:
        return ()
    texts: list[PolicyText] = []
    if session.policy:
        texts.append(PolicyText(session.policy, "SessionPolicy", "session"))
    for arn in session.policy_arns:
        text = _managed(engine, conn, principal.account_id, arn)
        if text is not None:
            texts.append(PolicyText(text.document, text.source_id, "session"))
    return tuple(texts)


def _managed(engine: IamEngine, conn: Conn, account: str, arn: str) -> PolicyText | None:
    document = engine.policy_document(conn, arn, account)
    if document is None:
        return None
    name = arn.rsplit("/", 1)[-1]
    kind = "aws-managed" if ManagedCatalog.is_aws_arn(arn) else "user-managed"
    return PolicyText(document, name, kind)


def _boundary(engine: IamEngine, conn: Conn, account: str, arn: str | None) -> PolicyText | None:
    if arn is None:
        return None
    # A policy in use as a boundary cannot be deleted (DeleteConflict), so it is found.
    return _managed(engine, conn, account, arn)
