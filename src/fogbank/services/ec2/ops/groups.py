"""CreateSecurityGroup, DeleteSecurityGroup, DescribeSecurityGroups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.ec2 import defaults, errors, ids, validate, views
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.filters import Extract, Fields, Filter, parse
from fogbank.services.ec2.models import DEFAULT_GROUP, Rule, SecurityGroup, SourceKind
from fogbank.services.ec2.ops.common import (
    Params,
    dry_run,
    opt_str,
    put_tags,
    str_list,
    tag_specs,
    target_group,
)
from fogbank.services.ec2.paging import page
from fogbank.services.ec2.store import attachments, networks
from fogbank.services.ec2.store import groups as group_store
from fogbank.services.ec2.store import rules as rule_store
from fogbank.services.ec2.store import tags as tag_store
from fogbank.storage.db import Conn

_NUMBERS = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58"}


@dataclass(frozen=True)
class _Item:
    group: SecurityGroup
    rules: tuple[Rule, ...]


Pick = Callable[[Rule], list[str]]


def _source(kind: SourceKind) -> Pick:
    return lambda r: [r.spec.source.value] if r.spec.source.kind is kind else []


def _permission_fields(
    prefix: str, egress: bool, names: dict[str, str]
) -> dict[str, Extract[_Item]]:
    """``ip-permission.*`` / ``egress.ip-permission.*``: values over a group's rules."""

    def group_name(r: Rule) -> list[str]:
        src = r.spec.source
        return [names[src.value]] if src.kind is SourceKind.GROUP and src.value in names else []

    def user_id(r: Rule) -> list[str]:
        src = r.spec.source
        return [src.user_id or r.account_id] if src.kind is SourceKind.GROUP else []

    picks: dict[str, Pick] = {
        "cidr": _source(SourceKind.CIDR4),
        "ipv6-cidr": _source(SourceKind.CIDR6),
        "prefix-list-id": _source(SourceKind.PREFIX_LIST),
        "group-id": _source(SourceKind.GROUP),
        "group-name": group_name,
        "user-id": user_id,
        "protocol": lambda r: [r.spec.protocol, _NUMBERS.get(r.spec.protocol, r.spec.protocol)],
        "from-port": lambda r: [] if r.spec.from_port is None else [str(r.spec.from_port)],
        "to-port": lambda r: [] if r.spec.to_port is None else [str(r.spec.to_port)],
    }

    def over_rules(pick: Pick) -> Extract[_Item]:
        return lambda item: [v for r in item.rules if r.egress == egress for v in pick(r)]

    return {f"{prefix}.{name}": over_rules(pick) for name, pick in picks.items()}


def _fields(tags: dict[str, dict[str, str]], names: dict[str, str]) -> Fields[_Item]:
    fields: dict[str, Extract[_Item]] = {
        "group-id": lambda i: [i.group.group_id],
        "group-name": lambda i: [i.group.name],
        "description": lambda i: [i.group.description],
        "owner-id": lambda i: [i.group.account_id],
        "vpc-id": lambda i: [i.group.vpc_id],
    }
    fields.update(_permission_fields("ip-permission", False, names))
    fields.update(_permission_fields("egress.ip-permission", True, names))
    return Fields(fields, tags=lambda i: tags.get(i.group.group_id, {}))


