"""CreateDBInstance / ModifyDBInstance parameters: RDS's defaults and checks that need no
lookups, and a plain refusal of the features fogbank does not have (never a silent no-op).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from fogbank.core.errors import AwsError
from fogbank.services.rds import errors
from fogbank.services.rds.models import InstanceOptions, Tags
from fogbank.services.rds.ops.common import Params, boolean, integer, required, strings, tags, text

_WINDOW = re.compile(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d")
_DAY = r"(mon|tue|wed|thu|fri|sat|sun)"
_MAINTENANCE = re.compile(
    rf"{_DAY}:([01]\d|2[0-3]):[0-5]\d-{_DAY}:([01]\d|2[0-3]):[0-5]\d", re.IGNORECASE
)

# Features fogbank does not have: a request that asks for one is answered NotImplemented.
_NOT_YET: tuple[tuple[str, str], ...] = (
    ("MultiAZ", "Multi-AZ DB instances (MultiAZ)"),
    ("StorageEncrypted", "encrypted storage (StorageEncrypted)"),
    ("EnableIAMDatabaseAuthentication", "IAM database authentication"),
    ("ManageMasterUserPassword", "master passwords kept in Secrets Manager"),
    ("EnablePerformanceInsights", "Performance Insights"),
    ("DedicatedLogVolume", "dedicated log volumes"),
    ("RotateMasterUserPassword", "master passwords kept in Secrets Manager"),
)
# Parameters of other engines (Oracle, SQL Server, Aurora, RDS Custom, Outposts).
_OTHER_ENGINES = (
    "CharacterSetName",
    "NcharCharacterSetName",
    "Timezone",
    "TdeCredentialArn",
    "CustomIamInstanceProfile",
    "DBSystemId",
    "DBClusterIdentifier",
    "EnableCustomerOwnedIp",
)


def reject_unsupported(params: Params, engine: str) -> None:
    for name, what in _NOT_YET:
        if params.get(name) is True:
            raise errors.not_supported(what)
    if text(params, "KmsKeyId"):
        raise errors.not_supported("encrypted storage (KmsKeyId)")
    if strings(params, "EnableCloudwatchLogsExports"):
        raise errors.not_supported("log exports to CloudWatch Logs")
    config = params.get("CloudwatchLogsExportConfiguration")
    if isinstance(config, Mapping) and config.get("EnableLogTypes"):
        raise errors.not_supported("log exports to CloudWatch Logs")
    if (integer(params, "MonitoringInterval") or 0) > 0:
        raise errors.not_supported("Enhanced Monitoring (MonitoringInterval)")
    if text(params, "Domain") or text(params, "DomainFqdn"):
        raise errors.not_supported("Active Directory domains")
    if params.get("DatabaseInsightsMode") == "advanced":
        raise errors.not_supported("Database Insights (advanced)")
    if text(params, "NetworkType") not in (None, "IPV4"):
        raise errors.not_supported("dual-stack networking (NetworkType)")
    if text(params, "CACertificateIdentifier"):
        name = text(params, "CACertificateIdentifier") or ""
        raise errors.certificate_not_found(name)
    option_group = text(params, "OptionGroupName")
    if option_group and not option_group.startswith("default:"):
        raise AwsError(
            "OptionGroupNotFoundFault",
            f"Specified OptionGroupName: {option_group} not found.",
            status=404,
        )
    for name in _OTHER_ENGINES:
        if params.get(name) not in (None, False, ""):
            raise errors.invalid_combination(f"{name} is not supported for DB engine {engine}.")
    if strings(params, "DBSecurityGroups"):
        raise errors.db_security_group_not_found((strings(params, "DBSecurityGroups") or [""])[0])


def _windows(params: Params, options: InstanceOptions) -> InstanceOptions:
    backup = text(params, "PreferredBackupWindow")
    if backup is not None:
        if not _WINDOW.fullmatch(backup):
            raise errors.invalid_value(
                f"The parameter PreferredBackupWindow is not valid: {backup} (hh24:mi-hh24:mi)"
            )
        options = replace(options, preferred_backup_window=backup)
    maintenance = text(params, "PreferredMaintenanceWindow")
    if maintenance is not None:
        if not _MAINTENANCE.fullmatch(maintenance):
            raise errors.invalid_value(
                "The parameter PreferredMaintenanceWindow is not valid:"
                f" {maintenance} (ddd:hh24:mi-ddd:hh24:mi)"
            )
        options = replace(options, preferred_maintenance_window=maintenance.lower())
    return options


def apply_options(params: Params, options: InstanceOptions) -> InstanceOptions:
    """The options a Create or Modify call sets, on top of ``options``."""
    retention = integer(params, "BackupRetentionPeriod")
    if retention is not None:
        if not 0 <= retention <= 35:
            raise errors.invalid_value(
                f"Invalid backup retention period: {retention}. Must be from 0 to 35."
            )
        options = replace(options, backup_retention_period=retention)
    protection = boolean(params, "DeletionProtection")
    if protection is not None:
        options = replace(options, deletion_protection=protection)
    upgrades = boolean(params, "AutoMinorVersionUpgrade")
    if upgrades is not None:
        options = replace(options, auto_minor_version_upgrade=upgrades)
    copy_tags = boolean(params, "CopyTagsToSnapshot")
    if copy_tags is not None:
        options = replace(options, copy_tags_to_snapshot=copy_tags)
    ceiling = integer(params, "MaxAllocatedStorage")
    if ceiling is not None:
        options = replace(options, max_allocated_storage=ceiling or None)
    return _windows(params, options)


def check_storage(
    kind: str, allocated: int, iops: int | None, throughput: int | None, ceiling: int | None
) -> None:
    if kind in ("io1", "io2") and iops is None:
        raise errors.invalid_combination(f"Iops is required for storage type {kind}.")
    if kind in ("gp2", "standard") and iops is not None:
        raise errors.invalid_combination(
            f"Invalid storage type for Provisioned IOPS: {kind} (use io1, io2 or gp3)."
        )
    if iops is not None and not allocated * 0.5 <= iops <= allocated * 50:
        raise errors.invalid_combination(
            f"The IOPS to storage ratio must be between 0.5 and 50: {iops} IOPS for"
            f" {allocated} GiB."
        )
    if throughput is not None and kind != "gp3":
        raise errors.invalid_combination("StorageThroughput can only be given for gp3 storage.")
    if ceiling is not None and ceiling <= allocated:
        raise errors.invalid_combination(
            "Max storage size must be greater than storage size"
            f" ({ceiling} GiB is not more than {allocated} GiB)."
        )


@dataclass(frozen=True)
class CreateInput:
    instance_id: str
    engine: str
    instance_class: str
    master_username: str
    master_password: str
    engine_version: str | None
    allocated_storage: int
    storage_type: str
    iops: int | None
    throughput: int | None
    db_name: str | None
    port: int | None
    parameter_group: str | None
    subnet_group: str | None
    security_group_ids: tuple[str, ...]
    availability_zone: str | None
    publicly_accessible: bool | None
    options: InstanceOptions
    tags: Tags


def parse_create(params: Params) -> CreateInput:
    instance_id = required(params, "DBInstanceIdentifier")
    engine = required(params, "Engine").lower()
    instance_class = required(params, "DBInstanceClass")
    reject_unsupported(params, engine)
    username = required(params, "MasterUsername")
    password = required(params, "MasterUserPassword")
    allocated = integer(params, "AllocatedStorage")
    if allocated is None:
        raise errors.invalid_value(
            "The parameter AllocatedStorage must be provided and must not be blank."
        )
    iops = integer(params, "Iops")
    throughput = integer(params, "StorageThroughput")
    kind = text(params, "StorageType") or ("io1" if iops is not None else "gp3")
    options = apply_options(params, InstanceOptions())
    check_storage(kind, allocated, iops, throughput, options.max_allocated_storage)
    license_model = text(params, "LicenseModel")
    expected = "postgresql-license" if engine == "postgres" else "general-public-license"
    if license_model is not None and license_model != expected:
        raise errors.invalid_combination(
            f"LicenseModel {license_model} is not supported for engine {engine} (it is {expected})."
        )
    options = replace(options, iops=iops, storage_throughput=throughput, license_model=expected)
    return CreateInput(
        instance_id=instance_id,
        engine=engine,
        instance_class=instance_class,
        master_username=username,
        master_password=password,
        engine_version=text(params, "EngineVersion"),
        allocated_storage=allocated,
        storage_type=kind,
        iops=iops,
        throughput=throughput,
        db_name=text(params, "DBName"),
        port=integer(params, "Port"),
        parameter_group=text(params, "DBParameterGroupName"),
        subnet_group=text(params, "DBSubnetGroupName"),
        security_group_ids=tuple(strings(params, "VpcSecurityGroupIds") or ()),
        availability_zone=text(params, "AvailabilityZone"),
        publicly_accessible=boolean(params, "PubliclyAccessible"),
        options=options,
        tags=tags(params),
    )


def reject_modify_unsupported(params: Params, engine: str) -> None:
    reject_unsupported(params, engine)
    if text(params, "EngineVersion"):
        raise errors.not_supported("engine version upgrades (EngineVersion)")
    if text(params, "StorageType"):
        raise errors.not_supported("changing the storage type")
    if text(params, "DBSubnetGroupName"):
        raise errors.not_supported("moving a DB instance to another DB subnet group")
    if text(params, "Engine"):
        raise errors.not_supported("changing the engine of a DB instance")
