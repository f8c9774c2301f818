"""Typed reads of row values (the drivers hand back ``object``)."""

from __future__ import annotations

from fogbank.storage.db import Row


def text(row: Row, name: str) -> str:
    return str(row[name])


def opt_str(row: Row, name: str) -> str | None:
    value = row[name]
    return None if value is None else str(value)


def opt_int(row: Row, name: str) -> int | None:
    value = row[name]
    if value is None:
        return None
    assert isinstance(value, int | float | str), name
    return int(value)


def integer(row: Row, name: str) -> int:
    value = opt_int(row, name)
    assert value is not None, name
    return value


def real(row: Row, name: str) -> float:
    value = row[name]
    assert isinstance(value, int | float | str), name
    return float(value)


def flag(row: Row, name: str) -> bool:
    return bool(row[name])


def placeholders(n: int) -> str:
    return ",".join("?" * n)
