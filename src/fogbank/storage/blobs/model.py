"""The blob store's value types: settings, what goes in, what comes out, and its errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Layout = Literal["file", "packed", "composite"]
"""How a blob's bytes are kept: its own file, a record in a segment, or a list of extents."""

HOT = "hot"
"""The default tier: the data directory's own root."""


class BlobError(Exception):
    """Base of the blob store's errors."""


class BlobNotFound(BlobError):
    """No blob with that id (never committed, or already reclaimed)."""


class BlobExpired(BlobError):
    """A written blob was committed too late: the sweeper may already have reclaimed it."""


class BlobCorrupt(BlobError):
    """Stored bytes fail their check (a record header, or AES-GCM authentication)."""


class KeyRequired(BlobError):
    """The blob is encrypted and no data key with its ``key_ref`` was given."""

    def __init__(self, key_ref: str) -> None:
        super().__init__(f"blob is encrypted under key {key_ref!r}, which was not given")
        self.key_ref = key_ref


@dataclass(frozen=True)
class DataKey:
    """A 256-bit data key and the caller's opaque reference to it (stored with the blob)."""

    key: bytes = field(repr=False)
    key_ref: str

    def __post_init__(self) -> None:
        if len(self.key) != 32:
            raise ValueError("a data key is 32 bytes (AES-256)")


@dataclass(frozen=True)
class Extent:
    """``length`` bytes of a blob's plaintext starting at ``offset``."""

    blob_id: str
    offset: int
    length: int


@dataclass(frozen=True)
class WrittenBlob:
    """A blob whose bytes are durable but that nothing references yet.

    Hand it to ``BlobStore.register`` inside the transaction that stores the row pointing
    at it, within half the grace period of ``written_at``.
    """

    blob_id: str
    size: int  # plaintext bytes
    md5: bytes
    checksums: Mapping[str, bytes]  # algorithm name (S3's: "CRC32", ...) -> big-endian digest
    layout: Layout  # "file" or "packed"
    tier: str
    stored_size: int  # bytes on disk (ciphertext and tags when encrypted)
    location: str  # id of the file ("file") or segment ("packed") holding the stored bytes
    location_offset: int  # where in it they start
    cipher: str | None
    key_ref: str | None
    written_at: float  # wall-clock seconds: the mtime of the file or segment holding it

    @property
    def etag(self) -> str:
        return self.md5.hex()


@dataclass(frozen=True)
class BlobInfo:
    """A blob's metadata row."""

    blob_id: str
    layout: Layout
    tier: str
    size: int
    stored_size: int
    location: str | None  # file or segment id; None for a composite
    location_offset: int | None
    cipher: str | None
    key_ref: str | None
    refcount: int
    created_at: float
    released_at: float | None


@dataclass(frozen=True)
class Piece:
    """Part of a read: ``length`` plaintext bytes at ``offset`` of a data (non-composite) blob."""

    blob: BlobInfo
    offset: int
    length: int


@dataclass(frozen=True)
class ReadPlan:
    """Where the bytes ``[start, end)`` of blob ``blob_id`` (``size`` bytes in all) are."""

    blob_id: str
    size: int
    start: int
    end: int
    pieces: tuple[Piece, ...]

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class SweepReport:
    """What one sweep reclaimed."""

    blobs_reclaimed: int = 0
    files_deleted: int = 0
    temp_files_deleted: int = 0
    orphans_deleted: int = 0
    segments_deleted: int = 0
    segments_compacted: int = 0
    bytes_freed: int = 0


@dataclass(frozen=True)
class BlobSettings:
    """Tunables; the defaults suit a small server with an SSD."""

    # A blob is not reclaimed until this long after it was written (if never committed) or
    # released; writers must commit within half of it. Wall-clock seconds.
    grace_s: float = 900.0
    # Unlocked temp files older than this are debris of a dead writer.
    temp_grace_s: float = 60.0
    # Blobs of at most this many plaintext bytes are packed into segment files.
    packed_max: int = 128 * 1024
    # A segment is closed and a new one started once it reaches this size.
    segment_max: int = 64 * 1024 * 1024
    # Streaming writes hand bytes to threads in batches of about this size.
    batch_size: int = 4 * 1024 * 1024
    # A large blob's bytes written through the page cache are fdatasync'ed every this many
    # bytes (0: only at the end), so that the disk works while later bytes are still being
    # hashed and the final fsync has little left to do (O_DIRECT writes need not).
    sync_every: int = 16 * 1024 * 1024
    # Large blobs' files are written around the page cache (O_DIRECT) where the file
    # system allows it (``direct``): no copy of every byte into fresh cache pages.
    direct_io: bool = True
    # Bytes handed to the hashing and writing threads and not yet done by both.
    pipeline_bytes: int = 8 * 1024 * 1024
    # Compact a closed segment once its live bytes fall below this share of its size ...
    compact_below: float = 0.5
    # ... and it holds at least this many dead bytes.
    compact_min_dead: int = 1024 * 1024
    # Threads for file I/O, hashing and encryption.
    threads: int = 4
    # Most rows handled in one reclamation transaction.
    sweep_batch: int = 500
