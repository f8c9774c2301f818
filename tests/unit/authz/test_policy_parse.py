"""Parsing and validation: the documents AWS rejects, with the messages AWS gives.

Sources for the messages are listed in ``fogbank/authz/policy/errors.py``; in short: IAM's
texts as moto reproduces them (moto/iam/policy_validation.py) and as GitHub issues quote
them (hashicorp/terraform#13449, kubernetes-sigs/external-dns#3085,
terraform-aws-modules/terraform-aws-iam#47, databrickslabs/ucx#2269,
Graylog2/graylog-plugin-aws#172); S3's from versity/versitygw#645-#650 and #1176 and
humanmade/S3-Uploads#191.
"""

from __future__ import annotations

import json

import pytest

from fogbank.authz.policy import (
    Effect,
    PolicyError,
    PolicyErrorReason,
    PolicyKind,
    Position,
    parse_policy,
)

R = PolicyErrorReason
IDENTITY, RESOURCE, TRUST = PolicyKind.IDENTITY, PolicyKind.RESOURCE, PolicyKind.TRUST
SYNTAX = "Syntax errors in policy."
NO_PRINCIPALS = (
    "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
    "The passed in policy has a statement with no principals!"
)


def policy(*statements: object, version: str | None = "2012-10-17", **top: object) -> str:
    document: dict[str, object] = {}
    if version is not None:
        document["Version"] = version
    document.update(top)
    document["Statement"] = list(statements)
    return json.dumps(document)


OK = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
BUCKET_OK = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
TRUST_OK = {
    "Effect": "Allow",
    "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole",
}


def with_(base: dict[str, object], **changes: object) -> dict[str, object]:
    out = {**base, **changes}
    return {k: v for k, v in out.items() if v is not None}


