"""Domain objects -> the output shapes of the RDS model (DBInstance, DBSubnetGroup ...)."""

from __future__ import annotations

from fogbank.services.rds import arns, tagging
from fogbank.services.rds.models import (
    Event,
    Instance,
    Parameter,
    ParameterGroup,
    Scope,
    Tags,
)
from fogbank.services.rds.ops.common import timestamp
from fogbank.services.rds.subnet_groups import SubnetGroup

Doc = dict[str, object]

LICENSE = {
    "mysql": "general-public-license",
    "mariadb": "general-public-license",
    "postgres": "postgresql-license",
}
ENGINE_DESCRIPTION = {
    "mysql": "MySQL Community Edition",
    "mariadb": "MariaDB Community Edition",
    "postgres": "PostgreSQL",
}


def option_group_name(engine: str, version: str) -> str:
    """RDS's default option group: ``default:mysql-8-0``, ``default:postgres-16``."""
    parts = version.split(".")
    major = parts[:1] if engine == "postgres" else parts[:2]
    return f"default:{engine}-{'-'.join(major)}"


def subnet_group(group: SubnetGroup) -> Doc:
    return {
        "DBSubnetGroupName": group.name,
        "DBSubnetGroupDescription": group.description,
        "VpcId": group.vpc_id,
        "SubnetGroupStatus": "Complete",
        "Subnets": [
            {
                "SubnetIdentifier": s.subnet_id,
                "SubnetAvailabilityZone": {"Name": s.zone},
                "SubnetOutpost": {},
                "SubnetStatus": "Active",
            }
            for s in group.subnets
        ],
        "DBSubnetGroupArn": arns.subnet_group(group.scope, group.name),
        "SupportedNetworkTypes": ["IPV4"],
    }


def _pending(i: Instance) -> Doc:
    out: Doc = {}
    for key in ("DBInstanceClass", "AllocatedStorage", "Port", "DBInstanceIdentifier"):
        if key in i.pending_changes:
            out[key] = i.pending_changes[key]
    return out


def db_instance(
    i: Instance, tags: Tags, group: SubnetGroup | None, restart_at: float | None = None
) -> Doc:
    """``restart_at``: when a stopped instance starts again by itself."""
    o = i.options
    doc: Doc = {
        "DBInstanceIdentifier": i.instance_id,
        "DBInstanceClass": i.instance_class,
        "Engine": i.engine,
        "DBInstanceStatus": i.status,
        "MasterUsername": i.master_username,
        "Endpoint": {"Address": i.address, "Port": i.port},
        "AllocatedStorage": i.allocated_storage,
        "InstanceCreateTime": timestamp(i.created_at),
        "PreferredBackupWindow": o.preferred_backup_window,
        "BackupRetentionPeriod": o.backup_retention_period,
        "DBSecurityGroups": [],
        "VpcSecurityGroups": [
            {"VpcSecurityGroupId": g, "Status": "active"} for g in i.security_group_ids
        ],
        "DBParameterGroups": [
            {
                "DBParameterGroupName": i.parameter_group,
                "ParameterApplyStatus": i.parameter_apply_status,
            }
        ],
        "AvailabilityZone": o.availability_zone,
        "PreferredMaintenanceWindow": o.preferred_maintenance_window,
        "PendingModifiedValues": _pending(i),
        "MultiAZ": False,
        "EngineVersion": i.engine_version,
        "AutoMinorVersionUpgrade": o.auto_minor_version_upgrade,
        "ReadReplicaDBInstanceIdentifiers": [],
        "LicenseModel": o.license_model or LICENSE.get(i.engine, "general-public-license"),
        "OptionGroupMemberships": [
            {
                "OptionGroupName": option_group_name(i.engine, i.engine_version),
                "Status": "in-sync",
            }
        ],
        "PubliclyAccessible": i.publicly_accessible,
        "StorageType": i.storage_type,
        "DbInstancePort": 0,
        "StorageEncrypted": False,
        "DbiResourceId": i.resource_id,
        "DomainMemberships": [],
        "CopyTagsToSnapshot": o.copy_tags_to_snapshot,
        "MonitoringInterval": 0,
        "DBInstanceArn": arns.instance(i.scope, i.instance_id),
        "IAMDatabaseAuthenticationEnabled": False,
        "PerformanceInsightsEnabled": False,
        "DeletionProtection": o.deletion_protection,
        "AssociatedRoles": [],
        "TagList": tagging.as_list(tags),
        "CustomerOwnedIpEnabled": False,
        "NetworkType": o.network_type,
        "BackupTarget": "region",
        "DedicatedLogVolume": False,
        "MultiTenant": False,
    }
    if i.db_name is not None:
        doc["DBName"] = i.db_name
    if group is not None:
        doc["DBSubnetGroup"] = subnet_group(group)
    if o.max_allocated_storage is not None:
        doc["MaxAllocatedStorage"] = o.max_allocated_storage
    if o.iops is not None:
        doc["Iops"] = o.iops
    if o.storage_throughput is not None:
        doc["StorageThroughput"] = o.storage_throughput
    if restart_at is not None and i.status == "stopped":
        doc["AutomaticRestartTime"] = timestamp(restart_at)
    return doc


def parameter_group(group: ParameterGroup) -> Doc:
    return {
        "DBParameterGroupName": group.name,
        "DBParameterGroupFamily": group.family,
        "Description": group.description,
        "DBParameterGroupArn": arns.parameter_group(group.scope, group.name),
    }


def parameter(p: Parameter) -> Doc:
    d = p.definition
    doc: Doc = {
        "ParameterName": d.name,
        "Description": d.description,
        "Source": p.source,
        "ApplyType": d.apply_type,
        "DataType": d.data_type,
        "IsModifiable": d.modifiable,
        "ApplyMethod": p.apply_method,
    }
    if p.value is not None:
        doc["ParameterValue"] = p.value
    if d.allowed_values:
        doc["AllowedValues"] = d.allowed_values
    return doc


def event(e: Event) -> Doc:
    kind = {"db-instance": arns.DB, "db-parameter-group": arns.PARAMETER_GROUP}.get(
        e.source_type, e.source_type
    )
    return {
        "SourceIdentifier": e.source_id,
        "SourceType": e.source_type,
        "Message": e.message,
        "EventCategories": list(e.categories),
        "Date": timestamp(e.at),
        "SourceArn": arns.of(Scope(e.scope.account_id, e.scope.region), kind, e.source_id),
    }
