"""The composition root: builds the store, the services and the edge from one Config.

Nothing else wires dependencies; every other module receives what it needs.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fogbank.audit.record import RecordBuilder, SpecsPlans
from fogbank.audit.recorder import AuditRecorder
from fogbank.auth.authenticator import Authenticator
from fogbank.authz.enforcer import Authorizer
from fogbank.config import Config
from fogbank.core.clock import Clock
from fogbank.protocol.routing import Router
from fogbank.protocol.specs import Specs
from fogbank.server.admin import Admin, AdminInfo
from fogbank.server.app import App
from fogbank.server.gateway import Gateway
from fogbank.services.base import ServiceProvider
from fogbank.services.cloudtrail.destination import LogDestination
from fogbank.services.cloudtrail.engine import Engine as CloudTrailEngine
from fogbank.services.cloudtrail.kms_keys import KmsKeys
from fogbank.services.cloudtrail.provider import CloudTrailService
from fogbank.services.cloudtrail.s3_destination import S3LogDestination
from fogbank.services.cloudtrail.store import schema as cloudtrail_schema
from fogbank.services.ec2 import schema as ec2_schema
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.provider import Ec2Service
from fogbank.services.efs import schema as efs_schema
from fogbank.services.efs.assembly import EfsDeps, build_efs
from fogbank.services.efs.fs import schema as efs_fs_schema
from fogbank.services.efs.serving.addresses import DEFAULT_RANGE as EFS_ADDRESSES
from fogbank.services.iam import root_keys
from fogbank.services.iam import schema as iam_schema
from fogbank.services.iam.catalog import ManagedCatalog
from fogbank.services.iam.client import IamClient
from fogbank.services.iam.credentials import KeyStore
from fogbank.services.iam.directory import Directory
from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.provider import IamService
from fogbank.services.iam.usage import UsageRecorder
from fogbank.services.kms import schema as kms_schema
from fogbank.services.kms.client import KmsClient
from fogbank.services.kms.engine import Engine as KmsEngine
from fogbank.services.kms.keyring import Keyring
from fogbank.services.kms.provider import KmsService
from fogbank.services.kms.rootkey import RootKey as KmsRootKey
from fogbank.services.kms.rootkey import RootKeyError, open_root_key
from fogbank.services.rds import schema as rds_schema
from fogbank.services.rds.addresses import AddressPool
from fogbank.services.rds.backend import RdsBackend, RdsSettings
from fogbank.services.rds.provider import RdsService
from fogbank.services.s3 import schema as s3_schema
from fogbank.services.s3.assembly import build_s3, recover_blobs
from fogbank.services.s3.control import S3ControlService
from fogbank.services.sts.provider import StsService
from fogbank.storage import blobs as blob_store
from fogbank.storage import core_schema
from fogbank.storage.clock_store import StoredClockSource
from fogbank.storage.db import Database, DbSettings
from fogbank.storage.leases import Lease
from fogbank.storage.migrations import Migration, migrate
from fogbank.storage.stamp import ChangeStamp
from fogbank.workers.scheduler import Scheduler

CLOCK_STAMP = "clock.stamp"
IAM_STAMP = "iam.stamp"


class StartupError(Exception):
    """The gateway cannot start; the message says why and what to do."""


def all_migrations() -> Sequence[Migration]:
    return (
        *core_schema.MIGRATIONS,
        *iam_schema.MIGRATIONS,
        *kms_schema.MIGRATIONS,
        *ec2_schema.MIGRATIONS,
        *cloudtrail_schema.MIGRATIONS,
        *blob_store.MIGRATIONS,
        *s3_schema.MIGRATIONS,
        *rds_schema.MIGRATIONS,
        *efs_fs_schema.MIGRATIONS,
        *efs_schema.MIGRATIONS,
    )


def rds_settings(config: Config) -> RdsSettings:
    pool = AddressPool.parse(config.rds_addresses) if config.rds_addresses else None
    return RdsSettings(data_dir=config.data_dir, addresses=pool)


def open_store(config: Config) -> Database:
    return Database(DbSettings(config.resolved_metadata_url))


def open_kms_root(db: Database, config: Config) -> KmsRootKey:
    """The KMS root key (key file, or derived from the passphrase); blocking, start-up."""
    try:
        return open_root_key(db, config.data_dir, config.kms_passphrase)
    except RootKeyError as exc:
        raise StartupError(f"KMS root key: {exc}") from None


@dataclass(frozen=True)
class Prepared:
    root_key: root_keys.RootKey
    key_generated: bool
    migrations_applied: int
    kms_root: KmsRootKey


def prepare(config: Config) -> Prepared:
    """Once per start, before any worker process serves: schema, root key, clock."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    db = open_store(config)
    try:
        applied = migrate(db, all_migrations())
        configured = None
        if config.root_access_key_id and config.root_secret_access_key:
            configured = root_keys.RootKey(
                config.account_id, config.root_access_key_id, config.root_secret_access_key
            )
        key, generated = root_keys.bootstrap_root_key(
            db, config.data_dir, config.account_id, configured
        )
        StoredClockSource(db, config.data_dir / CLOCK_STAMP).initialise(config.time_scale)
        kms_root = open_kms_root(db, config)
        recover_blobs(db, config.data_dir, config.s3_cold_store)
    finally:
        db.close()
    return Prepared(key, generated, len(applied), kms_root)


