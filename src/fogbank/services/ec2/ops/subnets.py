"""CreateSubnet, DeleteSubnet, DescribeSubnets."""

from __future__ import annotations

from collections import Counter

from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.ec2 import cidrs, errors, ids, regions, views
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.filters import Fields, flag, parse
from fogbank.services.ec2.models import Subnet
from fogbank.services.ec2.ops.common import Params, dry_run, opt_str, put_tags, str_list, tag_specs
from fogbank.services.ec2.paging import page
from fogbank.services.ec2.store import attachments, networks
from fogbank.services.ec2.store import tags as tag_store
from fogbank.storage.db import Conn


def _fields(tags: dict[str, dict[str, str]]) -> Fields[Subnet]:
    return Fields(
        {
            "subnet-id": lambda s: [s.subnet_id],
            "subnet-arn": lambda s: [ids.arn(s.region, s.account_id, "subnet", s.subnet_id)],
            "vpc-id": lambda s: [s.vpc_id],
            "vpcId": lambda s: [s.vpc_id],
            "cidr": lambda s: [s.cidr_block],
            "cidr-block": lambda s: [s.cidr_block],
            "cidrBlock": lambda s: [s.cidr_block],
            "availability-zone": lambda s: [s.zone],
            "availabilityZone": lambda s: [s.zone],
            "availability-zone-id": lambda s: [s.zone_id],
            "availabilityZoneId": lambda s: [s.zone_id],
            "available-ip-address-count": lambda s: [str(cidrs.available_addresses(s.cidr_block))],
            "default-for-az": lambda s: flag(s.default_for_az),
            "defaultForAz": lambda s: flag(s.default_for_az),
            "map-public-ip-on-launch": lambda s: flag(s.map_public_ip),
            "ipv6-native": lambda s: flag(False),
            "owner-id": lambda s: [s.account_id],
            "state": lambda s: [s.state],
        },
        tags=lambda s: tags.get(s.subnet_id, {}),
    )


def _zone(ctx: RequestContext, params: Params) -> regions.Zone | None:
    name = opt_str(params, "AvailabilityZone")
    zone_id = opt_str(params, "AvailabilityZoneId")
    if name and zone_id:
        raise errors.combination(
            "The parameters 'availabilityZone' and 'availabilityZoneId' cannot be used together"
        )
    if name:
        zone = regions.zone_by_name(ctx.region, name)
        if zone is None:
            names = ", ".join(z.name for z in regions.zones(ctx.region))
            raise errors.invalid_value(
                f"Value ({name}) for parameter availabilityZone is invalid. Subnets can"
                f" currently only be created in the following availability zones: {names}."
            )
        return zone
    if zone_id:
        zone = regions.zone_by_id(ctx.region, zone_id)
        if zone is None:
            raise errors.invalid_value(
                f"Value ({zone_id}) for parameter availabilityZoneId is invalid."
            )
        return zone
    return None


async def create_subnet(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    vpc_id = ids.check(str(params["VpcId"]), "vpc")
    cidr = opt_str(params, "CidrBlock")
    if not cidr:
        raise errors.missing("cidrBlock")
    chosen = _zone(ctx, params)
    tags = tag_specs(params, "subnet")
    now = engine.now()

    def create(conn: Conn) -> Subnet:
        vpc = networks.vpc(conn, ctx.account_id, ctx.region, vpc_id)
        if vpc is None:
            raise errors.vpc_not_found(vpc_id)
        siblings = networks.subnets_in(conn, vpc_id)
        block = cidrs.subnet_block(cidr, [vpc.cidr_block], [s.cidr_block for s in siblings])
        dry_run(params)
        zone = chosen
        if zone is None:  # the zone with fewest subnets of this VPC
            used = Counter(s.zone for s in siblings)
            zone = min(regions.zones(ctx.region), key=lambda z: used[z.name])
        subnet = Subnet(
            subnet_id=ids.new("subnet"),
            account_id=ctx.account_id,
            region=ctx.region,
            vpc_id=vpc_id,
            cidr_block=str(block),
            zone=zone.name,
            zone_id=zone.zone_id,
            default_for_az=False,
            map_public_ip=False,
            created_at=now,
        )
        networks.insert_subnet(conn, subnet)
        put_tags(conn, ctx, subnet.subnet_id, "subnet", tags)
        return subnet

    subnet = await engine.write(ctx.account_id, ctx.region, create, affects_rules=False)
    ctx.resources.append(
        ("AWS::EC2::Subnet", ids.arn(ctx.region, ctx.account_id, "subnet", subnet.subnet_id))
    )
    return {"Subnet": {**views.subnet(subnet, tags), "State": "available"}}


async def delete_subnet(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    subnet_id = ids.check(str(params["SubnetId"]), "subnet")

    def delete(conn: Conn) -> None:
        if networks.subnet(conn, ctx.account_id, ctx.region, subnet_id) is None:
            raise errors.subnet_not_found(subnet_id)
        dry_run(params)
        if attachments.in_subnet(conn, subnet_id):
            raise errors.subnet_in_use(subnet_id)
        tag_store.remove_all(conn, [subnet_id])
        networks.delete_subnet(conn, subnet_id)

    await engine.write(ctx.account_id, ctx.region, delete, affects_rules=False)
    return {}


async def describe_subnets(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    wanted = [ids.check(s, "subnet") for s in str_list(params, "SubnetIds")]
    if wanted and params.get("MaxResults") is not None:
        raise errors.combination(
            "The parameter subnetSet cannot be used with the parameter maxResults"
        )
    filters = parse(params)
    dry_run(params)

    def read(conn: Conn) -> tuple[list[Subnet], dict[str, dict[str, str]]]:
        found = networks.subnets(conn, ctx.account_id, ctx.region)
        return found, tag_store.of(conn, [s.subnet_id for s in found])

    subnets, tags = await engine.read(ctx.account_id, ctx.region, read)
    if wanted:
        have = {s.subnet_id for s in subnets}
        missing = [s for s in wanted if s not in have]
        if missing:
            raise errors.subnet_not_found(missing[0])
        subnets = [s for s in subnets if s.subnet_id in wanted]
    subnets = _fields(tags).apply(filters, subnets)
    shown, token = page(subnets, lambda s: s.subnet_id, params)
    out: dict[str, object] = {
        "Subnets": [views.subnet(s, tags.get(s.subnet_id, {})) for s in shown]
    }
    if token:
        out["NextToken"] = token
    return out
