"""The blob store: the bytes behind S3 objects (and later EFS blocks, RDS snapshots).

Usage, from a service::

    written = await blobs.write(body, checksums=("CRC32",), encryption=key)   # durable
    await db.write(lambda c: (insert_object_row(c, written.blob_id, ...),
                              blobs.register(c, written)))                    # referenced

    plan = await db.read(lambda c: blobs.locate(c, row_blob_id, start, end))
    body = blobs.open(plan, keys=[key])        # FileSlice (sendfile) or async chunks

    await db.write(lambda c: (delete_object_row(c, ...), blobs.release(c, blob_id)))
    await db.write(lambda c: blobs.compose(c, [Extent(part, 0, size), ...]))  # no copying

**Blobs** are immutable byte strings with generated ids (32 hex digits). A blob is stored
in its own file (``file``, when larger than ``packed_max``), as a record in an append-only
segment file shared with other small blobs (``packed``), or as a list of extents of other
blobs (``composite``: a completed multipart upload, a copy of a range). Each has a row in
``blobs`` with a reference count, changed by ``register`` / ``add_reference`` /
``release`` / ``compose`` inside the caller's own transaction.

**Durability**: ``write`` returns only once the bytes are on disk (file: temp file, fsync,
rename, directory fsync; packed: append and ``fdatasync``, shared by concurrent writes).
Only then may the caller commit a row pointing at the blob. Blobs nobody committed, blobs
released to zero, temp files of dead writers and dead segment space are reclaimed by
``sweep`` (periodically) and ``recover`` (at start-up), after a grace period. Writers must
``register`` within half the grace period of the write, or it is refused.

**Encryption**: with ``encryption=DataKey(...)`` the bytes are stored as 64 KiB AES-256-GCM
chunks (see ``crypto``); ranged reads decrypt only what they overlap.

Modules: ``model`` (types), ``disk`` (layout, fsync, locks), ``checksums``, ``crypto``,
``segments`` (packing, group commit), ``files`` (own-file blobs), ``writer``, ``reader``,
``refs`` (SQL of references and lookups), ``schema`` (migration component ``blobs``),
``sweep``, ``compaction``, ``tiers`` (moves between roots), ``store`` (the facade),
``job`` (the periodic sweep). See docs/storage.md for the crash-safety argument.
"""

from typing import TYPE_CHECKING

from fogbank.storage.blobs.schema import MIGRATIONS

if TYPE_CHECKING:
    from fogbank.storage.blobs.model import (
        HOT,
        BlobCorrupt,
        BlobError,
        BlobExpired,
        BlobInfo,
        BlobNotFound,
        BlobSettings,
        DataKey,
        Extent,
        KeyRequired,
        Layout,
        Piece,
        ReadPlan,
        SweepReport,
        WrittenBlob,
    )
    from fogbank.storage.blobs.store import BlobStore


def __getattr__(name: str) -> object:
    """Everything but the migrations is imported on first use (``BlobStore`` brings
    cryptography and the checksum libraries): the gateway imports this package for its
    migrations at start-up."""
    if name == "BlobStore":
        from fogbank.storage.blobs.store import BlobStore

        return BlobStore
    if name in __all__:  # the value types of .model
        from fogbank.storage.blobs import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "HOT",
    "MIGRATIONS",
    "BlobCorrupt",
    "BlobError",
    "BlobExpired",
    "BlobInfo",
    "BlobNotFound",
    "BlobSettings",
    "BlobStore",
    "DataKey",
    "Extent",
    "KeyRequired",
    "Layout",
    "Piece",
    "ReadPlan",
    "SweepReport",
    "WrittenBlob",
]
