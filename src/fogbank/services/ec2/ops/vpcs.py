"""CreateVpc, DeleteVpc, DescribeVpcs, CreateDefaultVpc."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.ec2 import cidrs, defaults, errors, ids, views
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.filters import Fields, flag, opt, parse
from fogbank.services.ec2.models import Vpc
from fogbank.services.ec2.ops.common import Params, dry_run, opt_str, put_tags, str_list, tag_specs
from fogbank.services.ec2.paging import page
from fogbank.services.ec2.store import attachments, networks
from fogbank.services.ec2.store import groups as group_store
from fogbank.services.ec2.store import rules as rule_store
from fogbank.services.ec2.store import tags as tag_store
from fogbank.storage.db import Conn

MAX_VPCS = 5  # per region: EC2's default quota
_TENANCY = ("default", "dedicated")


def _fields(tags: dict[str, dict[str, str]]) -> Fields[Vpc]:
    return Fields(
        {
            "vpc-id": lambda v: [v.vpc_id],
            "cidr": lambda v: [v.cidr_block],
            "cidr-block": lambda v: [v.cidr_block],
            "cidrBlock": lambda v: [v.cidr_block],
            "cidr-block-association.cidr-block": lambda v: [v.cidr_block],
            "cidr-block-association.association-id": lambda v: [v.cidr_assoc_id],
            "cidr-block-association.state": lambda v: ["associated"],
            "ipv6-cidr-block-association.ipv6-cidr-block": lambda v: opt(v.ipv6_block),
            "ipv6-cidr-block-association.association-id": lambda v: opt(v.ipv6_assoc_id),
            "ipv6-cidr-block-association.state": lambda v: ["associated"] if v.ipv6_block else [],
            "ipv6-cidr-block-association.ipv6-pool": lambda v: ["Amazon"] if v.ipv6_block else [],
            "dhcp-options-id": lambda v: [v.dhcp_options_id],
            "is-default": lambda v: flag(v.is_default),
            "isDefault": lambda v: flag(v.is_default),
            "owner-id": lambda v: [v.account_id],
            "state": lambda v: [v.state],
        },
        tags=lambda v: tags.get(v.vpc_id, {}),
    )


async def create_vpc(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    cidr = opt_str(params, "CidrBlock")
    if not cidr:
        if opt_str(params, "Ipv4IpamPoolId"):
            raise errors.error(
                "InvalidIpamPoolId.NotFound",
                f"The ipam pool ID '{opt_str(params, 'Ipv4IpamPoolId')}' does not exist",
            )
        raise errors.missing("cidrBlock")
    block = str(cidrs.vpc_block(cidr))
    tenancy = opt_str(params, "InstanceTenancy") or "default"
    if tenancy not in _TENANCY:
        raise errors.invalid_value(f"Value ({tenancy}) for parameter instanceTenancy is invalid.")
    tags = tag_specs(params, "vpc")
    dry_run(params)
    now = engine.now()
    vpc = defaults.new_vpc(
        ctx.account_id,
        ctx.region,
        block,
        now,
        tenancy=tenancy,
        ipv6=bool(params.get("AmazonProvidedIpv6CidrBlock")),
    )

    def create(conn: Conn) -> None:
        if networks.count_vpcs(conn, ctx.account_id, ctx.region) >= MAX_VPCS:
            raise errors.vpc_limit()
        defaults.insert_vpc(conn, vpc)
        put_tags(conn, ctx, vpc.vpc_id, "vpc", tags)

    await engine.write(ctx.account_id, ctx.region, create, affects_rules=True)
    ctx.resources.append(("AWS::EC2::VPC", ids.arn(ctx.region, ctx.account_id, "vpc", vpc.vpc_id)))
    return {"Vpc": {**views.vpc(vpc, tags), "State": "pending"}}


async def create_default_vpc(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    dry_run(params)
    now = engine.now()

    def create(conn: Conn) -> Vpc:
        if networks.default_vpc(conn, ctx.account_id, ctx.region) is not None:
            raise errors.error(
                "DefaultVpcAlreadyExists",
                "A Default VPC already exists for this account in this region.",
            )
        if networks.count_vpcs(conn, ctx.account_id, ctx.region) >= MAX_VPCS:
            raise errors.vpc_limit()
        return defaults.create_default_network(conn, ctx.account_id, ctx.region, now)

    vpc = await engine.write(ctx.account_id, ctx.region, create, affects_rules=True)
    return {"Vpc": views.vpc(vpc, {})}


async def delete_vpc(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    vpc_id = ids.check(str(params["VpcId"]), "vpc")

    def delete(conn: Conn) -> None:
        vpc = networks.vpc(conn, ctx.account_id, ctx.region, vpc_id)
        if vpc is None:
            raise errors.vpc_not_found(vpc_id)
        dry_run(params)
        if networks.subnets_in(conn, vpc_id):
            raise errors.vpc_in_use(vpc_id)
        groups = group_store.in_vpc(conn, vpc_id)
        if any(not g.is_default for g in groups):
            raise errors.vpc_in_use(vpc_id)
        group_ids = [g.group_id for g in groups]
        if attachments.of_groups(conn, group_ids):
            raise errors.vpc_in_use(vpc_id)
        for g in groups:
            if rule_store.referencing(conn, g.group_id):
                raise errors.vpc_in_use(vpc_id)
        gone = [vpc_id, *group_ids]
        for g in groups:
            gone += rule_store.delete_group(conn, g.group_id)
            group_store.delete(conn, g.group_id)
        tag_store.remove_all(conn, gone)
        networks.delete_vpc(conn, vpc_id)

    await engine.write(ctx.account_id, ctx.region, delete, affects_rules=True)
    return {}


async def describe_vpcs(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    wanted = [ids.check(v, "vpc") for v in str_list(params, "VpcIds")]
    if wanted and params.get("MaxResults") is not None:
        raise errors.combination(
            "The parameter vpcSet cannot be used with the parameter maxResults"
        )
    filters = parse(params)
    dry_run(params)

    def read(conn: Conn) -> tuple[list[Vpc], dict[str, dict[str, str]]]:
        found = networks.vpcs(conn, ctx.account_id, ctx.region)
        return found, tag_store.of(conn, [v.vpc_id for v in found])

    vpcs, tags = await engine.read(ctx.account_id, ctx.region, read)
    if wanted:
        have = {v.vpc_id for v in vpcs}
        missing = [v for v in wanted if v not in have]
        if missing:
            raise errors.vpc_not_found(missing[0])
        vpcs = [v for v in vpcs if v.vpc_id in wanted]
    vpcs = _fields(tags).apply(filters, vpcs)
    shown, token = page(vpcs, lambda v: v.vpc_id, params)
    out: dict[str, object] = {"Vpcs": [views.vpc(v, tags.get(v.vpc_id, {})) for v in shown]}
    if token:
        out["NextToken"] = token
    return out
