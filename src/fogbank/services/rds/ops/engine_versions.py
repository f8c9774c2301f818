"""DescribeDBEngineVersions (saying which real server answers each version) and
DescribeOrderableDBInstanceOptions."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.rds.backend import RdsBackend
from fogbank.services.rds.models import EngineVersion
from fogbank.services.rds.ops.common import (
    Params,
    boolean,
    filters,
    page,
    required,
    scope,
    text,
    with_marker,
)
from fogbank.services.rds.ops.views import ENGINE_DESCRIPTION, LICENSE

Output = dict[str, object]
_VERSION_FILTERS = (
    "engine",
    "engine-version",
    "db-parameter-group-family",
    "status",
    "engine-mode",
)
_SIZES = {
    "t3": ("micro", "small", "medium", "large", "xlarge", "2xlarge"),
    "t4g": ("micro", "small", "medium", "large", "xlarge", "2xlarge"),
    "m5": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"),
    "m6g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "m6i": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"),
    "m7g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "r5": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"),
    "r6g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "r6i": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"),
    "r7g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
}
INSTANCE_CLASSES = tuple(f"db.{f}.{s}" for f, sizes in _SIZES.items() for s in sizes)
STORAGE_TYPES = (("gp2", 20, 65536), ("gp3", 20, 65536), ("io1", 100, 65536))


def major(v: EngineVersion) -> str:
    parts = v.version.split(".")
    return parts[0] if v.engine == "postgres" else ".".join(parts[:2])


def _version_matches(v: EngineVersion, asked: str) -> bool:
    return v.version == asked or major(v) == asked


def describe_version(v: EngineVersion) -> str:
    name = {"mysql": "MySQL", "mariadb": "MariaDB", "postgres": "PostgreSQL"}[v.engine]
    return f"{name} {v.version} \u2014 answered by {v.server_description}"


def version_doc(v: EngineVersion) -> dict[str, object]:
    return {
        "Engine": v.engine,
        "MajorEngineVersion": major(v),
        "EngineVersion": v.version,
        "DBParameterGroupFamily": v.family,
        "DBEngineDescription": ENGINE_DESCRIPTION[v.engine],
        "DBEngineVersionDescription": describe_version(v),
        "ValidUpgradeTarget": [],
        "ExportableLogTypes": [],
        "SupportsLogExportsToCloudwatchLogs": False,
        "SupportsReadReplica": False,
        "SupportedEngineModes": ["provisioned"],
        "SupportedFeatureNames": [],
        "Status": "available",
        "SupportsParallelQuery": False,
        "SupportsGlobalDatabases": False,
        "SupportsBabelfish": False,
        "SupportsLimitlessDatabase": False,
        "SupportsCertificateRotationWithoutRestart": False,
        "SupportsLocalWriteForwarding": False,
        "SupportsIntegrations": False,
    }


async def describe_db_engine_versions(
    rds: RdsBackend, ctx: RequestContext, params: Params
) -> Output:
    wanted = filters(params, _VERSION_FILTERS)
    layer = await rds.layer()
    versions = layer.catalog.engine_versions()
    engine = text(params, "Engine")
    version = text(params, "EngineVersion")
    family = text(params, "DBParameterGroupFamily")
    if engine:
        versions = [v for v in versions if v.engine == engine]
    if version:
        versions = [v for v in versions if _version_matches(v, version)]
    if family:
        versions = [v for v in versions if v.family == family]
    for name, values in wanted.items():
        if name == "engine":
            versions = [v for v in versions if v.engine in values]
        elif name == "engine-version":
            versions = [v for v in versions if any(_version_matches(v, x) for x in values)]
        elif name == "db-parameter-group-family":
            versions = [v for v in versions if v.family in values]
        elif name == "status":
            versions = [v for v in versions if "available" in values]
        elif name == "engine-mode":
            versions = [v for v in versions if "provisioned" in values]
    if boolean(params, "DefaultOnly"):
        if version or family:  # the newest of each family asked for
            newest: dict[str, EngineVersion] = {}
            for v in versions:
                newest[v.family] = v
            versions = list(newest.values())
        else:
            versions = [v for v in versions if v.is_default]
    keyed = [(f"{n:06d}", v) for n, v in enumerate(versions)]
    shown, marker = page(keyed, lambda kv: kv[0], params)
    return with_marker({"DBEngineVersions": [version_doc(v) for _, v in shown]}, marker)


async def describe_orderable_db_instance_options(
    rds: RdsBackend, ctx: RequestContext, params: Params
) -> Output:
    engine = required(params, "Engine")
    filters(params, ())
    layer = await rds.layer()
    version = text(params, "EngineVersion")
    wanted_class = text(params, "DBInstanceClass")
    license_model = text(params, "LicenseModel")
    if boolean(params, "Vpc") is False:  # EC2-Classic is gone; every instance is in a VPC
        return {"OrderableDBInstanceOptions": []}
    if license_model and license_model != LICENSE.get(engine):
        return {"OrderableDBInstanceOptions": []}
    versions = [v for v in layer.catalog.engine_versions() if v.engine == engine]
    if version:
        versions = [v for v in versions if _version_matches(v, version)]
    classes = [c for c in INSTANCE_CLASSES if wanted_class in (None, c)]
    sc = scope(ctx)
    zones = sorted({s.zone for s in await rds.network.default_subnets(sc.account_id, sc.region)})
    options: list[tuple[str, dict[str, object]]] = []
    for v in versions:
        for c in classes:
            for kind, low, high in STORAGE_TYPES:
                doc: dict[str, object] = {
                    "Engine": v.engine,
                    "EngineVersion": v.version,
                    "DBInstanceClass": c,
                    "LicenseModel": LICENSE[v.engine],
                    "AvailabilityZones": [{"Name": z} for z in zones],
                    "MultiAZCapable": False,
                    "ReadReplicaCapable": False,
                    "Vpc": True,
                    "SupportsStorageEncryption": False,
                    "StorageType": kind,
                    "SupportsIops": kind != "gp2",
                    "SupportsStorageThroughput": kind == "gp3",
                    "SupportsEnhancedMonitoring": False,
                    "SupportsIAMDatabaseAuthentication": False,
                    "SupportsPerformanceInsights": False,
                    "MinStorageSize": low,
                    "MaxStorageSize": high,
                    "SupportedEngineModes": ["provisioned"],
                    "SupportsStorageAutoscaling": False,
                    "SupportsKerberosAuthentication": False,
                    "OutpostCapable": False,
                    "SupportsGlobalDatabases": False,
                    "SupportedNetworkTypes": ["IPV4"],
                    "SupportsClusters": False,
                    "SupportsDedicatedLogVolume": False,
                }
                options.append((f"{len(options):08d}", doc))
    shown, marker = page(options, lambda kv: kv[0], params, high=1000)
    return with_marker({"OrderableDBInstanceOptions": [d for _, d in shown]}, marker)
