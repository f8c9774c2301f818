"""Domain types of the file-system core: identities, attributes, errors."""

from __future__ import annotations

import errno
import stat
from dataclasses import dataclass

ROOT_INO = 1
BLOCK_SIZE = 1 << 20  # content moves and is stored in 1 MiB blocks
NAME_MAX = 255
PATH_MAX = 4096
XATTR_NAME_MAX = 255
XATTR_SIZE_MAX = 65536
NOBODY = 65534  # root squashing maps uid/gid 0 here, as EFS does

STANDARD = "STANDARD"
INFREQUENT_ACCESS = "IA"


class FsError(Exception):
    """A POSIX error answered to the client as its errno."""

    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(f"{errno.errorcode.get(code, code)}{': ' + detail if detail else ''}")
        self.errno = code


@dataclass(frozen=True)
class Identity:
    uid: int
    gid: int
    groups: tuple[int, ...] = ()

    @property
    def is_root(self) -> bool:
        return self.uid == 0

    def in_group(self, gid: int) -> bool:
        return gid == self.gid or gid in self.groups


ROOT = Identity(0, 0, ())


@dataclass(frozen=True)
class Attr:
    ino: int
    mode: int
    nlink: int
    uid: int
    gid: int
    size: int
    atime_ns: int
    mtime_ns: int
    ctime_ns: int
    rdev: int = 0
    generation: int = 1

    def touched(self, now_ns: int, nlink_delta: int = 0) -> Attr:
        """A directory's attributes after a change in it at ``now_ns`` (a cheaper
        ``dataclasses.replace``: this runs for every create and remove)."""
        return Attr(
            self.ino, self.mode, self.nlink + nlink_delta, self.uid, self.gid, self.size,
            self.atime_ns, now_ns, now_ns, self.rdev, self.generation,
        )  # fmt: skip

    @property
    def is_dir(self) -> bool:
        return stat.S_ISDIR(self.mode)

    @property
    def is_reg(self) -> bool:
        return stat.S_ISREG(self.mode)

    @property
    def is_lnk(self) -> bool:
        return stat.S_ISLNK(self.mode)

    @property
    def blocks(self) -> int:
        """Allocated 512-byte units, as st_blocks."""
        return (self.size + 4095) // 4096 * 8


@dataclass(frozen=True)
class SetAttr:
    """What a setattr call changes; None leaves a field alone."""

    mode: int | None = None
    uid: int | None = None
    gid: int | None = None
    size: int | None = None
    atime_ns: int | None = None
    mtime_ns: int | None = None
    atime_now: bool = False
    mtime_now: bool = False
    ctime_ns: int | None = None
    kill_suidgid: bool = False  # the writer lacks CAP_FSETID (set by the kernel)


@dataclass(frozen=True)
class Change:
    """What a namespace operation did: the inode it made or linked (if any) and the new
    attributes of the directories it changed (clients cache them)."""

    attr: Attr | None
    dirs: tuple[Attr, ...]


@dataclass(frozen=True)
class DirEntry:
    name: bytes
    attr: Attr
    offset: int  # cookie to resume after this entry


@dataclass(frozen=True)
class StatFs:
    blocks: int
    bfree: int
    bavail: int
    files: int
    ffree: int
    bsize: int = 4096
    namelen: int = NAME_MAX
    frsize: int = 4096


@dataclass(frozen=True)
class LifecyclePolicy:
    """TransitionToIA (seconds without access) and TransitionToPrimaryStorageClass."""

    ia_after_s: float | None = None
    back_on_access: bool = True


@dataclass(frozen=True)
class MeteredSize:
    """SizeInBytes as DescribeFileSystems reports it: total and per storage class."""

    value: int
    standard: int
    infrequent_access: int
    timestamp: float


def check_name(name: bytes) -> None:
    if not name or b"/" in name or b"\0" in name:
        raise FsError(errno.EINVAL, "bad name")
    if len(name) > NAME_MAX:
        raise FsError(errno.ENAMETOOLONG)
