"""The services fogbank answers for, and what identifies each on the wire.

This is data, kept small so that routing needs no service model: the model itself is
loaded lazily on a service's first request. A unit test checks it against botocore.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceInfo:
    name: str  # botocore's service name: "s3", "efs", "cloudtrail"
    signing_name: str  # the SigV4 credential scope's service: "s3", "elasticfilesystem"
    protocol: str  # "rest-xml" | "query" | "ec2" | "json" | "rest-json"
    api_version: str
    event_source: str  # CloudTrail eventSource: "s3.amazonaws.com"
    target_prefix: str | None = None  # json protocol: X-Amz-Target prefix
    path_prefix: str | None = None  # rest protocols with a fixed path prefix


SERVICES: tuple[ServiceInfo, ...] = (
    ServiceInfo("s3", "s3", "rest-xml", "2006-03-01", "s3.amazonaws.com"),
    ServiceInfo(
        "s3control", "s3", "rest-xml", "2018-08-20", "s3.amazonaws.com", path_prefix="/v20180820/"
    ),
    ServiceInfo("iam", "iam", "query", "2010-05-08", "iam.amazonaws.com"),
    ServiceInfo("sts", "sts", "query", "2011-06-15", "sts.amazonaws.com"),
    ServiceInfo("rds", "rds", "query", "2014-10-31", "rds.amazonaws.com"),
    ServiceInfo("ec2", "ec2", "ec2", "2016-11-15", "ec2.amazonaws.com"),
    ServiceInfo(
        "kms", "kms", "json", "2014-11-01", "kms.amazonaws.com", target_prefix="TrentService"
    ),
    ServiceInfo(
        "cloudtrail",
        "cloudtrail",
        "json",
        "2013-11-01",
        "cloudtrail.amazonaws.com",
        target_prefix="com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
    ),
    ServiceInfo(
        "efs",
        "elasticfilesystem",
        "rest-json",
        "2015-02-01",
        "elasticfilesystem.amazonaws.com",
        path_prefix="/2015-02-01/",
    ),
)

BY_NAME: dict[str, ServiceInfo] = {s.name: s for s in SERVICES}
BY_SIGNING_NAME: dict[str, ServiceInfo] = {}
for _s in SERVICES:
    BY_SIGNING_NAME.setdefault(_s.signing_name, _s)  # "s3" -> s3; s3control by path prefix
BY_TARGET_PREFIX: dict[str, ServiceInfo] = {s.target_prefix: s for s in SERVICES if s.target_prefix}
BY_QUERY_VERSION: dict[str, ServiceInfo] = {
    s.api_version: s for s in SERVICES if s.protocol in ("query", "ec2")
}
