"""Files the protocol writes: private (0600 whatever the umask), atomic (a hidden ``.part``
file renamed when complete, then the folder synced), and the data folder of a program."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs


def data_folder(env_var: str, app_name: str) -> Path:
    """``$env_var`` when set (several side by side, tests), else the platform's user data dir;
    created 0700 on first use."""
    env = os.environ.get(env_var)
    base = Path(env).expanduser() if env else Path(platformdirs.user_data_dir(app_name, False))
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return base


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable by the owner only. The temporary file's
    name is this writer's own, so processes writing one file at once do not trip over it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if hasattr(os, "fchmod"):  # O_CREAT's mode is filtered by the umask (POSIX)
            with contextlib.suppress(OSError):  # a FAT-formatted drive has no modes to set
                os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    tmp.replace(path)
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
