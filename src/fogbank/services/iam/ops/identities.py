"""What users and roles share: tags and a permissions boundary, each kept the same way
for both (the tag store by kind and name key; ``boundary_arn`` in the entity's table)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.iam import errors, validate
from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.models import Role, User, tag_list
from fogbank.services.iam.ops import common
from fogbank.services.iam.store import tags as tag_store
from fogbank.storage.db import Conn

Handler = Callable[[IamEngine, RequestContext, Params], Awaitable[Output]]


@dataclass(frozen=True)
class Identity:
    kind: str  # the tag store's kind: "user" or "role"
    table: str  # where its row and ``boundary_arn`` live
    name: Callable[[Params], str]  # the request's (validated) name of an existing one
    need: Callable[[Conn, str, str], User | Role]  # the entity, or its NoSuchEntity


def check_boundary(iam: IamEngine, conn: Conn, account: str, arn: str | None) -> None:
    if arn is None:
        return
    if iam.find_policy(conn, arn, account) is None:
        raise errors.no_such_entity(f"Scope ARN: {arn} does not exist or is not attachable.")


def tag(who: Identity) -> Handler:
    async def handler(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
        account = ctx.account_id
        name = who.name(params)
        tags = validate.tags(params.get("Tags"))

        def apply(conn: Conn) -> None:
            entity = who.need(conn, account, name)
            tag_store.put(conn, account, who.kind, entity.key, tags)
            if tag_store.count(conn, account, who.kind, entity.key) > validate.MAX_TAGS:
                raise errors.limit_exceeded(
                    f"The number of tags has reached the maximum limit of {validate.MAX_TAGS}."
                )

        await iam.write(apply)
        return {}

    return handler


def untag(who: Identity) -> Handler:
    async def handler(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
        account = ctx.account_id
        name = who.name(params)
        keys = validate.tag_keys(params.get("TagKeys"))

        def apply(conn: Conn) -> None:
            entity = who.need(conn, account, name)
            tag_store.remove(conn, account, who.kind, entity.key, keys)

        await iam.write(apply)
        return {}

    return handler


def list_tags(who: Identity) -> Handler:
    async def handler(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
        name = who.name(params)
        entity = await iam.read(lambda conn: who.need(conn, ctx.account_id, name))
        tags, marker = common.paginate(list(entity.tags), lambda t: t[0].lower(), params)
        return common.page("Tags", tag_list(tuple(tags)), marker)  # type: ignore[arg-type]

    return handler


def put_boundary(who: Identity) -> Handler:
    async def handler(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
        account = ctx.account_id
        name = who.name(params)
        arn = common.required(params, "PermissionsBoundary")

        def apply(conn: Conn) -> None:
            entity = who.need(conn, account, name)
            check_boundary(iam, conn, account, arn)
            _set_boundary(conn, who, account, entity.key, arn)

        await iam.write(apply)
        return {}

    return handler


def delete_boundary(who: Identity) -> Handler:
    async def handler(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
        account = ctx.account_id
        name = who.name(params)

        def apply(conn: Conn) -> None:
            entity = who.need(conn, account, name)
            _set_boundary(conn, who, account, entity.key, None)

        await iam.write(apply)
        return {}

    return handler


def _set_boundary(conn: Conn, who: Identity, account: str, key: str, arn: str | None) -> None:
    conn.execute(
        f"UPDATE {who.table} SET boundary_arn = ? WHERE account_id = ? AND name_key = ?",  # noqa: S608 - a constant
        (arn, account, key),
    )