REJECTED: list[tuple[str, str, PolicyKind, str, PolicyErrorReason]] = [
    # --- IAM (identity policies and their relatives) ----------------------------------------
    ("not JSON", "{nope", IDENTITY, SYNTAX, R.INVALID_JSON),
    ("not an object", "[]", IDENTITY, SYNTAX, R.NOT_AN_OBJECT),
    ("no Statement", json.dumps({"Version": "2012-10-17"}), IDENTITY, SYNTAX, R.MISSING_STATEMENT),
    ("empty Statement", policy(), IDENTITY, SYNTAX, R.EMPTY_STATEMENT),
    ("unknown top element", policy(OK, Foo="x"), IDENTITY, SYNTAX, R.UNKNOWN_FIELD),
    (
        "unknown statement element",
        policy(with_(OK, Actions="s3:*")),
        IDENTITY,
        SYNTAX,
        R.UNKNOWN_FIELD,
    ),
    ("unknown Version", policy(OK, version="2011-01-01"), IDENTITY, SYNTAX, R.INVALID_VERSION),
    ("Id not a string", policy(OK, Id=5), IDENTITY, SYNTAX, R.SYNTAX),
    ("Statement element not an object", policy("s3:*"), IDENTITY, SYNTAX, R.SYNTAX),
    (
        "identity policy with Principal",
        policy(with_(OK, Principal="*")),
        IDENTITY,
        "Policy document should not specify a principal.",
        R.PRINCIPAL_NOT_ALLOWED,
    ),
    (
        "boundary with NotPrincipal",
        policy(with_(OK, NotPrincipal={"AWS": "123456789012"})),
        PolicyKind.BOUNDARY,
        "Policy document should not specify a principal.",
        R.PRINCIPAL_NOT_ALLOWED,
    ),
    (
        "session policy with Principal",
        policy(with_(OK, Principal="*")),
        PolicyKind.SESSION,
        "Policy document should not specify a principal.",
        R.PRINCIPAL_NOT_ALLOWED,
    ),
    (
        "no Action",
        policy(with_(OK, Action=None)),
        IDENTITY,
        "Policy statement must contain actions.",
        R.MISSING_ACTION,
    ),
    (
        "empty Action list",
        policy(with_(OK, Action=[])),
        IDENTITY,
        "Policy statement must contain actions.",
        R.MISSING_ACTION,
    ),
    ("Action and NotAction", policy(with_(OK, NotAction="iam:*")), IDENTITY, SYNTAX, R.SYNTAX),
    ("Action not a string", policy(with_(OK, Action=5)), IDENTITY, SYNTAX, R.SYNTAX),
    (
        "no Resource",
        policy(with_(OK, Resource=None)),
        IDENTITY,
        "Policy statement must contain resources.",
        R.MISSING_RESOURCE,
    ),
    ("Resource and NotResource", policy(with_(OK, NotResource="*")), IDENTITY, SYNTAX, R.SYNTAX),
    ("no Effect", policy(with_(OK, Effect=None)), IDENTITY, SYNTAX, R.MISSING_EFFECT),
    (
        "Effect in lower case",
        policy(with_(OK, Effect="allow")),
        IDENTITY,
        "The policy failed legacy parsing",
        R.LEGACY_PARSING,
    ),
    ("unknown Effect", policy(with_(OK, Effect="Permit")), IDENTITY, SYNTAX, R.INVALID_EFFECT),
    (
        "resource not an ARN",
        policy(with_(OK, Resource="bucket")),
        IDENTITY,
        'Resource bucket must be in ARN format or "*".',
        R.INVALID_RESOURCE,
    ),
    (
        "ARN with too few colons",
        policy(with_(OK, Resource="arn:aws:iam:7934:user/x")),
        IDENTITY,
        "The policy failed legacy parsing",
        R.LEGACY_PARSING,
    ),
    (
        "action without vendor",
        policy(with_(OK, Action="GetObject")),
        IDENTITY,
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        R.INVALID_ACTION,
    ),
    (
        "action with two colons",
        policy(with_(OK, Action="s3:Get:Object")),
        IDENTITY,
        "Actions/Condition can contain only one colon.",
        R.INVALID_ACTION,
    ),
    (
        "bad vendor",
        policy(with_(OK, Action="s 3:Get")),
        IDENTITY,
        "Vendor s 3 is not valid",
        R.INVALID_ACTION,
    ),
    (
        "duplicate Sid",
        policy(with_(OK, Sid="A"), with_(OK, Sid="A")),
        IDENTITY,
        "Statement IDs (SID) in a single policy must be unique.",
        R.DUPLICATE_SID,
    ),
    (
        "Sid with a dash",
        policy(with_(OK, Sid="my-sid")),
        IDENTITY,
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
        "regular expression [0-9A-Za-z]*",
        R.INVALID_SID,
    ),
    (
        "unknown condition operator",
        policy(with_(OK, Condition={"StringEqualz": {"aws:username": "a"}})),
        IDENTITY,
        SYNTAX,
        R.INVALID_CONDITION,
    ),
    (
        "NullIfExists",
        policy(with_(OK, Condition={"NullIfExists": {"aws:username": "true"}})),
        IDENTITY,
        SYNTAX,
        R.INVALID_CONDITION,
    ),
    (
        "unreadable date",
        policy(with_(OK, Condition={"DateGreaterThan": {"aws:CurrentTime": "yesterday"}})),
        IDENTITY,
        "The policy failed legacy parsing",
        R.LEGACY_PARSING,
    ),
    (
        "condition body not an object",
        policy(with_(OK, Condition={"StringEquals": "x"})),
        IDENTITY,
        SYNTAX,
        R.SYNTAX,
    ),
    (
        "condition value an object",
        policy(with_(OK, Condition={"StringEquals": {"k:k": {"a": 1}}})),
        IDENTITY,
        SYNTAX,
        R.SYNTAX,
    ),
    # --- role trust policies -------------------------------------------------------------------
    (
        "trust policy with Resource",
        policy(with_(TRUST_OK, Resource="*")),
        TRUST,
        "Has prohibited field Resource",
        R.RESOURCE_NOT_ALLOWED,
    ),
    (
        "trust policy with NotResource",
        policy(with_(TRUST_OK, NotResource="*")),
        TRUST,
        "Has prohibited field NotResource",
        R.RESOURCE_NOT_ALLOWED,
    ),
    (
        "trust policy without principal",
        policy(with_(TRUST_OK, Principal=None)),
        TRUST,
        NO_PRINCIPALS,
        R.MISSING_PRINCIPAL,
    ),
    (
        "trust policy with empty principal",
        policy(with_(TRUST_OK, Principal={})),
        TRUST,
        NO_PRINCIPALS,
        R.MISSING_PRINCIPAL,
    ),
    (
        "trust policy, principal not an ARN",
        policy(with_(TRUST_OK, Principal={"AWS": "bob"})),
        TRUST,
        'Invalid principal in policy: "AWS":"bob"',
        R.INVALID_PRINCIPAL,
    ),
    (
        "trust policy, wildcard in an ARN",
        policy(with_(TRUST_OK, Principal={"AWS": "arn:aws:iam::123456789012:user/*"})),
        TRUST,
        'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/*"',
        R.INVALID_PRINCIPAL,
    ),
    (
        "trust policy, unknown principal type",
        policy(with_(TRUST_OK, Principal={"Group": "x"})),
        TRUST,
        'Invalid principal in policy: "Group"',
        R.INVALID_PRINCIPAL,
    ),
    (
        "Principal and NotPrincipal",
        policy(with_(TRUST_OK, NotPrincipal="*")),
        TRUST,
        SYNTAX,
        R.SYNTAX,
    ),
    # --- resource policies (S3 wording) ----------------------------------------------------------
    (
        "first byte not {",
        " " + policy(BUCKET_OK),
        RESOURCE,
        "Policies must be valid JSON and the first byte must be '{'",
        R.NOT_AN_OBJECT,
    ),
    ("invalid JSON", "{nope", RESOURCE, "This policy contains invalid Json", R.INVALID_JSON),
    (
        "missing Statement",
        json.dumps({"Version": "2012-10-17"}),
        RESOURCE,
        "Missing required field Statement",
        R.MISSING_STATEMENT,
    ),
    (
        "empty Statement list",
        policy(),
        RESOURCE,
        "Could not parse the policy: Statement is empty!",
        R.EMPTY_STATEMENT,
    ),
    (
        "missing Principal",
        policy(with_(BUCKET_OK, Principal=None)),
        RESOURCE,
        "Missing required field Principal",
        R.MISSING_PRINCIPAL,
    ),
    (
        "principal not an ARN",
        policy(with_(BUCKET_OK, Principal={"AWS": "user"})),
        RESOURCE,
        "Invalid principal in policy",
        R.INVALID_PRINCIPAL,
    ),
    (
        "principal a bare string",
        policy(with_(BUCKET_OK, Principal="AWS")),
        RESOURCE,
        "Invalid principal in policy",
        R.INVALID_PRINCIPAL,
    ),
    (
        "invalid effect",
        policy(with_(BUCKET_OK, Effect="hello")),
        RESOURCE,
        "Invalid effect: hello",
        R.INVALID_EFFECT,
    ),
    (
        "invalid resource",
        policy(with_(BUCKET_OK, Resource="bucket")),
        RESOURCE,
        "Policy has invalid resource",
        R.INVALID_RESOURCE,
    ),
    (
        "invalid action",
        policy(with_(BUCKET_OK, Action="invalid_action")),
        RESOURCE,
        "Policy has invalid action",
        R.INVALID_ACTION,
    ),
    (
        "unknown field",
        policy(with_(BUCKET_OK, Foo="bar")),
        RESOURCE,
        "Unknown field Foo",
        R.UNKNOWN_FIELD,
    ),
]


