"""Helpers of the KMS integration tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def fails(call: Callable[[], object], code: str, status: int = 400) -> dict[str, Any]:
    """Run ``call`` expecting the AWS error ``code``; return its error document."""
    with pytest.raises(ClientError) as exc:
        call()
    error: dict[str, Any] = exc.value.response["Error"]
    assert error["Code"] == code, error
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    return error


def unique(prefix: str = "alias/t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
