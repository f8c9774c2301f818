"""A boto3 KMS client on the shared server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config as BotoConfig

from tests.support.server import FogbankServer


@pytest.fixture
def kms(server: FogbankServer) -> Any:
    return server.client("kms")


@pytest.fixture
def raw_kms(server: FogbankServer) -> Any:
    """A client that sends what it is given (no client-side checks), to reach the
    server's own validation."""
    config = BotoConfig(parameter_validation=False, retries={"max_attempts": 1})
    return server.client("kms", config=config)