@pytest.mark.parametrize(
    ("text", "kind", "message", "reason"),
    [case[1:] for case in REJECTED],
    ids=[case[0] for case in REJECTED],
)
def test_rejected(text: str, kind: PolicyKind, message: str, reason: PolicyErrorReason) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, kind)
    assert caught.value.message == message
    assert str(caught.value) == message
    assert caught.value.reason is reason


@pytest.mark.parametrize("version", [None, "2008-10-17"])
def test_managed_policies_need_the_current_version(version: str | None) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(policy(OK, version=version), IDENTITY, managed=True)
    assert caught.value.message == "Policy document must be version 2012-10-17 or greater."
    parse_policy(policy(OK, version=version), IDENTITY)  # inline policies may omit it


def test_a_single_statement_object_and_defaults() -> None:
    parsed = parse_policy(json.dumps({"Statement": OK}), IDENTITY)
    assert parsed.version is None and parsed.id is None
    assert len(parsed.statements) == 1
    statement = parsed.statements[0]
    assert statement.effect is Effect.ALLOW and statement.sid is None and statement.index == 0


def test_account_ids_expand_to_root_arns() -> None:
    parsed = parse_policy(
        policy(
            with_(BUCKET_OK, Principal={"AWS": ["123456789012", "arn:aws:iam::555555555555:root"]})
        ),
        RESOURCE,
    )
    principal = parsed.statements[0].principal
    assert principal is not None and not principal.wildcard
    assert principal.aws == {"arn:aws:iam::123456789012:root", "arn:aws:iam::555555555555:root"}


