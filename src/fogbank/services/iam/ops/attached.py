"""Policies of users, groups and roles: attached managed policies and inline policies.

One implementation for the three kinds of entity; the provider binds the entity type
(``AttachUserPolicy`` = ``attach`` for users ...).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from fogbank.authz.policy import PolicyKind
from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.iam import errors, validate
from fogbank.services.iam.engine import IamEngine, checked_document, policy_size
from fogbank.services.iam.ops import common
from fogbank.services.iam.store import policies_of
from fogbank.storage.db import Conn


@dataclass(frozen=True)
class Kind:
    entity_type: str  # user | group | role
    member: str  # UserName | GroupName | RoleName
    max_name: int
    quota_name: str  # PoliciesPerUser ...

    def name(self, params: Params) -> str:
        member = self.member[0].lower() + self.member[1:]
        return validate.name(member, common.required(params, self.member), self.max_name)

    def find(self, conn: Conn, account: str, name: str) -> tuple[str, str]:
        """(name as created, name key) of the entity, or NoSuchEntity."""
        if self.entity_type == "user":
            user = common.need_user(conn, account, name)
            return user.name, user.key
        if self.entity_type == "group":
            group = common.need_group(conn, account, name)
            return group.name, group.key
        role = common.need_role(conn, account, name)
        return role.name, role.key


USER = Kind("user", "UserName", 128, "PoliciesPerUser")
GROUP = Kind("group", "GroupName", 128, "PoliciesPerGroup")
ROLE = Kind("role", "RoleName", 64, "PoliciesPerRole")

Handler = Callable[[RequestContext, Params], Awaitable[Output]]


async def attach(kind: Kind, iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = kind.name(params)
    arn = common.required(params, "PolicyArn")

    def apply(conn: Conn) -> None:
        _, key = kind.find(conn, account, name)
        if iam.find_policy(conn, arn, account) is None:
            raise errors.not_attachable(arn)
        current = policies_of.attached(conn, account, kind.entity_type, key)
        if arn in current:
            return
        if len(current) >= common.MANAGED_PER_ENTITY:
            raise errors.quota(kind.quota_name, common.MANAGED_PER_ENTITY)
        policies_of.attach(conn, account, kind.entity_type, key, arn, iam.now())

    await iam.write(apply)
    return {}


async def detach(kind: Kind, iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = kind.name(params)
    arn = common.required(params, "PolicyArn")

    def apply(conn: Conn) -> None:
        _, key = kind.find(conn, account, name)
        if not policies_of.detach(conn, account, kind.entity_type, key, arn):
            raise errors.policy_not_found(arn)

    await iam.write(apply)
    return {}


async def list_attached(kind: Kind, iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = kind.name(params)
    prefix = validate.path_prefix(params.get("PathPrefix"))

    def read(conn: Conn) -> list[tuple[str, str]]:
        _, key = kind.find(conn, account, name)
        found: list[tuple[str, str]] = []
        for arn in policies_of.attached(conn, account, kind.entity_type, key):
            policy = iam.find_policy(conn, arn, account)
            if policy is not None and policy.path.startswith(prefix):
                found.append((policy.name, arn))
        return found

    rows = await iam.read(read)
    shown, marker = common.paginate(rows, lambda r: f"{r[0].lower()}\x00{r[1]}", params)
    items: list[dict[str, object]] = [{"PolicyName": n, "PolicyArn": a} for n, a in shown]
    return common.page("AttachedPolicies", items, marker)


async def put_inline(kind: Kind, iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = kind.name(params)
    policy_name = validate.name("policyName", common.required(params, "PolicyName"), 128)
    document = validate.document("policyDocument", common.required(params, "PolicyDocument"))
    checked_document(document, PolicyKind.IDENTITY)
    limit = common.INLINE_SIZE[kind.entity_type]

    def apply(conn: Conn) -> None:
        shown, key = kind.find(conn, account, name)
        others = [
            p
            for p in policies_of.inline_all(conn, account, kind.entity_type, key)
            if p.name.lower() != policy_name.lower()
        ]
        total = policy_size(document) + sum(policy_size(p.document) for p in others)
        if total > limit:
            raise errors.limit_exceeded(
                f"Maximum policy size of {limit} bytes exceeded for {kind.entity_type} {shown}"
            )
        policies_of.inline_put(conn, account, kind.entity_type, key, policy_name, document)

    await iam.write(apply)
    return {}


async def get_inline(kind: Kind, iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = kind.name(params)
    policy_name = validate.name("policyName", common.required(params, "PolicyName"), 128)

    def read(conn: Conn) -> tuple[str, str, str]:
        shown, key = kind.find(conn, account, name)
        policy = policies_of.inline_get(conn, account, kind.entity_type, key, policy_name)
        if policy is None:
            raise errors.no_such_entity(
                f"The {kind.entity_type} policy with name {policy_name} cannot be found."
            )
        return shown, policy.name, policy.document

    shown, policy_name, document = await iam.read(read)
    return {
        kind.member: shown,
        "PolicyName": policy_name,
        "PolicyDocument": common.encode_document(document),
    }


async def delete_inline(kind: Kind, iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = kind.name(params)
    policy_name = validate.name("policyName", common.required(params, "PolicyName"), 128)

    def apply(conn: Conn) -> None:
        _, key = kind.find(conn, account, name)
        if not policies_of.inline_delete(conn, account, kind.entity_type, key, policy_name):
            raise errors.no_such_entity(
                f"The {kind.entity_type} policy with name {policy_name} cannot be found."
            )

    await iam.write(apply)
    return {}


async def list_inline(kind: Kind, iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = kind.name(params)

    def read(conn: Conn) -> list[str]:
        _, key = kind.find(conn, account, name)
        return policies_of.inline_names(conn, account, kind.entity_type, key)

    names, marker = common.paginate(await iam.read(read), str.lower, params)
    return common.page("PolicyNames", list(names), marker)  # type: ignore[arg-type]


def handlers(iam: IamEngine) -> dict[str, Handler]:
    table: dict[str, Handler] = {}
    for kind, word in ((USER, "User"), (GROUP, "Group"), (ROLE, "Role")):
        table[f"Attach{word}Policy"] = partial(attach, kind, iam)
        table[f"Detach{word}Policy"] = partial(detach, kind, iam)
        table[f"ListAttached{word}Policies"] = partial(list_attached, kind, iam)
        table[f"Put{word}Policy"] = partial(put_inline, kind, iam)
        table[f"Get{word}Policy"] = partial(get_inline, kind, iam)
        table[f"Delete{word}Policy"] = partial(delete_inline, kind, iam)
        table[f"List{word}Policies"] = partial(list_inline, kind, iam)
    return table
