"""``fogbank up --iam off`` checks nothing; ``--iam audit`` allows, and logs each decision
that would deny (one structured line, no secrets)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from tests.integration.iam.support import User, error, trust
from tests.support.server import ACCOUNT_ID, FogbankServer


def test_iam_off_checks_nothing(make_server: Callable[..., FogbankServer]) -> None:
    srv = make_server(extra_args=["--iam", "off"])
    alice = User(srv, "alice")
    bob_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/bob"
    srv.client("iam").create_user(UserName="bob")
    # no policy at all, yet every call goes through
    alice.client("iam").list_users()
    alice.client("iam").create_user(UserName="carol")
    role = srv.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=trust(bob_arn))[
        "Role"
    ]
    creds = alice.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1")
    assert creds["AssumedRoleUser"]["Arn"].endswith(":assumed-role/r/s1")
    # authentication is still checked
    stranger = srv.client("iam", aws_secret_access_key="wrong" * 8)
    assert error(stranger.list_users)["code"] == "SignatureDoesNotMatch"


def test_iam_audit_allows_and_logs(make_server: Callable[..., FogbankServer]) -> None:
    srv = make_server(extra_args=["--iam", "audit"])
    alice = User(srv, "alice")
    alice.client("iam").list_users()
    alice.client("sts").get_caller_identity()  # needs no permission: not logged
    deadline = time.monotonic() + 5
    lines: list[dict[str, object]] = []
    while not lines and time.monotonic() < deadline:
        lines = [
            json.loads(line)
            for line in list(srv.output)
            if line.startswith("{") and "access would be denied" in line
        ]
        time.sleep(0.1)
    assert len(lines) == 1, lines
    (line,) = lines
    assert line["logger"] == "fogbank.authz"
    assert line["action"] == "iam:ListUsers"
    assert line["operation"] == "ListUsers"
    assert line["principal"] == f"arn:aws:iam::{ACCOUNT_ID}:user/alice"
    assert line["resource"] == f"arn:aws:iam::{ACCOUNT_ID}:user/"
    assert line["decision"] == "implicitDeny"
    text = json.dumps(line)
    assert alice.secret not in text and alice.key_id not in text
