"""RDS domain objects handed to (and by) the engine layer; frozen, no I/O."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """DBInstanceStatus values fogbank produces."""

    CREATING = "creating"
    BACKING_UP = "backing-up"
    AVAILABLE = "available"
    MODIFYING = "modifying"
    REBOOTING = "rebooting"
    STOPPING = "stopping"
    STOPPED = "stopped"
    STARTING = "starting"
    DELETING = "deleting"
    FAILED = "failed"
    INCOMPATIBLE_NETWORK = "incompatible-network"


class Desired(StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"
    DELETED = "deleted"


@dataclass(frozen=True)
class Scope:
    """Where a resource lives: RDS resources are per account and region."""

    account_id: str
    region: str


@dataclass(frozen=True)
class InstanceOptions:
    """Settings of an instance that the API keeps and reports but the engines do not act
    on (the network placement, windows, protection flags ...). Stored as JSON."""

    deletion_protection: bool = False
    subnet_group: str = "default"
    vpc_id: str = ""
    availability_zone: str = ""
    backup_retention_period: int = 1
    preferred_backup_window: str = "03:00-03:30"
    preferred_maintenance_window: str = "sun:05:00-sun:05:30"
    auto_minor_version_upgrade: bool = True
    copy_tags_to_snapshot: bool = False
    max_allocated_storage: int | None = None
    iops: int | None = None
    storage_throughput: int | None = None
    license_model: str = ""
    network_type: str = "IPV4"

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> InstanceOptions:
        if not text:
            return cls()
        doc = json.loads(text)
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in doc.items() if k in known})


Tags = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class InstanceSpec:
    """What CreateDBInstance asks for (AWS defaults already applied by the caller or here)."""

    instance_id: str
    engine: str  # mysql | mariadb | postgres
    master_username: str
    master_password: str = field(repr=False)
    instance_class: str = "db.t3.micro"
    engine_version: str | None = None
    allocated_storage: int = 20  # GiB
    storage_type: str = "gp2"
    db_name: str | None = None
    port: int | None = None
    parameter_group: str | None = None  # default.<family> when None
    security_group_ids: tuple[str, ...] = ()
    publicly_accessible: bool = False
    options: InstanceOptions = InstanceOptions()
    tags: Tags = ()


@dataclass(frozen=True)
class InstanceChanges:
    """What ModifyDBInstance may change; None leaves a field as it is."""

    instance_class: str | None = None
    allocated_storage: int | None = None
    master_password: str | None = field(default=None, repr=False)
    parameter_group: str | None = None
    security_group_ids: tuple[str, ...] | None = None
    publicly_accessible: bool | None = None
    port: int | None = None  # always applied at once (the engine restarts), as on AWS
    options: InstanceOptions | None = None  # replaces the options (applied at once)
    new_instance_id: str | None = None  # a rename, at once or at the next reboot


@dataclass(frozen=True)
class Instance:
    """A DB instance as stored; everything DescribeDBInstances needs."""

    scope: Scope
    instance_id: str
    resource_id: str  # DbiResourceId (db-...)
    engine: str
    engine_version: str
    family: str
    server: str  # the real server answering, e.g. "mariadb-10.11.19"
    instance_class: str
    allocated_storage: int
    storage_type: str
    master_username: str
    db_name: str | None
    address: str  # the endpoint's own loopback address
    port: int
    parameter_group: str
    parameter_apply_status: str  # in-sync | pending-reboot | applying
    security_group_ids: tuple[str, ...]
    publicly_accessible: bool
    status: str
    desired: str
    created_at: float  # simulated epoch seconds
    storage_used: int  # bytes on disk of the data directory
    pending_changes: dict[str, str | int]  # PendingModifiedValues, applied at next reboot
    status_reason: str | None = None
    options: InstanceOptions = InstanceOptions()


@dataclass(frozen=True)
class Event:
    scope: Scope
    source_id: str
    source_type: str  # db-instance | db-parameter-group
    at: float  # simulated epoch seconds
    message: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParameterDef:
    """One engine parameter as the engine itself reports it."""

    name: str
    default: str | None  # the engine's compiled-in / boot value
    data_type: str  # boolean | integer | float | string | list
    apply_type: str  # static | dynamic
    modifiable: bool
    allowed_values: str | None  # "0-100", "a,b,c", "0,1"
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()  # enum / set members
    is_set: bool = False  # a comma-separated subset of choices (sql_mode ...)
    startup_option: bool = True  # settable in the engine's config file at start


@dataclass(frozen=True)
class Parameter:
    """A parameter of a group: its definition, and the value the group gives it."""

    definition: ParameterDef
    value: str | None  # None: the engine's default
    source: str  # engine-default | system | user
    apply_method: str = "pending-reboot"


@dataclass(frozen=True)
class ParameterChange:
    name: str
    value: str | None  # None resets the parameter to its default
    apply_method: str = "immediate"  # immediate | pending-reboot


@dataclass(frozen=True)
class ParameterGroup:
    scope: Scope
    name: str
    family: str
    description: str
    is_default: bool


@dataclass(frozen=True)
class EngineVersion:
    """One row of DescribeDBEngineVersions, with the server that answers for it."""

    engine: str
    version: str
    family: str
    server: str  # e.g. "mariadb-10.11.19"
    server_description: str  # e.g. "MariaDB 10.11.19"
    is_default: bool = False
