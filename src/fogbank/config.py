"""The one frozen configuration of a gateway; the only place the environment is read."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566
DEFAULT_ACCOUNT_ID = "000000000000"
DEFAULT_REGION = "us-east-1"
DEFAULT_ENDPOINT = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"


class IamMode(StrEnum):
    ENFORCE = "enforce"
    AUDIT = "audit"  # allow, but log every decision that would deny
    OFF = "off"  # no checks


def default_data_dir(env: Mapping[str, str]) -> Path:
    """``$FOGBANK_DATA_DIR``, else ``$XDG_DATA_HOME/fogbank``, else ``~/.local/share/fogbank``."""
    explicit = env.get("FOGBANK_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = env.get("XDG_DATA_HOME")
    if xdg:
        return Path(xdg).expanduser() / "fogbank"
    base = Path(env.get("HOME", "~")).expanduser() / ".local" / "share"
    return base / "fogbank"


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


@dataclass(frozen=True)
class Config:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data_dir: Path = field(default_factory=lambda: default_data_dir(os.environ))
    ephemeral: bool = False
    metadata_url: str | None = None  # default: SQLite in the data dir
    account_id: str = DEFAULT_ACCOUNT_ID
    root_access_key_id: str | None = None
    root_secret_access_key: str | None = None
    default_region: str = DEFAULT_REGION
    time_scale: float = 1.0
    tls: bool = False
    workers: int = 1
    iam_mode: IamMode = IamMode.ENFORCE
    log_format: str = "json"  # "json" | "text"
    log_requests: bool = True
    # Extra host names under which virtual-hosted S3 addressing is recognised
    # (``bucket.<name>``); ``localhost`` and the bind host are always included.
    hostnames: tuple[str, ...] = ()
    # Loopback addresses for RDS endpoints, "FIRST-LAST" (default 127.0.2.1-127.0.127.254).
    rds_addresses: str | None = None
    # Loopback addresses for EFS mount targets, "FIRST-LAST" (default
    # 127.0.128.1-127.0.255.254); each mount target listens on one, port 2049.
    efs_addresses: str | None = None
    # A directory where RDS engine templates (initialised data directories) are kept for
    # every data dir that names it, so that each makes them once only (docs/rds.md).
    rds_template_cache: str | None = None
    # RDS kernel routes (docs/rds.md): "auto" (on when root and nft are there), "on", "off".
    rds_kernel_routes: str = "auto"
    # The passphrase the KMS root key is derived from (None: the root key file in the
    # data dir). Never printed, logged or put in a worker's environment.
    kms_passphrase: str | None = field(default=None, repr=False)
    # Where S3 keeps GLACIER / DEEP_ARCHIVE bodies: a directory (default <data dir>/cold)
    # or a remote S3-compatible bucket, http(s)://HOST/BUCKET[/PREFIX] or s3://BUCKET[/PREFIX].
    s3_cold_store: str | None = None
    # The remote cold store's credentials (None: the AWS credential chain) and region.
    s3_cold_store_access_key_id: str | None = field(default=None, repr=False)
    s3_cold_store_secret_access_key: str | None = field(default=None, repr=False)
    s3_cold_store_region: str = DEFAULT_REGION

    @property
    def resolved_metadata_url(self) -> str:
        return self.metadata_url or f"sqlite:///{self.data_dir / 'metadata.db'}"

    @property
    def endpoint(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def with_(self, **changes: object) -> Config:
        return replace(self, **changes)  # type: ignore[arg-type]


def read_passphrase_file(path: Path) -> str:
    """A passphrase kept in a file: its text, without the final line break."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        raise ValueError(f"cannot read the KMS passphrase file {path}: {exc}") from None
    if text.endswith("\n"):
        text = text[:-1]
        if text.endswith("\r"):
            text = text[:-1]
    if not text:
        raise ValueError(f"the KMS passphrase file {path} is empty")
    return text


