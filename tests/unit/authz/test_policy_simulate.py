"""The simulator helpers (IAM API reference: SimulatePrincipalPolicy,
SimulateCustomPolicy, EvaluationResult, Statement, ContextEntry)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fogbank.authz.policy import (
    CallerKind,
    ContextEntry,
    DecisionKind,
    PolicyKind,
    PolicySet,
    PolicyType,
    Position,
    PrincipalInfo,
    context_from_entries,
    parse_policy,
    simulate,
    simulate_custom,
)

READ = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
    {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secret/*"}
  ]
}"""
FROM_OFFICE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        },
    }
)


def test_simulate_custom_policy() -> None:
    results = simulate_custom(
        [READ, FROM_OFFICE],
        ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        ["arn:aws:s3:::public/k", "arn:aws:s3:::secret/k"],
    )
    decisions = [(r.action, r.resource, r.decision.value) for r in results]
    assert decisions == [
        ("s3:GetObject", "arn:aws:s3:::public/k", "allowed"),
        ("s3:GetObject", "arn:aws:s3:::secret/k", "explicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::public/k", "implicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::secret/k", "implicitDeny"),
        ("s3:DeleteObject", "arn:aws:s3:::public/k", "implicitDeny"),
        ("s3:DeleteObject", "arn:aws:s3:::secret/k", "implicitDeny"),
    ]
    allowed, denied = results[0], results[1]
    (match,) = allowed.matched_statements
    assert (match.source_policy_id, match.source_policy_type) == ("PolicyInputList.1", "IAM Policy")
    assert (match.start, match.end) == (Position(4, 5), Position(4, 61))
    assert [m.end for m in denied.matched_statements] == [Position(5, 85)]
    assert results[2].missing_context_values == ("aws:sourceip",)
    assert allowed.missing_context_values == ()


def test_context_entries_feed_conditions() -> None:
    context = context_from_entries([ContextEntry("aws:SourceIp", ("203.0.113.9",), "ip")])
    (result,) = simulate_custom([FROM_OFFICE], ["s3:PutObject"], context=context)
    assert result.decision is DecisionKind.ALLOW
    assert result.missing_context_values == ()


def test_context_entry_types() -> None:
    context = context_from_entries(
        [
            ContextEntry("aws:MultiFactorAuthPresent", ("true",), "boolean"),
            ContextEntry("s3:max-keys", ("10",), "numeric"),
            ContextEntry("aws:CurrentTime", ("2020-01-02T03:04:05Z",), "date"),
            ContextEntry("aws:TagKeys", ("a", "b"), "stringList"),
            ContextEntry("k:blob", ("aGk=",), "binary"),
        ]
    )
    assert context == {
        "aws:multifactorauthpresent": True,
        "s3:max-keys": 10.0,
        "aws:currenttime": datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
        "aws:tagkeys": ["a", "b"],
        "k:blob": b"hi",
    }


def test_resource_policy_and_boundary_in_a_custom_simulation() -> None:
    caller = PrincipalInfo(
        "arn:aws:iam::123456789012:user/bob", CallerKind.USER, "123456789012", username="bob"
    )
    bucket = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:user/bob"},
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::b",
            },
        }
    )
    boundary = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
        }
    )
    get, listing = simulate_custom(
        [READ],
        ["s3:GetObject", "s3:ListBucket"],
        ["arn:aws:s3:::b"],
        caller=caller,
        resource_policy=bucket,
        resource_owner="arn:aws:iam::123456789012:root",
        boundary_texts=[boundary],
    )
    assert get.decision is DecisionKind.ALLOW and get.allowed_by_permissions_boundary is True
    # The bucket policy names Bob himself: the boundary does not limit that grant.
    assert listing.decision is DecisionKind.ALLOW
    assert listing.allowed_by_permissions_boundary is False
    assert listing.matched_statements[0].source_policy_id == "ResourcePolicy"
    assert listing.details[PolicyType.RESOURCE] is DecisionKind.ALLOW


def test_simulate_principal_policy_labels() -> None:
    policy = parse_policy(READ, PolicyKind.IDENTITY, source_id="ReadOnly", source_type="user")
    caller = PrincipalInfo("arn:aws:iam::123456789012:user/x", CallerKind.USER, "123456789012")
    (result,) = simulate(
        caller, PolicySet(identity=[policy]), ["s3:GetObject"], ["arn:aws:s3:::secret/k"]
    )
    assert result.decision.value == "explicitDeny"
    assert [(m.source_policy_id, m.source_policy_type) for m in result.matched_statements] == [
        ("ReadOnly", "user")
    ]
