"""Writing the console's files: atomically, with the mode set before any byte is written."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

PRIVATE_MODE = 0o600
PUBLIC_MODE = 0o644
DIR_MODE = 0o700


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) if needed, readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)


def write_atomic(path: Path, data: bytes, *, mode: int = PRIVATE_MODE,
                 overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one, whole.

    The temporary file is created with ``mode`` already set, so a private file is never
    readable by others, not even for a moment. With ``overwrite=False`` an existing
    file raises FileExistsError and is left untouched (the check and the rename are one
    step: os.link refuses an existing name).
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)  # the umask may have narrowed a public file's mode
        if overwrite:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
