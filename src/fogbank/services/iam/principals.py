"""Who a credential belongs to: the ``Principal`` of an access key or an STS session."""

from __future__ import annotations

from fogbank.core.principal import (
    Principal,
    PrincipalKind,
    Session,
    SessionIssuer,
    root_principal,
)
from fogbank.services.iam.models import SessionRecord, User, stamp
from fogbank.services.iam.store import entities
from fogbank.storage.db import Conn


def user_principal(user: User, access_key_id: str | None = None) -> Principal:
    return Principal(
        kind=PrincipalKind.IAM_USER,
        account_id=user.account_id,
        arn=user.arn,
        principal_id=user.user_id,
        name=user.name,
        access_key_id=access_key_id,
        tags=user.tags,
    )


def assumed_role_arn(account_id: str, role_name: str, session_name: str) -> str:
    return f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}"


def session_principal(conn: Conn, record: SessionRecord) -> Principal:
    """The principal of a session; role and user tags are read as they are now."""
    account = record.account_id
    session = Session(
        issuer=None,
        created=stamp(record.created_at),
        expires=stamp(record.expires_at),
        session_name=record.session_name,
        policy=record.policy,
        policy_arns=record.policy_arns,
        tags=record.tags,
        source_identity=record.source_identity,
    )
    if record.kind == "AssumedRole":
        role = entities.get_role(conn, account, record.issuer_name)
        tags = role.tags if role is not None and role.role_id == record.issuer_id else ()
        issuer = SessionIssuer(
            "Role", record.issuer_id, record.issuer_arn, account, record.issuer_name
        )
        name = record.session_name or ""
        return Principal(
            kind=PrincipalKind.ASSUMED_ROLE,
            account_id=account,
            arn=assumed_role_arn(account, record.issuer_name, name),
            principal_id=f"{record.issuer_id}:{name}",
            name=record.issuer_name,
            access_key_id=record.access_key_id,
            session=_with_issuer(session, issuer),
            tags=tags,
        )
    if record.kind == "Root":
        base = root_principal(account, record.access_key_id)
        issuer = SessionIssuer("Root", account, base.arn, account, "")
        return Principal(
            kind=base.kind,
            account_id=account,
            arn=base.arn,
            principal_id=base.principal_id,
            access_key_id=record.access_key_id,
            session=_with_issuer(session, issuer),
        )
    user = entities.get_user(conn, account, record.issuer_name)
    tags = user.tags if user is not None and user.user_id == record.issuer_id else ()
    issuer = SessionIssuer(
        "IAMUser", record.issuer_id, record.issuer_arn, account, record.issuer_name
    )
    return Principal(
        kind=PrincipalKind.IAM_USER,
        account_id=account,
        arn=record.issuer_arn,
        principal_id=record.issuer_id,
        name=record.issuer_name,
        access_key_id=record.access_key_id,
        session=_with_issuer(session, issuer),
        tags=tags,
    )


def _with_issuer(session: Session, issuer: SessionIssuer) -> Session:
    return Session(
        issuer=issuer,
        created=session.created,
        expires=session.expires,
        session_name=session.session_name,
        policy=session.policy,
        policy_arns=session.policy_arns,
        tags=session.tags,
        source_identity=session.source_identity,
        mfa_authenticated=session.mfa_authenticated,
    )
