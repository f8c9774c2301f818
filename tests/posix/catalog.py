"""Every check of the POSIX suite, in one list and by id (the test module and the runner
process both read them from here)."""

from __future__ import annotations

from tests.posix import (
    checks_attrs,
    checks_io,
    checks_names,
    checks_open,
    checks_perms,
    checks_special,
)
from tests.posix.framework import Check

CHECKS: list[Check] = (
    checks_open.CHECKS
    + checks_perms.CHECKS
    + checks_names.CHECKS
    + checks_attrs.CHECKS
    + checks_special.CHECKS
    + checks_io.CHECKS
)
BY_ID: dict[str, Check] = {check.id: check for check in CHECKS}
