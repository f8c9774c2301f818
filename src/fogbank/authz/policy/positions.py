"""Where each statement sits in the policy text (for the simulator's MatchedStatements).

``json`` does not report positions, so this is a small scanner over text that ``json``
has already accepted. Positions are 1-based; the end is the closing brace of the statement.
"""

from __future__ import annotations

import bisect
import json

from fogbank.authz.policy.model import Position

_CLOSERS = {"{": "}", "[": "]"}


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def position(self, index: int) -> Position:
        line = bisect.bisect_right(self.line_starts, index)
        return Position(line, index - self.line_starts[line - 1] + 1)

    def skip_space(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in " \t\r\n":
            i += 1
        return i

    def end_of_string(self, i: int) -> int:
        """``i`` is at an opening quote; returns the index after the closing quote."""
        i += 1
        while self.text[i] != '"':
            i += 2 if self.text[i] == "\\" else 1
        return i + 1

    def end_of_value(self, i: int) -> int:
        text = self.text
        if text[i] == '"':
            return self.end_of_string(i)
        if text[i] in _CLOSERS:
            depth = 0
            while True:
                char = text[i]
                if char == '"':
                    i = self.end_of_string(i)
                    continue
                if char in "{[":
                    depth += 1
                elif char in "}]":
                    depth -= 1
                    if depth == 0:
                        return i + 1
                i += 1
        while i < len(text) and text[i] not in ",]} \t\r\n":
            i += 1
        return i


def statement_spans(text: str) -> list[tuple[Position, Position]]:
    """(start, end) of each statement, in order; empty if the layout is unexpected."""
    scan = _Scanner(text)
    try:
        i = scan.skip_space(0)
        if text[i] != "{":
            return []
        spans: list[tuple[Position, Position]] = []
        i = scan.skip_space(i + 1)
        while text[i] != "}":
            key_end = scan.end_of_string(i)
            key = json.loads(text[i:key_end])
            i = scan.skip_space(scan.skip_space(key_end) + 1)  # past ':'
            value_end = scan.end_of_value(i)
            if key == "Statement":
                spans = _element_spans(scan, i, value_end)
            i = scan.skip_space(value_end)
            if text[i] == ",":
                i = scan.skip_space(i + 1)
        return spans
    except (IndexError, ValueError):
        return []


def _element_spans(scan: _Scanner, start: int, end: int) -> list[tuple[Position, Position]]:
    text = scan.text
    if text[start] == "{":
        return [(scan.position(start), scan.position(end - 1))]
    spans: list[tuple[Position, Position]] = []
    i = scan.skip_space(start + 1)
    while i < end - 1:
        element_end = scan.end_of_value(i)
        spans.append((scan.position(i), scan.position(element_end - 1)))
        i = scan.skip_space(element_end)
        if text[i] == ",":
            i = scan.skip_space(i + 1)
    return spans
