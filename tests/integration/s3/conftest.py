"""S3 clients on the shared server, and a fresh bucket per test (emptied and deleted after)."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from tests.support.server import FogbankServer

_COUNTER = itertools.count()


def unique_bucket(prefix: str = "t") -> str:
    return f"{prefix}-{os.getpid()}-{next(_COUNTER)}-{os.urandom(3).hex()}"


def empty_and_delete(s3: Any, bucket: str) -> None:
    with contextlib.suppress(ClientError):
        for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket):
            for up in page.get("Uploads", []):
                s3.abort_multipart_upload(Bucket=bucket, Key=up["Key"], UploadId=up["UploadId"])
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": keys})
        s3.delete_bucket(Bucket=bucket)


@pytest.fixture
def s3(server: FogbankServer) -> Any:
    return server.client("s3")


@pytest.fixture
def raw_s3(server: FogbankServer) -> Any:
    """A client that sends what it is given (no client-side validation)."""
    return server.client(
        "s3", config=BotoConfig(parameter_validation=False, retries={"max_attempts": 1})
    )


@pytest.fixture
def bucket(s3: Any) -> Iterator[str]:
    name = unique_bucket()
    s3.create_bucket(Bucket=name)
    yield name
    empty_and_delete(s3, name)


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def status(exc: pytest.ExceptionInfo[ClientError]) -> int:
    return int(exc.value.response["ResponseMetadata"]["HTTPStatusCode"])
