"""What the IAM operations share: reading parameters, finding entities, wire shapes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar
from urllib.parse import quote

from fogbank.core.context import RequestContext
from fogbank.core.principal import PrincipalKind
from fogbank.services.iam import errors, validate
from fogbank.services.iam.models import (
    Group,
    InstanceProfile,
    ManagedPolicy,
    PolicyVersion,
    Role,
    User,
    stamp,
    tag_list,
)
from fogbank.services.iam.store import entities, paging
from fogbank.storage.db import Conn

T = TypeVar("T")

# Quotas (IAM user guide, "IAM and AWS STS quotas"), default values.
USERS_PER_ACCOUNT = 5000
GROUPS_PER_ACCOUNT = 300
ROLES_PER_ACCOUNT = 1000
POLICIES_PER_ACCOUNT = 1500
PROFILES_PER_ACCOUNT = 1000
MANAGED_PER_ENTITY = 10
GROUPS_PER_USER = 10
KEYS_PER_USER = 2
VERSIONS_PER_POLICY = 5
MANAGED_POLICY_SIZE = 6144
TRUST_POLICY_SIZE = 2048
INLINE_SIZE = {"user": 2048, "group": 5120, "role": 10240}


def text(params: dict[str, object], name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


def required(params: dict[str, object], name: str) -> str:
    value = params.get(name)
    if value is None:
        member = name[0].lower() + name[1:]
        raise errors.constraint(member, None, "must not be null")
    return str(value)


def flag(params: dict[str, object], name: str) -> bool:
    return params.get(name) is True


def encode_document(document: str) -> str:
    """IAM returns policy documents URL-encoded (botocore decodes them)."""
    return quote(document, safe="")


def caller_user_name(ctx: RequestContext) -> str | None:
    """The user a call without ``UserName`` is about: the calling IAM user."""
    principal = ctx.principal
    if principal.kind is PrincipalKind.IAM_USER:
        return principal.name
    return None


def need_user(conn: Conn, account: str, name: str) -> User:
    user = entities.get_user(conn, account, name)
    if user is None:
        raise errors.user_not_found(name)
    return user


def need_group(conn: Conn, account: str, name: str) -> Group:
    group = entities.get_group(conn, account, name)
    if group is None:
        raise errors.group_not_found(name)
    return group


def need_role(conn: Conn, account: str, name: str) -> Role:
    role = entities.get_role(conn, account, name)
    if role is None:
        raise errors.role_not_found(name)
    return role


def need_profile(conn: Conn, account: str, name: str) -> InstanceProfile:
    profile = entities.get_profile(conn, account, name)
    if profile is None:
        raise errors.profile_not_found(name)
    return profile


def boundary_out(arn: str | None) -> dict[str, object]:
    if arn is None:
        return {}
    return {
        "PermissionsBoundary": {
            "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
            "PermissionsBoundaryArn": arn,
        }
    }


def user_out(user: User, full: bool = True) -> dict[str, object]:
    out: dict[str, object] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": stamp(user.created_at),
    }
    if full:
        out.update(boundary_out(user.boundary_arn))
        if user.tags:
            out["Tags"] = tag_list(user.tags)
    return out


def group_out(group: Group) -> dict[str, object]:
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.group_id,
        "Arn": group.arn,
        "CreateDate": stamp(group.created_at),
    }


def role_out(role: Role, full: bool = True) -> dict[str, object]:
    out: dict[str, object] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "CreateDate": stamp(role.created_at),
        "AssumeRolePolicyDocument": encode_document(role.trust_policy),
        "MaxSessionDuration": role.max_session_duration,
    }
    if role.description is not None:
        out["Description"] = role.description
    if full:
        out.update(boundary_out(role.boundary_arn))
        if role.tags:
            out["Tags"] = tag_list(role.tags)
        last: dict[str, object] = {}
        if role.last_used_at is not None:
            last["LastUsedDate"] = stamp(role.last_used_at)
            last["Region"] = role.last_used_region or ""
        out["RoleLastUsed"] = last
    return out


def policy_out(policy: ManagedPolicy, full: bool = True) -> dict[str, object]:
    out: dict[str, object] = {
        "PolicyName": policy.name,
        "PolicyId": policy.policy_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version,
        "AttachmentCount": policy.attachment_count,
        "PermissionsBoundaryUsageCount": policy.boundary_usage_count,
        "IsAttachable": True,
        "CreateDate": stamp(policy.created_at),
        "UpdateDate": stamp(policy.updated_at),
    }
    if full:
        if policy.description is not None:
            out["Description"] = policy.description
        if policy.tags:
            out["Tags"] = tag_list(policy.tags)
    return out


def version_out(version: PolicyVersion, with_document: bool = True) -> dict[str, object]:
    out: dict[str, object] = {
        "VersionId": version.version_id,
        "IsDefaultVersion": version.is_default,
        "CreateDate": stamp(version.created_at),
    }
    if with_document:
        out["Document"] = encode_document(version.document)
    return out


def profile_out(profile: InstanceProfile) -> dict[str, object]:
    out: dict[str, object] = {
        "Path": profile.path,
        "InstanceProfileName": profile.name,
        "InstanceProfileId": profile.profile_id,
        "Arn": profile.arn,
        "CreateDate": stamp(profile.created_at),
        "Roles": [role_out(r, full=False) for r in profile.roles],
    }
    if profile.tags:
        out["Tags"] = tag_list(profile.tags)
    return out


def paginate(
    items: Sequence[T], key: Callable[[T], str], params: dict[str, object]
) -> tuple[list[T], str | None]:
    """A page of an in-memory listing sorted by ``key`` (Marker, MaxItems)."""
    start = paging.decode(params.get("Marker"))
    limit = validate.max_items(params.get("MaxItems"))
    ordered = sorted(items, key=key)
    if start is not None:
        ordered = [item for item in ordered if key(item) >= start]
    return paging.cut(ordered, limit, key)


def page(member: str, items: list[dict[str, object]], marker: str | None) -> dict[str, object]:
    return paging.page_output(member, list(items), marker)
