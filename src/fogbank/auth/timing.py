"""Request time against the simulated clock: skew for signed headers, presigned windows."""

from __future__ import annotations

from fogbank.auth.error_codes import Failure, Family, auth_error
from fogbank.auth.sigv4 import format_amz_date, format_iso8601, parse_amz_date, parse_http_date
from fogbank.protocol.http import HttpRequest


def header_date(request: HttpRequest, family: Family) -> tuple[str, float]:
    """The signing time of a header-signed request: X-Amz-Date, else Date (RFC 1123).

    Returns the ISO 8601 basic form used in the string to sign, and epoch seconds.
    """
    amz = request.headers.get("x-amz-date")
    if amz is not None:
        parsed = parse_amz_date(amz.strip())
        if parsed is not None:
            return amz.strip(), parsed
    else:
        date = request.headers.get("date")
        parsed = parse_http_date(date) if date else None
        if parsed is not None:
            return format_amz_date(parsed), parsed
    raise auth_error(family, Failure.MISSING_DATE)


def check_skew(
    request: HttpRequest, family: Family, signed_at: float, now: float, max_skew: int
) -> None:
    """Header-signed requests must be within ``max_skew`` seconds of the server's time."""
    if abs(now - signed_at) <= max_skew:
        return
    past = signed_at < now
    fields: dict[str, object] | None = None
    if family is Family.S3:
        fields = {
            "RequestTime": request.headers.get("x-amz-date") or request.headers.get("date"),
            "ServerTime": format_iso8601(now),
            "MaxAllowedSkewMilliseconds": max_skew * 1000,
        }
    raise auth_error(
        family,
        Failure.SKEWED_PAST if past else Failure.SKEWED_FUTURE,
        fields=fields,
        date=format_amz_date(signed_at),
        limit=format_amz_date(now - max_skew if past else now + max_skew),
        now=format_amz_date(now),
        minutes=str(max_skew // 60),
    )


def check_presign_window(
    family: Family, signed_at: float, expires: int, now: float, max_skew: int
) -> None:
    """A presigned request is valid from its X-Amz-Date (less the skew) for X-Amz-Expires."""
    if signed_at - now > max_skew:
        raise auth_error(
            family,
            Failure.PRESIGN_NOT_YET_VALID,
            date=format_amz_date(signed_at),
            limit=format_amz_date(now + max_skew),
            now=format_amz_date(now),
            minutes=str(max_skew // 60),
        )
    if now > signed_at + expires:
        fields: dict[str, object] | None = None
        if family is Family.S3_PRESIGN:
            fields = {
                "X-Amz-Expires": expires,
                "Expires": format_iso8601(signed_at + expires),
                "ServerTime": format_iso8601(now),
            }
        raise auth_error(
            family,
            Failure.PRESIGN_EXPIRED,
            fields=fields,
            date=format_amz_date(signed_at + expires),
            limit=format_amz_date(now),
            now=format_amz_date(now),
            minutes="0",
        )


def presign_date(value: str, family: Family) -> float:
    parsed = parse_amz_date(value)
    if parsed is None:
        raise auth_error(
            family,
            Failure.QUERY_PARAMS,
            detail="X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
        )
    return parsed
