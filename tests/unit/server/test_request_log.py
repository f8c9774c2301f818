"""The request log: one line per request, in the configured format, the lines of one turn
of the event loop written together."""

from __future__ import annotations

import asyncio
import io
import json

from fogbank.server.logs import RequestLog

FIELDS = {"service": "s3", "operation": "PutObject", "status": 200, "error": None}


class _Stream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_json_lines_carry_the_fields_and_the_logger() -> None:
    stream = _Stream()
    RequestLog("json", stream).write({**FIELDS, "request_id": "ABC"})
    (line,) = stream.getvalue().splitlines()
    doc = json.loads(line)
    assert doc["logger"] == "fogbank.request" and doc["level"] == "info"
    assert doc["msg"] == "request" and doc["request_id"] == "ABC"
    assert doc["operation"] == "PutObject" and doc["status"] == 200 and doc["error"] is None
    assert doc["time"].endswith("Z") and len(doc["time"]) == len("2026-11-26T16:00:00.123Z")


def test_text_lines_leave_out_empty_fields() -> None:
    stream = _Stream()
    RequestLog("text", stream).write(FIELDS)
    line = stream.getvalue()
    assert line.endswith(" request service=s3 operation=PutObject status=200\n")
    assert "error" not in line


def test_lines_of_one_loop_turn_go_out_in_one_write() -> None:
    stream = _Stream()
    log = RequestLog("json", stream)

    async def main() -> None:
        for i in range(5):
            log.write({**FIELDS, "status": 200 + i})
        assert stream.writes == 0  # not yet: at the loop's next turn
        await asyncio.sleep(0)
        assert stream.writes == 1
        log.write(FIELDS)
        await asyncio.sleep(0)
        assert stream.writes == 2

    asyncio.run(main())
    statuses = [json.loads(line)["status"] for line in stream.getvalue().splitlines()]
    assert statuses == [200, 201, 202, 203, 204, 200]


def test_a_closed_stream_loses_lines_not_the_request() -> None:
    stream = _Stream()
    stream.close()
    RequestLog("json", stream).write(FIELDS)  # outside a loop: written at once, and lost
