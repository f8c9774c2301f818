"""An ACL as S3 keeps it: a list of grants, each a grantee (a canonical user or one of the
predefined groups) and a permission (S3 user guide, "Access control list (ACL) overview").

Stored as JSON (a bucket's ``acl`` configuration document, an object version's ``acl``
column); a missing document is the ``private`` ACL (the owner has FULL_CONTROL).
Canonical-user grants keep the account the canonical id resolved to, for evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fogbank.services.s3.models import canonical_user_id
from fogbank.services.s3.ops.common import owner as owner_member

GROUPS_PREFIX = "http://acs.amazonaws.com/groups/"
ALL_USERS = GROUPS_PREFIX + "global/AllUsers"
AUTHENTICATED_USERS = GROUPS_PREFIX + "global/AuthenticatedUsers"
LOG_DELIVERY = GROUPS_PREFIX + "s3/LogDelivery"
GROUP_URIS = frozenset((ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY))
PUBLIC_GROUPS = frozenset((ALL_USERS, AUTHENTICATED_USERS))
# The canonical user EC2 reads AMI bundles as (the aws-exec-read canned ACL).
EC2_EXEC_READ_ID = "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c"

FULL_CONTROL = "FULL_CONTROL"
READ = "READ"
WRITE = "WRITE"
READ_ACP = "READ_ACP"
WRITE_ACP = "WRITE_ACP"
PERMISSIONS = (FULL_CONTROL, WRITE, WRITE_ACP, READ, READ_ACP)

CANNED = (
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
    "log-delivery-write",
)
MAX_GRANTS = 100


@dataclass(frozen=True)
class Grant:
    permission: str
    canonical_id: str | None = None  # a canonical user ...
    account: str | None = None  # ... and the fogbank account it is (None: unknown)
    uri: str | None = None  # or a group

    @classmethod
    def user(cls, account: str, permission: str) -> Grant:
        return cls(permission, canonical_user_id(account), account)

    @classmethod
    def group(cls, uri: str, permission: str) -> Grant:
        return cls(permission, uri=uri)

    @property
    def public(self) -> bool:
        return self.uri in PUBLIC_GROUPS

    def to_doc(self) -> dict[str, str]:
        doc = {"perm": self.permission}
        if self.uri is not None:
            doc["uri"] = self.uri
        else:
            doc["id"] = self.canonical_id or ""
            if self.account is not None:
                doc["account"] = self.account
        return doc

    @classmethod
    def from_doc(cls, doc: object) -> Grant | None:
        if not isinstance(doc, dict) or not isinstance(doc.get("perm"), str):
            return None
        uri = doc.get("uri")
        if isinstance(uri, str):
            return cls(doc["perm"], uri=uri)
        account = doc.get("account")
        known = account if isinstance(account, str) else None
        return cls(doc["perm"], str(doc.get("id") or ""), known)

    def output(self) -> dict[str, object]:
        """The ``Grant`` member of GetBucketAcl/GetObjectAcl."""
        if self.uri is not None:
            grantee: dict[str, str] = {"Type": "Group", "URI": self.uri}
        else:
            grantee = {"Type": "CanonicalUser", "ID": self.canonical_id or ""}
            if self.account is not None:
                grantee["DisplayName"] = self.account
        return {"Grantee": grantee, "Permission": self.permission}


Acl = tuple[Grant, ...]


def private(owner: str) -> Acl:
    return (Grant.user(owner, FULL_CONTROL),)


def canned(name: str, owner: str, bucket_owner: str | None = None) -> Acl:
    """The grants of canned ACL ``name`` for a resource owned by ``owner``; for an object,
    ``bucket_owner`` is its bucket's owner (``bucket-owner-*`` grant to it)."""
    grants: list[Grant] = [Grant.user(owner, FULL_CONTROL)]
    if name == "public-read":
        grants.append(Grant.group(ALL_USERS, READ))
    elif name == "public-read-write":
        grants += [Grant.group(ALL_USERS, READ), Grant.group(ALL_USERS, WRITE)]
    elif name == "authenticated-read":
        grants.append(Grant.group(AUTHENTICATED_USERS, READ))
    elif name == "aws-exec-read":
        grants.append(Grant(READ, EC2_EXEC_READ_ID))
    elif name == "log-delivery-write":
        grants += [Grant.group(LOG_DELIVERY, WRITE), Grant.group(LOG_DELIVERY, READ_ACP)]
    elif (
        name in ("bucket-owner-read", "bucket-owner-full-control")
        and bucket_owner is not None
        and bucket_owner != owner
    ):
        perm = READ if name == "bucket-owner-read" else FULL_CONTROL
        grants.append(Grant.user(bucket_owner, perm))
    return tuple(grants)


def to_json(acl: Sequence[Grant]) -> str:
    return json.dumps([g.to_doc() for g in acl], separators=(",", ":"))


def from_json(text: object, owner: str) -> Acl:
    """A stored ACL; the ``private`` one when none is stored."""
    if isinstance(text, str) and text:
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
    else:
        doc = text
    if not isinstance(doc, list):
        return private(owner)
    return tuple(g for g in (Grant.from_doc(d) for d in doc) if g is not None)


def from_doc(doc: object, owner: str) -> Acl:
    return from_json(doc, owner) if isinstance(doc, (str, list)) else private(owner)


def is_public(acl: Iterable[Grant]) -> bool:
    return any(g.public for g in acl)


def without_public(acl: Iterable[Grant]) -> Acl:
    return tuple(g for g in acl if not g.public)


def owner_only(acl: Iterable[Grant], owner: str) -> bool:
    """Only the owner has permissions, FULL_CONTROL (the ACL ``BucketOwnerEnforced``
    accepts: ``private``, ``bucket-owner-full-control`` or their XML form)."""
    mine = canonical_user_id(owner)
    return all(g.canonical_id == mine and g.permission == FULL_CONTROL for g in acl)


def output(acl: Sequence[Grant], owner: str) -> dict[str, object]:
    return {"Owner": owner_member(owner), "Grants": [g.output() for g in acl]}
