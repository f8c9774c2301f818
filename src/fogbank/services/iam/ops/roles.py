"""Roles: trust policies, descriptions, session durations, tags, boundaries."""

from __future__ import annotations

from fogbank.authz.policy import PolicyKind, parse_policy
from fogbank.core import ids
from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.iam import errors, validate
from fogbank.services.iam.engine import IamEngine, checked_document, policy_size
from fogbank.services.iam.models import Role
from fogbank.services.iam.ops import common, identities
from fogbank.services.iam.ops.identities import check_boundary
from fogbank.services.iam.store import entities, paging, policies_of
from fogbank.services.iam.store import tags as tag_store
from fogbank.storage.db import Conn


def _name(params: Params) -> str:
    return validate.name("roleName", common.required(params, "RoleName"), 64)


def trust_document(params: Params, member: str) -> str:
    text = validate.document(member[0].lower() + member[1:], common.required(params, member))
    checked_document(text, PolicyKind.TRUST)
    if policy_size(text) > common.TRUST_POLICY_SIZE:
        raise errors.quota("ACLSizePerRole", common.TRUST_POLICY_SIZE)
    return text


def check_trust_principals(conn: Conn, account: str, text: str) -> None:
    """Users and roles of this account that a trust policy names must exist (AWS checks
    them when the policy is saved: 'Invalid principal in policy: "AWS":"arn:..."')."""
    policy = parse_policy(text, PolicyKind.TRUST)
    for statement in policy.statements:
        names = statement.principal or statement.not_principal
        if names is None:
            continue
        for arn in names.aws:
            parts = arn.split(":", 5)
            if len(parts) != 6 or parts[2] != "iam" or parts[4] != account:
                continue
            kind, _, rest = parts[5].partition("/")
            name = rest.rsplit("/", 1)[-1]
            if kind == "user" and entities.get_user(conn, account, name, with_tags=False):
                continue
            if kind == "role" and entities.get_role(conn, account, name, with_tags=False):
                continue
            if kind in ("user", "role"):
                raise errors.malformed_policy(f'Invalid principal in policy: "AWS":"{arn}"')


async def create_role(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)
    path = validate.path(params.get("Path"))
    trust = trust_document(params, "AssumeRolePolicyDocument")
    description = validate.description(params.get("Description"))
    duration = validate.session_duration(params.get("MaxSessionDuration"))
    tags = validate.tags(params.get("Tags"))
    boundary = common.text(params, "PermissionsBoundary")
    role = Role(
        account,
        name,
        ids.unique_id("AROA"),
        path,
        iam.now(),
        trust,
        description,
        duration,
        boundary,
        tags=tags,
    )

    def apply(conn: Conn) -> None:
        if entities.get_role(conn, account, name, with_tags=False) is not None:
            raise errors.already_exists(f"Role with name {name} already exists.")
        count = conn.scalar("SELECT COUNT(*) AS n FROM iam_roles WHERE account_id = ?", (account,))
        if int(str(count)) >= common.ROLES_PER_ACCOUNT:
            raise errors.quota("RolesPerAccount", common.ROLES_PER_ACCOUNT)
        check_boundary(iam, conn, account, boundary)
        check_trust_principals(conn, account, trust)
        entities.insert_role(conn, role)
        tag_store.put(conn, account, "role", role.key, tags)

    await iam.write(apply)
    out = common.role_out(role)
    out.pop("RoleLastUsed", None)
    return {"Role": out}


async def get_role(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    name = _name(params)
    role = await iam.read(lambda conn: common.need_role(conn, ctx.account_id, name))
    return {"Role": common.role_out(role)}


async def list_roles(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    prefix = validate.path_prefix(params.get("PathPrefix"))
    start = paging.decode(params.get("Marker"))
    limit = validate.max_items(params.get("MaxItems"))
    rows = await iam.read(
        lambda conn: entities.list_roles(conn, ctx.account_id, prefix, start, limit)
    )
    roles, marker = paging.cut(rows, limit, lambda r: r.key)
    return common.page("Roles", [common.role_out(r, full=False) for r in roles], marker)


async def _update(iam: IamEngine, ctx: RequestContext, name: str, sql: str, value: object) -> None:
    account = ctx.account_id

    def apply(conn: Conn) -> None:
        role = common.need_role(conn, account, name)
        conn.execute(sql, (value, account, role.key))

    await iam.write(apply)


async def update_role(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    name = _name(params)
    if params.get("Description") is not None:
        description = validate.description(params.get("Description"))
        await _update(
            iam,
            ctx,
            name,
            "UPDATE iam_roles SET description = ? WHERE account_id = ? AND name_key = ?",
            description,
        )
    if params.get("MaxSessionDuration") is not None:
        duration = validate.session_duration(params.get("MaxSessionDuration"))
        await _update(
            iam,
            ctx,
            name,
            "UPDATE iam_roles SET max_session_duration = ? WHERE account_id = ? AND name_key = ?",
            duration,
        )
    await iam.read(lambda conn: common.need_role(conn, ctx.account_id, name))
    return {}


async def update_role_description(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    name = _name(params)
    description = validate.description(common.required(params, "Description"))
    await _update(
        iam,
        ctx,
        name,
        "UPDATE iam_roles SET description = ? WHERE account_id = ? AND name_key = ?",
        description,
    )
    role = await iam.read(lambda conn: common.need_role(conn, ctx.account_id, name))
    return {"Role": common.role_out(role)}


async def update_assume_role_policy(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)
    trust = trust_document(params, "PolicyDocument")

    def apply(conn: Conn) -> None:
        role = common.need_role(conn, account, name)
        check_trust_principals(conn, account, trust)
        conn.execute(
            "UPDATE iam_roles SET trust_policy = ? WHERE account_id = ? AND name_key = ?",
            (trust, account, role.key),
        )

    await iam.write(apply)
    return {}


async def delete_role(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)

    def apply(conn: Conn) -> None:
        role = common.need_role(conn, account, name)
        if entities.profiles_of_role(conn, account, role.key):
            raise errors.delete_conflict(
                "Cannot delete entity, must remove roles from instance profile first."
            )
        if policies_of.inline_names(conn, account, "role", role.key):
            raise errors.delete_conflict("Cannot delete entity, must delete policies first.")
        if policies_of.attached(conn, account, "role", role.key):
            raise errors.delete_conflict("Cannot delete entity, must detach all policies first.")
        conn.execute(
            "DELETE FROM iam_roles WHERE account_id = ? AND name_key = ?", (account, role.key)
        )
        tag_store.drop(conn, account, "role", role.key)

    await iam.write(apply)
    return {}


ROLE = identities.Identity("role", "iam_roles", _name, common.need_role)
tag_role = identities.tag(ROLE)
untag_role = identities.untag(ROLE)
list_role_tags = identities.list_tags(ROLE)
put_role_permissions_boundary = identities.put_boundary(ROLE)
delete_role_permissions_boundary = identities.delete_boundary(ROLE)
