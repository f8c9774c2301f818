"""Helpers for the IAM integration tests: principals' clients and error details."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.server import FogbankServer


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str = "*") -> dict[str, object]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def trust(arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"}
            ],
        }
    )


def error(call: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The error a boto3 call answers (code, message, HTTP status); fails if it succeeds."""
    with pytest.raises(ClientError) as exc:
        call(*args, **kwargs)
    response = exc.value.response
    return {
        "code": response["Error"]["Code"],
        "message": response["Error"].get("Message", ""),
        "status": response["ResponseMetadata"]["HTTPStatusCode"],
    }


class User:
    """An IAM user made by root, with an access key, and clients that sign as it."""

    def __init__(self, server: FogbankServer, name: str, **create: Any) -> None:
        self.server = server
        self.name = name
        root = server.client("iam")
        self.arn = root.create_user(UserName=name, **create)["User"]["Arn"]
        key = root.create_access_key(UserName=name)["AccessKey"]
        self.key_id = key["AccessKeyId"]
        self.secret = key["SecretAccessKey"]

    def client(self, service: str) -> Any:
        return self.server.client(
            service, aws_access_key_id=self.key_id, aws_secret_access_key=self.secret
        )

    def env(self) -> dict[str, str]:
        return {"AWS_ACCESS_KEY_ID": self.key_id, "AWS_SECRET_ACCESS_KEY": self.secret}


def session_client(server: FogbankServer, service: str, credentials: dict[str, Any]) -> Any:
    return server.client(
        service,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
