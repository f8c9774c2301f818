"""RDS IAM auth tokens from botocore's generate_db_auth_token."""

from __future__ import annotations

import pytest

from fogbank.auth.rds_token import TokenRejected, verify_rds_token

from .support import (
    AK,
    TMP_AK,
    TMP_SECRET,
    TOKEN,
    MemoryCredentials,
    MovableClock,
    client_for,
    long_term,
    run,
    temporary,
)

HOST = "mydb.c1.us-west-2.rds.fogbank.test"


def _token(port: int = 3306, user: str = "app_user", **client_args: object) -> str:
    client = client_for("rds", region="us-west-2", **client_args)  # type: ignore[arg-type]
    token: str = client.generate_db_auth_token(DBHostname=HOST, Port=port, DBUsername=user)
    return token


def _creds() -> MemoryCredentials:
    return MemoryCredentials(long_term(), temporary())


@pytest.mark.parametrize("port", [3306, 5432, 443])
def test_token(port: int) -> None:
    token = _token(port)
    assert token.startswith(f"{HOST}:{port}/?Action=connect")
    identity = run(verify_rds_token(token, _creds(), MovableClock().clock, db_user="app_user"))
    assert (identity.db_user, identity.access_key_id, identity.region) == (
        "app_user",
        AK,
        "us-west-2",
    )
    assert identity.host == f"{HOST}:{port}"
    assert identity.expires_at - identity.signed_at == 900


def test_token_with_terminating_nul() -> None:
    # mysql_clear_password sends the token with its terminating NUL.
    run(verify_rds_token(_token() + "\x00", _creds(), MovableClock().clock))


def test_token_expires_after_15_minutes() -> None:
    clock = MovableClock()
    token = _token()
    clock.offset = 14 * 60
    run(verify_rds_token(token, _creds(), clock.clock))
    clock.offset = 16 * 60
    with pytest.raises(TokenRejected, match="expired"):
        run(verify_rds_token(token, _creds(), clock.clock))


def test_token_for_another_user() -> None:
    with pytest.raises(TokenRejected, match="another database user"):
        run(verify_rds_token(_token(user="alice"), _creds(), MovableClock().clock, db_user="Alice"))


def test_token_bound_to_endpoint() -> None:
    token = _token(3306)
    run(verify_rds_token(token, _creds(), MovableClock().clock, hosts={f"{HOST}:3306"}))
    with pytest.raises(TokenRejected, match="another endpoint"):
        run(verify_rds_token(token, _creds(), MovableClock().clock, hosts={f"{HOST}:3307"}))


def test_token_tampered_user() -> None:
    token = _token(user="alice").replace("DBUser=alice", "DBUser=admin")
    with pytest.raises(TokenRejected, match="signature"):
        run(verify_rds_token(token, _creds(), MovableClock().clock))


def test_token_wrong_secret() -> None:
    with pytest.raises(TokenRejected, match="signature"):
        run(verify_rds_token(_token(secret="wrong"), _creds(), MovableClock().clock))


def test_token_unknown_key() -> None:
    with pytest.raises(TokenRejected, match="InvalidClientTokenId"):
        run(
            verify_rds_token(
                _token(access_key="AKIANOBODY0000000000"), _creds(), MovableClock().clock
            )
        )


def test_token_session_credentials() -> None:
    token = _token(access_key=TMP_AK, secret=TMP_SECRET, token=TOKEN)
    assert "X-Amz-Security-Token=" in token
    identity = run(verify_rds_token(token, _creds(), MovableClock().clock))
    assert identity.access_key_id == TMP_AK
    with pytest.raises(TokenRejected):
        run(
            verify_rds_token(
                token.replace("X-Amz-Security-Token=", "X-Amz-Foo="), _creds(), MovableClock().clock
            )
        )


@pytest.mark.parametrize(
    "token", ["", "password123", "host:1/?Action=connect", "host:1/?DBUser=u&Action=query"]
)
def test_not_a_token(token: str) -> None:
    with pytest.raises(TokenRejected):
        run(verify_rds_token(token, _creds(), MovableClock().clock))


def test_wrong_service_scope() -> None:
    # An STS presigned URL is not an rds-db token even if it says Action=connect.
    client = client_for("sts")
    url = client.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    token = url.split("://", 1)[1].replace("Action=GetCallerIdentity", "Action=connect&DBUser=u")
    with pytest.raises(TokenRejected):
        run(verify_rds_token(token, _creds(), MovableClock().clock))
