"""Property tests of the evaluator and the policy language.

The oracles are independent of the implementation: ``fnmatch`` (with ``[`` escaped, since
IAM has no character classes) for the wildcard language, plain set logic for the
condition set operators, and the evaluation rules of the IAM user guide ("an explicit deny
in any policy overrides any allows").
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.authz.policy import (
    AuthzRequest,
    CallerKind,
    DecisionKind,
    PolicyError,
    PolicyKind,
    PolicySet,
    PrincipalInfo,
    evaluate,
    parse_policy,
)
from fogbank.authz.policy.positions import statement_spans

ACCOUNT = "111122223333"
ALICE = PrincipalInfo(
    f"arn:aws:iam::{ACCOUNT}:user/alice", CallerKind.USER, ACCOUNT, "AIDAALICE", "alice"
)
SERVICES = ["s3", "iam", "kms"]
NAMES = ["GetObject", "PutObject", "GetKey", "ListAll", "Decrypt"]

actions = st.builds(lambda s, n: f"{s}:{n}", st.sampled_from(SERVICES), st.sampled_from(NAMES))
keys = st.text(alphabet="ab/:.", min_size=0, max_size=6)
resources = st.builds(lambda b, k: f"arn:aws:s3:::{b}/{k}", st.sampled_from(["b", "bb", "c"]), keys)


def _wild(text: str, data: st.DataObject) -> str:
    """``text`` with some characters replaced by wildcards."""
    out = []
    for char in text:
        choice = data.draw(st.sampled_from(["keep", "keep", "keep", "*", "?"]))
        out.append(char if choice == "keep" else choice)
    return "".join(out)


@st.composite
def action_patterns(draw: st.DrawFn) -> str:
    if draw(st.booleans()) and draw(st.booleans()):
        return "*"
    service = draw(st.sampled_from(SERVICES))
    name = draw(st.sampled_from(NAMES))
    data = draw(st.data())
    return f"{service}:{_wild(name, data)}"


@st.composite
def resource_patterns(draw: st.DrawFn) -> str:
    if draw(st.booleans()) and draw(st.booleans()):
        return "*"
    data = draw(st.data())
    bucket = draw(st.sampled_from(["b", "bb", "c"]))
    return f"arn:aws:s3:::{_wild(bucket + '/' + draw(keys), data)}"


@st.composite
def statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    statement["NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"] = draw(
        st.lists(action_patterns(), min_size=1, max_size=3)
    )
    statement["NotResource" if draw(st.booleans()) and draw(st.booleans()) else "Resource"] = draw(
        st.lists(resource_patterns(), min_size=1, max_size=3)
    )
    return statement


def identity(*statement_list: dict[str, Any]) -> Any:
    text = json.dumps({"Version": "2012-10-17", "Statement": list(statement_list)})
    return parse_policy(text, PolicyKind.IDENTITY)


def bucket_policy(*statement_list: dict[str, Any]) -> Any:
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{**s, "Principal": {"AWS": ALICE.arn}} for s in statement_list],
        }
    )
    return parse_policy(text, PolicyKind.RESOURCE)


def glob(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def applies(statement: dict[str, Any], action: str, resource: str) -> bool:
    """Independent reading of Action/NotAction and Resource/NotResource."""
    if "Action" in statement:
        on_action = any(glob(p.lower(), action.lower()) for p in statement["Action"])
    else:
        on_action = not any(glob(p.lower(), action.lower()) for p in statement["NotAction"])
    patterns = statement.get("Resource", statement.get("NotResource"))
    matched = any(p == "*" or arn_glob(p, resource) for p in patterns)
    return on_action and (matched if "Resource" in statement else not matched)


def arn_glob(pattern: str, value: str) -> bool:
    left, right = pattern.split(":", 5), value.split(":", 5)
    return len(left) == len(right) == 6 and all(map(glob, left, right))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(statements(), min_size=1, max_size=4),
    st.lists(statements(), max_size=3),
    statements(effect="Deny"),
    actions,
    resources,
)
def test_an_added_deny_never_allows(
    own: list[dict[str, Any]],
    on_bucket: list[dict[str, Any]],
    extra_deny: dict[str, Any],
    action: str,
    resource: str,
) -> None:
    request = AuthzRequest(action, resource, ALICE, {}, ACCOUNT)
    bucket = bucket_policy(*on_bucket) if on_bucket else None
    before = evaluate(request, PolicySet(identity=[identity(*own)], resource=bucket))
    after = evaluate(
        request, PolicySet(identity=[identity(*own), identity(extra_deny)], resource=bucket)
    )
    assert not (after.allowed and not before.allowed)
    if applies(extra_deny, action, resource):
        assert after.kind is DecisionKind.EXPLICIT_DENY
    # Deny wins wherever it is: any applying Deny statement makes an explicit deny.
    denies = [s for s in [*own, *on_bucket] if s["Effect"] == "Deny"]
    if any(applies(s, action, resource) for s in denies):
        assert before.kind is DecisionKind.EXPLICIT_DENY
    elif any(applies(s, action, resource) for s in [*own, *on_bucket]):
        assert before.allowed  # an applying Allow in either policy, no Deny: allowed
    else:
        assert before.kind is DecisionKind.IMPLICIT_DENY


@settings(max_examples=200, deadline=None)
@given(st.lists(statements(effect="Deny"), max_size=3), actions, resources)
def test_allow_star_allows_everything_not_denied(
    denies: list[dict[str, Any]], action: str, resource: str
) -> None:
    policy = identity({"Effect": "Allow", "Action": "*", "Resource": "*"}, *denies)
    decision = evaluate(AuthzRequest(action, resource, ALICE), PolicySet(identity=[policy]))
    denied = any(applies(s, action, resource) for s in denies)
    assert decision.kind is (DecisionKind.EXPLICIT_DENY if denied else DecisionKind.ALLOW)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab*?/:[.", max_size=8), st.text(alphabet="ab/:[.", max_size=8))
def test_string_like_is_a_glob(pattern: str, value: str) -> None:
    condition = {"StringLike": {"k:v": pattern}}
    policy = identity({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition})
    decision = evaluate(
        AuthzRequest("s3:GetObject", "*", ALICE, {"k:v": value}), PolicySet([policy])
    )
    assert decision.allowed is glob(pattern, value)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_resource_wildcards_stay_within_segments(data: st.DataObject) -> None:
    short = st.text(alphabet="ab", max_size=2)
    drawn = [
        data.draw(short),
        data.draw(st.text(alphabet="ab", min_size=1, max_size=2)),
        data.draw(short),
        data.draw(short),
        data.draw(st.text(alphabet="ab:/", max_size=5)),
    ]
    value = "arn:" + ":".join(drawn)
    pattern = "arn:" + ":".join(_wild(d, data) if d else d for d in drawn[:4])
    other = data.draw(st.text(alphabet="ab:/", max_size=5))
    pattern += ":" + _wild(data.draw(st.sampled_from([drawn[4], other])), data)
    policy = identity({"Effect": "Allow", "Action": "*", "Resource": pattern})
    decision = evaluate(AuthzRequest("s3:GetObject", value, ALICE), PolicySet([policy]))
    assert decision.allowed is arn_glob(pattern, value)


@settings(max_examples=200, deadline=None)
@given(actions, st.data())
def test_action_case_does_not_matter(action: str, data: st.DataObject) -> None:
    mixed = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in action)
    policy = identity({"Effect": "Allow", "Action": action, "Resource": "*"})
    decision = evaluate(AuthzRequest(mixed, "*", ALICE), PolicySet([policy]))
    assert decision.allowed


values = st.sampled_from(["red", "green", "blue", "Red", ""])


@settings(max_examples=200, deadline=None)
@given(st.lists(values, min_size=1, max_size=3), st.one_of(st.none(), values))
def test_negated_operator_is_the_complement(listed: list[str], value: str | None) -> None:
    context = {} if value is None else {"k:v": value}

    def decide(operator: str) -> bool:
        policy = identity(
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {operator: {"k:v": listed}},
            }
        )
        return evaluate(
            AuthzRequest("s3:GetObject", "*", ALICE, context), PolicySet([policy])
        ).allowed

    positive, negated = decide("StringEquals"), decide("StringNotEquals")
    assert positive is (value is not None and value in listed)  # values ORed
    assert negated is (value is None or value not in listed)  # NOR, and true when absent


@settings(max_examples=200, deadline=None)
@given(st.lists(values, min_size=1, max_size=3), st.one_of(st.none(), st.lists(values, max_size=4)))
def test_set_operators(listed: list[str], requested: list[str] | None) -> None:
    context = {} if requested is None else {"k:v": requested}

    def decide(operator: str) -> bool:
        policy = identity(
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {operator: {"k:v": listed}},
            }
        )
        return evaluate(
            AuthzRequest("s3:GetObject", "*", ALICE, context), PolicySet([policy])
        ).allowed

    present = requested or []
    if requested == [""]:
        present = []  # an empty string is an empty data set
    assert decide("ForAllValues:StringEquals") is all(v in listed for v in present)
    assert decide("ForAnyValue:StringEquals") is any(v in listed for v in present)
    assert decide("ForAllValues:StringNotEquals") is all(v not in listed for v in present)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Version",
                    "Statement",
                    "Effect",
                    "Action",
                    "Resource",
                    "Principal",
                    "Condition",
                    "Sid",
                    "X",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.sampled_from(list(PolicyKind)))
def test_parsing_only_ever_raises_policy_error(document: object, kind: PolicyKind) -> None:
    try:
        parse_policy(json.dumps(document), kind)
    except PolicyError as error:
        assert error.message


@settings(max_examples=100, deadline=None)
@given(st.lists(statements(), min_size=1, max_size=4), st.sampled_from([None, 1, 2, 4]))
def test_statement_positions_round_trip(
    statement_list: list[dict[str, Any]], indent: int | None
) -> None:
    text = json.dumps({"Version": "2012-10-17", "Statement": statement_list}, indent=indent)
    lines = text.split("\n")
    spans = statement_spans(text)
    assert len(spans) == len(statement_list)
    for (start, end), statement in zip(spans, statement_list, strict=True):
        if start.line == end.line:
            piece = lines[start.line - 1][start.column - 1 : end.column]
        else:
            piece = "\n".join(
                [
                    lines[start.line - 1][start.column - 1 :],
                    *lines[start.line : end.line - 1],
                    lines[end.line - 1][: end.column],
                ]
            )
        assert json.loads(piece) == statement
