"""Authorize/RevokeSecurityGroupIngress/Egress."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.ec2 import defaults, errors, ids, permissions, views
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.models import Rule, RuleSpec
from fogbank.services.ec2.ops.common import (
    Params,
    dry_run,
    put_tags,
    resolve,
    str_list,
    tag_specs,
    target_group,
)
from fogbank.services.ec2.protocols import label
from fogbank.services.ec2.store import networks
from fogbank.services.ec2.store import rules as rule_store
from fogbank.services.ec2.store import tags as tag_store
from fogbank.storage.db import Conn

MAX_RULES = 60  # per group and direction: EC2's default quota


async def authorize(
    engine: Ec2Engine, ctx: RequestContext, params: Params, *, egress: bool
) -> Output:
    wanted = permissions.wanted(params)
    tags = tag_specs(params, "security-group-rule")

    def apply(conn: Conn) -> list[Rule]:
        group = target_group(conn, ctx, params, name_allowed=not egress)
        specs = [resolve(conn, ctx, group, w, egress) for w in wanted]
        if len({s.key() for s in specs}) != len(specs):
            raise errors.invalid_value("The same permission must not appear multiple times")
        existing = [r for r in rule_store.of_groups(conn, [group.group_id]) if r.egress == egress]
        have = {r.spec.key() for r in existing}
        for spec in specs:
            if spec.key() in have:
                raise errors.permission_duplicate(label(spec))
        if len(existing) + len(specs) > MAX_RULES:
            raise errors.rules_limit()
        dry_run(params)
        made = defaults.insert_rules(conn, group, specs)
        for rule in made:
            put_tags(conn, ctx, rule.rule_id, "security-group-rule", tags)
        return made

    made = await engine.write(ctx.account_id, ctx.region, apply, affects_rules=True)
    return {"Return": True, "SecurityGroupRules": [views.rule(r, tags) for r in made]}


def _by_ids(existing: list[Rule], rule_ids: list[str]) -> list[Rule]:
    by_id = {r.rule_id: r for r in existing}
    chosen = []
    for rule_id in rule_ids:
        ids.check(rule_id, "sgr")
        if rule_id not in by_id:
            raise errors.rule_not_found(rule_id)
        chosen.append(by_id[rule_id])
    return chosen


async def revoke(engine: Ec2Engine, ctx: RequestContext, params: Params, *, egress: bool) -> Output:
    rule_ids = str_list(params, "SecurityGroupRuleIds")
    wanted = [] if rule_ids and not params.get("IpPermissions") else permissions.wanted(params)
    if rule_ids and wanted:
        raise errors.combination(
            "The parameter 'securityGroupRuleIds' may not be used in combination with"
            " 'ipPermissions'"
        )

    def apply(conn: Conn) -> tuple[list[Rule], list[RuleSpec]]:
        group = target_group(conn, ctx, params, name_allowed=not egress)
        existing = [r for r in rule_store.of_groups(conn, [group.group_id]) if r.egress == egress]
        unknown: list[RuleSpec] = []
        if rule_ids:
            chosen = _by_ids(existing, rule_ids)
        else:
            by_key = {r.spec.key(): r for r in existing}
            chosen = []
            for w in wanted:
                spec = resolve(conn, ctx, group, w, egress)
                found = by_key.get(spec.key())
                if found is None:
                    unknown.append(spec)
                elif found not in chosen:
                    chosen.append(found)
            vpc = networks.vpc(conn, ctx.account_id, ctx.region, group.vpc_id)
            if unknown and (vpc is None or not vpc.is_default):
                raise errors.permission_not_found()
        dry_run(params)
        gone = [r.rule_id for r in chosen]
        rule_store.delete(conn, gone)
        tag_store.remove_all(conn, gone)
        return chosen, unknown

    revoked, unknown = await engine.write(ctx.account_id, ctx.region, apply, affects_rules=True)
    out: dict[str, object] = {
        "Return": True,
        "RevokedSecurityGroupRules": [views.revoked(r) for r in revoked],
    }
    if unknown:
        out["UnknownIpPermissions"] = views.ip_permissions(
            [Rule("", "", ctx.account_id, ctx.region, s, i) for i, s in enumerate(unknown)]
        )
    return out


async def authorize_ingress(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    return await authorize(engine, ctx, params, egress=False)


async def authorize_egress(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    return await authorize(engine, ctx, params, egress=True)


async def revoke_ingress(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    return await revoke(engine, ctx, params, egress=False)


async def revoke_egress(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    return await revoke(engine, ctx, params, egress=True)
