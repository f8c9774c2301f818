"""The gateway's authorizer: real evaluation over a principal's policies, the service's
resource policy and grants, the three modes, denial codes and messages, and the cache."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from fogbank.authz.enforcer import Authorizer
from fogbank.authz.identity import IdentityPolicies, PolicyText
from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.clock import Clock, ClockState, FixedSource
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.core.principal import (
    Principal,
    PrincipalKind,
    Session,
    SessionIssuer,
    root_principal,
)

ACCOUNT = "111122223333"
ALICE = Principal(
    PrincipalKind.IAM_USER,
    ACCOUNT,
    f"arn:aws:iam::{ACCOUNT}:user/alice",
    "AIDAALICE",
    name="alice",
    access_key_id="AKIAALICE",
)
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/reader"
SESSION = Principal(
    PrincipalKind.ASSUMED_ROLE,
    ACCOUNT,
    f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/s1",
    "AROAREADER:s1",
    name="reader",
    access_key_id="ASIASESSION",
    session=Session(
        SessionIssuer("Role", "AROAREADER", ROLE_ARN, ACCOUNT, "reader"),
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 1, 1, tzinfo=UTC),
        "s1",
    ),
)


def doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str, resource: str = "*", **extra: object) -> dict[str, object]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


class Identities:
    """An IdentitySource over a dict: principal ARN -> policies."""

    def __init__(self) -> None:
        self.policies: dict[str, IdentityPolicies] = {}
        self.gen = 1
        self.loads = 0
        self.used: list[tuple[str, str]] = []

    def generation(self) -> int:
        return self.gen

    async def policies_of(self, principal: Principal) -> IdentityPolicies:
        self.loads += 1
        return self.policies.get(principal.arn, IdentityPolicies())

    def record_use(self, principal: Principal, service: str, region: str, when: float) -> None:
        self.used.append((principal.arn, service))

    def give(self, principal: Principal, *docs: str, boundary: str | None = None) -> None:
        self.policies[principal.arn] = IdentityPolicies(
            tuple(PolicyText(d, f"p{i}", "user") for i, d in enumerate(docs)),
            PolicyText(boundary, "b", "user-managed") if boundary else None,
        )
        self.gen += 1


class Service:
    """A service whose every call needs ``requirements`` (and may have a resource policy)."""

    def __init__(self, *requirements: Requirement) -> None:
        self.required = list(requirements)
        self.policy: ResourcePolicy | None = None
        self.grant = False
        self.asked = 0

    async def requirements(
        self, ctx: RequestContext, params: dict[str, object]
    ) -> Sequence[Requirement]:
        self.asked += 1
        return self.required

    async def resource_policy(
        self, ctx: RequestContext, requirement: Requirement
    ) -> ResourcePolicy | None:
        return self.policy

    async def grant_allows(self, ctx: RequestContext, requirement: Requirement) -> bool:
        return self.grant


def context(
    principal: Principal, service: str, operation: str, ip: str = "10.0.0.1"
) -> RequestContext:
    clock = Clock(FixedSource(ClockState(0.0, 1_767_225_600.0, 1.0)), real=lambda: 0.0)
    return RequestContext("R1", service, operation, "us-east-1", principal, clock, source_ip=ip)


def authorize(authorizer: Authorizer, ctx: RequestContext) -> AwsError | None:
    try:
        asyncio.run(authorizer.authorize(ctx, {}))
    except AwsError as err:
        return err
    return None


GET = Requirement("s3:GetObject", "arn:aws:s3:::b/k")


def test_root_may_do_anything_in_its_account() -> None:
    auth = Authorizer({"s3": Service(GET)}, identities=Identities())
    assert authorize(auth, context(root_principal(ACCOUNT), "s3", "GetObject")) is None


def test_a_user_needs_an_identity_policy() -> None:
    ids = Identities()
    auth = Authorizer({"s3": Service(GET)}, identities=ids)
    err = authorize(auth, context(ALICE, "s3", "GetObject"))
    assert err is not None and (err.code, err.status) == ("AccessDenied", 403)
    assert err.message == (
        f"User: {ALICE.arn} is not authorized to perform: s3:GetObject on resource: "
        '"arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action'
    )
    ids.give(ALICE, doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))
    assert authorize(auth, context(ALICE, "s3", "GetObject")) is None


def test_explicit_deny_and_the_service_code() -> None:
    ids = Identities()
    ids.give(
        ALICE, doc(allow("kms:*"), {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"})
    )
    key = Requirement("kms:Decrypt", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k")
    auth = Authorizer({"kms": Service(key)}, identities=ids)
    err = authorize(auth, context(ALICE, "kms", "Decrypt"))
    assert err is not None and (err.code, err.status) == ("AccessDeniedException", 400)
    assert err.message.endswith("with an explicit deny in an identity-based policy")


def test_boundary_limits_what_policies_allow() -> None:
    ids = Identities()
    ids.give(ALICE, doc(allow("*")), boundary=doc(allow("s3:ListAllMyBuckets")))
    auth = Authorizer({"s3": Service(GET)}, identities=ids)
    err = authorize(auth, context(ALICE, "s3", "GetObject"))
    assert err is not None and "because no permissions boundary allows" in err.message


def test_required_resource_policy_and_trust_wording() -> None:
    ids = Identities()
    ids.give(ALICE, doc(allow("sts:AssumeRole")))
    service = Service(Requirement("sts:AssumeRole", ROLE_ARN))
    service.policy = ResourcePolicy(
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"},
                "Action": "sts:AssumeRole",
            }
        ),
        ACCOUNT,
        required=True,
        trust=True,
    )
    auth = Authorizer({"sts": service}, identities=ids)
    err = authorize(auth, context(ALICE, "sts", "AssumeRole"))
    assert err is not None and err.message.endswith(
        "because no role trust policy allows the sts:AssumeRole action"
    )
    service.policy = ResourcePolicy(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": ALICE.arn}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
        ACCOUNT,
        required=True,
        trust=True,
    )
    assert authorize(auth, context(ALICE, "sts", "AssumeRole")) is None


def test_a_grant_lifts_an_implicit_deny_only() -> None:
    ids = Identities()
    service = Service(GET)
    auth = Authorizer({"s3": service}, identities=ids)
    service.grant = True
    assert authorize(auth, context(ALICE, "s3", "GetObject")) is None
    ids.give(ALICE, doc({"Effect": "Deny", "Action": "*", "Resource": "*"}))
    assert authorize(auth, context(ALICE, "s3", "GetObject")) is not None


def test_session_policies_limit_a_role_session() -> None:
    ids = Identities()
    ids.policies[SESSION.arn] = IdentityPolicies(
        (PolicyText(doc(allow("s3:*")), "role", "role"),),
        None,
        (PolicyText(doc(allow("s3:ListAllMyBuckets")), "SessionPolicy", "session"),),
    )
    auth = Authorizer({"s3": Service(GET)}, identities=ids)
    err = authorize(auth, context(SESSION, "s3", "GetObject"))
    assert err is not None and "because no session policy allows" in err.message


def test_global_keys_come_from_the_request() -> None:
    ids = Identities()
    ids.give(
        ALICE, doc(allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    )
    auth = Authorizer({"s3": Service(GET)}, identities=ids)
    assert authorize(auth, context(ALICE, "s3", "GetObject", ip="10.1.2.3")) is None
    assert authorize(auth, context(ALICE, "s3", "GetObject", ip="192.0.2.1")) is not None


def test_time_keys_read_the_fogbank_clock() -> None:
    ids = Identities()
    ids.give(
        ALICE,
        doc(
            allow(
                "s3:GetObject",
                Condition={"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:01Z"}},
            )
        ),
    )
    auth = Authorizer({"s3": Service(GET)}, identities=ids)
    assert authorize(auth, context(ALICE, "s3", "GetObject")) is None  # clock: 2026-01-01


def test_audit_mode_allows_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    auth = Authorizer({"s3": Service(GET)}, "audit", Identities())
    with caplog.at_level(logging.WARNING, logger="fogbank.authz"):
        assert authorize(auth, context(ALICE, "s3", "GetObject")) is None
    (record,) = [r for r in caplog.records if r.name == "fogbank.authz"]
    fields = record.fields  # type: ignore[attr-defined]
    assert fields["action"] == "s3:GetObject"
    assert fields["principal"] == ALICE.arn
    assert fields["decision"] == "implicitDeny"
    assert "AKIA" not in json.dumps(fields)  # no credentials in the line


def test_off_mode_checks_nothing_but_records_use() -> None:
    ids = Identities()
    service = Service(GET)
    auth = Authorizer({"s3": service}, "off", ids)
    assert authorize(auth, context(ALICE, "s3", "GetObject")) is None
    assert service.asked == 0
    assert ids.used == [(ALICE.arn, "s3")]


def test_caller_identity_needs_no_permission() -> None:
    auth = Authorizer(
        {"sts": Service(Requirement("sts:GetCallerIdentity"))}, identities=Identities()
    )
    assert authorize(auth, context(ALICE, "sts", "GetCallerIdentity")) is None


def test_services_not_built_are_still_protected_by_their_table() -> None:
    auth = Authorizer({}, identities=Identities())
    err = authorize(auth, context(ALICE, "rds", "DescribeDBInstances"))
    assert err is not None and "rds:DescribeDBInstances" in err.message
    assert authorize(auth, context(root_principal(ACCOUNT), "rds", "DescribeDBInstances")) is None


def test_compiled_policies_are_cached_until_the_generation_moves() -> None:
    ids = Identities()
    ids.give(ALICE, doc(allow("s3:GetObject")))
    auth = Authorizer({"s3": Service(GET)}, identities=ids)
    for _ in range(5):
        assert authorize(auth, context(ALICE, "s3", "GetObject")) is None
    assert ids.loads == 1
    ids.give(ALICE, doc(allow("s3:PutObject")))
    assert authorize(auth, context(ALICE, "s3", "GetObject")) is not None
    assert ids.loads == 2


def test_decide_serves_checks_outside_the_gateway() -> None:
    ids = Identities()
    ids.give(ALICE, doc(allow("elasticfilesystem:ClientMount")))
    auth = Authorizer({}, "off", ids)  # the mode is the gateway's business, not decide's
    mount = Requirement(
        "elasticfilesystem:ClientMount",
        f"arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:file-system/fs-1",
    )
    ctx = context(ALICE, "efs", "ClientMount")
    _, decision = asyncio.run(auth.decide(ctx, mount))
    assert decision.allowed
    write = Requirement("elasticfilesystem:ClientWrite", mount.resource)
    request, decision = asyncio.run(auth.decide(ctx, write))
    assert not decision.allowed
    assert request.principal.arn == ALICE.arn
