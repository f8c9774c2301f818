"""Typed reads of row values (the drivers hand back ``object``)."""

from __future__ import annotations

from fogbank.storage.db import Row


def text(row: Row, name: str) -> str:
    return str(row[name])


def opt_str(row: Row, name: str) -> str | None:
    value = row[name]
    return None if value is None else str(value)


def integer(row: Row, name: str) -> int:
    value = row[name]
    assert isinstance(value, int | float | str), name
    return int(value)


def opt_int(row: Row, name: str) -> int | None:
    return None if row[name] is None else integer(row, name)


def real(row: Row, name: str) -> float:
    value = row[name]
    assert isinstance(value, int | float | str), name
    return float(value)


def opt_real(row: Row, name: str) -> float | None:
    return None if row[name] is None else real(row, name)


def flag(row: Row, name: str) -> bool:
    return bool(row[name])


def blob(row: Row, name: str) -> bytes:
    value = row[name]
    assert isinstance(value, bytes | bytearray | memoryview), name
    return bytes(value)


def opt_blob(row: Row, name: str) -> bytes | None:
    return None if row[name] is None else blob(row, name)
