"""Intended differences between a fogbank EFS mount and a local file system, with the
reason for each (also listed in docs/efs.md). A listed check must fail (strict xfail)."""

from __future__ import annotations

DIFFERENCES: dict[str, str] = {}
