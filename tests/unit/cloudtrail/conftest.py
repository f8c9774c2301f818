"""Helpers for building audit events as the gateway does."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from fogbank.audit.events import AuditEvent
from fogbank.audit.record import RecordBuilder, SpecsPlans
from fogbank.core.clock import Clock
from fogbank.core.context import RequestContext
from fogbank.core.principal import (
    ANONYMOUS,
    Principal,
    PrincipalKind,
    Session,
    SessionIssuer,
    root_principal,
)
from fogbank.protocol.specs import Specs

ACCOUNT = "111122223333"
OWNER = "999988887777"
T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="session")
def specs() -> Specs:
    return Specs()


@pytest.fixture
def builder(specs: Specs) -> RecordBuilder:
    return RecordBuilder(SpecsPlans(specs), default_account=OWNER)


def root() -> Principal:
    return root_principal(ACCOUNT, "AKIAROOTKEY000000001")


def iam_user(name: str = "alice") -> Principal:
    return Principal(
        kind=PrincipalKind.IAM_USER,
        account_id=ACCOUNT,
        arn=f"arn:aws:iam::{ACCOUNT}:user/{name}",
        principal_id="AIDAEXAMPLEUSER00001",
        name=name,
        access_key_id="AKIAUSERKEY000000001",
    )


def assumed_role(session_name: str = "build-42") -> Principal:
    issuer = SessionIssuer(
        kind="Role",
        principal_id="AROAEXAMPLEROLE00001",
        arn=f"arn:aws:iam::{ACCOUNT}:role/deployer",
        account_id=ACCOUNT,
        name="deployer",
    )
    session = Session(
        issuer=issuer,
        created=datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC),
        expires=datetime(2026, 1, 1, 1, 0, 0, tzinfo=UTC),
        session_name=session_name,
        source_identity="ci-runner",
    )
    return Principal(
        kind=PrincipalKind.ASSUMED_ROLE,
        account_id=ACCOUNT,
        arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/{session_name}",
        principal_id=f"AROAEXAMPLEROLE00001:{session_name}",
        name="deployer",
        access_key_id="ASIATEMPKEY000000001",
        session=session,
    )


def anonymous() -> Principal:
    return ANONYMOUS


MakeEvent = Callable[..., AuditEvent]


@pytest.fixture
def make_event() -> MakeEvent:
    def make(
        service: str,
        operation: str,
        params: Mapping[str, object] | None = None,
        output: Mapping[str, object] | None = None,
        *,
        principal: Principal | None = None,
        error: tuple[str, str] | None = None,
        region: str = "us-east-1",
        secure: bool = False,
        headers: Mapping[str, str] | None = None,
        auth_method: str = "sigv4-header",
        resources: list[tuple[str, str]] | None = None,
        resource_account: str | None = None,
        **extra: Any,
    ) -> AuditEvent:
        who = principal if principal is not None else root()
        ctx = RequestContext(
            request_id="REQ0000000000001",
            service=service,
            operation=operation,
            region=region,
            principal=who,
            clock=Clock(),
            source_ip="192.0.2.10",
            user_agent="aws-cli/1.46.3",
            secure_transport=secure,
            headers=dict(headers or {"host": "127.0.0.1:4566"}),
            auth_method=auth_method,
            access_key_id=who.access_key_id,
            tls_version="TLSv1.3" if secure else None,
            resources=list(resources or []),
            resource_account=resource_account,
        )
        return AuditEvent(
            request_id="REQ0000000000001",
            event_time=T0,
            service=service,
            operation=operation,
            principal=who,
            source_ip="192.0.2.10",
            user_agent="aws-cli/1.46.3",
            region=region,
            secure_transport=secure,
            status=400 if error else 200,
            params=dict(params) if params is not None else {},
            output=dict(output) if output is not None else ({} if error is None else None),
            error_code=error[0] if error else None,
            error_message=error[1] if error else None,
            context=ctx,
            **extra,
        )

    return make
