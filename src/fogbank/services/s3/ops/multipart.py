"""Multipart uploads: create, upload a part (or copy one from an object), abort.

Each part is a blob of its own (or, for a copied range, a composite of the source's
bytes). Completing an upload (``completion.py``) composes the listed parts' blobs into
the object's blob without copying a byte.
"""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.core.streams import Body, BytesBody
from fogbank.services.s3 import checksums, errors, names
from fogbank.services.s3.acl import ownership
from fogbank.services.s3.copy_source import parse_copy_range
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.etags import quote
from fogbank.services.s3.ids import opaque_id
from fogbank.services.s3.lifecycle import schedule
from fogbank.services.s3.models import ObjectVersion, Part, Upload
from fogbank.services.s3.ops.common import Output, Params, as_int, text, touch_object, when
from fogbank.services.s3.ops.copy import MAX_COPY, load_source
from fogbank.services.s3.ops.digest import digest
from fogbank.services.s3.ops.put import write_body
from fogbank.services.s3.ops.writing import body_length, meta_of, object_tags, storage_class
from fogbank.services.s3.sse import apply as sse_apply
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.services.s3.store import uploads as upload_store
from fogbank.storage.blobs import Extent, ReadPlan
from fogbank.storage.db import Conn


def new_upload_id() -> str:
    return opaque_id(64, extra="._-")


def _checksum_type(algorithm: str | None, requested: str | None) -> str | None:
    if requested is not None and requested not in (checksums.COMPOSITE, checksums.FULL_OBJECT):
        raise errors.invalid_request("Value for x-amz-checksum-type header is invalid.")
    if algorithm is None:
        if requested is not None:
            raise errors.invalid_request(
                "The x-amz-checksum-type header can only be used with the "
                "x-amz-checksum-algorithm header."
            )
        return None
    if requested is None:
        return checksums.FULL_OBJECT if algorithm == "CRC64NVME" else checksums.COMPOSITE
    if requested == checksums.FULL_OBJECT and algorithm not in checksums.CRCS:
        raise errors.invalid_request(
            f"The FULL_OBJECT checksum type cannot be used with the {algorithm.lower()} "
            "checksum algorithm."
        )
    if requested == checksums.COMPOSITE and algorithm == "CRC64NVME":
        raise errors.invalid_request(
            "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm."
        )
    return requested


