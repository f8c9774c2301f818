"""Helper threads that do not preempt the event loop when they wake.

A process's event loop shares two cores with its helper threads (metadata readers, the
group-commit writer, the segment appender, blob I/O) and with other processes. Under
Linux's default policy a thread that wakes (its queue got an item, its ``fdatasync``
returned) may preempt the thread running on its core, most often the event loop: a
4 KiB PUT cost the loop 1.2 involuntary context switches. ``SCHED_BATCH`` (no privilege
needed) keeps a thread's share of the CPU but takes away that wake-up preemption: the
woken thread runs when the core is next free. Elsewhere this does nothing.
"""

from __future__ import annotations

import contextlib
import os


def yield_to_the_loop() -> None:
    """Put the calling thread under ``SCHED_BATCH`` (Linux; elsewhere nothing)."""
    policy = getattr(os, "SCHED_BATCH", None)
    if policy is None:
        return
    with contextlib.suppress(OSError):
        os.sched_setscheduler(0, policy, os.sched_param(0))
