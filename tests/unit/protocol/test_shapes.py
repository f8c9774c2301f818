"""Scalar conversions on the wire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from fogbank.protocol import shapes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29T13:14:15Z", datetime(2024, 2, 29, 13, 14, 15, tzinfo=UTC)),
        ("2024-02-29T13:14:15.123Z", datetime(2024, 2, 29, 13, 14, 15, 123000, tzinfo=UTC)),
        ("2024-02-29T13:14:15.123456Z", datetime(2024, 2, 29, 13, 14, 15, 123456, tzinfo=UTC)),
        ("2024-02-29T15:14:15+02:00", datetime(2024, 2, 29, 13, 14, 15, tzinfo=UTC)),
        ("2024-02-29T13:14:15", datetime(2024, 2, 29, 13, 14, 15, tzinfo=UTC)),
        ("Thu, 29 Feb 2024 13:14:15 GMT", datetime(2024, 2, 29, 13, 14, 15, tzinfo=UTC)),
        ("1709212455", datetime(2024, 2, 29, 13, 14, 15, tzinfo=UTC)),
        ("1709212455.25", datetime(2024, 2, 29, 13, 14, 15, 250000, tzinfo=UTC)),
    ],
)
def test_parse_timestamp(text: str, expected: datetime) -> None:
    parsed = shapes.parse_timestamp(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-45T00:00:00Z", "Thu, 99 Foo"])
def test_parse_timestamp_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="timestamp"):
        shapes.parse_timestamp(text)


def test_epoch_is_exact_to_the_microsecond() -> None:
    # a float would round 1.003691 to 1.0036909999999999
    assert shapes.epoch_to_datetime(Decimal("1.003691")).microsecond == 3691
    assert shapes.epoch_to_datetime(1.003691).microsecond == 3691
    assert shapes.epoch_to_datetime(0) == datetime(1970, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="number"):
        shapes.epoch_to_datetime(float("nan"))


def test_formats() -> None:
    when = datetime(2024, 2, 29, 13, 14, 15, 123456, tzinfo=UTC)
    assert shapes.format_iso8601(when) == "2024-02-29T13:14:15.123Z"
    assert shapes.format_rfc822(when) == "Thu, 29 Feb 2024 13:14:15 GMT"
    assert shapes.format_epoch(when) == 1709212455.123
    assert shapes.format_epoch(when.replace(microsecond=0)) == 1709212455
    other_zone = datetime(2024, 2, 29, 15, 14, 15, tzinfo=timezone(timedelta(hours=2)))
    assert shapes.format_iso8601(other_zone) == "2024-02-29T13:14:15.000Z"
    naive = datetime(2024, 2, 29, 13, 14, 15)
    assert shapes.format_rfc822(naive) == "Thu, 29 Feb 2024 13:14:15 GMT"
    assert shapes.format_timestamp(1709212455, shapes.ISO8601) == "2024-02-29T13:14:15.000Z"


def test_scalars() -> None:
    assert shapes.parse_bool("true") is True and shapes.parse_bool("FALSE") is False
    assert shapes.parse_int(" 42 ") == 42 and shapes.parse_int("-7") == -7
    assert shapes.parse_float("1.5") == 1.5 and shapes.parse_float("-Infinity") < 0
    assert shapes.b64decode("AP8=") == b"\x00\xff"
    assert shapes.b64encode(b"\x00\xff") == "AP8="
    assert shapes.format_scalar(True) == "true"
    assert shapes.format_scalar(float("nan")) == "NaN"
    assert shapes.format_scalar(2.5) == "2.5"
    for bad, parse in [
        ("yes", shapes.parse_bool),
        ("1.0", shapes.parse_int),
        ("0x1", shapes.parse_int),
    ]:
        with pytest.raises(ValueError, match="invalid"):
            parse(bad)
    with pytest.raises(ValueError, match="base64"):
        shapes.b64decode("not base64!")
