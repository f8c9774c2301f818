"""What ACL grants allow, as policy statements the one evaluator weighs together with the
bucket policy and the caller's identity policies (S3 user guide, "Mapping of ACL
permissions and access policy permissions").

A grant becomes an ``Allow`` of the actions its permission maps to, for the principal its
grantee is: a canonical user is its account (across accounts the caller's identity
policies must allow too, as for a bucket policy naming the account), ``AllUsers`` is
everyone (anonymous included), ``AuthenticatedUsers`` everyone signed, ``LogDelivery``
the S3 logging service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fogbank.services.s3.acl.grants import (
    ALL_USERS,
    AUTHENTICATED_USERS,
    FULL_CONTROL,
    LOG_DELIVERY,
    READ,
    READ_ACP,
    WRITE,
    WRITE_ACP,
    Grant,
)

BUCKET_ACTIONS: Mapping[str, frozenset[str]] = {
    READ: frozenset(("s3:listbucket", "s3:listbucketversions", "s3:listbucketmultipartuploads")),
    WRITE: frozenset(
        ("s3:putobject", "s3:deleteobject", "s3:deleteobjectversion", "s3:abortmultipartupload")
    ),
    READ_ACP: frozenset(("s3:getbucketacl",)),
    WRITE_ACP: frozenset(("s3:putbucketacl",)),
}
OBJECT_ACTIONS: Mapping[str, frozenset[str]] = {
    READ: frozenset(("s3:getobject", "s3:getobjectversion", "s3:getobjecttorrent")),
    READ_ACP: frozenset(("s3:getobjectacl", "s3:getobjectversionacl")),
    WRITE_ACP: frozenset(("s3:putobjectacl", "s3:putobjectversionacl")),
}
ALL_BUCKET = frozenset().union(*BUCKET_ACTIONS.values())
ALL_OBJECT = frozenset().union(*OBJECT_ACTIONS.values())
LOGGING_SERVICE = "logging.s3.amazonaws.com"


def governed(action: str) -> bool:
    """Whether any ACL permission maps to ``action``."""
    lowered = action.lower()
    return lowered in ALL_BUCKET or lowered in ALL_OBJECT


def _allows(grant: Grant, action: str, table: Mapping[str, frozenset[str]]) -> bool:
    if grant.permission == FULL_CONTROL:
        return any(action in actions for actions in table.values())
    return action in table.get(grant.permission, frozenset())


def _principal(grant: Grant) -> tuple[object, dict[str, object] | None] | None:
    if grant.uri == ALL_USERS:
        return "*", None
    if grant.uri == AUTHENTICATED_USERS:
        return {"AWS": "*"}, {"Null": {"aws:PrincipalAccount": "false"}}
    if grant.uri == LOG_DELIVERY:
        return {"Service": LOGGING_SERVICE}, None
    if grant.account is not None:
        return {"AWS": f"arn:aws:iam::{grant.account}:root"}, None
    return None  # a canonical id no fogbank account has (aws-exec-read's EC2)


def statements(
    action: str,
    resource: str,
    bucket_acl: Iterable[Grant],
    object_acl: Iterable[Grant] = (),
    skip_account: str | None = None,
) -> list[dict[str, object]]:
    """``Allow`` statements for the grants that give ``action`` on ``resource``: the bucket's
    ACL for bucket permissions (READ lists, WRITE writes objects), the object's for object
    permissions. Grants to ``skip_account`` (the resource's own account) add nothing."""
    lowered = action.lower()
    found: list[dict[str, object]] = []
    chosen = [(g, BUCKET_ACTIONS) for g in bucket_acl] + [(g, OBJECT_ACTIONS) for g in object_acl]
    for grant, table in chosen:
        if grant.account is not None and grant.account == skip_account:
            continue
        if not _allows(grant, lowered, table):
            continue
        principal = _principal(grant)
        if principal is None:
            continue
        who, condition = principal
        statement: dict[str, object] = {
            "Effect": "Allow", "Principal": who, "Action": action, "Resource": resource,
        }  # fmt: skip
        if condition is not None:
            statement["Condition"] = condition
        if statement not in found:
            found.append(statement)
    return found
