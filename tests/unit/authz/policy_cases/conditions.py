"""Condition operators, IfExists, Null, set operators, variables in conditions.

Sources: reference_policies_elements_condition_operators.md (each operator family, the
"Important" note on absent keys and negated operators, "...IfExists", "Null");
reference_policies_elements_condition.md (key names case-insensitive, values per
operator: ``johndoe`` vs ``JohnDoe``); reference_policies_condition-logic-multiple-context-
keys-or-values.md (AND of keys and operators, OR of values, NOR of values for negated
operators); reference_policies_multi-value-conditions.md and reference_policies_condition-
single-vs-multi-valued-context-keys.md / _examples-multi-valued-context-keys.md
(ForAllValues / ForAnyValue, empty sets, absent keys).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fogbank.authz.policy import ContextValue, PolicyType, PrincipalInfo

from . import ALICE, DEV_SESSION, Case, Doc, allow, deny, doc

IDN = PolicyType.IDENTITY


def when(
    name: str,
    condition: Doc,
    context: dict[str, ContextValue],
    expect: str,
    *,
    caller: PrincipalInfo | None = None,
) -> Case:
    """An Allow statement guarded by ``condition``: allow when it holds."""
    assert expect in ("allow", "implicit")
    return Case(
        name,
        "svc:Act",
        "*",
        expect,  # type: ignore[arg-type]
        identity=(doc(allow("svc:Act", "*", condition)),),
        context=context,
        caller=caller,
        why=None if expect == "allow" else IDN,
    )


def denied_when(
    name: str,
    condition: Doc,
    context: dict[str, ContextValue],
    expect: str,
    *,
    caller: PrincipalInfo | None = None,
) -> Case:
    """Allow everything, then a Deny guarded by ``condition``: explicit deny when it holds."""
    assert expect in ("allow", "explicit")
    return Case(
        name,
        "svc:Act",
        "*",
        expect,  # type: ignore[arg-type]
        identity=(doc(allow("*"), deny("svc:Act", "*", condition)),),
        context=context,
        caller=caller,
        why=None if expect == "allow" else IDN,
    )


T2020 = datetime(2020, 6, 1, tzinfo=UTC)
T2019 = datetime(2019, 6, 1, tzinfo=UTC)
DYNAMO = ["PostDateTime", "Message", "Tags"]
STORE_ARN = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"

CASES: list[Case] = [
    # --- String operators -------------------------------------------------------------------
    when(
        "StringEquals matches",
        {"StringEquals": {"aws:username": "johndoe"}},
        {"aws:username": "johndoe"},
        "allow",
    ),
    when(
        "StringEquals is case-sensitive",
        {"StringEquals": {"aws:username": "johndoe"}},
        {"aws:username": "JohnDoe"},
        "implicit",
    ),
    when(
        "StringEqualsIgnoreCase ignores case",
        {"StringEqualsIgnoreCase": {"aws:username": "johndoe"}},
        {"aws:username": "JohnDoe"},
        "allow",
    ),
    when(
        "StringEquals: absent key is false",
        {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}},
        {},
        "implicit",
    ),
    when(
        "StringEquals: principal tag from the caller",
        {"StringEquals": {"aws:PrincipalTag/department": "eng"}},
        {},
        "allow",
        caller=ALICE,
    ),
    when(
        "condition key names are case-insensitive",
        {"StringEquals": {"AWS:UserName": "johndoe"}},
        {"aws:username": "johndoe"},
        "allow",
    ),
    when(
        "values of one key are ORed",
        {"StringEquals": {"aws:username": ["ann", "johndoe"]}},
        {"aws:username": "johndoe"},
        "allow",
    ),
    when(
        "no value matches",
        {"StringEquals": {"aws:username": ["ann", "bob"]}},
        {"aws:username": "johndoe"},
        "implicit",
    ),
    when(
        "StringNotEquals: different value",
        {"StringNotEquals": {"aws:PrincipalTag/team": "prod"}},
        {"aws:principaltag/team": "dev"},
        "allow",
    ),
    when(
        "StringNotEquals: same value",
        {"StringNotEquals": {"aws:PrincipalTag/team": "prod"}},
        {"aws:principaltag/team": "prod"},
        "implicit",
    ),
    when(
        "StringNotEquals: absent key is true",
        {"StringNotEquals": {"aws:PrincipalTag/team": "prod"}},
        {},
        "allow",
    ),
    when(
        "negated values are NORed: none match",
        {"StringNotEquals": {"aws:PrincipalTag/team": ["prod", "prod-ops"]}},
        {"aws:principaltag/team": "dev"},
        "allow",
    ),
    when(
        "negated values are NORed: one matches",
        {"StringNotEquals": {"aws:PrincipalTag/team": ["prod", "prod-ops"]}},
        {"aws:principaltag/team": "prod-ops"},
        "implicit",
    ),
    when(
        "StringNotEqualsIgnoreCase",
        {"StringNotEqualsIgnoreCase": {"aws:username": "JOHNDOE"}},
        {"aws:username": "johndoe"},
        "implicit",
    ),
    when(
        "StringNotEqualsIgnoreCase: absent key",
        {"StringNotEqualsIgnoreCase": {"aws:username": "JOHNDOE"}},
        {},
        "allow",
    ),
    when(
        "StringLike with *",
        {"StringLike": {"s3:prefix": "home/*"}},
        {"s3:prefix": "home/alice/docs"},
        "allow",
    ),
    when(
        "StringLike with ?",
        {"StringLike": {"s3:prefix": "home/?"}},
        {"s3:prefix": "home/ab"},
        "implicit",
    ),
    when(
        "StringLike is case-sensitive",
        {"StringLike": {"s3:prefix": "home/*"}},
        {"s3:prefix": "HOME/x"},
        "implicit",
    ),
    when(
        "StringLike needs wildcards for partial matches",
        {"StringLike": {"s3:prefix": "home/"}},
        {"s3:prefix": "home/alice"},
        "implicit",
    ),
    when("StringLike: absent key is false", {"StringLike": {"s3:prefix": "*"}}, {}, "implicit"),
    when(
        "StringNotLike: not matching",
        {"StringNotLike": {"s3:prefix": "private/*"}},
        {"s3:prefix": "public/a"},
        "allow",
    ),
    when(
        "StringNotLike: matching",
        {"StringNotLike": {"s3:prefix": "private/*"}},
        {"s3:prefix": "private/a"},
        "implicit",
    ),
    when(
        "StringNotLike: absent key is true",
        {"StringNotLike": {"s3:prefix": "private/*"}},
        {},
        "allow",
    ),
    when(
        "keys within an operator are ANDed (both hold)",
        {"StringEquals": {"sns:protocol": "https", "aws:username": "ann"}},
        {"sns:protocol": "https", "aws:username": "ann"},
        "allow",
    ),
    when(
        "keys within an operator are ANDed (one fails)",
        {"StringEquals": {"sns:protocol": "https", "aws:username": "ann"}},
        {"sns:protocol": "http", "aws:username": "ann"},
        "implicit",
    ),
    when(
        "operators are ANDed",
        {
            "StringEquals": {"sns:protocol": "https"},
            "StringLike": {"sns:endpoint": "https://example.com/*"},
        },
        {"sns:protocol": "https", "sns:endpoint": "http://evil/"},
        "implicit",
    ),
    # --- Variables in conditions (reference_policies_variables.md, "Condition element") ----
    when(
        "variable in StringLike",
        {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}},
        {"s3:prefix": "home/alice/"},
        "allow",
        caller=ALICE,
    ),
    when(
        "variable in StringLike: other home",
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"s3:prefix": "home/bob/x"},
        "implicit",
        caller=ALICE,
    ),
    when(
        "unresolvable variable does not match",
        {"StringEquals": {"s3:prefix": "${aws:username}"}},
        {"s3:prefix": "dev"},
        "implicit",
        caller=DEV_SESSION,
    ),
    when(
        "variable default in a condition",
        {"StringEquals": {"s3:prefix": "${aws:username, 'nobody'}"}},
        {"s3:prefix": "nobody"},
        "allow",
        caller=DEV_SESSION,
    ),
    when(
        "variable in StringEquals",
        {"StringEquals": {"aws:PrincipalTag/team": "${aws:ResourceTag/team}"}},
        {"aws:resourcetag/team": "blue"},
        "allow",
        caller=DEV_SESSION,
    ),
    when(
        "variable in ArnLike",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:${aws:username}-*"}},
        {"aws:sourcearn": "arn:aws:sns:us-east-1:111122223333:alice-topic"},
        "allow",
        caller=ALICE,
    ),
    # --- Numeric ------------------------------------------------------------------------------
    when(
        "NumericLessThanEquals: equal",
        {"NumericLessThanEquals": {"s3:max-keys": "10"}},
        {"s3:max-keys": 10},
        "allow",
    ),
    when(
        "NumericLessThanEquals: greater",
        {"NumericLessThanEquals": {"s3:max-keys": "10"}},
        {"s3:max-keys": 11},
        "implicit",
    ),
    when(
        "NumericLessThanEquals: absent key",
        {"NumericLessThanEquals": {"s3:max-keys": "10"}},
        {},
        "implicit",
    ),
    when(
        "NumericEquals compares numbers, not text",
        {"NumericEquals": {"s3:max-keys": "10"}},
        {"s3:max-keys": "10.0"},
        "allow",
    ),
    when(
        "NumericEquals with a JSON number",
        {"NumericEquals": {"s3:max-keys": 5}},
        {"s3:max-keys": 5},
        "allow",
    ),
    when(
        "NumericNotEquals: different",
        {"NumericNotEquals": {"s3:max-keys": "5"}},
        {"s3:max-keys": 6},
        "allow",
    ),
    when(
        "NumericNotEquals: equal",
        {"NumericNotEquals": {"s3:max-keys": "5"}},
        {"s3:max-keys": 5},
        "implicit",
    ),
    when(
        "NumericNotEquals: absent key is true",
        {"NumericNotEquals": {"s3:max-keys": "5"}},
        {},
        "allow",
    ),
    when(
        "NumericLessThan",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": 10},
        "implicit",
    ),
    when(
        "NumericGreaterThan",
        {"NumericGreaterThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": 10.5},
        "allow",
    ),
    when(
        "NumericGreaterThanEquals",
        {"NumericGreaterThanEquals": {"s3:max-keys": "10"}},
        {"s3:max-keys": 9},
        "implicit",
    ),
    when(
        "Numeric: a non-number never matches",
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": "ten"},
        "implicit",
    ),
    # --- Date ---------------------------------------------------------------------------------
    when(
        "DateGreaterThan: token issued after",
        {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}},
        {"aws:tokenissuetime": T2020},
        "allow",
    ),
    when(
        "DateGreaterThan: token issued before",
        {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}},
        {"aws:tokenissuetime": T2019},
        "implicit",
    ),
    when(
        "DateGreaterThan: access keys have no token time",
        {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}},
        {},
        "implicit",
    ),
    when(
        "DateLessThan with an epoch value",
        {"DateLessThan": {"aws:CurrentTime": "1577836800"}},
        {"aws:currenttime": T2019},
        "allow",
    ),
    when(
        "DateLessThan: epoch request value",
        {"DateLessThan": {"aws:EpochTime": "2020-01-01T00:00:00Z"}},
        {"aws:epochtime": 1577836801},
        "implicit",
    ),
    when(
        "DateEquals with a zone offset",
        {"DateEquals": {"aws:CurrentTime": "2020-06-01T02:00:00+02:00"}},
        {"aws:currenttime": T2020},
        "allow",
    ),
    when(
        "DateNotEquals: absent key is true",
        {"DateNotEquals": {"aws:CurrentTime": "2020-06-01T00:00:00Z"}},
        {},
        "allow",
    ),
    when(
        "DateLessThanEquals: equal",
        {"DateLessThanEquals": {"aws:CurrentTime": "2020-06-01T00:00:00Z"}},
        {"aws:currenttime": T2020},
        "allow",
    ),
    when(
        "DateGreaterThanEquals: date only",
        {"DateGreaterThanEquals": {"aws:CurrentTime": "2020-06-02"}},
        {"aws:currenttime": T2020},
        "implicit",
    ),
    # --- Bool ---------------------------------------------------------------------------------
    denied_when(
        "Deny if not over SSL: plain HTTP",
        {"Bool": {"aws:SecureTransport": "false"}},
        {"aws:securetransport": False},
        "explicit",
    ),
    denied_when(
        "Deny if not over SSL: HTTPS",
        {"Bool": {"aws:SecureTransport": "false"}},
        {"aws:securetransport": True},
        "allow",
    ),
    when(
        "Bool: absent key is false",
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        {},
        "implicit",
    ),
    when(
        "Bool with a JSON boolean",
        {"Bool": {"aws:MultiFactorAuthPresent": True}},
        {"aws:multifactorauthpresent": True},
        "allow",
    ),
    when(
        "Bool against text",
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        {"aws:multifactorauthpresent": "true"},
        "allow",
    ),
    # --- Binary -------------------------------------------------------------------------------
    when(
        "BinaryEquals matches",
        {"BinaryEquals": {"svc:blob": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}},
        {"svc:blob": b"BinaryValueInBase64"},
        "allow",
    ),
    when(
        "BinaryEquals differs",
        {"BinaryEquals": {"svc:blob": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}},
        {"svc:blob": b"other"},
        "implicit",
    ),
    when(
        "BinaryEquals: absent key",
        {"BinaryEquals": {"svc:blob": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}},
        {},
        "implicit",
    ),
    # --- IP address ---------------------------------------------------------------------------
    when(
        "IpAddress inside the range",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:sourceip": "203.0.113.77"},
        "allow",
    ),
    when(
        "IpAddress outside the range",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:sourceip": "198.51.100.1"},
        "implicit",
    ),
    when(
        "IpAddress: no aws:SourceIp (VPC endpoint)",
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {},
        "implicit",
    ),
    when(
        "IpAddress IPv6",
        {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}},
        {"aws:sourceip": "2001:db8:1234:5678::1"},
        "allow",
    ),
    when(
        "IpAddress IPv6 outside",
        {"IpAddress": {"aws:SourceIp": "2001:DB8:1234:5678::/64"}},
        {"aws:sourceip": "2001:db8:1234:5679::1"},
        "implicit",
    ),
    when(
        "IpAddress without prefix is /32",
        {"IpAddress": {"aws:SourceIp": "203.0.113.5"}},
        {"aws:sourceip": "203.0.113.6"},
        "implicit",
    ),
    denied_when(
        "NotIpAddress: outside is denied",
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:sourceip": "198.51.100.1"},
        "explicit",
    ),
    denied_when(
        "NotIpAddress: inside is not denied",
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:sourceip": "203.0.113.1"},
        "allow",
    ),
    denied_when(
        "NotIpAddress: absent key is true",
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {},
        "explicit",
    ),
    # --- ARN ----------------------------------------------------------------------------------
    when(
        "ArnEquals matches",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:TOPIC"}},
        {"aws:sourcearn": "arn:aws:sns:us-east-1:123456789012:TOPIC"},
        "allow",
    ),
    when(
        "ArnEquals differs",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:TOPIC"}},
        {"aws:sourcearn": "arn:aws:sns:us-east-1:123456789012:OTHER"},
        "implicit",
    ),
    when(
        "ArnEquals: absent key (direct call)",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:TOPIC"}},
        {},
        "implicit",
    ),
    when(
        "ArnLike checks segments separately",
        {"ArnLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}},
        {"aws:sourcearn": STORE_ARN},
        "implicit",
    ),
    when(
        "StringLike spans segments where ArnLike does not",
        {"StringLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}},
        {"aws:sourcearn": STORE_ARN},
        "allow",
    ),
    when(
        "ArnLike with region wildcard",
        {"ArnLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}},
        {"aws:sourcearn": "arn:aws:someservice:us-east-2:111122223333:finance/document.txt"},
        "allow",
    ),
    when(
        "ArnLike is case-sensitive",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:Topic"}},
        {"aws:sourcearn": "arn:aws:sns:us-east-1:123456789012:topic"},
        "implicit",
    ),
    when(
        "ArnNotEquals: absent key is true",
        {"ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:TOPIC"}},
        {},
        "allow",
    ),
    when(
        "ArnNotLike: matching",
        {"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"}},
        {"aws:sourcearn": "arn:aws:sns:us-east-1:123456789012:t"},
        "implicit",
    ),
    # --- ...IfExists ----------------------------------------------------------------------------
    when(
        "StringLikeIfExists: key absent",
        {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}},
        {},
        "allow",
    ),
    when(
        "StringLikeIfExists: key present, matching",
        {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}},
        {"ec2:instancetype": "t2.micro"},
        "allow",
    ),
    when(
        "StringLikeIfExists: key present, not matching",
        {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}},
        {"ec2:instancetype": "m5.large"},
        "implicit",
    ),
    when(
        "StringLike without IfExists: key absent",
        {"StringLike": {"ec2:InstanceType": ["t1.*", "t2.*"]}},
        {},
        "implicit",
    ),
    denied_when(
        "Deny StringNotEqualsIfExists: tag absent is still denied",
        {"StringNotEqualsIfExists": {"aws:ResourceTag/env": "dev"}},
        {},
        "explicit",
    ),
    denied_when(
        "Deny StringNotEqualsIfExists: tag matches",
        {"StringNotEqualsIfExists": {"aws:ResourceTag/env": "dev"}},
        {"aws:resourcetag/env": "dev"},
        "allow",
    ),
    when(
        "NumericLessThanIfExists: present and failing",
        {"NumericLessThanIfExists": {"s3:max-keys": "10"}},
        {"s3:max-keys": 50},
        "implicit",
    ),
    when(
        "BoolIfExists: absent",
        {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}},
        {},
        "allow",
    ),
    when(
        "IpAddressIfExists: absent",
        {"IpAddressIfExists": {"aws:SourceIp": "203.0.113.0/24"}},
        {},
        "allow",
    ),
    # --- Null -----------------------------------------------------------------------------------
    when("Null true: long-term credentials", {"Null": {"aws:TokenIssueTime": "true"}}, {}, "allow"),
    when(
        "Null true: temporary credentials",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:tokenissuetime": T2020},
        "implicit",
    ),
    when(
        "Null false: key present",
        {"Null": {"aws:TokenIssueTime": "false"}},
        {"aws:tokenissuetime": T2020},
        "allow",
    ),
    when("Null false: key absent", {"Null": {"aws:TokenIssueTime": "false"}}, {}, "implicit"),
    # --- ForAllValues / ForAnyValue ---------------------------------------------------------------
    when(
        "ForAllValues: all requested attributes allowed",
        {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": DYNAMO}},
        {"dynamodb:requestedattributes": ["PostDateTime", "Message"]},
        "allow",
    ),
    when(
        "ForAllValues: one attribute not listed",
        {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": DYNAMO}},
        {"dynamodb:requestedattributes": ["PostDateTime", "UserName"]},
        "implicit",
    ),
    when(
        "ForAllValues: empty set is true",
        {"ForAllValues:StringLike": {"dynamodb:requestedAttributes": DYNAMO}},
        {"dynamodb:requestedattributes": []},
        "allow",
    ),
    when(
        "ForAllValues: absent key is true",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {},
        "allow",
    ),
    denied_when(
        "ForAnyValue Deny: one attribute matches",
        {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}},
        {"dynamodb:requestedattributes": ["UserName", "Message", "PostDateTime"]},
        "explicit",
    ),
    denied_when(
        "ForAnyValue Deny: no attribute matches",
        {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}},
        {"dynamodb:requestedattributes": ["UserName"]},
        "allow",
    ),
    denied_when(
        "ForAnyValue: empty set is false",
        {"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}},
        {"dynamodb:requestedattributes": []},
        "allow",
    ),
    when(
        "ForAnyValue: absent key is false",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": "env"}},
        {},
        "implicit",
    ),
    when(
        "ForAnyValue: single request value",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:tagkeys": ["team"]},
        "allow",
    ),
    denied_when(
        "ForAllValues:StringNotLike key1*: key1:legal",
        {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
        {"aws:tagkeys": ["key1:legal"]},
        "allow",
    ),
    denied_when(
        "ForAllValues:StringNotLike key1*: key1:hr, key1:personnel",
        {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
        {"aws:tagkeys": ["key1:hr", "key1:personnel"]},
        "allow",
    ),
    denied_when(
        "ForAllValues:StringNotLike key1*: key2:audit",
        {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
        {"aws:tagkeys": ["key2:audit"]},
        "explicit",
    ),
    denied_when(
        "ForAllValues:StringNotLike key1*: no aws:TagKeys",
        {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
        {},
        "explicit",
    ),
    when(
        "ForAnyValue:StringNotEquals: one value outside the list",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env"]}},
        {"aws:tagkeys": ["env", "cost"]},
        "allow",
    ),
    when(
        "ForAnyValue:StringNotEquals: all values in the list",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env", "cost"]}},
        {"aws:tagkeys": ["env", "cost"]},
        "implicit",
    ),
    when(
        "ForAllValues with Null false guards absent keys",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}, "Null": {"aws:TagKeys": "false"}},
        {},
        "implicit",
    ),
]
