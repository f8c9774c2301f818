"""CreateTags, DeleteTags, DescribeTags (for VPCs, subnets, groups and rules)."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.ec2 import errors, ids, validate
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.filters import Fields, parse, pattern
from fogbank.services.ec2.ops.common import Params, dry_run, str_list, tag_pairs
from fogbank.services.ec2.paging import page
from fogbank.services.ec2.store import groups as group_store
from fogbank.services.ec2.store import networks
from fogbank.services.ec2.store import rules as rule_store
from fogbank.services.ec2.store import tags as tag_store
from fogbank.services.ec2.store.tags import TagRow
from fogbank.storage.db import Conn


def _check_resources(conn: Conn, ctx: RequestContext, resource_ids: list[str]) -> list[str]:
    """The resource type of each id; NotFound (or InvalidID) as EC2 says it."""
    kinds = []
    for rid in resource_ids:
        kind = ids.resource_type(rid)
        if kind is None:
            raise errors.invalid_id(rid)
        if kind == "vpc":
            if networks.vpc(conn, ctx.account_id, ctx.region, rid) is None:
                raise errors.vpc_not_found(rid)
        elif kind == "subnet":
            if networks.subnet(conn, ctx.account_id, ctx.region, rid) is None:
                raise errors.subnet_not_found(rid)
        elif kind == "security-group":
            g = group_store.get(conn, rid)
            if g is None or (g.account_id, g.region) != (ctx.account_id, ctx.region):
                raise errors.group_not_found(rid)
        else:
            rules = rule_store.by_ids(conn, [rid])
            if not rules or (rules[0].account_id, rules[0].region) != (ctx.account_id, ctx.region):
                raise errors.rule_not_found(rid)
        kinds.append(kind)
    return kinds


def _resources(params: Params) -> list[str]:
    resources = str_list(params, "Resources")
    if not resources:
        raise errors.missing("ResourceId")
    return resources


async def create_tags(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    resources = _resources(params)
    tags = dict(validate.tags(tag_pairs(params.get("Tags"))))
    if not tags:
        raise errors.missing("Tag")

    def apply(conn: Conn) -> None:
        kinds = _check_resources(conn, ctx, resources)
        dry_run(params)
        current = tag_store.of(conn, resources)
        for rid, kind in zip(resources, kinds, strict=True):
            if len({**current.get(rid, {}), **tags}) > validate.MAX_TAGS:
                raise errors.tag_limit()
            tag_store.put(conn, ctx.account_id, ctx.region, rid, kind, tags)

    await engine.write(ctx.account_id, ctx.region, apply, affects_rules=False)
    return {}


async def delete_tags(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    resources = _resources(params)
    raw = params.get("Tags")
    wanted: list[tuple[str, str | None]] | None = None
    if isinstance(raw, list) and raw:
        wanted = []
        for tag in raw:
            assert isinstance(tag, dict)
            key = tag.get("Key")
            if not isinstance(key, str):
                raise errors.missing("Tag.Key")
            value = tag.get("Value")
            wanted.append((key, value if isinstance(value, str) else None))

    def apply(conn: Conn) -> None:
        _check_resources(conn, ctx, resources)
        dry_run(params)
        if wanted is None:
            tag_store.remove_all(conn, resources)
            return
        for rid in resources:
            for key, value in wanted:
                tag_store.remove(conn, rid, key, value)

    await engine.write(ctx.account_id, ctx.region, apply, affects_rules=False)
    return {}


_FIELDS: Fields[TagRow] = Fields(
    {
        "key": lambda t: [t.key],
        "value": lambda t: [t.value],
        "resource-id": lambda t: [t.resource_id],
        "resource-type": lambda t: [t.resource_type],
    }
)


async def describe_tags(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    filters = parse(params)
    plain = [f for f in filters if not f.name.startswith("tag:")]
    by_tag = [f for f in filters if f.name.startswith("tag:")]
    dry_run(params)
    rows = await engine.read(
        ctx.account_id, ctx.region, lambda c: tag_store.in_region(c, ctx.account_id, ctx.region)
    )
    rows = _FIELDS.apply(plain, rows)
    for f in by_tag:  # tag:<key>: tags with that key and one of the values
        key, patterns = f.name[4:], [pattern(v) for v in f.values]
        rows = [r for r in rows if r.key == key and any(p.fullmatch(r.value) for p in patterns)]
    shown, token = page(rows, lambda t: f"{t.resource_id}\x00{t.key}", params)
    out: dict[str, object] = {
        "Tags": [
            {
                "ResourceId": t.resource_id,
                "ResourceType": t.resource_type,
                "Key": t.key,
                "Value": t.value,
            }
            for t in shown
        ]
    }
    if token:
        out["NextToken"] = token
    return out
