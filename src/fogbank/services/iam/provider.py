"""The IAM service: its dispatch table, and what its calls need to be authorized.

IAM is global: entities belong to an account, whatever region a request is signed for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial

from fogbank.authz.permissions import Scope
from fogbank.authz.requirements import ContextValue, Requirement
from fogbank.core.context import RequestContext
from fogbank.core.jobs import Job
from fogbank.core.principal import PrincipalKind
from fogbank.services.base import Handler, Output, Params, ServiceProvider
from fogbank.services.iam.catalog import ManagedCatalog
from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.jobs import SessionPurge
from fogbank.services.iam.models import Tags
from fogbank.services.iam.ops import (
    account,
    attached,
    groups,
    keys,
    policies,
    profiles,
    roles,
    simulate,
    users,
)
from fogbank.services.iam.store import entities
from fogbank.services.iam.store import keys as key_store
from fogbank.services.iam.usage import UsageRecorder
from fogbank.storage.db import Conn

# Calls that change a managed policy itself: AWS managed ones belong to AWS ("aws").
_POLICY_WRITES = frozenset(
    {
        "DeletePolicy",
        "CreatePolicyVersion",
        "DeletePolicyVersion",
        "SetDefaultPolicyVersion",
        "TagPolicy",
        "UntagPolicy",
    }
)


_HANDLERS: dict[str, Callable[[IamEngine, RequestContext, Params], Awaitable[Output]]] = {
    "CreateUser": users.create_user,
    "GetUser": users.get_user,
    "ListUsers": users.list_users,
    "UpdateUser": users.update_user,
    "DeleteUser": users.delete_user,
    "TagUser": users.tag_user,
    "UntagUser": users.untag_user,
    "ListUserTags": users.list_user_tags,
    "PutUserPermissionsBoundary": users.put_user_permissions_boundary,
    "DeleteUserPermissionsBoundary": users.delete_user_permissions_boundary,
    "CreateGroup": groups.create_group,
    "GetGroup": groups.get_group,
    "ListGroups": groups.list_groups,
    "ListGroupsForUser": groups.list_groups_for_user,
    "UpdateGroup": groups.update_group,
    "DeleteGroup": groups.delete_group,
    "AddUserToGroup": groups.add_user_to_group,
    "RemoveUserFromGroup": groups.remove_user_from_group,
    "CreateRole": roles.create_role,
    "GetRole": roles.get_role,
    "ListRoles": roles.list_roles,
    "UpdateRole": roles.update_role,
    "UpdateRoleDescription": roles.update_role_description,
    "UpdateAssumeRolePolicy": roles.update_assume_role_policy,
    "DeleteRole": roles.delete_role,
    "TagRole": roles.tag_role,
    "UntagRole": roles.untag_role,
    "ListRoleTags": roles.list_role_tags,
    "PutRolePermissionsBoundary": roles.put_role_permissions_boundary,
    "DeleteRolePermissionsBoundary": roles.delete_role_permissions_boundary,
    "CreatePolicy": policies.create_policy,
    "GetPolicy": policies.get_policy,
    "ListPolicies": policies.list_policies,
    "DeletePolicy": policies.delete_policy,
    "CreatePolicyVersion": policies.create_policy_version,
    "GetPolicyVersion": policies.get_policy_version,
    "ListPolicyVersions": policies.list_policy_versions,
    "DeletePolicyVersion": policies.delete_policy_version,
    "SetDefaultPolicyVersion": policies.set_default_policy_version,
    "TagPolicy": policies.tag_policy,
    "UntagPolicy": policies.untag_policy,
    "ListPolicyTags": policies.list_policy_tags,
    "ListEntitiesForPolicy": policies.list_entities_for_policy,
    "CreateAccessKey": keys.create_access_key,
    "ListAccessKeys": keys.list_access_keys,
    "UpdateAccessKey": keys.update_access_key,
    "DeleteAccessKey": keys.delete_access_key,
    "CreateInstanceProfile": profiles.create_instance_profile,
    "GetInstanceProfile": profiles.get_instance_profile,
    "ListInstanceProfiles": profiles.list_instance_profiles,
    "ListInstanceProfilesForRole": profiles.list_instance_profiles_for_role,
    "DeleteInstanceProfile": profiles.delete_instance_profile,
    "AddRoleToInstanceProfile": profiles.add_role_to_instance_profile,
    "RemoveRoleFromInstanceProfile": profiles.remove_role_from_instance_profile,
    "TagInstanceProfile": profiles.tag_instance_profile,
    "UntagInstanceProfile": profiles.untag_instance_profile,
    "ListInstanceProfileTags": profiles.list_instance_profile_tags,
    "GetAccountAuthorizationDetails": account.get_account_authorization_details,
    "GetAccountSummary": account.get_account_summary,
    "CreateAccountAlias": account.create_account_alias,
    "ListAccountAliases": account.list_account_aliases,
    "DeleteAccountAlias": account.delete_account_alias,
    "SimulatePrincipalPolicy": simulate.simulate_principal_policy,
    "SimulateCustomPolicy": simulate.simulate_custom_policy,
}


class IamService(ServiceProvider):
    name = "iam"

    def __init__(self, engine: IamEngine, usage: UsageRecorder) -> None:
        self.engine = engine
        self.usage = usage

    def operations(self) -> Mapping[str, Handler]:
        iam = self.engine
        table: dict[str, Handler] = dict(attached.handlers(iam))
        for name, function in _HANDLERS.items():
            table[name] = partial(function, iam)
        table["GetAccessKeyLastUsed"] = partial(keys.get_access_key_last_used, iam, self.usage)
        return table

    async def requirements(self, ctx: RequestContext, params: Params) -> Sequence[Requirement]:
        table = self.permission_table()
        extra: dict[str, str] = {}
        caller = ctx.principal
        if params.get("UserName") is None and caller.kind is PrincipalKind.IAM_USER:
            extra["UserName"] = caller.name or ""
        key_id = params.get("AccessKeyId")
        needs = set().union(*(e.placeholders() for e in table.entries(ctx.operation, params)))
        found = _Found()
        if needs & _LOOKED_UP:  # the entities' paths (and tags) are in the store
            found = await self.engine.read(
                lambda conn: _lookup(conn, ctx.account_id, params, extra, needs, key_id)
            )
        extra.update(found.paths)
        scope = Scope(ctx.account_id, ctx.region)
        out: list[Requirement] = []
        for requirement in table.requirements(ctx.operation, params, scope, extra):
            if ctx.operation in _POLICY_WRITES and ManagedCatalog.is_aws_arn(requirement.resource):
                requirement = replace(requirement, resource_account="aws")
            tags = found.tags.get(requirement.resource)
            if tags:
                requirement = replace(requirement, context=_with_tags(requirement, tags))
            out.append(requirement)
        return out

    def jobs(self) -> Sequence[Job]:
        return (SessionPurge(self.engine),)

    async def start(self, primary: bool) -> None:
        self.usage.start()

    async def stop(self) -> None:
        await self.usage.stop()

    async def summary(self, account_id: str) -> dict[str, object]:
        def read(conn: Conn) -> dict[str, object]:
            def count(table: str) -> int:
                sql = f"SELECT COUNT(*) AS n FROM {table} WHERE account_id = ?"  # noqa: S608
                return int(str(conn.scalar(sql, (account_id,))))

            return {
                "users": count("iam_users"),
                "roles": count("iam_roles"),
                "groups": count("iam_groups"),
                "policies": count("iam_policies"),
            }

        return await self.engine.read(read)


_LOOKED_UP = frozenset({"UserPath", "RolePath", "GroupPath", "ProfilePath"})


class _Found:
    def __init__(self) -> None:
        self.paths: dict[str, str] = {}
        self.tags: dict[str, Tags] = {}


def _lookup(
    conn: Conn,
    account: str,
    params: Params,
    extra: dict[str, str],
    needs: set[str],
    key_id: object,
) -> _Found:
    """Paths (and tags) of the entities a call names, for their ARNs and condition keys."""
    found = _Found()
    user_name = params.get("UserName") or extra.get("UserName")
    if "UserPath" in needs and key_id is not None and user_name is None:
        key = key_store.get(conn, str(key_id))
        if key is not None and key.account_id == account and key.user_name:
            user_name = extra["UserName"] = key.user_name
    if "UserPath" in needs:
        user = entities.get_user(conn, account, str(user_name or ""))
        found.paths["UserPath"] = user.path if user else "/"
        if user is not None:
            found.tags[user.arn] = user.tags
    if "RolePath" in needs:
        role = entities.get_role(conn, account, str(params.get("RoleName") or ""))
        found.paths["RolePath"] = role.path if role else "/"
        if role is not None:
            found.tags[role.arn] = role.tags
    if "GroupPath" in needs:
        group = entities.get_group(conn, account, str(params.get("GroupName") or ""))
        found.paths["GroupPath"] = group.path if group else "/"
    if "ProfilePath" in needs:
        profile = entities.get_profile(conn, account, str(params.get("InstanceProfileName") or ""))
        found.paths["ProfilePath"] = profile.path if profile else "/"
    return found


def _with_tags(requirement: Requirement, tags: Tags) -> dict[str, ContextValue]:
    context: dict[str, ContextValue] = dict(requirement.context)
    for key, value in tags:
        context[f"aws:resourcetag/{key.lower()}"] = value
        context[f"iam:resourcetag/{key.lower()}"] = value
    return context
