"""CIDR blocks: VPC and subnet ranges, and the sources of security group rules."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from fogbank.services.ec2 import errors

# Address ranges a VPC cannot use.
_UNUSABLE = tuple(
    ipaddress.IPv4Network(n)
    for n in ("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4")
)
RESERVED_PER_SUBNET = 5  # network, router, DNS, future use, broadcast


def _network(text: str, parameter: str) -> ipaddress.IPv4Network:
    if "/" not in text:
        raise errors.invalid_cidr(text, parameter)
    try:
        return ipaddress.IPv4Network(text, strict=True)
    except ValueError:
        raise errors.invalid_cidr(text, parameter) from None


def vpc_block(text: str) -> ipaddress.IPv4Network:
    net = _network(text, "cidrBlock")
    if not 16 <= net.prefixlen <= 28 or any(net.overlaps(bad) for bad in _UNUSABLE):
        raise errors.vpc_range(text)
    return net


def subnet_block(
    text: str, vpc_blocks: Iterable[str], siblings: Iterable[str]
) -> ipaddress.IPv4Network:
    """A subnet's range: /16 to /28, inside one of its VPC's blocks, overlapping no sibling."""
    net = _network(text, "cidrBlock")
    inside = any(net.subnet_of(ipaddress.IPv4Network(b)) for b in vpc_blocks)
    if not 16 <= net.prefixlen <= 28 or not inside:
        raise errors.subnet_range(text)
    if any(net.overlaps(ipaddress.IPv4Network(s)) for s in siblings):
        raise errors.subnet_conflict(text)
    return net


def available_addresses(cidr: str) -> int:
    return int(ipaddress.IPv4Network(cidr).num_addresses) - RESERVED_PER_SUBNET


def rule_ipv4(text: str) -> str:
    """A rule's IPv4 source or destination; host bits are masked off, as EC2 does."""
    if "/" not in text:
        raise errors.rule_cidr(text)
    try:
        return str(ipaddress.IPv4Network(text, strict=False))
    except ValueError:
        raise errors.rule_cidr(text) from None


def rule_ipv6(text: str) -> str:
    if "/" not in text:
        raise errors.rule_cidr(text)
    try:
        return str(ipaddress.IPv6Network(text, strict=False))
    except ValueError:
        raise errors.rule_cidr(text) from None
