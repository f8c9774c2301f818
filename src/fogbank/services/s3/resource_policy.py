"""The bucket policy that applies to one requirement of a request, as S3 applies it.

* The policy of the bucket the requirement's resource ARN names (``arn:aws:s3:::b`` or
  ``arn:aws:s3:::b/key``); none for account-level actions and missing buckets.
* The root user of the bucket owner's account may always read, change and delete the
  bucket policy, even when the policy denies it (S3's lock-out protection).
* ``RestrictPublicBuckets`` (bucket or account): while the policy is public, callers
  outside the owner's account (anonymous ones included) get none of its allows; its
  denies still apply.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.context import RequestContext
from fogbank.services.s3 import bucket_policy, public_access
from fogbank.services.s3.acl import access as acl_access
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.models import Bucket

_ARN_PREFIX = "arn:aws:s3:::"
_LOCKOUT_SAFE = frozenset({"s3:getbucketpolicy", "s3:putbucketpolicy", "s3:deletebucketpolicy"})


def bucket_of(resource: str) -> str | None:
    if not resource.startswith(_ARN_PREFIX):
        return None
    name = resource[len(_ARN_PREFIX) :].split("/", 1)[0]
    return name or None


class _Analysis:
    """Whether a policy text is public, and its deny-only form (parsed once per text)."""

    __slots__ = ("deny_only", "public")

    def __init__(self, text: str) -> None:
        try:
            doc = json.loads(text)
        except ValueError:
            doc = {}
        if not isinstance(doc, dict):
            doc = {}
        self.public = bucket_policy.is_public(doc)
        denies = [s for s in bucket_policy.statements(doc) if s.get("Effect") == "Deny"]
        self.deny_only = bucket_policy.deny_only(doc) if denies else None


class BucketPolicies:
    def __init__(self, engine: S3Engine, cache_size: int = 1024) -> None:
        self._engine = engine
        self._size = cache_size
        self._analyses: OrderedDict[str, _Analysis] = OrderedDict()

    def analysis(self, text: str) -> _Analysis:
        found = self._analyses.get(text)
        if found is None:
            found = _Analysis(text)
            self._analyses[text] = found
            if len(self._analyses) > self._size:
                self._analyses.popitem(last=False)
        else:
            self._analyses.move_to_end(text)
        return found

    async def for_requirement(
        self, ctx: RequestContext, requirement: Requirement
    ) -> ResourcePolicy | None:
        name = bucket_of(requirement.resource)
        if name is None:
            return None
        engine = self._engine
        bucket = await engine.find_bucket(name)
        if bucket is None:
            return None
        text = await engine.bucket_config(bucket.name, "policy")
        extra = await acl_access.statements(engine, ctx, requirement, bucket)
        policy = await self._bucket_policy(ctx, requirement, bucket, text)
        if extra:
            policy = merged(policy, extra)
        return None if policy is None else ResourcePolicy(policy, bucket.owner_account)

    async def _bucket_policy(
        self, ctx: RequestContext, requirement: Requirement, bucket: Bucket, text: object
    ) -> str | None:
        if not isinstance(text, str):
            return None
        principal = ctx.principal
        insider = not principal.is_anonymous and principal.account_id == bucket.owner_account
        if insider and principal.is_root and requirement.action.lower() in _LOCKOUT_SAFE:
            return None
        owner = requirement.resource_account or bucket.owner_account
        if owner != bucket.owner_account:  # an object another account owns: denies only
            return self.analysis(text).deny_only
        if not insider:
            analysis = self.analysis(text)
            if analysis.public:
                settings = await public_access.effective(
                    self._engine, bucket.name, bucket.owner_account
                )
                if settings.restrict_public_buckets:
                    return analysis.deny_only
        return text


def merged(policy: str | None, extra: list[dict[str, object]]) -> str:
    """``policy`` (JSON text, or none) with the ``extra`` statements (ACL grants) added."""
    doc: dict[str, object] = {"Version": "2012-10-17", "Statement": []}
    if policy is not None:
        try:
            loaded = json.loads(policy)
        except ValueError:
            loaded = None
        if isinstance(loaded, dict):
            doc = loaded
    found = doc.get("Statement")
    listed = found if isinstance(found, list) else ([found] if isinstance(found, dict) else [])
    return json.dumps({**doc, "Statement": [*listed, *extra]})
