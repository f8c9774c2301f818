"""RDS's view of EC2: the one module that talks to EC2's in-process client.

RDS needs from EC2 the default VPC's subnets and ``default`` security group, checks of the
subnets and security groups a call names, the instances' group memberships (so that EC2
refuses to delete a group in use: DependencyViolation), and, for every connection to an
endpoint, whether one of the instance's groups admits the client. EC2's errors are
answered as the errors RDS gives for the same mistakes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from fogbank.core.errors import AwsError
from fogbank.services.rds import errors
from fogbank.services.rds.engines.admission import Admission, AdmissionRequest, Guard

MEMBER_KIND = "rds-instance"


class GroupRef(Protocol):
    @property
    def group_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def vpc_id(self) -> str: ...


class SubnetRef(Protocol):
    @property
    def subnet_id(self) -> str: ...
    @property
    def vpc_id(self) -> str: ...
    @property
    def zone(self) -> str: ...
    @property
    def cidr_block(self) -> str: ...


class Ec2Admission(Protocol):
    @property
    def allowed(self) -> bool: ...
    @property
    def message(self) -> str: ...


class Ec2(Protocol):
    """What RDS uses of EC2's in-process client (``services/ec2/client.Ec2Client``)."""

    async def admit(
        self,
        account_id: str,
        region: str,
        group_ids: Sequence[str],
        client_ip: str,
        protocol: str,
        port: int,
    ) -> Ec2Admission: ...

    async def admitted_networks(
        self, account_id: str, region: str, group_ids: Sequence[str], protocol: str, port: int
    ) -> tuple[str, ...]: ...

    async def set_membership(
        self,
        account_id: str,
        region: str,
        kind: str,
        resource_id: str,
        group_ids: Sequence[str],
        *,
        address: str | None = None,
        subnet_id: str | None = None,
    ) -> None: ...

    async def clear_membership(self, kind: str, resource_id: str) -> None: ...

    async def default_vpc_id(self, account_id: str, region: str) -> str | None: ...

    async def default_security_group(
        self, account_id: str, region: str, vpc_id: str | None = None
    ) -> GroupRef: ...

    async def security_groups(
        self, account_id: str, region: str, group_ids: Sequence[str]
    ) -> Sequence[GroupRef]: ...

    async def subnets(
        self, account_id: str, region: str, subnet_ids: Sequence[str]
    ) -> Sequence[SubnetRef]: ...

    async def default_subnets(self, account_id: str, region: str) -> Sequence[SubnetRef]: ...


@dataclass(frozen=True)
class Subnet:
    subnet_id: str
    vpc_id: str
    zone: str


class Network:
    """EC2, as RDS's handlers use it."""

    def __init__(self, ec2: Ec2) -> None:
        self.ec2 = ec2

    async def is_default_vpc(self, account_id: str, region: str, vpc_id: str) -> bool:
        """The default VPC has an internet gateway: instances in it are public by default."""
        return vpc_id == await self.ec2.default_vpc_id(account_id, region)

    async def default_subnets(self, account_id: str, region: str) -> list[Subnet]:
        found = await self.ec2.default_subnets(account_id, region)
        return [Subnet(s.subnet_id, s.vpc_id, s.zone) for s in found]

    async def subnets(
        self, account_id: str, region: str, subnet_ids: Sequence[str]
    ) -> list[Subnet]:
        try:
            found = await self.ec2.subnets(account_id, region, subnet_ids)
        except AwsError as exc:
            if not exc.code.startswith("InvalidSubnet"):
                raise
            raise errors.invalid_subnet(
                f"Some input subnets in :[{', '.join(subnet_ids)}] are invalid."
            ) from None
        return [Subnet(s.subnet_id, s.vpc_id, s.zone) for s in found]

    async def security_groups(
        self, account_id: str, region: str, group_ids: Sequence[str], vpc_id: str
    ) -> tuple[str, ...]:
        """The groups (in order, without repeats), all existing and in ``vpc_id``."""
        unique = tuple(dict.fromkeys(group_ids))
        try:
            found = await self.ec2.security_groups(account_id, region, unique)
        except AwsError as exc:
            if not exc.code.startswith("InvalidGroup"):
                raise
            bad = next((g for g in unique if g in exc.message), unique[0] if unique else "")
            raise errors.invalid_value(
                f"Invalid security group , groupId= {bad}, groupName=."
            ) from None
        for group in found:
            if group.vpc_id != vpc_id:
                raise errors.invalid_combination(
                    "The DB instance and EC2 security group are in different VPCs. The DB"
                    f" instance is in {vpc_id} and the EC2 security group is in"
                    f" {group.vpc_id}"
                )
        return unique

    async def default_security_group(self, account_id: str, region: str, vpc_id: str) -> str:
        try:
            return (await self.ec2.default_security_group(account_id, region, vpc_id)).group_id
        except AwsError as exc:
            raise errors.invalid_vpc_state(
                f"The VPC {vpc_id} has no default security group: {exc.message}"
            ) from None

    async def use_groups(
        self, account_id: str, region: str, resource_id: str, group_ids: Sequence[str], address: str
    ) -> None:
        """Record that the instance uses these groups (EC2 then refuses to delete them)."""
        await self.ec2.set_membership(
            account_id, region, MEMBER_KIND, resource_id, group_ids, address=address
        )

    async def release_groups(self, resource_id: str) -> None:
        await self.ec2.clear_membership(MEMBER_KIND, resource_id)


class EndpointAdmitter:
    """The engine layer's ``Admitter``: PubliclyAccessible first, then the security groups.

    A private instance (``PubliclyAccessible=false``) is reachable only from inside its
    VPC, as on AWS; nothing on this machine is inside a VPC (a client of a loopback
    endpoint is this machine itself), so such connections are refused with the reason.
    """

    def __init__(self, ec2: Ec2) -> None:
        self.ec2 = ec2

    async def admit(self, request: AdmissionRequest) -> Admission:
        if not request.publicly_accessible and _outside_vpcs(request.client_ip):
            return Admission(False, private_refusal(request.instance_id, request.client_ip))
        answer = await self.ec2.admit(
            request.account_id,
            request.region,
            request.security_group_ids,
            request.client_ip,
            "tcp",
            request.port,
        )
        return Admission(answer.allowed, answer.message)

    async def admitted_networks(self, guard: Guard) -> tuple[str, ...]:
        if not guard.publicly_accessible:
            return ()  # every client here is outside the VPC (see admit)
        return await self.ec2.admitted_networks(
            guard.account_id, guard.region, guard.security_group_ids, "tcp", guard.port
        )


def _outside_vpcs(client_ip: str) -> bool:
    try:
        return ipaddress.ip_address(client_ip.split("%", 1)[0]).is_loopback
    except ValueError:
        return True


def private_refusal(instance_id: str, client_ip: str) -> str:
    return (
        f"fogbank: connection from {client_ip} refused: DB instance {instance_id} is not"
        " publicly accessible (PubliclyAccessible=false), so only clients inside its VPC"
        " may connect, and this machine is not inside a VPC (make it public with: aws rds"
        f" modify-db-instance --db-instance-identifier {instance_id} --publicly-accessible"
        " --apply-immediately)"
    )
