"""IP protocols and port ranges of security group rules, as EC2 validates and names them."""

from __future__ import annotations

from fogbank.services.ec2 import errors
from fogbank.services.ec2.models import RuleSpec, SourceKind

ALL = "-1"
_BY_NUMBER = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_NAMES = frozenset(_BY_NUMBER.values())
PORTED = frozenset({"tcp", "udp"})
ICMP = frozenset({"icmp", "icmpv6"})


def normalize(text: str) -> str:
    """``TCP``/``6`` -> ``tcp``; ``-1``; other protocol numbers 0-255 as they are."""
    value = text.strip().lower()
    if value == ALL or value in _NAMES:
        return value
    if value.isdigit() and 0 <= int(value) <= 255:
        return _BY_NUMBER.get(str(int(value)), str(int(value)))
    raise errors.invalid_value(f"Invalid value '{text}' for IP protocol. Unknown protocol.")


def ports(
    protocol: str, from_port: int | None, to_port: int | None
) -> tuple[int | None, int | None]:
    """The stored range for a protocol: checked for tcp/udp and ICMP, dropped otherwise."""
    if protocol in PORTED:
        if from_port is None or to_port is None:
            raise errors.invalid_value(
                "Invalid value for portRange. Must specify both from and to ports with TCP/UDP."
            )
        for end, value in (("from", from_port), ("to", to_port)):
            if not 0 <= value <= 65535:
                raise errors.invalid_value(f"TCP/UDP ({end}) port ({value}) out of range")
        if from_port > to_port:
            raise errors.invalid_value(
                f"Invalid TCP/UDP port range: from port {from_port} is greater than "
                f"to port {to_port}"
            )
        return from_port, to_port
    if protocol in ICMP:
        icmp_type = -1 if from_port is None else from_port
        code = -1 if to_port is None else to_port
        if not -1 <= icmp_type <= 255:
            raise errors.invalid_value(f"ICMP type ({icmp_type}) out of range")
        if not -1 <= code <= 255:
            raise errors.invalid_value(f"ICMP code ({code}) out of range")
        if icmp_type == -1 and code != -1:
            raise errors.invalid_value(
                f"ICMP code ({code}) out of range: with ICMP type -1 (all types) "
                "the code must be -1"
            )
        return icmp_type, code
    return None, None


def wire_ports(spec: RuleSpec) -> tuple[int, int]:
    """FromPort/ToPort of a SecurityGroupRule: -1/-1 for protocols without ports."""
    if spec.from_port is None or spec.to_port is None:
        return -1, -1
    return spec.from_port, spec.to_port


def label(spec: RuleSpec) -> str:
    """``peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`` (duplicate errors)."""
    peer = spec.source.value
    if spec.protocol == ALL:
        what = "ALL"
    elif spec.protocol in PORTED:
        what = f"{spec.protocol.upper()}, from port: {spec.from_port}, to port: {spec.to_port}"
    elif spec.protocol in ICMP:

        def part(value: int | None) -> str:
            return "ALL" if value is None or value == -1 else str(value)

        what = f"{spec.protocol.upper()}, type: {part(spec.from_port)}, code: {part(spec.to_port)}"
    else:
        what = spec.protocol
    return f"peer: {peer}, {what}, ALLOW"


def admits(spec: RuleSpec, protocol: str, port: int) -> bool:
    """Does the rule's protocol and range cover a connection (protocol name, port)?"""
    if spec.protocol == ALL:
        return True
    if spec.protocol != protocol:
        return False
    if spec.protocol in PORTED:
        assert spec.from_port is not None and spec.to_port is not None
        return spec.from_port <= port <= spec.to_port
    if spec.protocol in ICMP:
        return spec.from_port in (-1, port)
    return True


def is_cidr(kind: SourceKind) -> bool:
    return kind in (SourceKind.CIDR4, SourceKind.CIDR6)
