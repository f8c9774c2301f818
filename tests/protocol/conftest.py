"""Fixtures for the protocol round trips: one ``Specs`` and botocore's models, per session."""

from __future__ import annotations

import functools

import pytest
from botocore.loaders import Loader
from botocore.model import ServiceModel

from fogbank.protocol.catalog import BY_NAME
from fogbank.protocol.specs import Specs

SERVICES = ("s3", "s3control", "iam", "sts", "rds", "ec2", "kms", "cloudtrail", "efs")


@functools.cache
def botocore_model(service: str) -> ServiceModel:
    """botocore's model of a service, loaded by botocore itself (not by fogbank)."""
    info = BY_NAME[service]
    raw = Loader().load_service_model(service, "service-2", info.api_version)
    return ServiceModel(raw, service_name=service)


def all_operations() -> list[tuple[str, str]]:
    return [(s, op) for s in SERVICES for op in botocore_model(s).operation_names]


@pytest.fixture(scope="session")
def specs() -> Specs:
    return Specs()
