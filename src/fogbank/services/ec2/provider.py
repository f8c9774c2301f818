"""The EC2 service provider: the dispatch table and the IAM requirements of each call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial

from fogbank.authz.requirements import Requirement
from fogbank.core.context import RequestContext
from fogbank.services.base import Handler, Output, Params, ServiceProvider
from fogbank.services.ec2 import requirements
from fogbank.services.ec2.client import Ec2Client
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.ops import authorize, groups, info, rules, subnets, tags, vpcs
from fogbank.storage.db import Conn

Op = Callable[[Ec2Engine, RequestContext, Params], Awaitable[Output]]

_OPERATIONS: dict[str, Op] = {
    "CreateVpc": vpcs.create_vpc,
    "CreateDefaultVpc": vpcs.create_default_vpc,
    "DeleteVpc": vpcs.delete_vpc,
    "DescribeVpcs": vpcs.describe_vpcs,
    "CreateSubnet": subnets.create_subnet,
    "DeleteSubnet": subnets.delete_subnet,
    "DescribeSubnets": subnets.describe_subnets,
    "CreateSecurityGroup": groups.create_security_group,
    "DeleteSecurityGroup": groups.delete_security_group,
    "DescribeSecurityGroups": groups.describe_security_groups,
    "AuthorizeSecurityGroupIngress": authorize.authorize_ingress,
    "AuthorizeSecurityGroupEgress": authorize.authorize_egress,
    "RevokeSecurityGroupIngress": authorize.revoke_ingress,
    "RevokeSecurityGroupEgress": authorize.revoke_egress,
    "DescribeSecurityGroupRules": rules.describe_rules,
    "ModifySecurityGroupRules": rules.modify_rules,
    "UpdateSecurityGroupRuleDescriptionsIngress": rules.update_ingress_descriptions,
    "UpdateSecurityGroupRuleDescriptionsEgress": rules.update_egress_descriptions,
    "CreateTags": tags.create_tags,
    "DeleteTags": tags.delete_tags,
    "DescribeTags": tags.describe_tags,
    "DescribeAvailabilityZones": info.describe_zones,
    "DescribeRegions": info.describe_regions,
    "DescribeAccountAttributes": info.describe_account_attributes,
    "DescribeNetworkInterfaces": info.describe_network_interfaces,
}


class Ec2Service(ServiceProvider):
    name = "ec2"

    def __init__(self, engine: Ec2Engine) -> None:
        self.engine = engine
        self.client = Ec2Client(engine)

    def operations(self) -> Mapping[str, Handler]:
        return {name: partial(op, self.engine) for name, op in _OPERATIONS.items()}

    async def requirements(self, ctx: RequestContext, params: Params) -> Sequence[Requirement]:
        return requirements.requirements(ctx, params)

    async def summary(self, account_id: str) -> dict[str, object]:
        def count(conn: Conn) -> dict[str, object]:
            out: dict[str, object] = {}
            for key, table in (
                ("vpcs", "ec2_vpcs"),
                ("subnets", "ec2_subnets"),
                ("security_groups", "ec2_security_groups"),
                ("security_group_rules", "ec2_sg_rules"),
            ):
                out[key] = conn.scalar(
                    f"SELECT COUNT(*) AS n FROM {table} WHERE account_id = ?",  # noqa: S608
                    (account_id,),
                )
            return out

        return await self.engine.db.read(count)
