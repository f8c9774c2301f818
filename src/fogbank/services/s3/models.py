"""S3's domain objects: buckets, object versions, multipart uploads and parts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from fogbank.services.s3.checksums import Stored
from fogbank.services.s3.sse.record import SseRecord

NULL_VERSION = "null"
STANDARD = "STANDARD"
ARCHIVE_CLASSES = frozenset(("GLACIER", "DEEP_ARCHIVE"))
COLD_TIER = "cold"  # the blob store tier archived bodies live in
# Intelligent-Tiering's opt-in archive tiers: their bodies are in the cold tier too.
IT_ARCHIVE_TIERS = frozenset(("ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"))

# Content headers kept with an object, by model member name (PutObject input, GetObject
# output): what S3 stores and returns as given.
CONTENT_MEMBERS = (
    "ContentType",
    "ContentEncoding",
    "ContentDisposition",
    "ContentLanguage",
    "CacheControl",
    "Expires",
    "WebsiteRedirectLocation",
)
DEFAULT_CONTENT_TYPE = "binary/octet-stream"


def canonical_user_id(account_id: str) -> str:
    """The account's S3 canonical user id (64 hex digits, stable per account)."""
    return hashlib.sha256(f"fogbank-canonical-user:{account_id}".encode()).hexdigest()


def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def object_arn(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


@dataclass(frozen=True)
class Bucket:
    name: str
    owner_account: str
    region: str
    created_at: float
    versioning: str | None = None  # None (never enabled), "Enabled", "Suspended"
    object_lock: bool = False

    @property
    def arn(self) -> str:
        return bucket_arn(self.name)


@dataclass(frozen=True)
class ObjectMeta:
    """Content headers (``ContentType`` ...) and user metadata (``x-amz-meta-*``)."""

    headers: Mapping[str, str] = field(default_factory=dict)
    user: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"h": dict(self.headers), "u": dict(self.user)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: object) -> ObjectMeta:
        doc = json.loads(str(text)) if text else {}
        return cls(doc.get("h", {}), doc.get("u", {}))

    @property
    def content_type(self) -> str:
        return self.headers.get("ContentType") or DEFAULT_CONTENT_TYPE


@dataclass(frozen=True)
class Part:
    """A part of a multipart upload, or of a completed multipart object."""

    number: int
    size: int
    etag: str
    last_modified: float = 0.0
    checksums: Mapping[str, bytes] = field(default_factory=dict)
    blob_id: str | None = None


@dataclass(frozen=True)
class ObjectVersion:
    bucket: str
    key: str
    version_id: str
    is_latest: bool
    delete_marker: bool
    blob_id: str | None
    size: int
    etag: str  # unquoted
    last_modified: float
    storage_class: str
    owner_account: str
    meta: ObjectMeta
    checksum: Stored | None = None
    parts: tuple[Part, ...] = ()  # sizes and checksums of a multipart object's parts
    tags: tuple[tuple[str, str], ...] = ()
    seq: int = 0
    noncurrent_since: float | None = None  # when a newer version replaced it
    restore_ready: float | None = None  # an archive restore in progress completes then
    restore_expiry: float | None = None  # a restored copy is readable until then
    restore_days: int | None = None
    sse: SseRecord | None = None  # None: stored unencrypted (written before SSE was built)
    access_tier: str | None = None  # INTELLIGENT_TIERING's tier; None: Frequent Access
    last_access: float | None = None  # INTELLIGENT_TIERING: last GET; None: last write
    acl: str | None = None  # its ACL's grants as JSON (acl/grants.py); None: private

    @property
    def archive_tier(self) -> str | None:
        """The Intelligent-Tiering archive tier it is in (ARCHIVE_ACCESS,
        DEEP_ARCHIVE_ACCESS), if any."""
        if self.storage_class == "INTELLIGENT_TIERING" and self.access_tier in IT_ARCHIVE_TIERS:
            return self.access_tier
        return None

    @property
    def archived(self) -> bool:
        """Its bytes are in an archive class (GLACIER, DEEP_ARCHIVE) or an archive tier of
        Intelligent-Tiering: not readable unless restored."""
        if self.delete_marker:
            return False
        return self.storage_class in ARCHIVE_CLASSES or self.archive_tier is not None

    def readable_at(self, now: float) -> bool:
        if not self.archived:
            return True
        if self.archive_tier is not None:  # a restore brings it back to Frequent Access
            return False
        return (
            self.restore_ready is None
            and self.restore_expiry is not None
            and now < self.restore_expiry
        )

    @property
    def wire_version_id(self) -> str | None:
        """The ``x-amz-version-id`` to answer (none for the null version of a bucket
        that never had versioning)."""
        return None if self.version_id == NULL_VERSION else self.version_id


@dataclass(frozen=True)
class Upload:
    upload_id: str
    bucket: str
    key: str
    initiated: float
    owner_account: str
    initiator_arn: str
    initiator_id: str
    storage_class: str
    meta: ObjectMeta
    checksum_algorithm: str | None
    checksum_type: str | None
    tags: tuple[tuple[str, str], ...] = ()
    sse: SseRecord | None = None
    acl: str | None = None  # the ACL the completed object gets (JSON); None: private
