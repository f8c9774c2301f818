"""The composition root: builds the store, the services and the edge from one Config.

Nothing else wires dependencies; every other module receives what it needs.
"""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fogbank.audit.record import RecordBuilder, SpecsPlans
from fogbank.audit.recorder import AuditRecorder, FanOut
from fogbank.auth.authenticator import Authenticator
from fogbank.authz.enforcer import Authorizer
from fogbank.config import Config
from fogbank.core.clock import Clock
from fogbank.protocol.routing import Router
from fogbank.protocol.specs import Specs
from fogbank.server.admin import Admin, AdminInfo
from fogbank.server.app import App
from fogbank.server.gateway import Gateway
from fogbank.server.logs import RequestLog
from fogbank.services.base import ServiceProvider
from fogbank.services.cloudtrail.destination import LogDestination
from fogbank.services.cloudtrail.outbox import DataEventGate, EventOutbox
from fogbank.services.cloudtrail.store import schema as cloudtrail_schema
from fogbank.services.ec2 import schema as ec2_schema
from fogbank.services.efs import schema as efs_schema
from fogbank.services.efs.fs import schema as efs_fs_schema
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
from fogbank.services.rds import schema as rds_schema
from fogbank.services.registry import ServiceFactory, ServiceRegistry
from fogbank.services.s3 import schema as s3_schema
from fogbank.services.s3.access_logs.outbox import AccessLogOutbox, LoggedBuckets
from fogbank.services.s3.access_logs.records import AccessRecordBuilder
from fogbank.services.s3.layout import blob_root
from fogbank.services.sts.provider import StsService
from fogbank.storage import core_schema
from fogbank.storage.blobs import schema as blobs_schema
from fogbank.storage.clock_store import StoredClockSource
from fogbank.storage.db import Database, DbSettings
from fogbank.storage.leases import Lease
from fogbank.storage.migrations import Migration, migrate
from fogbank.storage.stamp import ChangeStamp
from fogbank.workers.scheduler import Scheduler

if TYPE_CHECKING:
    from fogbank.services.kms.rootkey import RootKey as KmsRootKey
    from fogbank.services.rds.backend import RdsSettings
    from fogbank.services.s3.assembly import ColdTier

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
        *blobs_schema.MIGRATIONS,
        *s3_schema.MIGRATIONS,
        *rds_schema.MIGRATIONS,
        *efs_fs_schema.MIGRATIONS,
        *efs_schema.MIGRATIONS,
    )


def rds_settings(config: Config) -> RdsSettings:
    from fogbank.services.rds.addresses import AddressPool
    from fogbank.services.rds.backend import RdsSettings

    pool = AddressPool.parse(config.rds_addresses) if config.rds_addresses else None
    cache = Path(config.rds_template_cache) if config.rds_template_cache else None
    return RdsSettings(
        data_dir=config.data_dir,
        addresses=pool,
        template_cache=cache,
        kernel_routes=config.rds_kernel_routes,
    )


def open_store(config: Config) -> Database:
    return Database(DbSettings(config.resolved_metadata_url))


def open_kms_root(db: Database, config: Config) -> KmsRootKey:
    """The KMS root key (key file, or derived from the passphrase); blocking, start-up."""
    from fogbank.services.kms.rootkey import RootKeyError, open_root_key

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
        _recover_blobs(db, config)
    finally:
        db.close()
    return Prepared(key, generated, len(applied), kms_root)


def _recover_blobs(db: Database, config: Config) -> None:
    if blob_root(config.data_dir).exists():  # else no blob was ever written here
        from fogbank.services.s3.assembly import recover_blobs

        recover_blobs(db, config.data_dir, s3_cold_tier(config))


def s3_cold_tier(config: Config) -> ColdTier:
    from fogbank.services.s3.assembly import cold_tier
    from fogbank.storage.blobs.remote import RemoteCredentials

    credentials = RemoteCredentials(
        config.s3_cold_store_access_key_id,
        config.s3_cold_store_secret_access_key,
        config.s3_cold_store_region,
    )
    return cold_tier(config.data_dir, config.s3_cold_store, credentials)


@dataclass
class Assembled:
    app: App
    admin: Admin
    gateway: Gateway
    db: Database
    services: ServiceRegistry
    scheduler: Scheduler
    recorder: FanOut


@dataclass(frozen=True)
class ServiceDeps:
    """What the service providers are built from."""

    config: Config
    db: Database
    clock: Clock
    # The KMS root key, if opened already (else opened when KMS is first built).
    kms_root: KmsRootKey | None = None
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


