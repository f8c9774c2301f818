"""The POSIX suite's runner process: reads ``(check id, phase, directory)`` requests on
stdin, runs each in a child forked from this small process, and writes the child's
pickled answer back (see ``framework._Runner``). It ends when stdin closes."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from tests.posix.catalog import BY_ID
from tests.posix.framework import read_frame, run_phase, write_frame


def main() -> None:
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while (request := read_frame(inp)) is not None:
        check_id, phase, work = pickle.loads(request)  # noqa: S301 - from our own test process
        write_frame(out, run_phase(BY_ID[check_id], phase, Path(work)))


if __name__ == "__main__":
    main()
