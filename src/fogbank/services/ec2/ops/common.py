"""What several operations share: parameters, DryRun, tags on create, finding groups."""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.services.ec2 import errors, ids, validate
from fogbank.services.ec2.models import RuleSpec, SecurityGroup, Source, SourceKind
from fogbank.services.ec2.permissions import Wanted
from fogbank.services.ec2.store import groups as group_store
from fogbank.services.ec2.store import networks
from fogbank.services.ec2.store import tags as tag_store
from fogbank.storage.db import Conn

Params = Mapping[str, object]


def dry_run(params: Params) -> None:
    """Permission has been checked by now (the gateway authorizes first)."""
    if params.get("DryRun"):
        raise errors.dry_run()


def opt_str(params: Params, name: str) -> str | None:
    value = params.get(name)
    return value if isinstance(value, str) else None


def str_list(params: Params, name: str) -> list[str]:
    value = params.get(name) or []
    assert isinstance(value, list)
    return [str(v) for v in value]


def tag_specs(params: Params, resource_type: str) -> dict[str, str]:
    """Tags from ``TagSpecifications`` for a resource of ``resource_type``."""
    raw = params.get("TagSpecifications") or []
    assert isinstance(raw, list)
    out: dict[str, str] = {}
    for spec in raw:
        assert isinstance(spec, dict)
        kind = spec.get("ResourceType")
        if kind != resource_type:
            raise errors.invalid_value(
                f"'{kind}' is not a valid taggable resource type for this operation."
            )
        out.update(tag_pairs(spec.get("Tags")))
    if len(out) > validate.MAX_TAGS:
        raise errors.tag_limit()
    return dict(validate.tags(out))


def tag_pairs(raw: object) -> dict[str, str]:
    items = raw or []
    assert isinstance(items, list)
    out: dict[str, str] = {}
    for tag in items:
        assert isinstance(tag, dict)
        key = tag.get("Key")
        if not isinstance(key, str):
            raise errors.missing("Tag.Key")
        value = tag.get("Value")
        out[key] = value if isinstance(value, str) else ""
    return out


def put_tags(
    conn: Conn, ctx: RequestContext, resource_id: str, kind: str, tags: Mapping[str, str]
) -> None:
    if tags:
        tag_store.put(conn, ctx.account_id, ctx.region, resource_id, kind, tags)


def group_by_id(conn: Conn, ctx: RequestContext, group_id: str) -> SecurityGroup:
    ids.check(group_id, "sg")
    group = group_store.get(conn, group_id)
    if group is None or group.account_id != ctx.account_id or group.region != ctx.region:
        raise errors.group_not_found(group_id)
    return group


def group_in_default_vpc(conn: Conn, ctx: RequestContext, name: str) -> SecurityGroup:
    vpc = networks.default_vpc(conn, ctx.account_id, ctx.region)
    group = None if vpc is None else group_store.by_name(conn, vpc.vpc_id, name)
    if group is None:
        raise errors.group_name_not_found(name, None if vpc is None else vpc.vpc_id)
    return group


def target_group(
    conn: Conn, ctx: RequestContext, params: Params, *, name_allowed: bool = True
) -> SecurityGroup:
    """The group a call acts on: ``GroupId``, else ``GroupName`` in the default VPC."""
    group_id = opt_str(params, "GroupId")
    if group_id:
        return group_by_id(conn, ctx, group_id)
    name = opt_str(params, "GroupName")
    if name and name_allowed:
        return group_in_default_vpc(conn, ctx, name)
    raise errors.missing("groupId" if not name_allowed else "groupName or groupId")


def resolve(
    conn: Conn, ctx: RequestContext, group: SecurityGroup, w: Wanted, egress: bool
) -> RuleSpec:
    """A requested rule as stored: a group source by id, checked to exist (in this
    account; another account's group is taken on trust)."""
    if w.kind is not SourceKind.GROUP:
        assert w.value is not None
        source = Source(w.kind, w.value)
    else:
        ref = w.group
        assert ref is not None
        other_account = ref.user_id is not None and ref.user_id != ctx.account_id
        if ref.group_id is not None:
            ids.check(ref.group_id, "sg")
            if not other_account:
                group_by_id(conn, ctx, ref.group_id)
            source = Source(SourceKind.GROUP, ref.group_id, ref.user_id or ctx.account_id)
        else:
            assert ref.group_name is not None
            found = group_store.by_name(conn, group.vpc_id, ref.group_name)
            if found is None or other_account:
                raise errors.group_name_not_found(ref.group_name, group.vpc_id)
            source = Source(SourceKind.GROUP, found.group_id, ctx.account_id)
    return RuleSpec(egress, w.protocol, w.from_port, w.to_port, source, w.description)