def config_from_env(env: Mapping[str, str], **overrides: object) -> Config:
    """Defaults, then ``FOGBANK_*`` environment variables, then explicit overrides (CLI).

    ``kms_passphrase_file`` (an override only) is read into ``kms_passphrase``; it wins
    over ``FOGBANK_KMS_PASSPHRASE``.
    """
    values: dict[str, object] = {"data_dir": default_data_dir(env)}
    if env.get("FOGBANK_ACCOUNT_ID"):
        values["account_id"] = env["FOGBANK_ACCOUNT_ID"]
    if env.get("FOGBANK_ROOT_ACCESS_KEY_ID"):
        values["root_access_key_id"] = env["FOGBANK_ROOT_ACCESS_KEY_ID"]
    if env.get("FOGBANK_ROOT_SECRET_ACCESS_KEY"):
        values["root_secret_access_key"] = env["FOGBANK_ROOT_SECRET_ACCESS_KEY"]
    if env.get("FOGBANK_METADATA_URL"):
        values["metadata_url"] = env["FOGBANK_METADATA_URL"]
    if env.get("FOGBANK_REGION"):
        values["default_region"] = env["FOGBANK_REGION"]
    if env.get("FOGBANK_RDS_ADDRESSES"):
        values["rds_addresses"] = env["FOGBANK_RDS_ADDRESSES"]
    if env.get("FOGBANK_RDS_TEMPLATE_CACHE"):
        values["rds_template_cache"] = str(Path(env["FOGBANK_RDS_TEMPLATE_CACHE"]).expanduser())
    if env.get("FOGBANK_RDS_KERNEL_ROUTES"):
        values["rds_kernel_routes"] = env["FOGBANK_RDS_KERNEL_ROUTES"].strip().lower()
    if env.get("FOGBANK_EFS_ADDRESSES"):
        values["efs_addresses"] = env["FOGBANK_EFS_ADDRESSES"]
    if env.get("FOGBANK_S3_COLD_STORE"):
        values["s3_cold_store"] = env["FOGBANK_S3_COLD_STORE"]
    if env.get("FOGBANK_S3_COLD_STORE_ACCESS_KEY_ID"):
        values["s3_cold_store_access_key_id"] = env["FOGBANK_S3_COLD_STORE_ACCESS_KEY_ID"]
    if env.get("FOGBANK_S3_COLD_STORE_SECRET_ACCESS_KEY"):
        values["s3_cold_store_secret_access_key"] = env["FOGBANK_S3_COLD_STORE_SECRET_ACCESS_KEY"]
    if env.get("FOGBANK_S3_COLD_STORE_REGION"):
        values["s3_cold_store_region"] = env["FOGBANK_S3_COLD_STORE_REGION"]
    if env.get("FOGBANK_KMS_PASSPHRASE"):
        values["kms_passphrase"] = env["FOGBANK_KMS_PASSPHRASE"]
    passphrase_file = overrides.pop("kms_passphrase_file", None)
    if passphrase_file is not None:
        values["kms_passphrase"] = read_passphrase_file(Path(str(passphrase_file)))
    values.update({k: v for k, v in overrides.items() if v is not None})
    config = Config(**values)  # type: ignore[arg-type]
    validate(config)
    return config


def validate(config: Config) -> None:
    if not (config.account_id.isdigit() and len(config.account_id) == 12):
        raise ValueError(f"account id must be 12 digits, got {config.account_id!r}")
    if (config.root_access_key_id is None) != (config.root_secret_access_key is None):
        raise ValueError(
            "set both FOGBANK_ROOT_ACCESS_KEY_ID and FOGBANK_ROOT_SECRET_ACCESS_KEY, or neither"
        )
    if config.time_scale <= 0:
        raise ValueError("--time-scale must be positive")
    if config.workers < 1:
        raise ValueError("--workers must be at least 1")
    if config.s3_cold_store is not None and "://" in config.s3_cold_store:
        from fogbank.storage.blobs.remote import RemoteLocation

        try:
            RemoteLocation.parse(config.s3_cold_store)
        except ValueError as exc:
            raise ValueError(f"FOGBANK_S3_COLD_STORE: {exc}") from None
    if (config.s3_cold_store_access_key_id is None) != (
        config.s3_cold_store_secret_access_key is None
    ):
        raise ValueError(
            "set both FOGBANK_S3_COLD_STORE_ACCESS_KEY_ID and"
            " FOGBANK_S3_COLD_STORE_SECRET_ACCESS_KEY, or neither"
        )
    if config.rds_addresses is not None:
        from fogbank.services.rds.addresses import AddressPool as RdsAddresses

        RdsAddresses.parse(config.rds_addresses)
    if config.rds_kernel_routes not in ("auto", "on", "off"):
        raise ValueError(
            f"FOGBANK_RDS_KERNEL_ROUTES must be auto, on or off: {config.rds_kernel_routes!r}"
        )
    if config.efs_addresses is not None:
        from fogbank.services.efs.serving.addresses import AddressPool as EfsAddresses

        EfsAddresses.parse(config.efs_addresses)
