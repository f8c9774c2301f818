"""Browser POST uploads (``PostObject``): a form whose signed policy says what may be
uploaded; the file streams into the blob store like a PutObject body.

The edge (server/special.py) has parsed the form up to the file and verified who signed
the policy; this checks the policy's conditions, stores the file, and answers as the
form asks: ``success_action_redirect`` (303 to that URL), ``success_action_status`` 200 or
201 (with a ``PostResponse`` document) or, by default, 204.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from fogbank.core.context import RequestContext
from fogbank.core.outputs import HEADERS, STATUS
from fogbank.core.streams import Body, BytesBody, WrappedBody
from fogbank.services.s3 import archive, checksums, errors, names, tags
from fogbank.services.s3.acl import ownership
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.etags import quote as quote_etag
from fogbank.services.s3.ops.common import Output, Params, touch_object
from fogbank.services.s3.ops.put import write_body
from fogbank.services.s3.ops.writing import commit_object, meta_of, new_object, storage_class
from fogbank.services.s3.post_policy import check_policy
from fogbank.services.s3.sse import access as sse_access
from fogbank.services.s3.sse import apply as sse_apply
from fogbank.services.s3.sse.record import sse_headers

_FIELD_MEMBERS = {
    "content-type": "ContentType",
    "cache-control": "CacheControl",
    "content-disposition": "ContentDisposition",
    "content-encoding": "ContentEncoding",
    "expires": "Expires",
    "x-amz-storage-class": "StorageClass",
    "x-amz-website-redirect-location": "WebsiteRedirectLocation",
}


class _Limited(WrappedBody):
    def __init__(self, inner: Body, limit: int) -> None:
        super().__init__(inner)
        self._limit = limit

    async def chunks(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self.inner:
            seen += len(chunk)
            if seen > self._limit:
                raise errors.entity_too_large(seen, self._limit)
            yield chunk


def _missing(name: str) -> Exception:
    return errors.invalid_argument(
        f"Bucket POST must contain a field named '{name}'.  If it is specified, please "
        "check the order of the fields.", name, None,
    )  # fmt: skip


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def post_object(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = str(params["Bucket"])
    found = await engine.bucket(bucket)
    raw = params.get("Form")
    form: Mapping[str, str] = raw if isinstance(raw, Mapping) else {}
    fields = {k.lower(): v for k, v in form.items()}
    body = params.get("Body")
    if not isinstance(body, Body):
        raise _missing("file")
    if "key" not in fields:
        raise _missing("key")
    file_name = str(params.get("FileName") or "")
    key = names.check_key(fields["key"].replace("${filename}", file_name))
    policy = params.get("Policy")
    length = check_policy(policy, form, bucket) if isinstance(policy, bytes) else None
    request: dict[str, object] = {
        member: fields[name] for name, member in _FIELD_MEMBERS.items() if name in fields
    }
    if "ContentType" not in request and params.get("FileContentType"):
        request["ContentType"] = str(params["FileContentType"])
    request.pop("Expires", None)
    request["Metadata"] = {k[len("x-amz-meta-") :]: v for k, v in fields.items()
                           if k.startswith("x-amz-meta-")}  # fmt: skip
    meta = meta_of(request)
    storage = storage_class(request)
    object_tags = tags.from_tagging_xml(fields.get("tagging"))
    tags.check(object_tags, limit=tags.OBJECT_LIMIT)
    claim = checksums.Claim(None, None, None, checksums.content_md5(fields.get("content-md5")))
    acl_request = {"ACL": fields["acl"]} if "acl" in fields else {}
    owner, acl = await ownership.for_object_write(engine, ctx, acl_request, found)
    sse_fields = sse_access.post_params(form)
    data_key, sse = await sse_apply.for_write(engine, ctx, sse_fields, found, key)
    written = await write_body(
        engine, _Limited(body, engine.limits.max_object), claim, (checksums.DEFAULT,), data_key
    )
    if length is not None:
        if written.size > length.high:
            raise errors.entity_too_large(written.size, length.high)
        if written.size < length.low:
            raise errors.entity_too_small(written.size, length.low)
    checksum = checksums.Stored(
        checksums.DEFAULT, checksums.FULL_OBJECT, written.checksums[checksums.DEFAULT]
    )
    obj = new_object(
        ctx, engine, bucket, key, blob_id=written.blob_id, size=written.size,
        etag=written.etag, meta=meta, storage=storage, checksum=checksum, tags=tuple(object_tags),
        sse=sse, owner_account=owner, acl=acl,
    )  # fmt: skip
    stored = await engine.db.write(lambda c: commit_object(engine, c, obj, written=written))
    touch_object(ctx, bucket, key)
    await archive.place(engine, stored)
    base = f"{params.get('Scheme') or 'http'}://{params.get('Host') or ''}"
    location = f"{base}/{quote(bucket)}/{quote(key)}"
    etag = quote_etag(stored.etag)
    headers = [("ETag", etag), ("Location", location)]
    if stored.wire_version_id is not None:
        headers.append(("x-amz-version-id", stored.wire_version_id))
    headers.extend(sse_headers(sse))
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        parts = urlsplit(redirect)
        extra = urlencode({"bucket": bucket, "key": key, "etag": etag})
        query = f"{parts.query}&{extra}" if parts.query else extra
        headers.append(("Location", urlunsplit(parts._replace(query=query))))
        headers = [h for h in headers if h != ("Location", location)]
        return {STATUS: 303, HEADERS: headers}
    status = fields.get("success_action_status", "204")
    if status == "201":
        document = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
            f"<Location>{_xml(location)}</Location><Bucket>{_xml(bucket)}</Bucket>"
            f"<Key>{_xml(key)}</Key><ETag>{_xml(etag)}</ETag></PostResponse>"
        ).encode()
        headers.append(("Content-Type", "application/xml"))
        return {STATUS: 201, HEADERS: headers, "Body": document}
    return {STATUS: 200 if status == "200" else 204, HEADERS: headers, "Body": b""}


__all__ = ["BytesBody", "post_object"]
