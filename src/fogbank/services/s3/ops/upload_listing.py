"""ListParts and ListMultipartUploads."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.s3 import checksums, errors, listing
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.etags import quote
from fogbank.services.s3.models import Upload
from fogbank.services.s3.ops.common import Output, Params, integer, owner, text, touch_bucket, when
from fogbank.services.s3.ops.listing import encoding
from fogbank.services.s3.ops.multipart import load_upload
from fogbank.services.s3.store import uploads as upload_store
from fogbank.storage.db import Conn


def _initiator(up: Upload) -> dict[str, str]:
    return {"ID": up.initiator_arn, "DisplayName": up.initiator_id}


async def list_parts(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    await engine.bucket(str(params["Bucket"]))
    upload = await load_upload(engine, params)
    limit = integer(params, "MaxParts")
    limit = 1000 if limit is None else limit
    if limit < 0:
        raise errors.invalid_argument(
            "Argument max-parts must be an integer between 0 and 2147483647", "max-parts", limit
        )
    limit = min(limit, 1000)
    marker = integer(params, "PartNumberMarker") or 0
    parts = await engine.db.read(
        lambda c: upload_store.parts(c, upload.upload_id, marker, limit + 1)
    )
    truncated = len(parts) > limit
    parts = parts[:limit]
    alg = upload.checksum_algorithm
    entries = []
    for p in parts:
        entry: dict[str, object] = {
            "PartNumber": p.number,
            "LastModified": when(p.last_modified),
            "ETag": quote(p.etag),
            "Size": p.size,
        }
        if alg is not None and alg in p.checksums:
            entry[checksums.member(alg)] = checksums.b64(p.checksums[alg])
        entries.append(entry)
    touch_bucket(ctx, upload.bucket)
    out: Output = {
        "Bucket": upload.bucket,
        "Key": upload.key,
        "UploadId": upload.upload_id,
        "PartNumberMarker": marker,
        "MaxParts": limit,
        "IsTruncated": truncated,
        "Parts": entries,
        "Initiator": _initiator(upload),
        "Owner": owner(upload.owner_account),
        "StorageClass": upload.storage_class,
    }
    if parts:
        out["NextPartNumberMarker"] = parts[-1].number
    if alg is not None:
        out["ChecksumAlgorithm"] = alg
        out["ChecksumType"] = upload.checksum_type
    return out


async def list_multipart_uploads(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    touch_bucket(ctx, bucket.name)
    prefix = text(params, "Prefix") or ""
    delimiter = text(params, "Delimiter") or None
    key_marker = text(params, "KeyMarker") or ""
    upload_marker = text(params, "UploadIdMarker") or None
    limit = integer(params, "MaxUploads")
    limit = 1000 if limit is None else max(0, min(limit, 1000))
    url = encoding(params)

    def read(conn: Conn) -> tuple[list[Upload], list[str], bool]:
        uploads: list[Upload] = []
        prefixes: list[str] = []
        key, marker = key_marker, upload_marker
        while len(uploads) + len(prefixes) <= limit:
            batch = upload_store.page(conn, bucket.name, prefix=prefix, key_marker=key,
                                      upload_marker=marker, limit=limit + 1)  # fmt: skip
            if not batch:
                return uploads, prefixes, False
            for up in batch:
                cp = _common_prefix(up.key, prefix, delimiter)
                if cp is not None:
                    if (prefixes and prefixes[-1] == cp) or (key_marker and cp <= key_marker):
                        continue
                    if len(uploads) + len(prefixes) == limit:
                        return uploads, prefixes, True
                    prefixes.append(cp)
                    continue
                if len(uploads) + len(prefixes) == limit:
                    return uploads, prefixes, True
                uploads.append(up)
            last = batch[-1]
            if len(batch) <= limit:
                return uploads, prefixes, False
            key, marker = last.key, last.upload_id
        return uploads, prefixes, True

    uploads, prefixes, truncated = await engine.db.read(read)

    def enc(value: str) -> str:
        return listing.url_encode(value) if url else value

    out: Output = {
        "Bucket": bucket.name,
        "KeyMarker": enc(key_marker),
        "UploadIdMarker": upload_marker or "",
        "Prefix": enc(prefix),
        "MaxUploads": limit,
        "IsTruncated": truncated,
        "Uploads": [
            {
                "UploadId": u.upload_id,
                "Key": enc(u.key),
                "Initiated": when(u.initiated),
                "StorageClass": u.storage_class,
                "Owner": owner(u.owner_account),
                "Initiator": _initiator(u),
                **(
                    {"ChecksumAlgorithm": u.checksum_algorithm, "ChecksumType": u.checksum_type}
                    if u.checksum_algorithm
                    else {}
                ),
            }
            for u in uploads
        ],
        "CommonPrefixes": [{"Prefix": enc(p)} for p in prefixes],
    }
    if delimiter:
        out["Delimiter"] = enc(delimiter)
    if truncated:
        if uploads and (not prefixes or uploads[-1].key > prefixes[-1]):
            out["NextKeyMarker"] = enc(uploads[-1].key)
            out["NextUploadIdMarker"] = uploads[-1].upload_id
        elif prefixes:
            out["NextKeyMarker"] = enc(prefixes[-1])
    if url:
        out["EncodingType"] = "url"
    return out


def _common_prefix(key: str, prefix: str, delimiter: str | None) -> str | None:
    if not delimiter:
        return None
    i = key.find(delimiter, len(prefix))
    return None if i < 0 else key[: i + len(delimiter)]


HANDLERS = {"ListParts": list_parts, "ListMultipartUploads": list_multipart_uploads}
