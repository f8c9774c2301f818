"""What each EC2 call needs from IAM: ``ec2:<Operation>`` on the resources it touches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fogbank.authz.requirements import Requirement
from fogbank.core.context import RequestContext
from fogbank.services.ec2 import ids

_GROUP_OPERATIONS = frozenset(
    {
        "DeleteSecurityGroup",
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
        "ModifySecurityGroupRules",
        "UpdateSecurityGroupRuleDescriptionsIngress",
        "UpdateSecurityGroupRuleDescriptionsEgress",
    }
)


def _text(params: Mapping[str, object], name: str) -> str:
    value = params.get(name)
    return value if isinstance(value, str) and value else "*"


def requirements(ctx: RequestContext, params: Mapping[str, object]) -> Sequence[Requirement]:
    op = ctx.operation
    action = f"ec2:{op}"

    def on(resource_type: str, resource_id: str) -> Requirement:
        return Requirement(action, ids.arn(ctx.region, ctx.account_id, resource_type, resource_id))

    if op in ("CreateVpc", "CreateDefaultVpc"):
        return (on("vpc", "*"),)
    if op == "DeleteVpc":
        return (on("vpc", _text(params, "VpcId")),)
    if op == "CreateSubnet":
        return (on("subnet", "*"), on("vpc", _text(params, "VpcId")))
    if op == "DeleteSubnet":
        return (on("subnet", _text(params, "SubnetId")),)
    if op == "CreateSecurityGroup":
        return (on("security-group", "*"), on("vpc", _text(params, "VpcId")))
    if op in _GROUP_OPERATIONS:
        needs = [on("security-group", _text(params, "GroupId"))]
        if op.startswith("Authorize") and params.get("TagSpecifications"):
            needs.append(on("security-group-rule", "*"))
        return tuple(needs)
    if op in ("CreateTags", "DeleteTags"):
        resources = params.get("Resources") or []
        assert isinstance(resources, list)
        return tuple(on(ids.resource_type(str(r)) or "resource", str(r)) for r in resources) or (
            Requirement(action),
        )
    return (Requirement(action),)
