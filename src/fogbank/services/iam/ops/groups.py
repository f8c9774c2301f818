"""Groups and their members."""

from __future__ import annotations

from fogbank.core import ids
from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.iam import errors, validate
from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.models import Group
from fogbank.services.iam.ops import common
from fogbank.services.iam.store import entities, paging, policies_of
from fogbank.storage.db import Conn


def _name(params: Params, member: str = "GroupName") -> str:
    return validate.name(member[0].lower() + member[1:], common.required(params, member), 128)


async def create_group(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)
    path = validate.path(params.get("Path"))
    group = Group(account, name, ids.unique_id("AGPA"), path, iam.now())

    def apply(conn: Conn) -> None:
        if entities.get_group(conn, account, name) is not None:
            raise errors.already_exists(f"Group with name {name} already exists.")
        count = conn.scalar("SELECT COUNT(*) AS n FROM iam_groups WHERE account_id = ?", (account,))
        if int(str(count)) >= common.GROUPS_PER_ACCOUNT:
            raise errors.quota("GroupsPerAccount", common.GROUPS_PER_ACCOUNT)
        entities.insert_group(conn, group)

    await iam.write(apply)
    return {"Group": common.group_out(group)}


async def get_group(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    name = _name(params)

    def read(conn: Conn) -> tuple[Group, list[object]]:
        group = common.need_group(conn, ctx.account_id, name)
        return group, list(entities.members_of_group(conn, ctx.account_id, group.key))

    group, members = await iam.read(read)
    users, marker = common.paginate(members, lambda u: u.key, params)  # type: ignore[attr-defined]
    out = common.page("Users", [common.user_out(u, full=False) for u in users], marker)  # type: ignore[arg-type]
    out["Group"] = common.group_out(group)
    return out


async def list_groups(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    prefix = validate.path_prefix(params.get("PathPrefix"))
    start = paging.decode(params.get("Marker"))
    limit = validate.max_items(params.get("MaxItems"))
    rows = await iam.read(
        lambda conn: entities.list_groups(conn, ctx.account_id, prefix, start, limit)
    )
    groups, marker = paging.cut(rows, limit, lambda g: g.key)
    return common.page("Groups", [common.group_out(g) for g in groups], marker)


async def list_groups_for_user(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    name = validate.name("userName", common.required(params, "UserName"), 128)

    def read(conn: Conn) -> list[Group]:
        user = common.need_user(conn, ctx.account_id, name)
        return entities.groups_of_user(conn, ctx.account_id, user.key)

    groups, marker = common.paginate(await iam.read(read), lambda g: g.key, params)
    return common.page("Groups", [common.group_out(g) for g in groups], marker)


async def update_group(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)
    new_name = common.text(params, "NewGroupName")
    if new_name is not None:
        validate.name("newGroupName", new_name, 128)
    new_path = params.get("NewPath")
    path = validate.path(new_path, "newPath") if new_path is not None else None

    def apply(conn: Conn) -> None:
        group = common.need_group(conn, account, name)
        target = new_name or group.name
        if target.lower() != group.key and entities.get_group(conn, account, target):
            raise errors.already_exists(f"Group with name {target} already exists.")
        conn.execute(
            "UPDATE iam_groups SET name_key = ?, group_name = ?, path = ? WHERE account_id = ?"
            " AND name_key = ?",
            (target.lower(), target, path or group.path, account, group.key),
        )
        if target.lower() != group.key:
            conn.execute(
                "UPDATE iam_group_members SET group_key = ? WHERE account_id = ? AND group_key = ?",
                (target.lower(), account, group.key),
            )
            for table in ("iam_attachments", "iam_inline_policies"):
                conn.execute(
                    f"UPDATE {table} SET entity_key = ? WHERE account_id = ?"  # noqa: S608
                    " AND entity_type = 'group' AND entity_key = ?",
                    (target.lower(), account, group.key),
                )

    await iam.write(apply)
    return {}


async def delete_group(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)

    def apply(conn: Conn) -> None:
        group = common.need_group(conn, account, name)
        if entities.members_of_group(conn, account, group.key):
            raise errors.delete_conflict(
                "Cannot delete entity, must remove users from group first."
            )
        if policies_of.inline_names(conn, account, "group", group.key):
            raise errors.delete_conflict("Cannot delete entity, must delete policies first.")
        if policies_of.attached(conn, account, "group", group.key):
            raise errors.delete_conflict("Cannot delete entity, must detach all policies first.")
        conn.execute(
            "DELETE FROM iam_groups WHERE account_id = ? AND name_key = ?", (account, group.key)
        )

    await iam.write(apply)
    return {}


async def add_user_to_group(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    group_name = _name(params)
    user_name = validate.name("userName", common.required(params, "UserName"), 128)

    def apply(conn: Conn) -> None:
        group = common.need_group(conn, account, group_name)
        user = common.need_user(conn, account, user_name)
        groups = entities.groups_of_user(conn, account, user.key)
        if any(g.key == group.key for g in groups):
            return
        if len(groups) >= common.GROUPS_PER_USER:
            raise errors.quota("GroupsPerUser", common.GROUPS_PER_USER)
        conn.execute(
            "INSERT INTO iam_group_members (account_id, group_key, user_key, added_at)"
            " VALUES (?, ?, ?, ?)",
            (account, group.key, user.key, iam.now()),
        )

    await iam.write(apply)
    return {}


async def remove_user_from_group(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    group_name = _name(params)
    user_name = validate.name("userName", common.required(params, "UserName"), 128)

    def apply(conn: Conn) -> None:
        group = common.need_group(conn, account, group_name)
        user = common.need_user(conn, account, user_name)
        cur = conn.execute(
            "DELETE FROM iam_group_members WHERE account_id = ? AND group_key = ? AND user_key = ?",
            (account, group.key, user.key),
        )
        if cur.rowcount == 0:
            raise errors.no_such_entity(
                f"The user with name {user.name} cannot be found in group {group.name}."
            )

    await iam.write(apply)
    return {}
