"""Typed reads of row values (the drivers hand back ``object``)."""

from __future__ import annotations

from fogbank.storage.db import Row


def text(row: Row, name: str) -> str:
    return str(row[name])


def opt_text(row: Row, name: str) -> str | None:
    value = row[name]
    return None if value is None else str(value)


def opt_int(row: Row, name: str) -> int | None:
    value = row[name]
    if value is None:
        return None
    assert isinstance(value, int | float | str), name
    return int(value)


def opt_float(row: Row, name: str) -> float | None:
    value = row[name]
    if value is None:
        return None
    assert isinstance(value, int | float | str), name
    return float(value)


def real(row: Row, name: str) -> float:
    value = opt_float(row, name)
    assert value is not None, name
    return value


def opt_bytes(row: Row, name: str) -> bytes | None:
    value = row[name]
    if value is None:
        return None
    assert isinstance(value, bytes | bytearray | memoryview), name
    return bytes(value)


def count(value: object) -> int:
    assert isinstance(value, int | float | str | None)
    return int(value or 0)
