"""One recorded event as the store keeps it: the CloudTrail record, and what is indexed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventResource:
    type: str  # "AWS::S3::Bucket"
    name: str  # what LookupEvents shows: bucket name, or the ARN
    arn: str


@dataclass(frozen=True)
class EventRow:
    event_id: str
    account_id: str  # recipientAccountId: whose event history and trails receive it
    region: str  # awsRegion
    event_time: float  # simulated epoch seconds
    event_name: str
    event_source: str
    username: str | None
    access_key_id: str | None
    read_only: bool
    management: bool
    resources: tuple[EventResource, ...]
    record: str  # the CloudTrail record, as JSON text
