"""CompleteMultipartUpload: checks the part list, composes the parts' blobs into the
object's (no bytes copied), computes the multipart ETag and checksum, and makes the object
the key's latest version, all in one transaction."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from fogbank.core.context import RequestContext
from fogbank.services.s3 import archive, checksums, errors
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.etags import multipart_etag, quote, unquote
from fogbank.services.s3.lifecycle import schedule
from fogbank.services.s3.models import ObjectVersion, Part, Upload
from fogbank.services.s3.ops.common import Output, Params, text, touch_object
from fogbank.services.s3.ops.multipart import load_upload
from fogbank.services.s3.ops.writing import WriteConditions, commit_object
from fogbank.services.s3.store import uploads as upload_store
from fogbank.storage.blobs import Extent
from fogbank.storage.db import Conn


def _listed(params: Params) -> list[tuple[int, str, dict[str, str]]]:
    spec = params.get("MultipartUpload")
    parts = spec.get("Parts") if isinstance(spec, Mapping) else None
    if not isinstance(parts, list) or not parts:
        raise errors.malformed_xml()
    out: list[tuple[int, str, dict[str, str]]] = []
    for item in parts:
        if not isinstance(item, Mapping) or item.get("PartNumber") is None or not item.get("ETag"):
            raise errors.malformed_xml()
        sums = {
            alg: str(item[checksums.member(alg)])
            for alg in checksums.ALGORITHMS
            if item.get(checksums.member(alg)) is not None
        }
        out.append((int(item["PartNumber"]), unquote(str(item["ETag"])), sums))
    numbers = [n for n, _, _ in out]
    if any(b <= a for a, b in itertools.pairwise(numbers)):
        raise errors.invalid_part_order()
    return out


def _check_parts(
    upload: Upload,
    listed: Sequence[tuple[int, str, dict[str, str]]],
    stored: Mapping[int, Part],
    min_part: int,
) -> list[Part]:
    chosen: list[Part] = []
    alg = upload.checksum_algorithm
    for i, (number, etag, sums) in enumerate(listed):
        part = stored.get(number)
        if part is None or part.etag != etag:
            raise errors.invalid_part(number, etag)
        if i < len(listed) - 1 and part.size < min_part:
            raise errors.entity_too_small(part.size, min_part)
        if alg is not None:
            given = sums.get(alg)
            if given is None and upload.checksum_type == checksums.COMPOSITE:
                raise errors.invalid_request(
                    f"The upload was created using a {alg.lower()} checksum. The complete "
                    "request must include the checksum for each part. It was missing for "
                    f"part {number} in the request."
                )
            if given is not None and checksums.decode_value(alg, given) != part.checksums.get(alg):
                raise errors.invalid_part(number, etag)
        chosen.append(part)
    return chosen


def _object_checksum(upload: Upload, parts: Sequence[Part]) -> checksums.Stored | None:
    alg = upload.checksum_algorithm
    if alg is None:
        alg, kind = checksums.DEFAULT, checksums.FULL_OBJECT
    else:
        kind = upload.checksum_type or checksums.COMPOSITE
    values = [p.checksums.get(alg) for p in parts]
    if any(v is None for v in values):
        return None
    if kind == checksums.COMPOSITE:
        value = checksums.composite(alg, [v for v in values if v is not None])
        return checksums.Stored(alg, kind, value, len(parts))
    combined = checksums.combine(
        alg, [(v, p.size) for v, p in zip(values, parts, strict=True) if v]
    )
    return checksums.Stored(alg, kind, combined)


def _check_whole(params: Params, checksum: checksums.Stored | None) -> None:
    for alg in checksums.ALGORITHMS:
        given = params.get(checksums.member(alg))
        if given is None:
            continue
        if checksum is None or checksum.algorithm != alg:
            raise errors.invalid_request(
                "The upload was created using the"
                f" {(checksum.algorithm if checksum else 'null').lower()}"
                f" checksum algorithm but the complete request used {alg.lower()}."
            )
        expected = checksum.wire()
        if str(given).strip() not in (expected, checksums.b64(checksum.value)):
            raise errors.checksum_mismatch(alg)


async def complete_multipart_upload(
    engine: S3Engine, ctx: RequestContext, params: Params
) -> Output:
    await engine.bucket(str(params["Bucket"]))
    upload = await load_upload(engine, params)
    listed = _listed(params)
    cond = WriteConditions.of(params)
    mpu_size = params.get("MpuObjectSize")
    requested_type = text(params, "ChecksumType")

    def complete(conn: Conn) -> tuple[ObjectVersion, checksums.Stored | None]:
        current = upload_store.get(conn, upload.upload_id)
        if current is None:
            raise errors.no_such_upload(upload.upload_id)
        stored = {p.number: p for p in upload_store.parts(conn, upload.upload_id)}
        parts = _check_parts(upload, listed, stored, engine.limits.min_part)
        size = sum(p.size for p in parts)
        if mpu_size is not None and int(mpu_size) != size:  # type: ignore[call-overload]
            raise errors.invalid_request(
                f"The provided 'x-amz-mp-object-size' header value {mpu_size} does not match "
                f"what was computed: {size}"
            )
        if requested_type is not None and requested_type != (upload.checksum_type or ""):
            raise errors.invalid_request(
                f"The upload was created using the {upload.checksum_type or 'null'} checksum "
                f"mode. The complete request must use the same checksum mode."
            )
        checksum = _object_checksum(upload, parts)
        _check_whole(params, checksum)
        blob = engine.blobs.compose(conn, [Extent(str(p.blob_id), 0, p.size) for p in parts])
        obj = ObjectVersion(
            bucket=upload.bucket, key=upload.key, version_id="", is_latest=True,
            delete_marker=False, blob_id=blob.blob_id, size=size,
            etag=multipart_etag(p.etag for p in parts), last_modified=engine.now(),
            storage_class=upload.storage_class, owner_account=upload.owner_account,
            meta=upload.meta, checksum=checksum,
            parts=tuple(
                Part(p.number, p.size, p.etag, p.last_modified, p.checksums) for p in parts
            ),
            tags=upload.tags, sse=upload.sse, acl=upload.acl,
        )  # fmt: skip
        result = commit_object(engine, conn, obj, cond=cond)
        for blob_id in upload_store.delete(conn, upload.upload_id):
            engine.blobs.release(conn, blob_id)
        schedule.reschedule(conn, upload.bucket, upload.key)
        return result, checksum

    obj, checksum = await engine.db.write(complete)
    touch_object(ctx, upload.bucket, upload.key)
    await archive.place(engine, obj)
    out: Output = {
        "Location": f"/{obj.bucket}/{obj.key}",
        "Bucket": obj.bucket,
        "Key": obj.key,
        "ETag": quote(obj.etag),
    }
    if checksum is not None and upload.checksum_algorithm is not None:
        out.update(checksum.output())
    if obj.wire_version_id is not None:
        out["VersionId"] = obj.wire_version_id
    if upload.sse is not None:  # S3 echoes SSE-S3/SSE-KMS here, not SSE-C
        sse = upload.sse.output()
        out.update({k: v for k, v in sse.items() if not k.startswith("SSECustomer")})
    return out
