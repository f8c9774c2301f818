"""The corrections files against botocore's models: complete where they must be, and
naming only things that exist."""

from __future__ import annotations

import pytest
from botocore.loaders import Loader
from botocore.model import ServiceModel

from fogbank.protocol import corrections
from fogbank.protocol.catalog import SERVICES

REST_KINDS = {
    "no_route",
    "malformed_body",
    "body_too_large",
    "missing_body",
    "missing_parameter",
    "invalid_value",
    "invalid_uri",
}
RPC_KINDS = {
    "unknown_operation",
    "missing_operation",
    "malformed_body",
    "body_too_large",
    "missing_parameter",
    "invalid_value",
}


def model(name: str) -> ServiceModel:
    info = next(s for s in SERVICES if s.name == name)
    return ServiceModel(Loader().load_service_model(name, "service-2", info.api_version), name)


def test_every_s3_body_document_has_a_root_element() -> None:
    """S3 output shapes are named ...Output, never a root element: each operation that
    answers a document of body members needs its root in the corrections."""
    s3 = model("s3")
    roots = corrections.load("s3", "rest-xml").output_roots
    needing = set()
    for name in s3.operation_names:
        shape = s3.operation_model(name).output_shape
        if shape is None or shape.serialization.get("payload"):
            continue
        if any("location" not in m.serialization for m in shape.members.values()):
            needing.add(name)
    assert needing <= set(roots), sorted(needing - set(roots))
    assert set(roots) <= set(s3.operation_names)
    assert roots["ListObjectsV2"] == "ListBucketResult"
    assert roots["ListBuckets"] == "ListAllMyBucketsResult"
    assert roots["CreateMultipartUpload"] == "InitiateMultipartUploadResult"


def test_shadowed_routes_have_twins() -> None:
    s3 = model("s3")
    shadowed = corrections.load("s3", "rest-xml").route_shadowed
    for name in shadowed:
        http = s3.operation_model(name).http
        twins = [
            other
            for other in s3.operation_names
            if other != name
            and other not in shadowed
            and s3.operation_model(other).http["method"] == http["method"]
            and s3.operation_model(other).http["requestUri"] == http["requestUri"]
        ]
        assert twins, name


@pytest.mark.parametrize("info", SERVICES, ids=lambda s: s.name)
def test_error_vocabulary_is_complete(info: object) -> None:
    name, protocol = info.name, info.protocol  # type: ignore[attr-defined]
    kinds = set(corrections.load(name, protocol).errors)
    assert kinds >= (REST_KINDS if protocol.startswith("rest") else RPC_KINDS)


@pytest.mark.parametrize("info", SERVICES, ids=lambda s: s.name)
def test_catalog_matches_botocore(info: object) -> None:
    m = model(info.name)  # type: ignore[attr-defined]
    assert m.protocol == info.protocol  # type: ignore[attr-defined]
    assert m.api_version == info.api_version  # type: ignore[attr-defined]
    assert m.metadata.get("targetPrefix") == info.target_prefix  # type: ignore[attr-defined]
    assert m.signing_name == info.signing_name  # type: ignore[attr-defined]
