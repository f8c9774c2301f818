"""Domain objects as EC2 shows them (output shapes of the Describe calls)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fogbank.services.ec2 import cidrs, ids
from fogbank.services.ec2.models import Rule, SecurityGroup, SourceKind, Subnet, Vpc
from fogbank.services.ec2.protocols import wire_ports

Out = dict[str, object]
_ASSOCIATED = {"State": "associated"}
_BLOCK_PUBLIC_ACCESS = {"InternetGatewayBlockMode": "off"}


def tag_list(tags: Mapping[str, str]) -> list[Out]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def _with_tags(out: Out, tags: Mapping[str, str]) -> Out:
    if tags:
        out["Tags"] = tag_list(tags)
    return out


def vpc(v: Vpc, tags: Mapping[str, str]) -> Out:
    out: Out = {
        "VpcId": v.vpc_id,
        "OwnerId": v.account_id,
        "InstanceTenancy": v.instance_tenancy,
        "CidrBlock": v.cidr_block,
        "CidrBlockAssociationSet": [
            {
                "AssociationId": v.cidr_assoc_id,
                "CidrBlock": v.cidr_block,
                "CidrBlockState": _ASSOCIATED,
            }
        ],
        "IsDefault": v.is_default,
        "State": v.state,
        "DhcpOptionsId": v.dhcp_options_id,
        "BlockPublicAccessStates": _BLOCK_PUBLIC_ACCESS,
    }
    if v.ipv6_block:
        out["Ipv6CidrBlockAssociationSet"] = [
            {
                "AssociationId": v.ipv6_assoc_id,
                "Ipv6CidrBlock": v.ipv6_block,
                "Ipv6CidrBlockState": _ASSOCIATED,
                "NetworkBorderGroup": v.region,
                "Ipv6Pool": "Amazon",
            }
        ]
    return _with_tags(out, tags)


def subnet(s: Subnet, tags: Mapping[str, str]) -> Out:
    out: Out = {
        "SubnetId": s.subnet_id,
        "SubnetArn": ids.arn(s.region, s.account_id, "subnet", s.subnet_id),
        "VpcId": s.vpc_id,
        "OwnerId": s.account_id,
        "State": s.state,
        "CidrBlock": s.cidr_block,
        "AvailableIpAddressCount": cidrs.available_addresses(s.cidr_block),
        "AvailabilityZone": s.zone,
        "AvailabilityZoneId": s.zone_id,
        "DefaultForAz": s.default_for_az,
        "MapPublicIpOnLaunch": s.map_public_ip,
        "MapCustomerOwnedIpOnLaunch": False,
        "AssignIpv6AddressOnCreation": False,
        "Ipv6CidrBlockAssociationSet": [],
        "EnableDns64": False,
        "Ipv6Native": False,
        "PrivateDnsNameOptionsOnLaunch": {
            "HostnameType": "ip-name",
            "EnableResourceNameDnsARecord": False,
            "EnableResourceNameDnsAAAARecord": False,
        },
        "BlockPublicAccessStates": _BLOCK_PUBLIC_ACCESS,
    }
    return _with_tags(out, tags)


def _source_item(rule: Rule) -> tuple[str, Out]:
    src = rule.spec.source
    item: Out
    if src.kind is SourceKind.CIDR4:
        key, item = "IpRanges", {"CidrIp": src.value}
    elif src.kind is SourceKind.CIDR6:
        key, item = "Ipv6Ranges", {"CidrIpv6": src.value}
    elif src.kind is SourceKind.PREFIX_LIST:
        key, item = "PrefixListIds", {"PrefixListId": src.value}
    else:
        key, item = "UserIdGroupPairs", {"UserId": src.user_id or rule.account_id}
        item["GroupId"] = src.value
    if rule.spec.description is not None:
        item["Description"] = rule.spec.description
    return key, item


def ip_permissions(rules: Sequence[Rule]) -> list[Out]:
    """Rules grouped as IpPermissions: one per (protocol, ports), sources listed inside."""
    grouped: dict[tuple[str, int | None, int | None], Out] = {}
    for rule in sorted(rules, key=lambda r: r.position):
        spec = rule.spec
        head = (spec.protocol, spec.from_port, spec.to_port)
        perm = grouped.get(head)
        if perm is None:
            perm = {"IpProtocol": spec.protocol}
            if spec.from_port is not None:
                perm["FromPort"] = spec.from_port
                perm["ToPort"] = spec.to_port
            for key in ("UserIdGroupPairs", "IpRanges", "Ipv6Ranges", "PrefixListIds"):
                perm[key] = []
            grouped[head] = perm
        key, item = _source_item(rule)
        items = perm[key]
        assert isinstance(items, list)
        items.append(item)
    return list(grouped.values())


def group(g: SecurityGroup, rules: Sequence[Rule], tags: Mapping[str, str]) -> Out:
    out: Out = {
        "GroupId": g.group_id,
        "GroupName": g.name,
        "Description": g.description,
        "OwnerId": g.account_id,
        "VpcId": g.vpc_id,
        "SecurityGroupArn": ids.arn(g.region, g.account_id, "security-group", g.group_id),
        "IpPermissions": ip_permissions([r for r in rules if not r.egress]),
        "IpPermissionsEgress": ip_permissions([r for r in rules if r.egress]),
    }
    return _with_tags(out, tags)


def _rule_source(rule: Rule, out: Out, *, referenced_key: str) -> None:
    src = rule.spec.source
    if src.kind is SourceKind.CIDR4:
        out["CidrIpv4"] = src.value
    elif src.kind is SourceKind.CIDR6:
        out["CidrIpv6"] = src.value
    elif src.kind is SourceKind.PREFIX_LIST:
        out["PrefixListId"] = src.value
    elif referenced_key == "ReferencedGroupInfo":
        out["ReferencedGroupInfo"] = {
            "GroupId": src.value,
            "UserId": src.user_id or rule.account_id,
        }
    else:
        out[referenced_key] = src.value


def rule(r: Rule, tags: Mapping[str, str]) -> Out:
    """A SecurityGroupRule."""
    from_port, to_port = wire_ports(r.spec)
    out: Out = {
        "SecurityGroupRuleId": r.rule_id,
        "GroupId": r.group_id,
        "GroupOwnerId": r.account_id,
        "IsEgress": r.egress,
        "IpProtocol": r.spec.protocol,
        "FromPort": from_port,
        "ToPort": to_port,
        "SecurityGroupRuleArn": ids.arn(r.region, r.account_id, "security-group-rule", r.rule_id),
        "Tags": tag_list(tags),
    }
    _rule_source(r, out, referenced_key="ReferencedGroupInfo")
    if r.spec.description is not None:
        out["Description"] = r.spec.description
    return out


def revoked(r: Rule) -> Out:
    """A RevokedSecurityGroupRule."""
    from_port, to_port = wire_ports(r.spec)
    out: Out = {
        "SecurityGroupRuleId": r.rule_id,
        "GroupId": r.group_id,
        "IsEgress": r.egress,
        "IpProtocol": r.spec.protocol,
        "FromPort": from_port,
        "ToPort": to_port,
    }
    _rule_source(r, out, referenced_key="ReferencedGroupId")
    if r.spec.description is not None:
        out["Description"] = r.spec.description
    return out
