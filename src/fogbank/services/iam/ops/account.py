"""Account-wide views: GetAccountAuthorizationDetails, GetAccountSummary, account aliases."""

from __future__ import annotations

import re

from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.iam import errors
from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.ops import common
from fogbank.services.iam.ops.policies import need_policy
from fogbank.services.iam.store import entities, policies_of
from fogbank.services.iam.store import keys as key_store
from fogbank.services.iam.store import policies as policy_store
from fogbank.storage.db import Conn

_ALIAS = re.compile(r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$")
_FILTERS = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")

Item = tuple[str, str, dict[str, object]]  # (list member, sort key, entry)


def _inline(conn: Conn, account: str, entity_type: str, key: str) -> list[dict[str, object]]:
    return [
        {"PolicyName": p.name, "PolicyDocument": common.encode_document(p.document)}
        for p in policies_of.inline_all(conn, account, entity_type, key)
    ]


def _attached(
    iam: IamEngine, conn: Conn, account: str, entity_type: str, key: str
) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for arn in policies_of.attached(conn, account, entity_type, key):
        policy = iam.find_policy(conn, arn, account)
        if policy is not None:
            out.append({"PolicyName": policy.name, "PolicyArn": arn})
    return out


def _details(iam: IamEngine, conn: Conn, account: str, wanted: set[str]) -> list[Item]:
    items: list[Item] = []
    everything = 10_000
    if "User" in wanted:
        for user in entities.list_users(conn, account, "/", None, everything):
            entry = common.user_out(entities.get_user(conn, account, user.name) or user)
            entry["UserPolicyList"] = _inline(conn, account, "user", user.key)
            entry["GroupList"] = [g.name for g in entities.groups_of_user(conn, account, user.key)]
            entry["AttachedManagedPolicies"] = _attached(iam, conn, account, "user", user.key)
            entry.setdefault("Tags", [])
            items.append(("UserDetailList", "1" + user.key, entry))
    if "Group" in wanted:
        for group in entities.list_groups(conn, account, "/", None, everything):
            entry = common.group_out(group)
            entry["GroupPolicyList"] = _inline(conn, account, "group", group.key)
            entry["AttachedManagedPolicies"] = _attached(iam, conn, account, "group", group.key)
            items.append(("GroupDetailList", "2" + group.key, entry))
    if "Role" in wanted:
        for role in entities.list_roles(conn, account, "/", None, everything):
            entry = common.role_out(entities.get_role(conn, account, role.name) or role)
            entry["InstanceProfileList"] = [
                common.profile_out(p) for p in entities.profiles_of_role(conn, account, role.key)
            ]
            entry["RolePolicyList"] = _inline(conn, account, "role", role.key)
            entry["AttachedManagedPolicies"] = _attached(iam, conn, account, "role", role.key)
            entry.setdefault("Tags", [])
            items.append(("RoleDetailList", "3" + role.key, entry))
    policies = []
    if "LocalManagedPolicy" in wanted:
        policies += policy_store.list_page(conn, account, "/", None, everything, False)
    if "AWSManagedPolicy" in wanted:
        for aws in iam.catalog.all():
            policy = need_policy(iam, conn, account, aws.policy.arn)
            if policy.attachment_count or policy.boundary_usage_count:
                policies.append(policy)
    for policy in policies:
        entry = common.policy_out(policy)
        entry.pop("Tags", None)
        aws_policy = iam.catalog.get(policy.arn)
        if aws_policy is not None:
            versions = [aws_policy.version]
        else:
            versions = policy_store.versions(conn, account, policy.key)
        entry["PolicyVersionList"] = [common.version_out(v) for v in versions]
        items.append(("Policies", "4" + policy.key + policy.arn, entry))
    return items


async def get_account_authorization_details(
    iam: IamEngine, ctx: RequestContext, params: Params
) -> Output:
    raw = params.get("Filter")
    wanted = set(_FILTERS)
    if isinstance(raw, list) and raw:
        for name in raw:
            if name not in _FILTERS:
                raise errors.constraint(
                    "filter", name, f"must satisfy enum value set: [{', '.join(_FILTERS)}]"
                )
        wanted = {str(n) for n in raw}
    items = await iam.read(lambda conn: _details(iam, conn, ctx.account_id, wanted))
    shown, marker = common.paginate(items, lambda i: i[1], params)
    out: dict[str, object] = {
        member: [entry for m, _, entry in shown if m == member]
        for member in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
    }
    out["IsTruncated"] = marker is not None
    if marker is not None:
        out["Marker"] = marker
    return out


async def get_account_summary(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id

    def count(conn: Conn, table: str) -> int:
        sql = f"SELECT COUNT(*) AS n FROM {table} WHERE account_id = ?"  # noqa: S608
        return int(str(conn.scalar(sql, (account,))))

    def read(conn: Conn) -> dict[str, int]:
        return {
            "Users": count(conn, "iam_users"),
            "UsersQuota": common.USERS_PER_ACCOUNT,
            "Groups": count(conn, "iam_groups"),
            "GroupsQuota": common.GROUPS_PER_ACCOUNT,
            "Roles": count(conn, "iam_roles"),
            "RolesQuota": common.ROLES_PER_ACCOUNT,
            "Policies": count(conn, "iam_policies"),
            "PoliciesQuota": common.POLICIES_PER_ACCOUNT,
            "InstanceProfiles": count(conn, "iam_instance_profiles"),
            "InstanceProfilesQuota": common.PROFILES_PER_ACCOUNT,
            "PolicyVersionsInUse": count(conn, "iam_attachments"),
            "PolicyVersionsInUseQuota": 10000,
            "GroupsPerUserQuota": common.GROUPS_PER_USER,
            "AttachedPoliciesPerUserQuota": common.MANAGED_PER_ENTITY,
            "AttachedPoliciesPerGroupQuota": common.MANAGED_PER_ENTITY,
            "AttachedPoliciesPerRoleQuota": common.MANAGED_PER_ENTITY,
            "AccessKeysPerUserQuota": common.KEYS_PER_USER,
            "VersionsPerPolicyQuota": common.VERSIONS_PER_POLICY,
            "PolicySizeQuota": common.MANAGED_POLICY_SIZE,
            "UserPolicySizeQuota": common.INLINE_SIZE["user"],
            "GroupPolicySizeQuota": common.INLINE_SIZE["group"],
            "AssumeRolePolicySizeQuota": common.TRUST_POLICY_SIZE,
            "AccountAccessKeysPresent": 1 if key_store.of_root(conn, account) else 0,
            "AccountMFAEnabled": 0,
            "MFADevices": 0,
            "MFADevicesInUse": 0,
            "ServerCertificates": 0,
            "ServerCertificatesQuota": 20,
            "SigningCertificatesPerUserQuota": 2,
            "AccountSigningCertificatesPresent": 0,
            "Providers": 0,
            "GlobalEndpointTokenVersion": 1,
        }

    return {"SummaryMap": await iam.read(read)}


async def create_account_alias(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    alias = common.required(params, "AccountAlias")
    if not _ALIAS.match(alias):
        raise errors.constraint(
            "accountAlias",
            alias,
            r"must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
        )
    account = ctx.account_id

    def apply(conn: Conn) -> None:
        owner = conn.scalar("SELECT account_id FROM iam_account_aliases WHERE alias = ?", (alias,))
        if owner is not None and str(owner) != account:
            raise errors.already_exists(f"The account alias {alias} already exists.")
        conn.execute("DELETE FROM iam_account_aliases WHERE account_id = ?", (account,))
        conn.execute(
            "INSERT INTO iam_account_aliases (account_id, alias) VALUES (?, ?)", (account, alias)
        )

    await iam.write(apply)
    return {}


async def list_account_aliases(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    rows = await iam.read(
        lambda conn: conn.all(
            "SELECT alias FROM iam_account_aliases WHERE account_id = ?", (ctx.account_id,)
        )
    )
    return {"AccountAliases": [str(r["alias"]) for r in rows], "IsTruncated": False}


async def delete_account_alias(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    alias = common.required(params, "AccountAlias")

    def apply(conn: Conn) -> None:
        cur = conn.execute(
            "DELETE FROM iam_account_aliases WHERE account_id = ? AND alias = ?",
            (ctx.account_id, alias),
        )
        if cur.rowcount == 0:
            raise errors.no_such_entity(f"The account alias {alias} cannot be found.")

    await iam.write(apply)
    return {}
