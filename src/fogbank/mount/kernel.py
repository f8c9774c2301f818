"""The FUSE kernel protocol (linux/fuse.h, protocol 7.x): opcodes, flags and structs."""

from __future__ import annotations

import struct
from enum import IntEnum


class Opcode(IntEnum):
    LOOKUP = 1
    FORGET = 2
    GETATTR = 3
    SETATTR = 4
    READLINK = 5
    SYMLINK = 6
    MKNOD = 8
    MKDIR = 9
    UNLINK = 10
    RMDIR = 11
    RENAME = 12
    LINK = 13
    OPEN = 14
    READ = 15
    WRITE = 16
    STATFS = 17
    RELEASE = 18
    FSYNC = 20
    SETXATTR = 21
    GETXATTR = 22
    LISTXATTR = 23
    REMOVEXATTR = 24
    FLUSH = 25
    INIT = 26
    OPENDIR = 27
    READDIR = 28
    RELEASEDIR = 29
    FSYNCDIR = 30
    GETLK = 31
    SETLK = 32
    SETLKW = 33
    ACCESS = 34
    CREATE = 35
    INTERRUPT = 36
    BMAP = 37
    DESTROY = 38
    IOCTL = 39
    POLL = 40
    BATCH_FORGET = 42
    FALLOCATE = 43
    READDIRPLUS = 44
    RENAME2 = 45
    LSEEK = 46
    COPY_FILE_RANGE = 47


KERNEL_MAJOR = 7
KERNEL_MINOR = 38  # what we speak; INIT settles on the lower of ours and the kernel's

# INIT flags
ASYNC_READ = 1 << 0
POSIX_LOCKS = 1 << 1
ATOMIC_O_TRUNC = 1 << 3
BIG_WRITES = 1 << 5
FLOCK_LOCKS = 1 << 10
PARALLEL_DIROPS = 1 << 18
MAX_PAGES = 1 << 22
CACHE_SYMLINKS = 1 << 23
HANDLE_KILLPRIV_V2 = 1 << 28

# setattr valid bits
FATTR_MODE = 1 << 0
FATTR_UID = 1 << 1
FATTR_GID = 1 << 2
FATTR_SIZE = 1 << 3
FATTR_ATIME = 1 << 4
FATTR_MTIME = 1 << 5
FATTR_FH = 1 << 6
FATTR_ATIME_NOW = 1 << 7
FATTR_MTIME_NOW = 1 << 8
FATTR_CTIME = 1 << 10
FATTR_KILL_SUIDGID = 1 << 11

# open reply flags
FOPEN_DIRECT_IO = 1 << 0
FOPEN_KEEP_CACHE = 1 << 1

RELEASE_FLOCK_UNLOCK = 1 << 1
LK_FLOCK = 1 << 0
WRITE_KILL_SUIDGID = 1 << 2
RENAME_NOREPLACE = 1 << 0
RENAME_EXCHANGE = 1 << 1

IN_HEADER = struct.Struct("=IIQQIIIHH")  # len opcode unique nodeid uid gid pid extlen pad
OUT_HEADER = struct.Struct("=IiQ")  # len error unique
ATTR = struct.Struct("=QQQqqqIIIIIIIIII")  # fuse_attr, 88 bytes (times are signed)
ENTRY_OUT_HEAD = struct.Struct("=QQQQII")  # nodeid generation entry_valid attr_valid nsecs
ATTR_OUT_HEAD = struct.Struct("=QII")  # attr_valid attr_valid_nsec dummy
INIT_IN = struct.Struct("=IIII")  # major minor max_readahead flags
INIT_OUT = struct.Struct("=IIIIHHIIHHI28x")  # ... max_write time_gran max_pages map_align flags2
GETATTR_IN = struct.Struct("=IIQ")  # getattr_flags dummy fh
SETATTR_IN = struct.Struct("=IIQQQqqqIIIIIIII")  # fuse_setattr_in, 88 bytes
MKNOD_IN = struct.Struct("=IIII")  # mode rdev umask padding
MKDIR_IN = struct.Struct("=II")  # mode umask
RENAME_IN = struct.Struct("=Q")
RENAME2_IN = struct.Struct("=QII")
LINK_IN = struct.Struct("=Q")
OPEN_IN = struct.Struct("=II")  # flags open_flags
CREATE_IN = struct.Struct("=IIII")  # flags mode umask open_flags
OPEN_OUT = struct.Struct("=QII")  # fh open_flags padding
RELEASE_IN = struct.Struct("=QIIQ")  # fh flags release_flags lock_owner
FLUSH_IN = struct.Struct("=QIIQ")  # fh unused padding lock_owner
READ_IN = struct.Struct("=QQIIQII")  # fh offset size read_flags lock_owner flags padding
WRITE_IN = struct.Struct("=QQIIQII")  # fh offset size write_flags lock_owner flags padding
WRITE_OUT = struct.Struct("=II")
KSTATFS = struct.Struct("=QQQQQIIII24x")
FSYNC_IN = struct.Struct("=QII")
SETXATTR_IN = struct.Struct("=II")  # size flags (without FUSE_SETXATTR_EXT)
GETXATTR_IN = struct.Struct("=II")  # size padding
GETXATTR_OUT = struct.Struct("=II")
LK_IN = struct.Struct("=QQQQIIII")  # fh owner start end type pid lk_flags padding
LK_OUT = struct.Struct("=QQII")  # start end type pid
ACCESS_IN = struct.Struct("=II")
INTERRUPT_IN = struct.Struct("=Q")
FORGET_IN = struct.Struct("=Q")
BATCH_FORGET_IN = struct.Struct("=II")
DIRENT = struct.Struct("=QQII")  # ino off namelen type


def cstrings(data: bytes, count: int) -> list[bytes]:
    """The first ``count`` NUL-terminated strings of ``data``."""
    parts = data.split(b"\0", count)
    return parts[:count]
