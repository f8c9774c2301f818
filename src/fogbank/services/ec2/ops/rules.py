"""DescribeSecurityGroupRules, ModifySecurityGroupRules,
UpdateSecurityGroupRuleDescriptionsIngress/Egress."""

from __future__ import annotations

from dataclasses import replace

from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.ec2 import errors, ids, permissions, validate, views
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.filters import Fields, parse
from fogbank.services.ec2.models import Rule, RuleSpec
from fogbank.services.ec2.ops.common import (
    Params,
    dry_run,
    group_by_id,
    opt_str,
    resolve,
    str_list,
    target_group,
)
from fogbank.services.ec2.paging import page
from fogbank.services.ec2.protocols import label
from fogbank.services.ec2.store import rules as rule_store
from fogbank.services.ec2.store import tags as tag_store
from fogbank.storage.db import Conn


def _fields(tags: dict[str, dict[str, str]]) -> Fields[Rule]:
    return Fields(
        {
            "group-id": lambda r: [r.group_id],
            "security-group-rule-id": lambda r: [r.rule_id],
        },
        tags=lambda r: tags.get(r.rule_id, {}),
    )


async def describe_rules(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    wanted = [ids.check(r, "sgr") for r in str_list(params, "SecurityGroupRuleIds")]
    filters = parse(params)
    dry_run(params)

    def read(conn: Conn) -> tuple[list[Rule], dict[str, dict[str, str]]]:
        found = rule_store.in_region(conn, ctx.account_id, ctx.region)
        return found, tag_store.of(conn, [r.rule_id for r in found])

    rules, tags = await engine.read(ctx.account_id, ctx.region, read)
    if wanted:
        have = {r.rule_id for r in rules}
        missing = [r for r in wanted if r not in have]
        if missing:
            raise errors.rule_not_found(missing[0])
        rules = [r for r in rules if r.rule_id in wanted]
    rules = _fields(tags).apply(filters, rules)
    shown, token = page(rules, lambda r: r.rule_id, params)
    out: dict[str, object] = {
        "SecurityGroupRules": [views.rule(r, tags.get(r.rule_id, {})) for r in shown]
    }
    if token:
        out["NextToken"] = token
    return out


def _as_permission(request: Params) -> dict[str, object]:
    """A SecurityGroupRuleRequest as the IpPermission it stands for (one source)."""
    description = request.get("Description")
    sources: list[tuple[str, dict[str, object]]] = []
    if request.get("CidrIpv4"):
        sources.append(("IpRanges", {"CidrIp": request["CidrIpv4"]}))
    if request.get("CidrIpv6"):
        sources.append(("Ipv6Ranges", {"CidrIpv6": request["CidrIpv6"]}))
    if request.get("PrefixListId"):
        sources.append(("PrefixListIds", {"PrefixListId": request["PrefixListId"]}))
    if request.get("ReferencedGroupId"):
        sources.append(("UserIdGroupPairs", {"GroupId": request["ReferencedGroupId"]}))
    if len(sources) != 1:
        raise errors.invalid_value(
            "A security group rule needs exactly one of CidrIpv4, CidrIpv6, PrefixListId"
            " or ReferencedGroupId"
        )
    key, item = sources[0]
    if description is not None:
        item["Description"] = description
    return {
        "IpProtocol": request.get("IpProtocol"),
        "FromPort": request.get("FromPort"),
        "ToPort": request.get("ToPort"),
        key: [item],
    }


async def modify_rules(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    raw = params.get("SecurityGroupRules") or []
    assert isinstance(raw, list)
    updates: list[tuple[str, permissions.Wanted]] = []
    for index, update in enumerate(raw, start=1):
        assert isinstance(update, dict)
        rule_id = ids.check(str(update.get("SecurityGroupRuleId") or ""), "sgr")
        request = update.get("SecurityGroupRule")
        if not isinstance(request, dict):
            raise errors.missing(f"SecurityGroupRule.{index}.SecurityGroupRule")
        (w,) = permissions.from_permission(_as_permission(request), index)
        updates.append((rule_id, w))

    def apply(conn: Conn) -> None:
        group = group_by_id(conn, ctx, str(params["GroupId"]))
        existing = {r.rule_id: r for r in rule_store.of_groups(conn, [group.group_id])}
        changed: dict[str, Rule] = {}
        for rule_id, w in updates:
            current = existing.get(rule_id)
            if current is None:
                raise errors.rule_not_found(rule_id)
            spec = resolve(conn, ctx, group, w, current.egress)
            changed[rule_id] = replace(current, spec=spec)
        after = {**existing, **changed}
        keys: set[tuple[bool, str]] = set()
        for rule in sorted(after.values(), key=lambda r: r.rule_id not in changed):
            ident = (rule.egress, rule.spec.key())
            if ident in keys:
                raise errors.permission_duplicate(label(rule.spec))
            keys.add(ident)
        dry_run(params)
        for rule in changed.values():  # free the keys first, then write the new content
            rule_store.replace(
                conn, replace(rule, spec=replace(rule.spec, protocol="~" + rule.rule_id))
            )
        for rule in changed.values():
            rule_store.replace(conn, rule)

    await engine.write(ctx.account_id, ctx.region, apply, affects_rules=True)
    return {"Return": True}


async def update_descriptions(
    engine: Ec2Engine, ctx: RequestContext, params: Params, *, egress: bool
) -> Output:
    raw = params.get("SecurityGroupRuleDescriptions") or []
    assert isinstance(raw, list)
    by_id: list[tuple[str, str | None]] = []
    for item in raw:
        assert isinstance(item, dict)
        rule_id = ids.check(str(item.get("SecurityGroupRuleId") or ""), "sgr")
        by_id.append((rule_id, validate.rule_description(opt_str(item, "Description"))))
    wanted = [] if by_id else permissions.wanted(params)

    def apply(conn: Conn) -> None:
        group = target_group(conn, ctx, params, name_allowed=not egress)
        existing = [r for r in rule_store.of_groups(conn, [group.group_id]) if r.egress == egress]
        changes: list[Rule] = []
        if by_id:
            rules = {r.rule_id: r for r in existing}
            for rule_id, description in by_id:
                if rule_id not in rules:
                    raise errors.rule_not_found(rule_id)
                changes.append(_described(rules[rule_id], description))
        else:
            by_key = {r.spec.key(): r for r in existing}
            for w in wanted:
                spec: RuleSpec = resolve(conn, ctx, group, w, egress)
                found = by_key.get(spec.key())
                if found is None:
                    raise errors.permission_not_found()
                changes.append(_described(found, w.description))
        dry_run(params)
        for rule in changes:
            rule_store.replace(conn, rule)

    await engine.write(ctx.account_id, ctx.region, apply, affects_rules=False)
    return {"Return": True}


def _described(rule: Rule, description: str | None) -> Rule:
    return replace(rule, spec=replace(rule.spec, description=description))


async def update_ingress_descriptions(
    engine: Ec2Engine, ctx: RequestContext, params: Params
) -> Output:
    return await update_descriptions(engine, ctx, params, egress=False)


async def update_egress_descriptions(
    engine: Ec2Engine, ctx: RequestContext, params: Params
) -> Output:
    return await update_descriptions(engine, ctx, params, egress=True)
