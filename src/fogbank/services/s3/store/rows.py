"""Typed access to columns of a result row (SQLite and psycopg both give Python values)."""

from __future__ import annotations

from fogbank.storage.db import Row


def row_int(row: Row, name: str) -> int:
    value = row[name]
    if type(value) is int:
        return value
    assert isinstance(value, int | float | str), f"{name} is not a number: {value!r}"
    return int(value)


def row_float(row: Row, name: str) -> float:
    value = row[name]
    if type(value) is float:
        return value
    assert isinstance(value, int | float | str), f"{name} is not a number: {value!r}"
    return float(value)
