"""The calling process's supplementary groups, which FUSE requests do not carry."""

from __future__ import annotations


def supplementary_groups(pid: int) -> tuple[int, ...]:
    if pid <= 0:
        return ()
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"Groups:"):
                    return tuple(int(g) for g in line.split()[1:])
    except OSError:
        pass
    return ()
