"""DescribeAvailabilityZones, DescribeRegions, DescribeAccountAttributes,
DescribeNetworkInterfaces."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.ec2 import errors, regions
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.filters import Fields, parse
from fogbank.services.ec2.ops.common import Params, dry_run, str_list
from fogbank.services.ec2.paging import max_results
from fogbank.services.ec2.store import networks

_ZONE_FIELDS: Fields[regions.Zone] = Fields(
    {
        "zone-name": lambda z: [z.name],
        "zone-id": lambda z: [z.zone_id],
        "region-name": lambda z: [z.region],
        "group-name": lambda z: [z.region],
        "state": lambda z: ["available"],
        "opt-in-status": lambda z: ["opt-in-not-required"],
        "zone-type": lambda z: ["availability-zone"],
        "message": lambda z: [],
    }
)
_REGION_FIELDS: Fields[str] = Fields(
    {
        "region-name": lambda r: [r],
        "endpoint": lambda r: [regions.endpoint(r)],
        "opt-in-status": lambda r: [regions.opt_in_status(r)],
    }
)
_ATTRIBUTES = (
    "supported-platforms",
    "vpc-max-security-groups-per-interface",
    "max-elastic-ips",
    "max-instances",
    "vpc-max-elastic-ips",
    "default-vpc",
)


async def describe_zones(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    zones = list(regions.zones(ctx.region))
    names = str_list(params, "ZoneNames")
    zone_ids = str_list(params, "ZoneIds")
    bad = [n for n in names if regions.zone_by_name(ctx.region, n) is None]
    if bad:
        raise errors.invalid_value(f"Invalid availability zone: [{bad[0]}]")
    bad = [z for z in zone_ids if regions.zone_by_id(ctx.region, z) is None]
    if bad:
        raise errors.invalid_value(f"Invalid availability zone: [{bad[0]}]")
    filters = parse(params)
    dry_run(params)
    if names or zone_ids:
        zones = [z for z in zones if z.name in names or z.zone_id in zone_ids]
    zones = _ZONE_FIELDS.apply(filters, zones)
    return {
        "AvailabilityZones": [
            {
                "ZoneName": z.name,
                "ZoneId": z.zone_id,
                "RegionName": z.region,
                "State": "available",
                "OptInStatus": "opt-in-not-required",
                "Messages": [],
                "GroupName": z.region,
                "NetworkBorderGroup": z.region,
                "ZoneType": "availability-zone",
            }
            for z in zones
        ]
    }


async def describe_regions(engine: Ec2Engine, ctx: RequestContext, params: Params) -> Output:
    known = [*regions.DEFAULT_REGIONS, *regions.OPT_IN_REGIONS]
    every = bool(params.get("AllRegions"))
    chosen = sorted(known if every else regions.DEFAULT_REGIONS)
    names = str_list(params, "RegionNames")
    for name in names:
        if name not in known:
            raise errors.invalid_value(f"Invalid region: {name}")
    filters = parse(params)
    dry_run(params)
    if names:
        chosen = [r for r in chosen if r in names]
    chosen = _REGION_FIELDS.apply(filters, chosen)
    return {
        "Regions": [
            {
                "RegionName": r,
                "Endpoint": regions.endpoint(r),
                "OptInStatus": regions.opt_in_status(r),
            }
            for r in chosen
        ]
    }


async def describe_account_attributes(
    engine: Ec2Engine, ctx: RequestContext, params: Params
) -> Output:
    wanted = str_list(params, "AttributeNames")
    for name in wanted:
        if name not in _ATTRIBUTES:
            raise errors.invalid_value(f"Value ({name}) for parameter attributeName is invalid.")
    dry_run(params)
    default = await engine.read(
        ctx.account_id, ctx.region, lambda c: networks.default_vpc(c, ctx.account_id, ctx.region)
    )
    values = {
        "supported-platforms": ["VPC"],
        "vpc-max-security-groups-per-interface": ["5"],
        "max-elastic-ips": ["5"],
        "max-instances": ["20"],
        "vpc-max-elastic-ips": ["5"],
        "default-vpc": [default.vpc_id if default else "none"],
    }
    names = wanted or list(_ATTRIBUTES)
    return {
        "AccountAttributes": [
            {
                "AttributeName": name,
                "AttributeValues": [{"AttributeValue": v} for v in values[name]],
            }
            for name in names
        ]
    }


async def describe_network_interfaces(
    engine: Ec2Engine, ctx: RequestContext, params: Params
) -> Output:
    """fogbank models no network interfaces: the honest answer is none."""
    max_results(params, 5, 1000)
    parse(params)
    dry_run(params)
    wanted = str_list(params, "NetworkInterfaceIds")
    if wanted:
        raise errors.error(
            "InvalidNetworkInterfaceID.NotFound",
            f"The networkInterface ID '{wanted[0]}' does not exist",
        )
    return {"NetworkInterfaces": []}
