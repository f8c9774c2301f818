"""Regions and Availability Zones: three zones per region, ``<region>a/b/c``."""

from __future__ import annotations

from dataclasses import dataclass

# Regions enabled by default in every account, then the opt-in regions (listed by
# DescribeRegions only with AllRegions=true, as "not-opted-in").
DEFAULT_REGIONS: tuple[str, ...] = (
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)
OPT_IN_REGIONS: tuple[str, ...] = (
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
)
ZONE_LETTERS = ("a", "b", "c")

_DIRECTIONS = {
    "east": "e",
    "west": "w",
    "north": "n",
    "south": "s",
    "central": "c",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
}


@dataclass(frozen=True)
class Zone:
    region: str
    name: str  # us-east-1a
    zone_id: str  # use1-az1


def short_code(region: str) -> str:
    """``us-east-1`` -> ``use1``, ``ap-southeast-2`` -> ``apse2``, as in AZ ids."""
    parts = region.split("-")
    if len(parts) < 3:
        return region.replace("-", "")
    return parts[0] + "".join(_DIRECTIONS.get(p, p[:1]) for p in parts[1:-1]) + parts[-1]


def zones(region: str) -> tuple[Zone, ...]:
    code = short_code(region)
    return tuple(
        Zone(region, f"{region}{letter}", f"{code}-az{n}")
        for n, letter in enumerate(ZONE_LETTERS, start=1)
    )


def zone_by_name(region: str, name: str) -> Zone | None:
    return next((z for z in zones(region) if z.name == name), None)


def zone_by_id(region: str, zone_id: str) -> Zone | None:
    return next((z for z in zones(region) if z.zone_id == zone_id), None)


def opt_in_status(region: str) -> str:
    if region in OPT_IN_REGIONS:
        return "not-opted-in"
    return "opt-in-not-required"


def endpoint(region: str) -> str:
    return f"ec2.{region}.amazonaws.com"
