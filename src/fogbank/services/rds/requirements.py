"""What each RDS call needs from IAM: ``rds:<Operation>`` on the resources it names
(``arn:aws:rds:<region>:<account>:db:<name>``, ``pg:``, ``subgrp:``), with RDS's condition
keys: the resource's tags (``rds:db-tag/<key>``, ``rds:pg-tag/<key>``,
``rds:subgrp-tag/<key>``, ``aws:ResourceTag/<key>``), the tags a call adds
(``aws:RequestTag/<key>``, ``rds:req-tag/<key>``, ``aws:TagKeys``) and an instance's
attributes (``rds:DatabaseEngine``, ``rds:DatabaseClass``, ``rds:StorageSize`` ...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fogbank.authz.requirements import ContextValue, Requirement
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.rds import arns, tagging
from fogbank.services.rds.backend import RdsBackend
from fogbank.services.rds.models import Instance, Scope, Tags
from fogbank.services.rds.ops.common import Params, integer, scope, strings, text

Context = dict[str, ContextValue]

_DB_OPERATIONS = frozenset(
    {
        "DescribeDBInstances",
        "ModifyDBInstance",
        "DeleteDBInstance",
        "RebootDBInstance",
        "StopDBInstance",
        "StartDBInstance",
    }
)
_PG_OPERATIONS = frozenset(
    {
        "CreateDBParameterGroup",
        "DescribeDBParameterGroups",
        "ModifyDBParameterGroup",
        "ResetDBParameterGroup",
        "DeleteDBParameterGroup",
        "DescribeDBParameters",
    }
)
_SUBGRP_OPERATIONS = frozenset(
    {
        "CreateDBSubnetGroup",
        "DescribeDBSubnetGroups",
        "ModifyDBSubnetGroup",
        "DeleteDBSubnetGroup",
    }
)
_TAG_PREFIX = {arns.DB: "db", arns.PARAMETER_GROUP: "pg", arns.SUBNET_GROUP: "subgrp"}


def _name(value: str | None) -> str:
    if not value:
        return "*"
    if value.startswith("arn:"):
        try:
            return arns.parse(value).name
        except AwsError:
            return value
    return value.lower()


def resource_tags(kind: str, tags: Tags) -> Context:
    prefix = _TAG_PREFIX.get(kind, kind)
    out: Context = {}
    for key, value in tags:
        out[f"rds:{prefix}-tag/{key}".lower()] = value
        out[f"aws:resourcetag/{key}".lower()] = value
    return out


def request_tags(params: Params) -> Context:
    raw = params.get("Tags")
    if not isinstance(raw, list) or not raw:
        return {}
    out: Context = {}
    keys: list[str] = []
    for item in raw:
        if isinstance(item, Mapping) and isinstance(item.get("Key"), str):
            key = str(item["Key"])
            value = item.get("Value")
            keys.append(key)
            out[f"aws:requesttag/{key}".lower()] = value if isinstance(value, str) else ""
            out[f"rds:req-tag/{key}".lower()] = value if isinstance(value, str) else ""
    out["aws:tagkeys"] = keys
    return out


def instance_keys(i: Instance) -> Context:
    return {
        "rds:databaseengine": i.engine,
        "rds:databaseclass": i.instance_class,
        "rds:storagesize": i.allocated_storage,
        "rds:multiaz": False,
        "rds:piops": i.options.iops or 0,
        "rds:storageencrypted": False,
        "rds:vpc": True,
        **({"rds:databasename": i.db_name} if i.db_name else {}),
    }


def _create_keys(params: Params) -> Context:
    out: Context = {
        "rds:databaseengine": (text(params, "Engine") or "").lower(),
        "rds:databaseclass": text(params, "DBInstanceClass") or "",
        "rds:storagesize": integer(params, "AllocatedStorage") or 0,
        "rds:multiaz": params.get("MultiAZ") is True,
        "rds:piops": integer(params, "Iops") or 0,
        "rds:storageencrypted": params.get("StorageEncrypted") is True,
        "rds:vpc": True,
        "rds:managemasteruserpassword": params.get("ManageMasterUserPassword") is True,
    }
    name = text(params, "DBName")
    if name:
        out["rds:databasename"] = name
    return out


class RdsRequirements:
    def __init__(self, rds: RdsBackend) -> None:
        self.rds = rds

    async def _instance(self, sc: Scope, name: str) -> Context:
        if name == "*":
            return {}
        try:
            layer = await self.rds.layer()
            i = await layer.instances.get(sc, name)
        except AwsError:
            return {}
        tags = await self.rds.db.read(lambda c: tagging.get(c, sc, tagging.DB, i.resource_id))
        return {**instance_keys(i), **resource_tags(arns.DB, tags)}

    async def _tagged(self, sc: Scope, kind: str, name: str) -> Context:
        if name == "*":
            return {}
        tags = await self.rds.db.read(lambda c: tagging.get(c, sc, kind, name))
        return resource_tags(kind, tags)

    async def of(self, ctx: RequestContext, params: Params) -> Sequence[Requirement]:
        op = ctx.operation
        action = f"rds:{op}"
        sc = scope(ctx)

        def need(kind: str, name: str, context: Context | None = None) -> Requirement:
            return Requirement(action, arns.of(sc, kind, name), context=context or {})

        if op == "CreateDBInstance":
            ident = _name(text(params, "DBInstanceIdentifier"))
            needs = [need(arns.DB, ident, {**_create_keys(params), **request_tags(params)})]
            pg = text(params, "DBParameterGroupName")
            if pg:
                needs.append(need(arns.PARAMETER_GROUP, _name(pg)))
            subgrp = text(params, "DBSubnetGroupName")
            if subgrp:
                needs.append(need(arns.SUBNET_GROUP, _name(subgrp)))
            return needs
        if op in _DB_OPERATIONS:
            ident = _name(text(params, "DBInstanceIdentifier"))
            needs = [need(arns.DB, ident, await self._instance(sc, ident))]
            pg = text(params, "DBParameterGroupName")
            if op == "ModifyDBInstance" and pg:
                needs.append(need(arns.PARAMETER_GROUP, _name(pg)))
            return needs
        if op in _PG_OPERATIONS:
            name = _name(text(params, "DBParameterGroupName"))
            context = request_tags(params) if op.startswith("Create") else {}
            context.update(await self._tagged(sc, tagging.PARAMETER_GROUP, name))
            return [need(arns.PARAMETER_GROUP, name, context)]
        if op == "CopyDBParameterGroup":
            source = _name(text(params, "SourceDBParameterGroupIdentifier"))
            target = _name(text(params, "TargetDBParameterGroupIdentifier"))
            return [
                need(arns.PARAMETER_GROUP, source, await self._tagged(sc, "pg", source)),
                need(arns.PARAMETER_GROUP, target, request_tags(params)),
            ]
        if op in _SUBGRP_OPERATIONS:
            name = _name(text(params, "DBSubnetGroupName"))
            context = request_tags(params) if op.startswith("Create") else {}
            context.update(await self._tagged(sc, tagging.SUBNET_GROUP, name))
            return [need(arns.SUBNET_GROUP, name, context)]
        if op in ("AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource"):
            return [await self._by_arn(ctx, action, text(params, "ResourceName") or "", params)]
        return [Requirement(action)]

    async def _by_arn(
        self, ctx: RequestContext, action: str, arn: str, params: Params
    ) -> Requirement:
        try:
            parsed = arns.parse(arn)
        except AwsError:
            return Requirement(action)
        context: Context = {}
        if ctx.operation == "AddTagsToResource":
            context.update(request_tags(params))
        if ctx.operation == "RemoveTagsFromResource":
            context["aws:tagkeys"] = strings(params, "TagKeys") or []
        if parsed.scope == scope(ctx):
            if parsed.kind == arns.DB:
                context.update(await self._instance(parsed.scope, parsed.name))
            elif parsed.kind in (arns.PARAMETER_GROUP, arns.SUBNET_GROUP):
                context.update(await self._tagged(parsed.scope, parsed.kind, parsed.name))
        return Requirement(action, arn, resource_account=parsed.scope.account_id, context=context)
