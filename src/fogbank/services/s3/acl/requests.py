"""The ACL a request asks for: a canned ACL (``x-amz-acl``), grant headers
(``x-amz-grant-read: id="...", uri="..."``) or, for PutBucketAcl/PutObjectAcl, an
``AccessControlPolicy`` body; validated as S3 validates them, grantees resolved (a canonical
id or e-mail address to its account, e-mail grants stored as canonical-user grants)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from fogbank.services.s3.acl import errors
from fogbank.services.s3.acl.directory import AccountDirectory
from fogbank.services.s3.acl.grants import (
    CANNED,
    FULL_CONTROL,
    GROUP_URIS,
    MAX_GRANTS,
    PERMISSIONS,
    READ,
    READ_ACP,
    WRITE,
    WRITE_ACP,
    Acl,
    Grant,
    canned,
)
from fogbank.services.s3.models import canonical_user_id

Params = Mapping[str, object]

# request member -> (header, permission)
GRANT_MEMBERS = {
    "GrantFullControl": ("x-amz-grant-full-control", FULL_CONTROL),
    "GrantRead": ("x-amz-grant-read", READ),
    "GrantReadACP": ("x-amz-grant-read-acp", READ_ACP),
    "GrantWrite": ("x-amz-grant-write", WRITE),
    "GrantWriteACP": ("x-amz-grant-write-acp", WRITE_ACP),
}
# id="...", uri=..., emailAddress="..." (quotes optional, as the AWS CLI sends them)
_GRANTEE = re.compile(
    r'\s*(id|uri|emailAddress)\s*=\s*(?:"([^"]*)"|([^,\s"]+))\s*(?:,|$)', re.IGNORECASE
)
_GRANTEE_MEMBERS = {  # xsi:type -> (member, grantee kind)
    "CanonicalUser": ("ID", "id"),
    "Group": ("URI", "uri"),
    "AmazonCustomerByEmail": ("EmailAddress", "emailaddress"),
}
_CANONICAL_ID = re.compile(r"[0-9a-fA-F]{64}")


def asks_for_acl(params: Params) -> bool:
    return any(params.get(m) is not None for m in ("ACL", "AccessControlPolicy", *GRANT_MEMBERS))


def has_grant_headers(params: Params) -> bool:
    return any(params.get(m) is not None for m in GRANT_MEMBERS)


async def requested(
    params: Params,
    directory: AccountDirectory,
    owner: str,
    bucket_owner: str | None = None,
) -> Acl | None:
    """The ACL the request sets for a resource ``owner`` will own (None: it sets none)."""
    acl_name = params.get("ACL")
    grant_headers = has_grant_headers(params)
    body = params.get("AccessControlPolicy")
    if body is not None and (acl_name is not None or grant_headers):
        raise errors.unexpected_content()
    if acl_name is not None and grant_headers:
        raise errors.both_canned_and_grants()
    if acl_name is not None:
        name = str(acl_name)
        if name not in CANNED:
            raise errors.invalid_argument("", "x-amz-acl", name)
        return canned(name, owner, bucket_owner)
    if grant_headers:
        return await _from_headers(params, directory)
    if body is not None:
        return await _from_body(body, directory, owner)
    return None


async def _from_headers(params: Params, directory: AccountDirectory) -> Acl:
    grants: list[Grant] = []
    for member, (header, permission) in GRANT_MEMBERS.items():
        value = params.get(member)
        if value is None:
            continue
        text = str(value)
        pos = 0
        while pos < len(text):
            match = _GRANTEE.match(text, pos)
            if match is None or match.end() == pos:
                raise errors.invalid_argument("Invalid Argument", header, text)
            kind = match.group(1).lower()
            who = match.group(2) if match.group(2) is not None else match.group(3)
            grants.append(await _grant(kind, who, permission, directory))
            pos = match.end()
    if len(grants) > MAX_GRANTS:
        raise errors.malformed()
    return tuple(grants)


async def _from_body(body: object, directory: AccountDirectory, owner: str) -> Acl:
    if not isinstance(body, Mapping):
        raise errors.malformed()
    owner_doc = body.get("Owner")
    if not isinstance(owner_doc, Mapping) or not owner_doc.get("ID"):
        raise errors.malformed()
    if str(owner_doc["ID"]).lower() != canonical_user_id(owner):
        raise errors.public_blocked()  # S3: the owner cannot be changed (Access Denied)
    items = body.get("Grants")
    if items is None:
        items = []
    if not isinstance(items, list) or len(items) > MAX_GRANTS:
        raise errors.malformed()
    grants: list[Grant] = []
    for item in items:
        if not isinstance(item, Mapping):
            raise errors.malformed()
        grantee, permission = item.get("Grantee"), item.get("Permission")
        if not isinstance(grantee, Mapping) or permission not in PERMISSIONS:
            raise errors.malformed()
        kind = grantee.get("Type")
        member = _GRANTEE_MEMBERS.get(str(kind))
        if member is None or not grantee.get(member[0]):
            raise errors.malformed()
        grants.append(await _grant(member[1], str(grantee[member[0]]), str(permission), directory))
    return tuple(grants)


async def _grant(kind: str, who: str, permission: str, directory: AccountDirectory) -> Grant:
    if kind == "uri":
        if who not in GROUP_URIS:
            raise errors.invalid_argument("Invalid group uri", "uri", who)
        return Grant.group(who, permission)
    if kind == "emailaddress":
        account = await directory.by_email(who)
        if account is None:
            raise errors.unresolvable_email(who)
        return Grant.user(account, permission)
    if not _CANONICAL_ID.fullmatch(who):
        raise errors.invalid_argument("Invalid id", "id", who)
    account = await directory.by_canonical_id(who)
    if account is None:
        raise errors.invalid_argument("Invalid id", "id", who)
    return Grant.user(account, permission)
