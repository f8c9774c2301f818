"""EC2 fixtures: clients on the shared server, each test in a region of its own when it
creates VPCs (EC2 allows five per region, and tests run in parallel)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from tests.support.server import FogbankServer


@pytest.fixture
def region(request: pytest.FixtureRequest) -> str:
    """A region name no other test uses (EC2 takes any region name it is signed for)."""
    return f"eu-test-{zlib.crc32(request.node.nodeid.encode()) % 1_000_000}"


@pytest.fixture
def ec2(server: FogbankServer, region: str) -> Any:
    return server.client("ec2", region_name=region)


@pytest.fixture
def raw_ec2(server: FogbankServer, region: str) -> Any:
    """A client that sends what it is given (no client-side parameter validation)."""
    config = BotoConfig(parameter_validation=False, retries={"max_attempts": 1})
    return server.client("ec2", region_name=region, config=config)


@pytest.fixture
def cli(server: FogbankServer, region: str) -> Callable[..., Any]:
    """``cli("describe-vpcs", ...)``: the AWS CLI's parsed JSON output."""

    def run(*args: str) -> Any:
        out = server.aws("ec2", *args, "--region", region)
        return json.loads(out.stdout) if out.stdout.strip() else None

    return run


@pytest.fixture
def cli_error(server: FogbankServer, region: str) -> Callable[..., str]:
    """``cli_error("delete-vpc", ...)``: the CLI's error text (it must fail)."""

    def run(*args: str) -> str:
        out = server.aws("ec2", *args, "--region", region, check=False)
        assert out.returncode != 0, out.stdout
        return out.stderr

    return run


def error_code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def error_message(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Message"])


def status(exc: pytest.ExceptionInfo[ClientError]) -> int:
    return int(exc.value.response["ResponseMetadata"]["HTTPStatusCode"])
