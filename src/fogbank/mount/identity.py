"""The calling process's supplementary groups, which FUSE requests do not carry."""

from __future__ import annotations

import os


def supplementary_groups(pid: int) -> tuple[int, ...]:
    """Read at every request (a process may change its groups), so kept cheap: one
    ``read`` of /proc/PID/status (under 4 KiB) and a search for its ``Groups:`` line."""
    if pid <= 0:
        return ()
    try:
        fd = os.open(f"/proc/{pid}/status", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return ()
    try:
        status = os.read(fd, 16384)
    except OSError:
        return ()
    finally:
        os.close(fd)
    start = status.find(b"\nGroups:")
    if start < 0:
        return ()
    end = status.find(b"\n", start + 8)
    return tuple(int(g) for g in status[start + 8 : end if end >= 0 else None].split())
