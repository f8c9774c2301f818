"""RDS's default account quotas (DescribeAccountAttributes), enforced where RDS does."""

from __future__ import annotations

from fogbank.core.errors import AwsError

DB_INSTANCES = 40
ALLOCATED_STORAGE = 100_000  # GiB, all instances of an account and region together
DB_PARAMETER_GROUPS = 50
DB_SUBNET_GROUPS = 50
SUBNETS_PER_DB_SUBNET_GROUP = 20

# AccountQuotaName -> Max, in the order AWS lists them (the ones fogbank has resources for).
QUOTAS: tuple[tuple[str, int], ...] = (
    ("DBInstances", DB_INSTANCES),
    ("AllocatedStorage", ALLOCATED_STORAGE),
    ("DBParameterGroups", DB_PARAMETER_GROUPS),
    ("DBSubnetGroups", DB_SUBNET_GROUPS),
    ("SubnetsPerDBSubnetGroup", SUBNETS_PER_DB_SUBNET_GROUP),
)


def check_instances(count: int, storage: int, adding_storage: int) -> None:
    """Before adding an instance: the account's instance count and storage quotas."""
    if count + 1 > DB_INSTANCES:
        raise AwsError(
            "InstanceQuotaExceeded",
            f"The request would exceed the DB instance quota of {DB_INSTANCES} for this"
            " account and region.",
        )
    check_storage(storage, adding_storage)


def check_storage(storage: int, adding: int) -> None:
    if storage + adding > ALLOCATED_STORAGE:
        raise AwsError(
            "StorageQuotaExceeded",
            f"The request would exceed the allocated storage quota of {ALLOCATED_STORAGE} GiB"
            f" for this account and region ({storage} GiB allocated now).",
        )
