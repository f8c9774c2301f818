"""What one key needs, and when: pure functions over its versions (newest first), its
multipart uploads and the bucket's lifecycle rules.

``events`` lists every pending change with its due instant (lifecycle actions, restores
completing or expiring); the engine applies those due now, and the earliest of the rest
is the key's next due time in the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fogbank.services.s3.lifecycle.rules import RANK, Config
from fogbank.services.s3.lifecycle.timing import after_days
from fogbank.services.s3.models import ObjectVersion
from fogbank.services.s3.tiering import moves
from fogbank.services.s3.tiering_config import archive_tiers

EXPIRE = "expire"  # the current version: delete (unversioned) or add a delete marker
TRANSITION = "transition"
REMOVE = "remove"  # a version (noncurrent, or an expired delete marker) goes for good
ABORT = "abort"  # a multipart upload
RESTORED = "restored"  # a restore completes
UNRESTORE = "unrestore"  # a restored copy expires
TIER = "tier"  # an Intelligent-Tiering version moves to a colder access tier


@dataclass(frozen=True)
class UploadRef:
    upload_id: str
    initiated: float


@dataclass(frozen=True)
class Event:
    due: float
    kind: str
    target: str  # version id or upload id
    storage_class: str = ""
    rule_id: str = ""


def _current(obj: ObjectVersion, config: Config) -> list[Event]:
    out: list[Event] = []
    for rule in config.rules:
        if not rule.filter.matches(obj.key, obj.size, obj.tags):
            continue
        if rule.expiration_days is not None:
            due = after_days(obj.last_modified, rule.expiration_days)
            out.append(Event(due, EXPIRE, obj.version_id, rule_id=rule.id))
        if rule.expiration_date is not None:
            out.append(Event(rule.expiration_date, EXPIRE, obj.version_id, rule_id=rule.id))
        for days, date, cls in rule.transitions:
            if RANK[cls] <= RANK.get(obj.storage_class, 0):
                continue
            if not config.transition_allowed(obj.size, cls):
                continue
            due = date if date is not None else after_days(obj.last_modified, days or 0)
            out.append(Event(due, TRANSITION, obj.version_id, cls, rule.id))
    return out


def _noncurrent(obj: ObjectVersion, newer_count: int, since: float, config: Config) -> list[Event]:
    out: list[Event] = []
    for rule in config.rules:
        if obj.delete_marker:
            if not rule.filter.only_key or not rule.filter.matches_key(obj.key):
                continue
        elif not rule.filter.matches(obj.key, obj.size, obj.tags):
            continue
        if rule.nc_expiration is not None:
            days, newer = rule.nc_expiration
            if newer is None or newer_count >= newer:
                out.append(Event(after_days(since, days), REMOVE, obj.version_id,
                                 rule_id=rule.id))  # fmt: skip
        if obj.delete_marker:
            continue
        for days, newer, cls in rule.nc_transitions:
            if RANK[cls] <= RANK.get(obj.storage_class, 0):
                continue
            if not config.transition_allowed(obj.size, cls):
                continue
            if newer is None or newer_count >= newer:
                out.append(Event(after_days(since, days), TRANSITION, obj.version_id, cls,
                                 rule.id))  # fmt: skip
    return out


def _restores(obj: ObjectVersion) -> list[Event]:
    if obj.restore_ready is not None:
        return [Event(obj.restore_ready, RESTORED, obj.version_id)]
    if obj.restore_expiry is not None:
        return [Event(obj.restore_expiry, UNRESTORE, obj.version_id)]
    return []


def events(
    key: str,
    versions: Sequence[ObjectVersion],
    uploads: Sequence[UploadRef],
    config: Config | None,
) -> list[Event]:
    """Every pending change of a key (versions newest first), earliest first."""
    out: list[Event] = []
    archive = config.archive if config is not None else ()
    for obj in versions:
        out.extend(_restores(obj))
        opted = archive_tiers(archive, obj.key, obj.size, obj.tags) if archive else None
        out.extend(Event(due, TIER, obj.version_id, tier) for due, tier in moves(obj, opted))
    if config is not None and config.rules:
        newer_noncurrent = 0
        for i, obj in enumerate(versions):
            if obj.is_latest:
                if not obj.delete_marker:
                    out.extend(_current(obj, config))
                elif len(versions) == 1:
                    out.extend(_expired_marker(obj, config))
                continue
            since = obj.noncurrent_since
            if since is None:  # rows from before migration 2: the newer version's time
                since = versions[i - 1].last_modified if i else obj.last_modified
            out.extend(_noncurrent(obj, newer_noncurrent, since, config))
            newer_noncurrent += 1
        for rule in config.rules:
            if rule.abort_days is None or not rule.filter.matches_key(key):
                continue
            for up in uploads:
                out.append(Event(after_days(up.initiated, rule.abort_days), ABORT,
                                 up.upload_id, rule_id=rule.id))  # fmt: skip
    return sorted(out, key=lambda e: e.due)


def _expired_marker(obj: ObjectVersion, config: Config) -> list[Event]:
    for rule in config.rules:
        if rule.expired_marker and rule.filter.only_key and rule.filter.matches_key(obj.key):
            return [Event(after_days(obj.last_modified, 0), REMOVE, obj.version_id,
                          rule_id=rule.id)]  # fmt: skip
    return []


def next_due(found: Sequence[Event]) -> float | None:
    return found[0].due if found else None


def expiration_of(obj: ObjectVersion, config: Config | None) -> tuple[float, str] | None:
    """The ``x-amz-expiration`` of a current version: (expiry instant, rule id)."""
    if config is None or obj.delete_marker:
        return None
    found = [e for e in _current(obj, config) if e.kind == EXPIRE]
    if not found:
        return None
    first = min(found, key=lambda e: e.due)
    return first.due, first.rule_id
