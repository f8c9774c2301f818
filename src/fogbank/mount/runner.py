"""Connect to a mount target, mount, and serve until unmounted."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fogbank.mount import device
from fogbank.mount.loop import FuseLoop
from fogbank.mount.notify import Notifier
from fogbank.mount.ops import FuseOps
from fogbank.services.efs.rpc.client import AwsKeys, RpcClient
from fogbank.services.efs.rpc.memory import tune_malloc, tune_threads

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MountOptions:
    fs_id: str
    mountpoint: Path
    host: str
    port: int
    access_point: str | None = None
    keys: AwsKeys | None = None  # set for --iam
    read_only: bool = False
    # Entries and attributes stay cached this long (NFS's acdirmin); other clients'
    # changes are pushed by the server and invalidate them at once.
    cache_timeout: float = 30.0


def _tune(mountpoint: Path) -> None:
    """Once the mount answers (stat needs INIT done), raise its read-ahead window."""
    with contextlib.suppress(OSError):
        device.raise_readahead(mountpoint)


def mount_and_serve(opts: MountOptions, ready: Callable[[str | None], None]) -> None:
    """Mount; call ``ready(None)`` once mounted (or ``ready(error)``); serve until unmount."""
    tune_malloc()
    tune_threads()
    try:
        rpc = RpcClient(opts.host, opts.port)
        welcome = rpc.hello(opts.fs_id, opts.access_point, opts.read_only, opts.keys)
        read_only = opts.read_only or welcome.read_only
        # With an access point's forced identity, every caller is the same user on the
        # server, so the kernel must not judge by the local caller's uid.
        fd = device.mount(
            opts.mountpoint, f"fogbank:{opts.fs_id}", read_only, not welcome.forced_identity
        )
    except Exception as exc:
        ready(str(exc) or type(exc).__name__)
        return
    ops = FuseOps(rpc, welcome.root_ino, opts.cache_timeout)
    ops.root_access = welcome.root_access
    ops.pipelining = not read_only and not welcome.forced_identity
    notifier = Notifier(fd, ops.kid)
    ops.invalidate = lambda kind, ino, name: notifier.push((kind, ino, name))
    rpc.on_notify = ops.on_notify
    notifier.start()
    loop = FuseLoop(fd, ops)

    def on_signal(signum: int, _frame: object) -> None:
        with contextlib.suppress(OSError):
            device.unmount(opts.mountpoint, lazy=True)
        loop.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    threading.Thread(target=_tune, args=(opts.mountpoint,), daemon=True).start()
    ready(None)
    try:
        loop.run()
    finally:
        notifier.stop()
        rpc.drain(10.0)  # pipelined unlinks still unanswered
        rpc.close()