def service_factories(deps: ServiceDeps, identity: Identity) -> dict[str, ServiceFactory]:
    """How each service other than IAM and STS is built: on its first use, in whichever
    order requests come; a factory asks the registry for the services it uses."""

    kms_root = functools.cache(lambda: deps.kms_root or open_kms_root(deps.db, deps.config))

    def kms(_: ServiceRegistry) -> ServiceProvider:
        from fogbank.services.kms.engine import Engine as KmsEngine
        from fogbank.services.kms.keyring import Keyring
        from fogbank.services.kms.provider import KmsService

        return KmsService(KmsEngine(deps.db, deps.clock, Keyring(kms_root())))

    def ec2(_: ServiceRegistry) -> ServiceProvider:
        from fogbank.services.ec2.engine import Ec2Engine
        from fogbank.services.ec2.provider import Ec2Service

        return Ec2Service(Ec2Engine(deps.db, deps.clock, deps.config.data_dir))

    def s3(reg: ServiceRegistry) -> ServiceProvider:
        from fogbank.services.kms.client import KmsClient
        from fogbank.services.kms.provider import KmsService
        from fogbank.services.s3.assembly import build_s3

        kms = KmsClient(reg.require("kms", KmsService).engine)
        return build_s3(
            deps.db,
            deps.clock,
            deps.config.data_dir,
            kms,
            kms_root(),
            s3_cold_tier(deps.config),
        )

    def s3control(reg: ServiceRegistry) -> ServiceProvider:
        from fogbank.services.s3.control import S3ControlService
        from fogbank.services.s3.provider import S3Service

        return S3ControlService(reg.require("s3", S3Service).engine)

    def rds(reg: ServiceRegistry) -> ServiceProvider:
        from fogbank.services.ec2.provider import Ec2Service
        from fogbank.services.rds.backend import RdsBackend
        from fogbank.services.rds.provider import RdsService

        network = reg.require("ec2", Ec2Service).client
        return RdsService(RdsBackend(deps.db, deps.clock, network, rds_settings(deps.config)))

    def cloudtrail(reg: ServiceRegistry) -> ServiceProvider:
        from fogbank.services.cloudtrail.engine import Engine as CloudTrailEngine
        from fogbank.services.cloudtrail.kms_keys import KmsKeys
        from fogbank.services.cloudtrail.provider import CloudTrailService
        from fogbank.services.cloudtrail.s3_destination import S3LogDestination
        from fogbank.services.kms.client import KmsClient
        from fogbank.services.kms.provider import KmsService
        from fogbank.services.s3.provider import S3Service

        destination = deps.log_destination or S3LogDestination(reg.require("s3", S3Service).client)
        keys = KmsKeys(KmsClient(reg.require("kms", KmsService).engine))
        return CloudTrailService(
            CloudTrailEngine(deps.db, deps.clock, destination=destination, keys=keys)
        )

    def efs(reg: ServiceRegistry) -> ServiceProvider:
        from fogbank.services.ec2.provider import Ec2Service
        from fogbank.services.efs.assembly import EfsDeps, build_efs
        from fogbank.services.efs.serving.addresses import DEFAULT_RANGE
        from fogbank.services.kms.client import KmsClient
        from fogbank.services.kms.provider import KmsService

        return build_efs(
            EfsDeps(
                db=deps.db,
                clock=deps.clock,
                data_dir=Path(deps.config.data_dir),
                ec2=reg.require("ec2", Ec2Service).client,
                kms=KmsClient(reg.require("kms", KmsService).engine),
                holder=f"{socket.gethostname()}:{os.getpid()}",
                credentials=identity.keys,
                addresses=deps.config.efs_addresses or DEFAULT_RANGE,
            )
        )

    return {
        "kms": kms,
        "ec2": ec2,
        "cloudtrail": cloudtrail,
        "s3": s3,
        "s3control": s3control,
        "rds": rds,
        "efs": efs,
    }


def service_registry(
    deps: ServiceDeps,
    identity: Identity,
    *,
    primary: bool = False,
    scheduler: Scheduler | None = None,
) -> ServiceRegistry:
    registry = ServiceRegistry(
        service_factories(deps, identity),
        db=deps.db if scheduler is not None else None,
        primary=primary,
        on_job=scheduler.add if scheduler is not None else None,
    )
    registry.add(identity.iam)
    registry.add(identity.sts)
    return registry


def build_services(
    deps: ServiceDeps, identity: Identity | None = None
) -> dict[str, ServiceProvider]:
    """Every service, built now (for tools that read the dispatch tables)."""
    return service_registry(deps, identity or build_identity(deps)).build_all_sync()


def assemble(
    config: Config,
    kms_root: KmsRootKey | None = None,
    log_destination: LogDestination | None = None,
    primary: bool = False,
) -> Assembled:
    """Everything one gateway process serves with (after ``prepare`` has run).

    Services other than IAM and STS are built on their first use (``ServiceRegistry``).
    ``kms_root`` is the KMS root key ``prepare`` opened, if this is the same process
    (so that a passphrase is not run through scrypt twice); otherwise it is opened when
    KMS is first built. ``log_destination`` is where CloudTrail trails deliver (default:
    this server's S3). ``primary``: the process that supervises long-running children.
    """
    db = open_store(config)
    clock_source = StoredClockSource(db, Path(config.data_dir) / CLOCK_STAMP)
    clock = Clock(clock_source)
    deps = ServiceDeps(config, db, clock, kms_root, log_destination)
    identity = build_identity(deps)
    authenticator = Authenticator(identity.keys, clock)
    holder = f"{socket.gethostname()}:{os.getpid()}"
    outbox = EventOutbox(db)  # every request's CloudTrail event, trails or not
    scheduler = Scheduler(clock, Lease(db, "scheduler", holder), [outbox.retention_job()])
    services = service_registry(deps, identity, primary=primary, scheduler=scheduler)
    specs = Specs()
    events = RecordBuilder(SpecsPlans(specs), config.account_id)
    recorder = FanOut(
        (
            AuditRecorder(events, EventOutbox(db), keep=DataEventGate(db, events.is_data_event)),
            # S3 server access logs: records of requests to logged buckets
            AuditRecorder(AccessRecordBuilder(), AccessLogOutbox(db), keep=LoggedBuckets(db)),
        )
    )
    gateway = Gateway(
        router=Router([config.host, *config.hostnames]),
        specs=specs,
        authenticator=authenticator,
        authorizer=Authorizer(services.built, config.iam_mode.value, identity.directory),
        services=services,
        clock=clock,
        default_region=config.default_region,
        request_log=RequestLog(config.log_format) if config.log_requests else None,
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
        # The jobs of every service in use run for the jump, so those are built first.
        after_clock_change=[services.build_in_use, scheduler.run_now],
    )
    app = App(gateway, admin)
    return Assembled(app, admin, gateway, db, services, scheduler, recorder)
