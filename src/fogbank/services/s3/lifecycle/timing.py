"""Lifecycle and restore timing on the fogbank clock.

S3 adds a rule's days to the object's creation (or noncurrent) time and rounds the
result up to the next midnight UTC; a restored copy expires at midnight UTC after its
``Days``. Restore tiers complete within their published windows (the upper bound here).
"""

from __future__ import annotations

import math

DAY = 86400.0
MINUTE = 60.0
HOUR = 3600.0

# (storage class, tier) -> seconds until a restore completes
RESTORE_DELAYS: dict[tuple[str, str], float] = {
    ("GLACIER", "Expedited"): 5 * MINUTE,
    ("GLACIER", "Standard"): 5 * HOUR,
    ("GLACIER", "Bulk"): 12 * HOUR,
    ("DEEP_ARCHIVE", "Standard"): 12 * HOUR,
    ("DEEP_ARCHIVE", "Bulk"): 48 * HOUR,
}
TIERS = ("Expedited", "Standard", "Bulk")


def next_midnight(t: float) -> float:
    """The first midnight UTC at or after ``t``."""
    return math.ceil(t / DAY) * DAY


def after_days(t: float, days: int) -> float:
    return next_midnight(t + days * DAY)


def is_midnight(t: float) -> bool:
    return t % DAY == 0
