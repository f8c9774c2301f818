"""Managed policies (customer managed, and AWS managed read-only) and their versions."""

from __future__ import annotations

import re

from fogbank.authz.policy import PolicyKind
from fogbank.core import ids
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.base import Output, Params
from fogbank.services.iam import errors, validate
from fogbank.services.iam.engine import IamEngine, checked_document, policy_size
from fogbank.services.iam.models import ManagedPolicy, PolicyVersion, tag_list
from fogbank.services.iam.ops import common
from fogbank.services.iam.store import entities, policies_of
from fogbank.services.iam.store import policies as policy_store
from fogbank.services.iam.store import tags as tag_store
from fogbank.storage.db import Conn

_VERSION = re.compile(r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?")


def managed_document(params: Params, member: str = "PolicyDocument") -> str:
    text = validate.document("policyDocument", common.required(params, member))
    checked_document(text, PolicyKind.IDENTITY, managed=True)
    if policy_size(text) > common.MANAGED_POLICY_SIZE:
        raise errors.quota("PolicySize", common.MANAGED_POLICY_SIZE)
    return text


def _arn(params: Params) -> str:
    arn = common.required(params, "PolicyArn")
    validate.length("policyArn", arn, 20, 2048)
    return arn


def _version_id(params: Params) -> str:
    version = common.required(params, "VersionId")
    if not _VERSION.fullmatch(version):
        raise errors.constraint(
            "versionId",
            version,
            r"must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?",
        )
    return version


def need_policy(iam: IamEngine, conn: Conn, account: str, arn: str) -> ManagedPolicy:
    policy = iam.find_policy(conn, arn, account)
    if policy is None:
        raise errors.policy_not_found(arn)
    if policy.aws_managed:  # AttachmentCount is counted in the caller's account
        count = policies_of.attachment_count(conn, account, arn)
        usage = policy_store.boundary_usage(conn, account, arn)
        return ManagedPolicy(
            policy.account_id,
            policy.name,
            policy.policy_id,
            policy.path,
            policy.default_version,
            policy.created_at,
            policy.updated_at,
            policy.description,
            count,
            usage,
        )
    return policy


def need_own_policy(iam: IamEngine, ctx: RequestContext, conn: Conn, arn: str) -> ManagedPolicy:
    """A customer managed policy of the caller's account (AWS managed ones are read-only)."""
    policy = need_policy(iam, conn, ctx.account_id, arn)
    if policy.aws_managed:
        raise AwsError(
            "AccessDenied",
            f"User: {ctx.principal.arn} is not authorized to perform: iam:{ctx.operation}"
            f" on resource: policy {arn}",
            status=403,
        )
    return policy


async def create_policy(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    name = validate.name("policyName", common.required(params, "PolicyName"), 128)
    path = validate.path(params.get("Path"))
    document = managed_document(params)
    description = validate.description(params.get("Description"))
    tags = validate.tags(params.get("Tags"))
    now = iam.now()
    policy = ManagedPolicy(
        account, name, ids.unique_id("ANPA"), path, "v1", now, now, description, tags=tags
    )

    def apply(conn: Conn) -> None:
        if policy_store.get(conn, account, name, with_tags=False) is not None:
            raise errors.already_exists(
                f"A policy called {name} already exists. Duplicate names are not allowed."
            )
        if policy_store.count(conn, account) >= common.POLICIES_PER_ACCOUNT:
            raise errors.quota("PoliciesPerAccount", common.POLICIES_PER_ACCOUNT)
        policy_store.insert(conn, policy, document)
        tag_store.put(conn, account, "policy", policy.key, tags)

    await iam.write(apply)
    out = common.policy_out(policy)
    out.pop("Description", None)
    return {"Policy": out}


async def get_policy(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    arn = _arn(params)
    policy = await iam.read(lambda conn: need_policy(iam, conn, ctx.account_id, arn))
    return {"Policy": common.policy_out(policy)}


async def list_policies(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    scope = common.text(params, "Scope") or "All"
    only_attached = common.flag(params, "OnlyAttached")
    usage = common.text(params, "PolicyUsageFilter")
    prefix = validate.path_prefix(params.get("PathPrefix"))

    def read(conn: Conn) -> list[ManagedPolicy]:
        found: list[ManagedPolicy] = []
        if scope in ("All", "AWS"):
            found += [need_policy(iam, conn, account, p.policy.arn) for p in iam.catalog.all()]
        if scope in ("All", "Local"):
            found += policy_store.list_page(conn, account, prefix, None, 10_000, False)
        return found

    def wanted(policy: ManagedPolicy) -> bool:
        if not policy.path.startswith(prefix):
            return False
        if usage == "PermissionsBoundary" and policy.boundary_usage_count == 0:
            return False
        if usage == "PermissionsPolicy" and only_attached:
            return policy.attachment_count > 0
        if only_attached:
            return policy.attachment_count + policy.boundary_usage_count > 0
        return True

    policies = [p for p in await iam.read(read) if wanted(p)]
    shown, marker = common.paginate(policies, lambda p: f"{p.key}\x00{p.arn}", params)
    return common.page("Policies", [common.policy_out(p, full=False) for p in shown], marker)


async def delete_policy(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    arn = _arn(params)

    def apply(conn: Conn) -> None:
        policy = need_own_policy(iam, ctx, conn, arn)
        if policy.attachment_count or policy.boundary_usage_count:
            raise errors.delete_conflict("Cannot delete a policy attached to entities.")
        if len(policy_store.versions(conn, account, policy.key)) > 1:
            raise errors.delete_conflict(
                "This policy has more than one version. Before you delete a policy, you must"
                " delete the policy's versions. The default version is deleted with the policy."
            )
        policy_store.delete(conn, account, policy.key)

    await iam.write(apply)
    return {}


async def create_policy_version(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    arn = _arn(params)
    document = managed_document(params)
    make_default = common.flag(params, "SetAsDefault")
    now = iam.now()

    def apply(conn: Conn) -> str:
        policy = need_own_policy(iam, ctx, conn, arn)
        if len(policy_store.versions(conn, account, policy.key)) >= common.VERSIONS_PER_POLICY:
            raise errors.limit_exceeded(
                "A managed policy can have up to 5 versions. Before you create a new version,"
                " you must delete an existing version."
            )
        return policy_store.add_version(conn, account, policy.key, document, now, make_default)

    version_id = await iam.write(apply)
    version = PolicyVersion(version_id, document, now, make_default)
    return {"PolicyVersion": common.version_out(version, with_document=False)}


async def get_policy_version(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    arn = _arn(params)
    version_id = _version_id(params)

    def read(conn: Conn) -> PolicyVersion:
        policy = need_policy(iam, conn, ctx.account_id, arn)
        for version in _versions(iam, conn, ctx.account_id, policy):
            if version.version_id == version_id:
                return version
        raise errors.no_such_entity(f"Policy {arn} version {version_id} does not exist.")

    return {"PolicyVersion": common.version_out(await iam.read(read))}


def _versions(
    iam: IamEngine, conn: Conn, account: str, policy: ManagedPolicy
) -> list[PolicyVersion]:
    if policy.aws_managed:
        aws = iam.catalog.get(policy.arn)
        return [aws.version] if aws is not None else []
    return policy_store.versions(conn, account, policy.key)


async def list_policy_versions(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    arn = _arn(params)

    def read(conn: Conn) -> list[PolicyVersion]:
        policy = need_policy(iam, conn, ctx.account_id, arn)
        return _versions(iam, conn, ctx.account_id, policy)

    versions = await iam.read(read)
    shown, marker = common.paginate(
        versions, lambda v: f"{1_000_000_000 - int(v.version_id[1:].split('.')[0]):010d}", params
    )
    return common.page(
        "Versions", [common.version_out(v, with_document=False) for v in shown], marker
    )


async def delete_policy_version(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    arn = _arn(params)
    version_id = _version_id(params)

    def apply(conn: Conn) -> None:
        policy = need_own_policy(iam, ctx, conn, arn)
        versions = {v.version_id: v for v in policy_store.versions(conn, account, policy.key)}
        version = versions.get(version_id)
        if version is None:
            raise errors.no_such_entity(f"Policy {arn} version {version_id} does not exist.")
        if version.is_default:
            raise errors.delete_conflict("Cannot delete the default version of a policy.")
        policy_store.delete_version(conn, account, policy.key, version_id)

    await iam.write(apply)
    return {}


async def set_default_policy_version(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    arn = _arn(params)
    version_id = _version_id(params)
    now = iam.now()

    def apply(conn: Conn) -> None:
        policy = need_own_policy(iam, ctx, conn, arn)
        versions = {v.version_id for v in policy_store.versions(conn, account, policy.key)}
        if version_id not in versions:
            raise errors.no_such_entity(f"Policy {arn} version {version_id} does not exist.")
        policy_store.set_default(conn, account, policy.key, version_id, now)

    await iam.write(apply)
    return {}


async def tag_policy(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    arn = _arn(params)
    tags = validate.tags(params.get("Tags"))

    def apply(conn: Conn) -> None:
        policy = need_own_policy(iam, ctx, conn, arn)
        tag_store.put(conn, account, "policy", policy.key, tags)
        if tag_store.count(conn, account, "policy", policy.key) > validate.MAX_TAGS:
            raise errors.limit_exceeded(
                f"The number of tags has reached the maximum limit of {validate.MAX_TAGS}."
            )

    await iam.write(apply)
    return {}


async def untag_policy(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    arn = _arn(params)
    keys = validate.tag_keys(params.get("TagKeys"))

    def apply(conn: Conn) -> None:
        policy = need_own_policy(iam, ctx, conn, arn)
        tag_store.remove(conn, account, "policy", policy.key, keys)

    await iam.write(apply)
    return {}


async def list_policy_tags(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    arn = _arn(params)
    policy = await iam.read(lambda conn: need_policy(iam, conn, ctx.account_id, arn))
    tags, marker = common.paginate(list(policy.tags), lambda t: t[0].lower(), params)
    return common.page("Tags", tag_list(tuple(tags)), marker)  # type: ignore[arg-type]


async def list_entities_for_policy(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    arn = _arn(params)
    entity_filter = common.text(params, "EntityFilter")
    prefix = validate.path_prefix(params.get("PathPrefix"))
    wanted = {"User": "user", "Role": "role", "Group": "group"}

    def read(conn: Conn) -> list[tuple[str, str, str, str]]:
        need_policy(iam, conn, account, arn)
        found: list[tuple[str, str, str, str]] = []
        for entity_type, key in policies_of.entities_of(conn, account, arn):
            if entity_filter in wanted and wanted[entity_filter] != entity_type:
                continue
            entity: object
            if entity_type == "user":
                entity = entities.get_user(conn, account, key, with_tags=False)
            elif entity_type == "role":
                entity = entities.get_role(conn, account, key, with_tags=False)
            else:
                entity = entities.get_group(conn, account, key)
            if entity is None or not str(getattr(entity, "path", "/")).startswith(prefix):
                continue
            name, unique = str(getattr(entity, "name", "")), _unique(entity)
            found.append((entity_type, key, name, unique))
        return found

    rows = await iam.read(read)
    shown, marker = common.paginate(rows, lambda r: f"{r[0]}\x00{r[1]}", params)
    out: dict[str, object] = {
        "PolicyGroups": [{"GroupName": r[2], "GroupId": r[3]} for r in shown if r[0] == "group"],
        "PolicyUsers": [{"UserName": r[2], "UserId": r[3]} for r in shown if r[0] == "user"],
        "PolicyRoles": [{"RoleName": r[2], "RoleId": r[3]} for r in shown if r[0] == "role"],
        "IsTruncated": marker is not None,
    }
    if marker is not None:
        out["Marker"] = marker
    return out


def _unique(entity: object) -> str:
    for attr in ("user_id", "role_id", "group_id"):
        value = getattr(entity, attr, None)
        if value is not None:
            return str(value)
    return ""