async def create_multipart_upload(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = str(params["Bucket"])
    key = names.check_key(str(params["Key"]))
    found = await engine.bucket(bucket)
    owner, acl = await ownership.for_object_write(engine, ctx, params, found)
    _, sse = await sse_apply.for_write(engine, ctx, params, found, key)
    algorithm = checksums.normalize_algorithm(
        params.get("ChecksumAlgorithm"), "x-amz-checksum-algorithm"
    )
    kind = _checksum_type(algorithm, text(params, "ChecksumType"))
    upload = Upload(
        upload_id=new_upload_id(), bucket=bucket, key=key, initiated=engine.now(),
        owner_account=owner, initiator_arn=ctx.principal.arn,
        initiator_id=ctx.principal.principal_id, storage_class=storage_class(params),
        meta=meta_of(params), checksum_algorithm=algorithm, checksum_type=kind,
        tags=tuple(object_tags(params)), sse=sse, acl=acl,
    )  # fmt: skip

    def create(conn: Conn) -> None:
        if bucket_store.get(conn, bucket) is None:
            raise errors.no_such_bucket(bucket)
        upload_store.insert(conn, upload)
        schedule.reschedule(conn, bucket, key)

    await engine.db.write(create)
    touch_object(ctx, bucket, key)
    out: Output = {"Bucket": bucket, "Key": key, "UploadId": upload.upload_id,
                   **sse.output(context=True)}  # fmt: skip
    if algorithm is not None:
        out["ChecksumAlgorithm"] = algorithm
        out["ChecksumType"] = kind
    return out


def part_number(params: Params) -> int:
    number = as_int(params["PartNumber"])
    if not 1 <= number <= 10_000:
        raise errors.invalid_argument(
            "Part number must be an integer between 1 and 10000, inclusive", "partNumber", number
        )
    return number


async def load_upload(engine: S3Engine, params: Params) -> Upload:
    upload_id = str(params["UploadId"])
    bucket, key = str(params["Bucket"]), str(params["Key"])
    upload = await engine.db.read(lambda c: upload_store.get(c, upload_id))
    if upload is None or upload.bucket != bucket or upload.key != key:
        raise errors.no_such_upload(upload_id)
    return upload


def _part_algorithms(upload: Upload, claim: checksums.Claim) -> tuple[str, ...]:
    if upload.checksum_algorithm is not None:
        if claim.algorithm is not None and claim.algorithm != upload.checksum_algorithm:
            raise errors.invalid_request(
                "Checksum Type mismatch occurred, expected checksum Type: "
                f"{upload.checksum_algorithm.lower()}, actual checksum Type: "
                f"{claim.algorithm.lower()}"
            )
        return (upload.checksum_algorithm,)
    # No algorithm for the upload: keep S3's default (CRC64NVME) for the whole object.
    return tuple(dict.fromkeys((*claim.algorithms, checksums.DEFAULT)))


def _store_part(engine: S3Engine, upload: Upload, part: Part, written: object) -> object:
    def store(conn: Conn) -> None:
        if upload_store.get(conn, upload.upload_id) is None:
            raise errors.no_such_upload(upload.upload_id)
        if written is not None:
            engine.blobs.register(conn, written)  # type: ignore[arg-type]
        replaced = upload_store.put_part(conn, upload.upload_id, part)
        if replaced is not None:
            engine.blobs.release(conn, replaced)

    return store


def _part_checksum_output(upload: Upload, values: dict[str, bytes]) -> Output:
    alg = upload.checksum_algorithm
    if alg is None or alg not in values:
        return {}
    return {checksums.member(alg): checksums.b64(values[alg])}


async def upload_part(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    await engine.bucket(str(params["Bucket"]))
    number = part_number(params)
    upload = await load_upload(engine, params)
    body = params.get("Body")
    if not isinstance(body, Body):
        body = BytesBody(b"")
    body_length(body, engine.limits.max_part)
    claim = checksums.claim_of(params, ctx.headers)
    data_key = await sse_apply.record_key(engine, upload.sse, params)
    algorithms = _part_algorithms(upload, claim)
    written = await write_body(engine, body, claim, algorithms, data_key)
    part = Part(number, written.size, written.etag, engine.now(), dict(written.checksums),
                written.blob_id)  # fmt: skip
    await engine.db.write(_store_part(engine, upload, part, written))  # type: ignore[arg-type]
    touch_object(ctx, upload.bucket, upload.key)
    return {
        "ETag": quote(written.etag),
        **_part_checksum_output(upload, dict(written.checksums)),
        **_sse_output(upload),
    }


def _sse_output(upload: Upload) -> Output:
    return {} if upload.sse is None else upload.sse.output()


async def upload_part_copy(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    await engine.bucket(str(params["Bucket"]))
    number = part_number(params)
    upload = await load_upload(engine, params)
    _, source = await load_source(engine, ctx, params)
    window = parse_copy_range(text(params, "CopySourceRange"), source.size)
    start, end = (window.start, window.end) if window else (0, source.size)
    if end - start > MAX_COPY:
        raise errors.invalid_request(
            "The specified copy source is larger than the maximum allowable size for a copy "
            f"source: {MAX_COPY}"
        )
    algorithms = tuple(dict.fromkeys(
        (upload.checksum_algorithm,) if upload.checksum_algorithm else (checksums.DEFAULT,)
    ))  # fmt: skip
    if upload.sse is not None or source.sse is not None:
        return await _reencrypted_part(
            engine, ctx, params, upload, source, number, (start, end), algorithms
        )
    whole = start == 0 and end == source.size
    values: dict[str, bytes] = {}
    etag = source.etag
    blob_id = source.blob_id
    if blob_id is not None and end > start:
        plan = await engine.db.read(lambda c: engine.blobs.locate(c, blob_id, start, end))
        known = source.checksum
        reusable = (
            known is not None
            and known.type == checksums.FULL_OBJECT
            and all(a == known.algorithm for a in algorithms)
        )
        if whole and not source.parts and known is not None and reusable:
            values = {known.algorithm: known.value}
        else:
            md5, values = await digest(engine, plan, algorithms)
            etag = md5.hex()
    else:
        md5, values = await digest(engine, _empty_plan(), algorithms)
        etag = md5.hex()
    now = engine.now()

    def store(conn: Conn) -> str:
        if upload_store.get(conn, upload.upload_id) is None:
            raise errors.no_such_upload(upload.upload_id)
        if blob_id is not None and end > start:
            extents = engine.blobs.extents(conn, blob_id, start, end)
            info = engine.blobs.compose(
                conn, [Extent(e.blob_id, e.offset, e.length) for e in extents]
            )
        else:
            info = engine.blobs.compose(conn, [])
        part = Part(number, end - start, etag, now, values, info.blob_id)
        replaced = upload_store.put_part(conn, upload.upload_id, part)
        if replaced is not None:
            engine.blobs.release(conn, replaced)
        return info.blob_id

    await engine.db.write(store)
    touch_object(ctx, upload.bucket, upload.key)
    result: dict[str, object] = {"ETag": quote(etag), "LastModified": when(now)}
    result.update(_part_checksum_output(upload, values))
    out: Output = {"CopyPartResult": result}
    if source.wire_version_id is not None:
        out["CopySourceVersionId"] = source.wire_version_id
    return out


async def _reencrypted_part(
    engine: S3Engine, ctx: RequestContext, params: Params, upload: Upload,
    source: ObjectVersion, number: int, window: tuple[int, int], algorithms: tuple[str, ...],
) -> Output:  # fmt: skip
    """UploadPartCopy when either side is encrypted: the source's plaintext range is
    decrypted and written again under the upload's data key (parts share one key)."""
    source_keys = await sse_apply.read_keys(engine, source, params, sse_apply.SOURCE_PREFIX)
    data_key = await sse_apply.record_key(engine, upload.sse, params)
    start, end = window
    blob_id = source.blob_id
    plan = None
    if blob_id is not None and end > start:
        plan = await engine.db.read(lambda c: engine.blobs.locate(c, blob_id, start, end))
    written = await engine.blobs.write(
        sse_apply.plaintext(engine, plan, source_keys), checksums=algorithms,
        encryption=data_key, size_hint=end - start,
    )  # fmt: skip
    now = engine.now()
    part = Part(number, written.size, written.etag, now, dict(written.checksums),
                written.blob_id)  # fmt: skip
    await engine.db.write(_store_part(engine, upload, part, written))  # type: ignore[arg-type]
    touch_object(ctx, upload.bucket, upload.key)
    result: dict[str, object] = {"ETag": quote(written.etag), "LastModified": when(now)}
    result.update(_part_checksum_output(upload, dict(written.checksums)))
    out: Output = {"CopyPartResult": result, **_sse_output(upload)}
    if source.wire_version_id is not None:
        out["CopySourceVersionId"] = source.wire_version_id
    return out


def _empty_plan() -> ReadPlan:
    return ReadPlan("", 0, 0, 0, ())


async def abort_multipart_upload(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    await engine.bucket(str(params["Bucket"]))
    upload = await load_upload(engine, params)

    def abort(conn: Conn) -> None:
        if upload_store.get(conn, upload.upload_id) is None:
            raise errors.no_such_upload(upload.upload_id)
        for blob_id in upload_store.delete(conn, upload.upload_id):
            engine.blobs.release(conn, blob_id)
        schedule.reschedule(conn, upload.bucket, upload.key)

    await engine.db.write(abort)
    touch_object(ctx, upload.bucket, upload.key)
    return {}
