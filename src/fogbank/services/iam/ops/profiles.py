"""Instance profiles: a container for (at most) one role."""

from __future__ import annotations

from fogbank.core import ids
from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.iam import errors, validate
from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.models import InstanceProfile, tag_list
from fogbank.services.iam.ops import common
from fogbank.services.iam.store import entities, paging
from fogbank.services.iam.store import tags as tag_store
from fogbank.storage.db import Conn

ROLES_PER_PROFILE = 1


def _name(params: Params) -> str:
    return validate.name("instanceProfileName", common.required(params, "InstanceProfileName"), 128)


async def create_instance_profile(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)
    path = validate.path(params.get("Path"))
    tags = validate.tags(params.get("Tags"))
    profile = InstanceProfile(account, name, ids.unique_id("AIPA"), path, iam.now(), (), tags)

    def apply(conn: Conn) -> None:
        if entities.get_profile(conn, account, name) is not None:
            raise errors.already_exists(f"Instance Profile {name} already exists.")
        count = conn.scalar(
            "SELECT COUNT(*) AS n FROM iam_instance_profiles WHERE account_id = ?", (account,)
        )
        if int(str(count)) >= common.PROFILES_PER_ACCOUNT:
            raise errors.quota("InstanceProfilesPerAccount", common.PROFILES_PER_ACCOUNT)
        entities.insert_profile(conn, profile)
        tag_store.put(conn, account, "instance-profile", profile.key, tags)

    await iam.write(apply)
    return {"InstanceProfile": common.profile_out(profile)}


async def get_instance_profile(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    name = _name(params)
    profile = await iam.read(lambda conn: common.need_profile(conn, ctx.account_id, name))
    return {"InstanceProfile": common.profile_out(profile)}


async def list_instance_profiles(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    prefix = validate.path_prefix(params.get("PathPrefix"))
    start = paging.decode(params.get("Marker"))
    limit = validate.max_items(params.get("MaxItems"))
    rows = await iam.read(
        lambda conn: entities.list_profiles(conn, ctx.account_id, prefix, start, limit)
    )
    shown, marker = paging.cut(rows, limit, lambda p: p.key)
    items = [common.profile_out(p) for p in shown]
    for item in items:
        item.pop("Tags", None)
    return common.page("InstanceProfiles", items, marker)


async def list_instance_profiles_for_role(
    iam: IamEngine, ctx: RequestContext, params: Params
) -> Output:
    name = validate.name("roleName", common.required(params, "RoleName"), 64)

    def read(conn: Conn) -> list[InstanceProfile]:
        role = common.need_role(conn, ctx.account_id, name)
        return entities.profiles_of_role(conn, ctx.account_id, role.key)

    shown, marker = common.paginate(await iam.read(read), lambda p: p.key, params)
    return common.page("InstanceProfiles", [common.profile_out(p) for p in shown], marker)


async def delete_instance_profile(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)

    def apply(conn: Conn) -> None:
        profile = common.need_profile(conn, account, name)
        if profile.roles:
            raise errors.delete_conflict(
                "Cannot delete entity, must remove roles from instance profile first."
            )
        conn.execute(
            "DELETE FROM iam_instance_profiles WHERE account_id = ? AND name_key = ?",
            (account, profile.key),
        )
        tag_store.drop(conn, account, "instance-profile", profile.key)

    await iam.write(apply)
    return {}


async def add_role_to_instance_profile(
    iam: IamEngine, ctx: RequestContext, params: Params
) -> Output:
    account = ctx.account_id
    name = _name(params)
    role_name = validate.name("roleName", common.required(params, "RoleName"), 64)

    def apply(conn: Conn) -> None:
        profile = common.need_profile(conn, account, name)
        role = common.need_role(conn, account, role_name)
        if len(profile.roles) >= ROLES_PER_PROFILE:
            raise errors.quota("InstanceSessionsPerInstanceProfile", ROLES_PER_PROFILE)
        conn.execute(
            "INSERT INTO iam_instance_profile_roles (account_id, profile_key, role_key)"
            " VALUES (?, ?, ?)",
            (account, profile.key, role.key),
        )

    await iam.write(apply)
    return {}


async def remove_role_from_instance_profile(
    iam: IamEngine, ctx: RequestContext, params: Params
) -> Output:
    account = ctx.account_id
    name = _name(params)
    role_name = validate.name("roleName", common.required(params, "RoleName"), 64)

    def apply(conn: Conn) -> None:
        profile = common.need_profile(conn, account, name)
        role = common.need_role(conn, account, role_name)
        cur = conn.execute(
            "DELETE FROM iam_instance_profile_roles WHERE account_id = ? AND profile_key = ?"
            " AND role_key = ?",
            (account, profile.key, role.key),
        )
        if cur.rowcount == 0:
            raise errors.no_such_entity(
                f"The role with name {role.name} cannot be found in instance profile"
                f" {profile.name}."
            )

    await iam.write(apply)
    return {}


async def tag_instance_profile(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)
    tags = validate.tags(params.get("Tags"))

    def apply(conn: Conn) -> None:
        profile = common.need_profile(conn, account, name)
        tag_store.put(conn, account, "instance-profile", profile.key, tags)
        if tag_store.count(conn, account, "instance-profile", profile.key) > validate.MAX_TAGS:
            raise errors.limit_exceeded(
                f"The number of tags has reached the maximum limit of {validate.MAX_TAGS}."
            )

    await iam.write(apply)
    return {}


async def untag_instance_profile(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = _name(params)
    keys = validate.tag_keys(params.get("TagKeys"))

    def apply(conn: Conn) -> None:
        profile = common.need_profile(conn, account, name)
        tag_store.remove(conn, account, "instance-profile", profile.key, keys)

    await iam.write(apply)
    return {}


async def list_instance_profile_tags(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    name = _name(params)
    profile = await iam.read(lambda conn: common.need_profile(conn, ctx.account_id, name))
    tags, marker = common.paginate(list(profile.tags), lambda t: t[0].lower(), params)
    return common.page("Tags", tag_list(tuple(tags)), marker)  # type: ignore[arg-type]