async def create_security_group(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    name = validate.group_name(str(params.get("GroupName") or ""))
    description = validate.group_description(str(params.get("Description") or ""))
    vpc_id = opt_str(params, "VpcId")
    if vpc_id:
        ids.check(vpc_id, "vpc")
    tags = tag_specs(params, "security-group")
    now = engine.now()

    def create(conn: Conn) -> SecurityGroup:
        if vpc_id:
            vpc = networks.vpc(conn, ctx.account_id, ctx.region, vpc_id)
            if vpc is None:
                raise errors.vpc_not_found(vpc_id)
        else:
            vpc = networks.default_vpc(conn, ctx.account_id, ctx.region)
            if vpc is None:
                raise errors.no_default_vpc()
        if name == DEFAULT_GROUP:
            raise errors.group_reserved(name)
        if group_store.by_name(conn, vpc.vpc_id, name) is not None:
            raise errors.group_duplicate(name, vpc.vpc_id)
        dry_run(params)
        group = SecurityGroup(
            ids.new("sg"), ctx.account_id, ctx.region, vpc.vpc_id, name, description, now
        )
        group_store.insert(conn, group)
        defaults.insert_rules(conn, group, defaults.egress_all(vpc))
        put_tags(conn, ctx, group.group_id, "security-group", tags)
        return group

    group = await engine.write(ctx.account_id, ctx.region, create, affects_rules=True)
    arn = ids.arn(ctx.region, ctx.account_id, "security-group", group.group_id)
    ctx.resources.append(("AWS::EC2::SecurityGroup", arn))
    out: dict[str, object] = {"GroupId": group.group_id, "SecurityGroupArn": arn}
    if tags:
        out["Tags"] = views.tag_list(tags)
    return out


async def delete_security_group(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    def delete(conn: Conn) -> str:
        group = target_group(conn, ctx, params)
        dry_run(params)
        if group.is_default:
            raise errors.cannot_delete_default(group.group_id)
        if rule_store.referencing(conn, group.group_id):
            raise errors.group_in_use(group.group_id)
        if attachments.of_groups(conn, [group.group_id]):
            raise errors.group_in_use(group.group_id)
        gone = rule_store.delete_group(conn, group.group_id)
        tag_store.remove_all(conn, [group.group_id, *gone])
        group_store.delete(conn, group.group_id)
        return group.group_id

    group_id = await engine.write(ctx.account_id, ctx.region, delete, affects_rules=True)
    return {"Return": True, "GroupId": group_id}


def _select(
    groups: list[SecurityGroup], group_ids: list[str], names: list[str], default_vpc: str | None
) -> list[SecurityGroup]:
    by_id = {g.group_id: g for g in groups}
    chosen: dict[str, SecurityGroup] = {}
    for group_id in group_ids:
        if group_id not in by_id:
            raise errors.group_not_found(group_id)
        chosen[group_id] = by_id[group_id]
    for name in names:
        match = next((g for g in groups if g.name == name and g.vpc_id == default_vpc), None)
        if match is None:
            raise errors.group_name_not_found(name, default_vpc)
        chosen[match.group_id] = match
    return list(chosen.values())


async def describe_security_groups(
    engine: Ec2Engine, ctx: RequestContext, params: Params
) -> Output:
    group_ids = [ids.check(g, "sg") for g in str_list(params, "GroupIds")]
    names = str_list(params, "GroupNames")
    if (group_ids or names) and params.get("MaxResults") is not None:
        which = "groupIdSet" if group_ids else "groupNameSet"
        raise errors.combination(
            f"The parameter {which} cannot be used with the parameter maxResults"
        )
    filters: list[Filter] = parse(params)
    dry_run(params)

    def read(conn: Conn) -> tuple[list[_Item], dict[str, dict[str, str]], dict[str, str]]:
        groups = group_store.in_region(conn, ctx.account_id, ctx.region)
        names_by_id = {g.group_id: g.name for g in groups}
        if group_ids or names:
            default = networks.default_vpc(conn, ctx.account_id, ctx.region)
            groups = _select(groups, group_ids, names, default.vpc_id if default else None)
        rules = rule_store.of_groups(conn, [g.group_id for g in groups])
        per_group: dict[str, list[Rule]] = {}
        for r in rules:
            per_group.setdefault(r.group_id, []).append(r)
        items = [_Item(g, tuple(per_group.get(g.group_id, ()))) for g in groups]
        return items, tag_store.of(conn, [g.group_id for g in groups]), names_by_id

    items, tags, names_by_id = await engine.read(ctx.account_id, ctx.region, read)
    items = _fields(tags, names_by_id).apply(filters, items)
    shown, token = page(items, lambda i: i.group.group_id, params)
    out: dict[str, object] = {
        "SecurityGroups": [
            views.group(i.group, i.rules, tags.get(i.group.group_id, {})) for i in shown
        ]
    }
    if token:
        out["NextToken"] = token
    return out