@pytest.mark.parametrize("value", ["*", {"AWS": "*"}, {"AWS": ["*"]}])
def test_everyone(value: object) -> None:
    parsed = parse_policy(policy(with_(BUCKET_OK, Principal=value)), RESOURCE)
    principal = parsed.statements[0].principal
    assert principal is not None and principal.wildcard


def test_principal_kinds() -> None:
    value = {
        "Service": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"],
        "Federated": "arn:aws:iam::123456789012:saml-provider/corp",
        "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
    }
    principal = (
        parse_policy(policy(with_(BUCKET_OK, Principal=value)), RESOURCE).statements[0].principal
    )
    assert principal is not None
    assert principal.service == {"ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"}
    assert principal.federated == {"arn:aws:iam::123456789012:saml-provider/corp"}
    assert len(principal.canonical_user) == 1


def test_resource_policies_accept_sids_with_spaces_and_repeats() -> None:
    # thinkinglabs/aws-iam-policy#5: S3 and KMS accept spaces in Sid.
    text = policy(
        with_(BUCKET_OK, Sid="Allow public read"), with_(BUCKET_OK, Sid="Allow public read")
    )
    assert parse_policy(text, RESOURCE).statements[1].sid == "Allow public read"


def test_trust_policy_without_resource() -> None:
    parsed = parse_policy(policy(TRUST_OK), TRUST)
    assert parsed.statements[0].resources is None


def test_size_ignores_whitespace() -> None:
    compact = json.dumps({"Version": "2012-10-17", "Statement": [OK]}, separators=(",", ":"))
    pretty = json.dumps({"Version": "2012-10-17", "Statement": [OK]}, indent=4)
    assert parse_policy(compact, IDENTITY).size == len(compact)
    assert parse_policy(pretty, IDENTITY).size == len(compact)


def test_statement_positions() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {
      "Effect": "Deny",
      "Action": "s3:Delete*",
      "Resource": "*"
    }
  ]
}"""
    first, second = parse_policy(text, IDENTITY).statements
    assert (first.start, first.end) == (Position(4, 5), Position(4, 58))
    assert (second.start, second.end) == (Position(5, 5), Position(9, 5))


def test_condition_operators_are_case_insensitive_names() -> None:
    text = policy(with_(OK, Condition={"stringequals": {"aws:username": "a"}}))
    assert parse_policy(text, IDENTITY).statements[0].conditions[0].key == "aws:username"


def test_source_labels() -> None:
    parsed = parse_policy(
        policy(OK), IDENTITY, source_id="arn:aws:iam::aws:policy/X", source_type="aws-managed"
    )
    assert (parsed.source_id, parsed.source_type) == ("arn:aws:iam::aws:policy/X", "aws-managed")
    relabeled = parsed.labeled("inline")
    assert (relabeled.source_id, relabeled.source_type) == ("inline", "aws-managed")


def test_service_owned_principal_arns() -> None:
    # S3 user guide, bucket policies for CloudFront origin access identities.
    oai = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"
    principal = parse_policy(policy(with_(BUCKET_OK, Principal={"AWS": oai})), RESOURCE)
    assert principal.statements[0].principal is not None
    assert principal.statements[0].principal.aws == {oai}