@dataclass
class Assembled:
    app: App
    admin: Admin
    gateway: Gateway
    db: Database
    services: dict[str, ServiceProvider]
    scheduler: Scheduler
    recorder: AuditRecorder


@dataclass(frozen=True)
class ServiceDeps:
    """What the service providers are built from."""

    config: Config
    db: Database
    clock: Clock
    kms_root: KmsRootKey
    # Where CloudTrail trails deliver their files; S3 in this server when not given.
    log_destination: LogDestination | None = None


@dataclass(frozen=True)
class Identity:
    """IAM's parts that other layers use: key lookup (auth) and policies (authz)."""

    keys: KeyStore
    directory: Directory
    iam: IamService
    sts: StsService


def build_identity(deps: ServiceDeps) -> Identity:
    stamp = ChangeStamp(Path(deps.config.data_dir) / IAM_STAMP)
    engine = IamEngine(deps.db, deps.clock, ManagedCatalog.load(), stamp)
    usage = UsageRecorder(deps.db)
    return Identity(
        keys=KeyStore(deps.db, stamp),
        directory=Directory(engine, usage),
        iam=IamService(engine, usage),
        sts=StsService(IamClient(engine)),
    )


def build_services(
    deps: ServiceDeps, identity: Identity | None = None
) -> dict[str, ServiceProvider]:
    identity = identity or build_identity(deps)
    kms = KmsEngine(deps.db, deps.clock, Keyring(deps.kms_root))
    ec2 = Ec2Service(Ec2Engine(deps.db, deps.clock, deps.config.data_dir))
    s3 = build_s3(
        deps.db, deps.clock, deps.config.data_dir, KmsClient(kms), deps.kms_root,
        deps.config.s3_cold_store,
    )  # fmt: skip
    rds = RdsService(RdsBackend(deps.db, deps.clock, ec2.client, rds_settings(deps.config)))
    cloudtrail = CloudTrailEngine(
        deps.db,
        deps.clock,
        destination=deps.log_destination or S3LogDestination(s3.client),
        keys=KmsKeys(KmsClient(kms)),
    )
    efs = build_efs(
        EfsDeps(
            db=deps.db,
            clock=deps.clock,
            data_dir=Path(deps.config.data_dir),
            ec2=ec2.client,
            kms=KmsClient(kms),
            holder=f"{socket.gethostname()}:{os.getpid()}",
            credentials=identity.keys,
            addresses=deps.config.efs_addresses or EFS_ADDRESSES,
        )
    )
    providers: list[ServiceProvider] = [
        identity.iam,
        identity.sts,
        KmsService(kms),
        ec2,
        CloudTrailService(cloudtrail),
        s3,
        S3ControlService(s3.engine),
        rds,
        efs,
    ]
    return {p.name: p for p in providers}


def assemble(
    config: Config,
    kms_root: KmsRootKey | None = None,
    log_destination: LogDestination | None = None,
) -> Assembled:
    """Everything one gateway process serves with (after ``prepare`` has run).

    ``kms_root`` is the KMS root key ``prepare`` opened, if this is the same process
    (so that a passphrase is not run through scrypt twice); otherwise it is opened here.
    ``log_destination`` is where CloudTrail trails deliver (default: this server's S3).
    """
    db = open_store(config)
    clock_source = StoredClockSource(db, Path(config.data_dir) / CLOCK_STAMP)
    clock = Clock(clock_source)
    if kms_root is None:
        kms_root = open_kms_root(db, config)
    deps = ServiceDeps(config, db, clock, kms_root, log_destination)
    identity = build_identity(deps)
    authenticator = Authenticator(identity.keys, clock)
    services = build_services(deps, identity)
    holder = f"{socket.gethostname()}:{os.getpid()}"
    scheduler = Scheduler(
        clock,
        Lease(db, "scheduler", holder),
        [job for svc in services.values() for job in svc.jobs()],
    )
    specs = Specs()
    cloudtrail = services["cloudtrail"]
    assert isinstance(cloudtrail, CloudTrailService)
    recorder = AuditRecorder(RecordBuilder(SpecsPlans(specs), config.account_id), cloudtrail)
    gateway = Gateway(
        router=Router([config.host, *config.hostnames]),
        specs=specs,
        authenticator=authenticator,
        authorizer=Authorizer(services, config.iam_mode.value, identity.directory),
        services=services,
        clock=clock,
        default_region=config.default_region,
        log_requests=config.log_requests,
        audit=recorder,
    )
    admin = Admin(
        authenticator=authenticator,
        clock=clock,
        clock_source=clock_source,
        db=db,
        services=services,
        info=AdminInfo(
            data_dir=str(config.data_dir),
            metadata=db.dialect.name,
            workers=config.workers,
            tls=config.tls,
            iam_mode=config.iam_mode.value,
            default_account=config.account_id,
        ),
        after_clock_change=[scheduler.run_now],
    )
    return Assembled(App(gateway, admin), admin, gateway, db, services, scheduler, recorder)
