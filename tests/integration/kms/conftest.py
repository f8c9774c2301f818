"""A boto3 KMS client on the shared server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.server import FogbankServer


@pytest.fixture
def kms(server: FogbankServer) -> Any:
    return server.client("kms")
