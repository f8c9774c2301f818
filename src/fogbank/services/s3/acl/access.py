"""ACLs in authorization: the grants that apply to one requirement of a request, as
statements added to the bucket policy for the evaluator, and the object's owner as the
resource's account (an object another account wrote, under ``ObjectWriter`` or
``BucketOwnerPreferred``, is that account's: the bucket owner reaches it only through the
object's ACL, and the bucket policy's allows do not apply to it, its denies do).

With ``BucketOwnerEnforced`` ACLs play no part; ``IgnorePublicAcls`` (bucket or account)
drops grants to AllUsers and AuthenticatedUsers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from fogbank.authz.requirements import Requirement
from fogbank.core.context import RequestContext
from fogbank.services.s3 import public_access
from fogbank.services.s3.acl import evaluation, grants, ownership
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.models import Bucket, ObjectVersion
from fogbank.services.s3.store import objects as object_store
from fogbank.storage.db import Conn

_ARN_PREFIX = "arn:aws:s3:::"


def _split(resource: str) -> tuple[str, str | None]:
    rest = resource[len(_ARN_PREFIX) :]
    bucket, _, key = rest.partition("/")
    return bucket, (key if "/" in rest else None)


async def _object(engine: S3Engine, requirement: Requirement) -> ObjectVersion | None:
    bucket, key = _split(requirement.resource)
    if key is None or "*" in key:
        return None
    version = requirement.context.get("s3:versionid")

    def read(conn: Conn) -> ObjectVersion | None:
        if isinstance(version, str):
            return object_store.version(conn, bucket, key, version)
        return object_store.latest(conn, bucket, key)

    found = await engine.db.read(read)
    return None if found is None or found.delete_marker else found


async def _enabled(engine: S3Engine, bucket: str) -> Bucket | None:
    found = await engine.find_bucket(bucket)
    if found is None or await ownership.mode(engine, bucket) == ownership.ENFORCED:
        return None
    return found


async def with_object_owners(
    engine: S3Engine, found: Sequence[Requirement]
) -> Sequence[Requirement]:
    """``found`` with the object's owner as the account of object-ACL requirements."""
    out = list(found)
    for i, requirement in enumerate(found):
        if requirement.action.lower() not in evaluation.ALL_OBJECT:
            continue
        if not requirement.resource.startswith(_ARN_PREFIX):
            continue
        if await _enabled(engine, _split(requirement.resource)[0]) is None:
            continue
        obj = await _object(engine, requirement)
        if obj is not None and obj.owner_account != requirement.resource_account:
            out[i] = replace(requirement, resource_account=obj.owner_account)
    return out


async def statements(
    engine: S3Engine, ctx: RequestContext, requirement: Requirement, bucket: Bucket
) -> list[dict[str, object]]:
    """The ``Allow`` statements the ACLs give for ``requirement`` (none when ACLs are
    disabled or the caller is the resource's owner's root, which needs none)."""
    action = requirement.action.lower()
    if not evaluation.governed(action):
        return []
    principal = ctx.principal
    owner = requirement.resource_account or bucket.owner_account
    if principal.is_root and principal.account_id == owner:
        return []
    if await _enabled(engine, bucket.name) is None:
        return []
    bucket_acl: grants.Acl = ()
    object_acl: grants.Acl = ()
    if action in evaluation.ALL_BUCKET:
        stored = await engine.bucket_config(bucket.name, "acl")
        bucket_acl = grants.from_doc(stored, bucket.owner_account)
    if action in evaluation.ALL_OBJECT:
        obj = await _object(engine, requirement)
        if obj is not None:
            object_acl = grants.from_json(obj.acl, obj.owner_account)
    if grants.is_public(bucket_acl) or grants.is_public(object_acl):
        settings = await public_access.effective(engine, bucket.name, bucket.owner_account)
        if settings.ignore_public_acls:
            bucket_acl = grants.without_public(bucket_acl)
            object_acl = grants.without_public(object_acl)
    return evaluation.statements(
        requirement.action, requirement.resource, bucket_acl, object_acl, skip_account=owner
    )
