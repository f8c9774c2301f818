"""ACL grants without a server: canned ACLs, what grants allow as policy statements, and
the policy evaluator deciding with them."""

from __future__ import annotations

import json

from fogbank.authz.policy import AuthzRequest, PolicyKind, PolicySet, evaluate, parse_policy
from fogbank.authz.policy.context import PrincipalInfo
from fogbank.services.s3.acl import evaluation, grants
from fogbank.services.s3.models import canonical_user_id

A, B = "111111111111", "222222222222"
OBJ = "arn:aws:s3:::bkt/k"


def test_canned_acls() -> None:
    assert grants.canned("private", A) == (grants.Grant.user(A, "FULL_CONTROL"),)
    public = grants.canned("public-read-write", A)
    assert {(g.uri, g.permission) for g in public if g.uri} == {
        (grants.ALL_USERS, "READ"), (grants.ALL_USERS, "WRITE"),
    }  # fmt: skip
    full = grants.canned("bucket-owner-full-control", B, bucket_owner=A)
    assert {(g.account, g.permission) for g in full} == {(B, "FULL_CONTROL"), (A, "FULL_CONTROL")}
    assert grants.canned("bucket-owner-full-control", A, bucket_owner=A) == grants.private(A)
    assert grants.owner_only(grants.canned("bucket-owner-full-control", A, A), A)
    assert not grants.owner_only(full, A)
    assert grants.is_public(grants.canned("authenticated-read", A))
    assert not grants.is_public(grants.canned("log-delivery-write", A))
    stored = grants.to_json(full)
    assert grants.from_json(stored, B) == full
    assert grants.from_json(None, B) == grants.private(B)
    assert len(canonical_user_id(A)) == 64 and canonical_user_id(A) != canonical_user_id(B)


def _decide(principal: PrincipalInfo, action: str, statements: list[dict[str, object]]) -> str:
    doc = json.dumps({"Version": "2012-10-17", "Statement": statements})
    policy = parse_policy(doc, PolicyKind.RESOURCE) if statements else None
    request = AuthzRequest(action, OBJ, principal, {}, A)
    return evaluate(request, PolicySet(identity=[], resource=policy)).kind.value


def test_grants_become_statements_the_evaluator_weighs() -> None:
    public = grants.canned("public-read", A)
    read = evaluation.statements("s3:GetObject", OBJ, (), public)
    assert _decide(PrincipalInfo.anonymous(), "s3:GetObject", read) == "allowed"
    # READ on an object does not let anyone write, nor read its ACL
    assert evaluation.statements("s3:PutObjectAcl", OBJ, (), public, skip_account=A) == []
    assert evaluation.statements("s3:GetObjectAcl", OBJ, (), public, skip_account=A) == []
    # WRITE on the bucket is what lets a grantee put objects
    bucket_acl = (grants.Grant.user(B, "WRITE"),)
    put = evaluation.statements("s3:PutObject", OBJ, bucket_acl)
    assert _decide(PrincipalInfo.root(B), "s3:PutObject", put) == "allowed"
    assert _decide(PrincipalInfo.anonymous(), "s3:PutObject", put) == "implicitDeny"
    # AuthenticatedUsers: signed callers of any account, not anonymous ones
    auth = evaluation.statements("s3:GetObject", OBJ, (), grants.canned("authenticated-read", A))
    assert _decide(PrincipalInfo.root(B), "s3:GetObject", auth) == "allowed"
    assert _decide(PrincipalInfo.anonymous(), "s3:GetObject", auth) == "implicitDeny"
    # FULL_CONTROL covers the ACP permissions
    full = (grants.Grant.user(B, "FULL_CONTROL"),)
    assert evaluation.statements("s3:PutObjectAcl", OBJ, (), full)
    assert evaluation.statements("s3:ListBucket", "arn:aws:s3:::bkt", full)
