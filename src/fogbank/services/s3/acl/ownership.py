"""Object Ownership (S3 user guide, "Controlling ownership of objects and disabling ACLs"):
``BucketOwnerEnforced`` (ACLs disabled, the bucket owner owns every object; a write may
only ask for the bucket owner's full control), ``BucketOwnerPreferred`` (an object written
with ``bucket-owner-full-control`` becomes the bucket owner's), ``ObjectWriter`` (the
writing account owns the object). A bucket without ownership controls is ``ObjectWriter``.
Block Public Access's ``BlockPublicAcls`` refuses writes of public ACLs.
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.services.s3 import public_access
from fogbank.services.s3.acl import errors, grants, requests
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.models import Bucket

ENFORCED = "BucketOwnerEnforced"
PREFERRED = "BucketOwnerPreferred"
OBJECT_WRITER = "ObjectWriter"
Params = Mapping[str, object]


def mode_of(doc: object) -> str:
    if isinstance(doc, list) and doc and isinstance(doc[0], Mapping):
        return str(doc[0].get("ObjectOwnership") or OBJECT_WRITER)
    return OBJECT_WRITER


async def mode(engine: S3Engine, bucket: str) -> str:
    return mode_of(await engine.bucket_config(bucket, "ownership"))


def writer_of(ctx: RequestContext, bucket: Bucket) -> str:
    """The account a write comes from (anonymous writes: the bucket owner's)."""
    return bucket.owner_account if ctx.principal.is_anonymous else ctx.account_id


async def check_not_public(engine: S3Engine, bucket: Bucket, acl: grants.Acl) -> None:
    if grants.is_public(acl):
        settings = await public_access.effective(engine, bucket.name, bucket.owner_account)
        if settings.block_public_acls:
            raise errors.public_blocked()


async def for_object_write(
    engine: S3Engine, ctx: RequestContext, params: Params, bucket: Bucket
) -> tuple[str, str | None]:
    """The owner and stored ACL (JSON; None: private) of an object this write makes
    (PutObject, CopyObject, CreateMultipartUpload)."""
    current = await mode(engine, bucket.name)
    owner = bucket.owner_account
    if current == ENFORCED:
        if requests.asks_for_acl(params):
            acl = await requests.requested(params, engine.accounts, owner, owner)
            if acl is not None and not grants.owner_only(acl, owner):
                raise errors.not_supported()
        return owner, None
    writer = writer_of(ctx, bucket)
    if not (current == PREFERRED and params.get("ACL") == "bucket-owner-full-control"):
        owner = writer
    acl = await requests.requested(params, engine.accounts, owner, bucket.owner_account)
    if acl is None:
        return owner, None
    await check_not_public(engine, bucket, acl)
    return owner, grants.to_json(acl)


async def for_new_bucket(
    engine: S3Engine, params: Params, owner: str, ownership: str
) -> str | None:
    """The ACL (JSON; None: private) CreateBucket sets, checked against the bucket's
    ownership and Block Public Access (all on for a new bucket)."""
    acl = await requests.requested(params, engine.accounts, owner)
    if acl is None:
        return None
    if ownership == ENFORCED:
        if not grants.owner_only(acl, owner):
            raise errors.invalid_with_ownership()
        return None
    if grants.is_public(acl):
        raise errors.public_blocked()
    return grants.to_json(acl)
