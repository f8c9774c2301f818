"""S3 POST policy signatures, from boto3's generate_presigned_post (SigV4 and SigV2)."""

from __future__ import annotations

import json

import pytest
from botocore.config import Config

from fogbank.auth.post_policy import verify_post_policy
from fogbank.core.errors import AwsError

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

V4 = Config(signature_version="s3v4")


def _post(config: Config | None, expires: int = 3600, **client_args: object) -> dict[str, str]:
    client = client_for("s3", config=config, region="eu-west-1", **client_args)  # type: ignore[arg-type]
    post = client.generate_presigned_post(
        "bucket",
        "uploads/${filename}",
        Fields={"acl": "public-read"},
        Conditions=[{"acl": "public-read"}, ["content-length-range", 1, 1024]],
        ExpiresIn=expires,
    )
    return dict(post["fields"])


def _creds() -> MemoryCredentials:
    return MemoryCredentials(long_term(), temporary())


@pytest.mark.parametrize(("config", "method"), [(V4, "sigv4-post"), (None, "sigv2-post")])
def test_post_policy(config: Config | None, method: str) -> None:
    fields = _post(config)
    result = run(verify_post_policy(fields, _creds(), MovableClock().clock))
    assert (result.auth.method, result.auth.auth_type, result.auth.access_key_id) == (
        method,
        "POST",
        AK,
    )
    assert result.policy is not None
    assert {"acl": "public-read"} in json.loads(result.policy)["conditions"]


def test_post_policy_field_names_are_case_insensitive() -> None:
    fields = {k.upper(): v for k, v in _post(V4).items()}
    run(verify_post_policy(fields, _creds(), MovableClock().clock))


@pytest.mark.parametrize("config", [V4, None])
def test_post_policy_wrong_secret(config: Config | None) -> None:
    fields = _post(config, secret="wrong")
    with pytest.raises(AwsError) as exc:
        run(verify_post_policy(fields, _creds(), MovableClock().clock))
    assert (exc.value.code, exc.value.status) == ("SignatureDoesNotMatch", 403)


@pytest.mark.parametrize("config", [V4, None])
def test_post_policy_tampered_policy(config: Config | None) -> None:
    fields = _post(config)
    document = json.loads(__import__("base64").b64decode(fields["policy"]))
    document["conditions"].append({"bucket": "other"})
    fields["policy"] = __import__("base64").b64encode(json.dumps(document).encode()).decode()
    with pytest.raises(AwsError) as exc:
        run(verify_post_policy(fields, _creds(), MovableClock().clock))
    assert exc.value.code == "SignatureDoesNotMatch"


@pytest.mark.parametrize("config", [V4, None])
def test_post_policy_expired(config: Config | None) -> None:
    clock = MovableClock()
    fields = _post(config, expires=60)
    clock.offset = 120
    with pytest.raises(AwsError) as exc:
        run(verify_post_policy(fields, _creds(), clock.clock))
    assert (exc.value.code, exc.value.status) == ("AccessDenied", 403)
    assert exc.value.message == "Invalid according to Policy: Policy expired."


@pytest.mark.parametrize("config", [V4, None])
def test_post_policy_session_token(config: Config | None) -> None:
    fields = _post(config, access_key=TMP_AK, secret=TMP_SECRET, token=TOKEN)
    assert fields["x-amz-security-token"] == TOKEN
    run(verify_post_policy(fields, _creds(), MovableClock().clock))
    del fields["x-amz-security-token"]
    with pytest.raises(AwsError) as exc:
        run(verify_post_policy(fields, _creds(), MovableClock().clock))
    assert exc.value.code == "InvalidAccessKeyId"


def test_post_policy_missing_field() -> None:
    fields = _post(V4)
    del fields["x-amz-credential"]
    with pytest.raises(AwsError) as exc:
        run(verify_post_policy(fields, _creds(), MovableClock().clock))
    assert (exc.value.code, exc.value.status) == ("InvalidArgument", 400)


def test_post_policy_unknown_key() -> None:
    fields = _post(V4, access_key="AKIANOBODY0000000000")
    with pytest.raises(AwsError) as exc:
        run(verify_post_policy(fields, _creds(), MovableClock().clock))
    assert exc.value.code == "InvalidAccessKeyId"


def test_post_without_signature_is_anonymous() -> None:
    result = run(
        verify_post_policy({"key": "k", "acl": "public-read"}, _creds(), MovableClock().clock)
    )
    assert (result.auth.method, result.auth.auth_type, result.policy) == ("anonymous", "POST", None)
