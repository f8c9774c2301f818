"""S3 Intelligent-Tiering's automatic access tiers (pure).

An INTELLIGENT_TIERING object starts in Frequent Access; after 30 consecutive days
without access it moves to Infrequent Access, after 90 to Archive Instant Access; and,
where a bucket's Intelligent-Tiering configuration opts in (tiering_config.py), after its
days to Archive Access and Deep Archive Access, where it cannot be read until restored. A GET
(or a copy reading it) moves it back to Frequent Access; HEAD and listings do not count.
Objects under 128 KiB are not monitored and stay in Frequent Access.
Each version keeps its tier and last access (``access_tier``, ``last_access``; NULL:
Frequent Access, last access = last write); the lifecycle engine's due-time index moves
it on the fogbank clock.
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.services.s3.models import ObjectVersion

INTELLIGENT_TIERING = "INTELLIGENT_TIERING"
FREQUENT = "FREQUENT_ACCESS"
INFREQUENT = "INFREQUENT_ACCESS"
ARCHIVE_INSTANT = "ARCHIVE_INSTANT_ACCESS"
ARCHIVE = "ARCHIVE_ACCESS"
DEEP_ARCHIVE = "DEEP_ARCHIVE_ACCESS"
DAY = 86400.0
MIN_SIZE = 128 * 1024  # smaller objects are not monitored: always Frequent Access
# tier -> days without access after which an object is in it, in order
AUTOMATIC: tuple[tuple[str, int], ...] = ((INFREQUENT, 30), (ARCHIVE_INSTANT, 90))
RANK = {FREQUENT: 0, INFREQUENT: 1, ARCHIVE_INSTANT: 2, ARCHIVE: 3, DEEP_ARCHIVE: 4}


def tiered(obj: ObjectVersion) -> bool:
    """Whether the version is monitored (INTELLIGENT_TIERING, 128 KiB or more)."""
    return (
        obj.storage_class == INTELLIGENT_TIERING and not obj.delete_marker and obj.size >= MIN_SIZE
    )


def tier_of(obj: ObjectVersion) -> str:
    return obj.access_tier or FREQUENT


def last_access(obj: ObjectVersion) -> float:
    return obj.last_access if obj.last_access is not None else obj.last_modified


def moves(obj: ObjectVersion, archive: Mapping[str, int] | None = None) -> list[tuple[float, str]]:
    """The tier moves still ahead of a version: (due instant, tier); ``archive``: the
    opted-in archive tiers that apply to it, with their days."""
    if not tiered(obj) or obj.restore_ready is not None:
        return []
    rank = RANK.get(tier_of(obj), len(RANK))
    base = last_access(obj)
    steps = [*AUTOMATIC, *sorted((archive or {}).items(), key=lambda t: RANK[t[0]])]
    return [(base + days * DAY, tier) for tier, days in steps if RANK[tier] > rank]
