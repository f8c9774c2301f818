"""Conditional requests (RFC 9110 §13 as S3 applies it to GET/HEAD, copies and writes).

Reads, in this order: ``If-Match`` (else 412), ``If-Unmodified-Since`` (412, skipped when
``If-Match`` is present and holds), ``If-None-Match`` (304), ``If-Modified-Since`` (304,
skipped when ``If-None-Match`` is present). For CopyObject's ``x-amz-copy-source-if-*``
the same rules apply, and every failure is 412. Writes (PutObject, CompleteMultipartUpload)
take ``If-None-Match: *`` (the key must not exist) and ``If-Match: <etag>`` (it must, with
that ETag). Times compare at whole seconds, as HTTP dates carry them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from fogbank.core.errors import AwsError
from fogbank.services.s3 import errors
from fogbank.services.s3.etags import quote, unquote
from fogbank.services.s3.http_dates import http_date


@dataclass(frozen=True)
class Conditions:
    if_match: str | None = None
    if_none_match: str | None = None
    if_modified_since: datetime | None = None
    if_unmodified_since: datetime | None = None

    @classmethod
    def of_read(cls, params: dict[str, object]) -> Conditions:
        return cls(
            _str(params.get("IfMatch")),
            _str(params.get("IfNoneMatch")),
            _time(params.get("IfModifiedSince")),
            _time(params.get("IfUnmodifiedSince")),
        )

    @classmethod
    def of_copy_source(cls, params: dict[str, object]) -> Conditions:
        return cls(
            _str(params.get("CopySourceIfMatch")),
            _str(params.get("CopySourceIfNoneMatch")),
            _time(params.get("CopySourceIfModifiedSince")),
            _time(params.get("CopySourceIfUnmodifiedSince")),
        )

    @property
    def any(self) -> bool:
        return any(
            v is not None
            for v in (self.if_match, self.if_none_match, self.if_modified_since,
                      self.if_unmodified_since)
        )  # fmt: skip


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _time(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else None


def etag_matches(header: str, etag: str) -> bool:
    """Whether an ``If-Match``/``If-None-Match`` list names ``etag`` (``*`` names any)."""
    for item in header.split(","):
        item = item.strip()
        if item == "*" or unquote(item) == etag:
            return True
    return False


def _seconds(moment: datetime) -> float:
    return moment.timestamp()


def check_read(cond: Conditions, etag: str, last_modified: float, *, copy: bool = False) -> None:
    """Raise 412 (``PreconditionFailed``) or 304 (``NotModified``; 412 for copies)."""
    modified = math.floor(last_modified)
    matched = False
    if cond.if_match is not None:
        if not etag_matches(cond.if_match, etag):
            raise errors.precondition_failed(_name("If-Match", copy))
        matched = True
    unmodified = cond.if_unmodified_since
    if unmodified is not None and not matched and modified > _seconds(unmodified):
        raise errors.precondition_failed(_name("If-Unmodified-Since", copy))
    if cond.if_none_match is not None:
        if etag_matches(cond.if_none_match, etag):
            raise _not_modified(etag, last_modified, _name("If-None-Match", copy), copy)
        return
    if cond.if_modified_since is not None and modified <= _seconds(cond.if_modified_since):
        raise _not_modified(etag, last_modified, _name("If-Modified-Since", copy), copy)


def _name(header: str, copy: bool) -> str:
    return f"x-amz-copy-source-{header.lower()}" if copy else header


def _not_modified(etag: str, last_modified: float, condition: str, copy: bool) -> AwsError:
    if copy:
        return errors.precondition_failed(condition)
    return errors.not_modified({"ETag": quote(etag), "Last-Modified": http_date(last_modified)})


def check_write(if_match: str | None, if_none_match: str | None, current_etag: str | None) -> None:
    """Conditional writes against the key's current object (``None``: there is none)."""
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            raise errors.not_implemented("If-None-Match")
        if current_etag is not None:
            raise errors.precondition_failed("If-None-Match")
    if if_match is not None:
        if current_etag is None:
            raise errors.no_such_key_for_condition()
        if not etag_matches(if_match, current_etag):
            raise errors.precondition_failed("If-Match")
