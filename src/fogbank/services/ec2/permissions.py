"""Rules as requested: ``IpPermissions`` (or the legacy top-level CidrIp/FromPort/ToPort/
IpProtocol and SourceSecurityGroupName form) into one checked ``Wanted`` per source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fogbank.services.ec2 import cidrs, errors, protocols, validate
from fogbank.services.ec2.models import SourceKind

Params = Mapping[str, object]
_LEGACY = ("CidrIp", "FromPort", "ToPort", "IpProtocol", "SourceSecurityGroupName")


@dataclass(frozen=True)
class GroupRef:
    group_id: str | None
    group_name: str | None
    user_id: str | None


@dataclass(frozen=True)
class Wanted:
    """One rule as asked for; a group source is resolved against the store later."""

    protocol: str
    from_port: int | None
    to_port: int | None
    kind: SourceKind
    value: str | None  # CIDR or prefix list id; None for a group source
    group: GroupRef | None
    description: str | None


def _int(value: object) -> int | None:
    if value is None:
        return None
    assert isinstance(value, int)
    return value


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _items(perm: Params, key: str) -> list[Params]:
    raw = perm.get(key) or []
    assert isinstance(raw, list)
    return [item for item in raw if isinstance(item, dict)]


def from_permission(perm: Params, index: int) -> list[Wanted]:
    """The rules one IpPermission asks for (one per source)."""
    raw_protocol = _str(perm.get("IpProtocol"))
    if raw_protocol is None or raw_protocol == "":
        raise errors.missing(f"ipPermissions.{index}.ipProtocol")
    protocol = protocols.normalize(raw_protocol)
    low, high = protocols.ports(protocol, _int(perm.get("FromPort")), _int(perm.get("ToPort")))
    out: list[Wanted] = []

    def add(kind: SourceKind, value: str | None, group: GroupRef | None, item: Params) -> None:
        description = validate.rule_description(_str(item.get("Description")))
        out.append(Wanted(protocol, low, high, kind, value, group, description))

    for item in _items(perm, "IpRanges"):
        cidr = _str(item.get("CidrIp"))
        if not cidr:
            raise errors.missing(f"ipPermissions.{index}.ipRanges.cidrIp")
        add(SourceKind.CIDR4, cidrs.rule_ipv4(cidr), None, item)
    for item in _items(perm, "Ipv6Ranges"):
        cidr = _str(item.get("CidrIpv6"))
        if not cidr:
            raise errors.missing(f"ipPermissions.{index}.ipv6Ranges.cidrIpv6")
        add(SourceKind.CIDR6, cidrs.rule_ipv6(cidr), None, item)
    for item in _items(perm, "PrefixListIds"):
        pl = _str(item.get("PrefixListId"))
        if not pl or not pl.startswith("pl-"):
            raise errors.error(
                "InvalidPrefixListId.Malformed", f'Invalid id: "{pl}" (expecting "pl-...")'
            )
        add(SourceKind.PREFIX_LIST, pl, None, item)
    for item in _items(perm, "UserIdGroupPairs"):
        ref = GroupRef(
            _str(item.get("GroupId")) or None,
            _str(item.get("GroupName")) or None,
            _str(item.get("UserId")) or None,
        )
        if ref.group_id is None and ref.group_name is None:
            raise errors.missing(f"ipPermissions.{index}.groups.groupId")
        add(SourceKind.GROUP, None, ref, item)
    if not out:
        raise errors.missing(
            f"ipPermissions.{index} source (IpRanges, Ipv6Ranges, PrefixListIds or"
            " UserIdGroupPairs)"
        )
    return out


def _legacy(params: Params) -> list[Params]:
    source_group = _str(params.get("SourceSecurityGroupName"))
    cidr = _str(params.get("CidrIp"))
    if source_group:
        if any(params.get(k) is not None for k in ("CidrIp", "IpProtocol", "FromPort", "ToPort")):
            raise errors.combination(
                "The parameter 'sourceSecurityGroupName' may not be used in combination with"
                " 'cidrIp', 'ipProtocol', 'fromPort' or 'toPort'"
            )
        pair = {"GroupName": source_group, "UserId": params.get("SourceSecurityGroupOwnerId")}
        # As EC2 does: full ICMP, TCP and UDP access from the source group.
        return [
            {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "UserIdGroupPairs": [pair]},
            {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "UserIdGroupPairs": [pair]},
            {"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, "UserIdGroupPairs": [pair]},
        ]
    perm: dict[str, object] = {
        "IpProtocol": params.get("IpProtocol"),
        "FromPort": params.get("FromPort"),
        "ToPort": params.get("ToPort"),
    }
    if cidr is None:
        raise errors.missing("cidrIp")
    if not params.get("IpProtocol"):
        raise errors.missing("ipProtocol")
    perm["IpRanges"] = [{"CidrIp": cidr}]
    return [perm]


def wanted(params: Params) -> list[Wanted]:
    """Every rule a request asks for, checked; the same rule twice is an error."""
    raw = params.get("IpPermissions")
    legacy = [k for k in _LEGACY if params.get(k) is not None]
    if raw:
        if legacy:
            raise errors.combination(
                f"The parameter 'ipPermissions' may not be used in combination with"
                f" '{legacy[0][0].lower()}{legacy[0][1:]}'"
            )
        assert isinstance(raw, list)
        perms: list[Params] = [p for p in raw if isinstance(p, dict)]
    elif legacy:
        perms = _legacy(params)
    else:
        raise errors.missing("ipPermissions")
    out: list[Wanted] = []
    for index, perm in enumerate(perms, start=1):
        out.extend(from_permission(perm, index))
    seen: set[tuple[object, ...]] = set()
    for w in out:
        ident = (w.protocol, w.from_port, w.to_port, w.kind, w.value, w.group)
        if ident in seen:
            raise errors.invalid_value("The same permission must not appear multiple times")
        seen.add(ident)
    return out
