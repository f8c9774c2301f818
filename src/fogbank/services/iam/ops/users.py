"""Users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, user tags, boundaries."""

from __future__ import annotations

from fogbank.core import ids
from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.iam import errors, validate
from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.models import User, stamp
from fogbank.services.iam.ops import common, identities
from fogbank.services.iam.ops.identities import check_boundary
from fogbank.services.iam.store import entities, paging, policies_of
from fogbank.services.iam.store import keys as key_store
from fogbank.services.iam.store import tags as tag_store
from fogbank.storage.db import Conn


def _name(params: Params) -> str:
    """An existing user's name (existingUserNameType: up to 128 characters)."""
    return validate.name("userName", common.required(params, "UserName"), 128)


async def create_user(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = validate.name("userName", common.required(params, "UserName"), 64)
    path = validate.path(params.get("Path"))
    tags = validate.tags(params.get("Tags"))
    boundary = common.text(params, "PermissionsBoundary")
    user = User(account, name, ids.unique_id("AIDA"), path, iam.now(), boundary, tags)

    def apply(conn: Conn) -> None:
        if entities.get_user(conn, account, name, with_tags=False) is not None:
            raise errors.already_exists(f"User with name {name} already exists.")
        if entities.count_users(conn, account) >= common.USERS_PER_ACCOUNT:
            raise errors.quota("UsersPerAccount", common.USERS_PER_ACCOUNT)
        check_boundary(iam, conn, account, boundary)
        entities.insert_user(conn, user)
        tag_store.put(conn, account, "user", user.key, tags)

    await iam.write(apply)
    return {"User": common.user_out(user)}


async def get_user(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    given = common.text(params, "UserName")
    if given is not None:
        validate.name("userName", given, 128)
    name = given or common.caller_user_name(ctx)
    if name is None and ctx.principal.is_root:
        return {"User": await _root_user(iam, ctx.account_id)}
    if name is None:
        raise errors.validation("Must specify userName when calling with non-User credentials")
    user = await iam.read(lambda conn: common.need_user(conn, ctx.account_id, name))
    return {"User": common.user_out(user)}


async def _root_user(iam: IamEngine, account: str) -> dict[str, object]:
    created = await iam.read(
        lambda conn: conn.scalar("SELECT created_at FROM accounts WHERE account_id = ?", (account,))
    )
    return {
        "UserId": account,
        "Arn": f"arn:aws:iam::{account}:root",
        "CreateDate": stamp(float(str(created or 0))),
    }


async def list_users(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    prefix = validate.path_prefix(params.get("PathPrefix"))
    start = paging.decode(params.get("Marker"))
    limit = validate.max_items(params.get("MaxItems"))
    rows = await iam.read(
        lambda conn: entities.list_users(conn, ctx.account_id, prefix, start, limit)
    )
    users, marker = paging.cut(rows, limit, lambda u: u.key)
    return common.page("Users", [common.user_out(u, full=False) for u in users], marker)


async def update_user(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)
    new_name = common.text(params, "NewUserName")
    if new_name is not None:
        validate.name("newUserName", new_name, 64)
    new_path = params.get("NewPath")
    path = validate.path(new_path, "newPath") if new_path is not None else None

    def apply(conn: Conn) -> None:
        user = common.need_user(conn, account, name)
        target = new_name or user.name
        taken = new_name is not None and new_name.lower() != user.key
        if taken and entities.get_user(conn, account, target, with_tags=False) is not None:
            raise errors.already_exists(f"User with name {new_name} already exists.")
        conn.execute(
            "UPDATE iam_users SET name_key = ?, user_name = ?, path = ? WHERE account_id = ?"
            " AND name_key = ?",
            (target.lower(), target, path or user.path, account, user.key),
        )
        if target.lower() != user.key:
            for table, column in (
                ("iam_group_members", "user_key"),
                ("iam_attachments", "entity_key"),
                ("iam_inline_policies", "entity_key"),
                ("iam_tags", "entity_key"),
            ):
                extra = "" if table == "iam_group_members" else " AND entity_type = 'user'"
                conn.execute(
                    f"UPDATE {table} SET {column} = ? WHERE account_id = ? AND {column} = ?"  # noqa: S608
                    + extra,
                    (target.lower(), account, user.key),
                )
        key_store.rename_owner(conn, account, user.name, target)

    await iam.write(apply)
    return {}


async def delete_user(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)

    def apply(conn: Conn) -> None:
        user = common.need_user(conn, account, name)
        if key_store.of_user(conn, account, user.name):
            raise errors.delete_conflict("Cannot delete entity, must delete access keys first.")
        if policies_of.inline_names(conn, account, "user", user.key):
            raise errors.delete_conflict("Cannot delete entity, must delete policies first.")
        if policies_of.attached(conn, account, "user", user.key):
            raise errors.delete_conflict("Cannot delete entity, must detach all policies first.")
        if entities.groups_of_user(conn, account, user.key):
            raise errors.delete_conflict(
                "Cannot delete entity, must remove users from group first."
            )
        conn.execute(
            "DELETE FROM iam_users WHERE account_id = ? AND name_key = ?", (account, user.key)
        )
        tag_store.drop(conn, account, "user", user.key)

    await iam.write(apply)
    return {}


USER = identities.Identity("user", "iam_users", _name, common.need_user)
tag_user = identities.tag(USER)
untag_user = identities.untag(USER)
list_user_tags = identities.list_tags(USER)
put_user_permissions_boundary = identities.put_boundary(USER)
delete_user_permissions_boundary = identities.delete_boundary(USER)
