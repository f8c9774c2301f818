"""Where blob bytes live on disk, and the few POSIX steps that make them durable.

Each tier is a root directory laid out as::

    <root>/blobs/ab/cd/<id>      a large blob in its own file (id: 32 random hex digits)
    <root>/segments/<id>.seg     an append-only segment file of packed small blobs
    <root>/tmp/<id>.tmp          a large blob being written (locked by its writer)

Ids are generated here and checked on every path made from one, so nothing a client
sends (an S3 key, an upload id) ever becomes part of a path. Every id is 32 lower-case hex
digits; a large blob's is random (its first four digits spread the files over
directories), while ids that never name a file of their own (packed and composite
blobs, segments) start with the time they were made (``new_ordered_id``).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from fogbank.core.ids import random_hex

_ID = re.compile(r"[0-9a-f]{32}")
SEGMENT_SUFFIX = ".seg"
TEMP_SUFFIX = ".tmp"


def new_id() -> str:
    """A fresh blob or segment id: 128 random bits as lower-case hex."""
    return random_hex(16)


def new_ordered_id() -> str:
    """A fresh id that sorts by when it was made: 14 hex digits of microseconds since the
    epoch (enough until the year 4253), then 72 random bits.

    For rows keyed by id (``blobs``), consecutive inserts then land at the right-hand end
    of the index instead of on a random page of it, so a small write dirties, logs and
    syncs a page or two that the last commit already had, not a fresh one per row. The
    order is a hint only: uniqueness rests on the random part, so a clock stepping back
    costs locality, nothing else. Not for large blobs: their files fan out into
    directories by an id's first digits.
    """
    return f"{time.time_ns() // 1000 & _TIME_MASK:014x}{random_hex(9)}"


_TIME_MASK = (1 << 56) - 1


def is_id(text: str) -> bool:
    return _ID.fullmatch(text) is not None


def _checked(blob_id: str) -> str:
    if not is_id(blob_id):
        raise ValueError(f"not a blob id: {blob_id!r}")
    return blob_id


class Disk:
    """The tiers' root directories and the paths inside them."""

    def __init__(self, roots: Mapping[str, Path]) -> None:
        if not roots:
            raise ValueError("at least one tier root is needed")
        self.roots = {name: Path(path) for name, path in roots.items()}
        # without a trailing "/" ("/" itself becomes ""), so that "<root>/x" is a path
        self._root_texts = {name: str(path).rstrip("/") for name, path in self.roots.items()}

    def root(self, tier: str) -> Path:
        try:
            return self.roots[tier]
        except KeyError:
            raise ValueError(f"unknown blob tier {tier!r}") from None

    def _root_text(self, tier: str) -> str:
        try:
            return self._root_texts[tier]
        except KeyError:
            raise ValueError(f"unknown blob tier {tier!r}") from None

    def blob_file(self, tier: str, blob_id: str) -> str:
        """``blob_path`` as text: what the read path opens, without building a ``Path``
        (several joins, each parsing its parts) per read."""
        bid = _checked(blob_id)
        return f"{self._root_text(tier)}/blobs/{bid[:2]}/{bid[2:4]}/{bid}"

    def segment_file(self, tier: str, segment_id: str) -> str:
        """``segment_path`` as text."""
        return f"{self._root_text(tier)}/segments/{_checked(segment_id)}{SEGMENT_SUFFIX}"

    def blob_path(self, tier: str, blob_id: str) -> Path:
        return Path(self.blob_file(tier, blob_id))

    def segment_path(self, tier: str, segment_id: str) -> Path:
        return Path(self.segment_file(tier, segment_id))

    def segments_dir(self, tier: str) -> Path:
        return self.root(tier) / "segments"

    def tmp_dir(self, tier: str) -> Path:
        return self.root(tier) / "tmp"

    def ensure(self) -> None:
        """Create every tier's top directories (durably)."""
        for tier in self.roots:
            for sub in ("blobs", "segments", "tmp"):
                make_dirs(self.root(tier) / sub)

    def segment_files(self, tier: str) -> Iterator[tuple[str, Path]]:
        """(segment id, path) of every segment file of a tier."""
        with contextlib.suppress(FileNotFoundError), os.scandir(self.segments_dir(tier)) as it:
            for entry in it:
                sid = entry.name.removesuffix(SEGMENT_SUFFIX)
                if entry.name.endswith(SEGMENT_SUFFIX) and is_id(sid):
                    yield sid, Path(entry.path)

    def temp_files(self, tier: str) -> Iterator[Path]:
        with contextlib.suppress(FileNotFoundError), os.scandir(self.tmp_dir(tier)) as it:
            for entry in it:
                if entry.name.endswith(TEMP_SUFFIX):
                    yield Path(entry.path)

    def blob_files(self, tier: str) -> Iterator[tuple[str, Path]]:
        """(blob id, path) of every own-file blob of a tier, walking the fan-out."""
        top = self.root(tier) / "blobs"
        for first in _subdirs(top):
            for second in _subdirs(first):
                with contextlib.suppress(FileNotFoundError), os.scandir(second) as it:
                    for entry in it:
                        if is_id(entry.name):
                            yield entry.name, Path(entry.path)


def _subdirs(path: Path) -> list[Path]:
    try:
        with os.scandir(path) as it:
            return sorted(Path(e.path) for e in it if e.is_dir(follow_symlinks=False))
    except FileNotFoundError:
        return []


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(path: Path) -> None:
    """``mkdir -p`` that also fsyncs the parent of every directory it creates."""
    missing: list[Path] = []
    probe = path
    while not probe.is_dir():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for directory in reversed(missing):
        try:
            directory.mkdir()
        except FileExistsError:
            continue
        fsync_dir(directory.parent)


def try_lock(fd: int) -> bool:
    """Take an exclusive ``flock`` without waiting; False if another open file holds it.

    Writers hold the lock on their temp file or open segment for as long as they write,
    and the kernel drops it when they exit (even by ``kill -9``): an unlocked temp file or
    segment has no writer.
    """
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def is_locked(path: Path) -> bool | None:
    """Whether a writer holds ``path``; None if it is gone."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        return not try_lock(fd)
    finally:
        os.close(fd)  # drops the probe's lock, if it got one


def unlink_if_unlocked(path: Path) -> bool:
    """Delete ``path`` unless a writer holds it; the lock is held across the unlink."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        return try_lock(fd) and unlink_quiet(path)
    finally:
        os.close(fd)


def unlink_quiet(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
