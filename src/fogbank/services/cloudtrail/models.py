"""Trails as CloudTrail keeps them."""

from __future__ import annotations

from dataclasses import dataclass

LOG_INTERVAL = 300.0  # a logging trail delivers about every 5 minutes
DIGEST_INTERVAL = 3600.0  # and signs a digest every hour
HISTORY_SECONDS = 90 * 86400.0  # LookupEvents covers the last 90 days


@dataclass(frozen=True)
class TrailSettings:
    bucket: str
    key_prefix: str | None = None
    sns_topic: str | None = None
    include_global: bool = True
    multi_region: bool = False
    validation: bool = False
    kms_key_id: str | None = None  # the key's ARN
    log_group: str | None = None
    log_role: str | None = None
    organization: bool = False

    def to_doc(self) -> dict[str, object]:
        return {
            "bucket": self.bucket,
            "key_prefix": self.key_prefix,
            "sns_topic": self.sns_topic,
            "include_global": self.include_global,
            "multi_region": self.multi_region,
            "validation": self.validation,
            "kms_key_id": self.kms_key_id,
            "log_group": self.log_group,
            "log_role": self.log_role,
            "organization": self.organization,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, object]) -> TrailSettings:
        def text(name: str) -> str | None:
            value = doc.get(name)
            return value if isinstance(value, str) else None

        return cls(
            bucket=str(doc["bucket"]),
            key_prefix=text("key_prefix"),
            sns_topic=text("sns_topic"),
            include_global=bool(doc.get("include_global", True)),
            multi_region=bool(doc.get("multi_region", False)),
            validation=bool(doc.get("validation", False)),
            kms_key_id=text("kms_key_id"),
            log_group=text("log_group"),
            log_role=text("log_role"),
            organization=bool(doc.get("organization", False)),
        )


@dataclass(frozen=True)
class Trail:
    id: int
    arn: str
    account_id: str
    home_region: str
    name: str
    settings: TrailSettings
    selectors: dict[str, object]  # {"basic": [...]} or {"advanced": [...]}
    insight_selectors: list[dict[str, object]] | None
    tags: dict[str, str]
    created_at: float
    logging: bool
    start_logging_at: float | None
    stop_logging_at: float | None
    cursor_batch: int
    cursor_seq: int
    next_slot: float
    latest_delivery_at: float | None = None
    latest_delivery_attempt_at: float | None = None
    latest_delivery_error: str | None = None
    latest_digest_at: float | None = None
    latest_digest_error: str | None = None
    finalize_at: float | None = None  # logging stopped: deliver up to here, then close

    @property
    def custom_selectors(self) -> bool:
        return self.selectors != default_selectors()


def default_selectors() -> dict[str, object]:
    return {
        "basic": [
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [],
                "ExcludeManagementEventSources": [],
            }
        ]
    }


def trail_arn(partition: str, region: str, account: str, name: str) -> str:
    return f"arn:{partition}:cloudtrail:{region}:{account}:trail/{name}"
