"""Atomic output files: a killed build leaves the previous complete file or none, never half of one.

Each output is written to a hidden temporary file next to it (``.NAME.octavo-tmp-PID``), flushed
to disk and renamed over the destination in one step. While a build writes a temporary file it
holds an exclusive lock on it; the lock dies with the process, however it ends. The next build
removes every temporary file nobody holds a lock on, so a build running in parallel keeps its own.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: temporary files are cleaned up without checking for live builds
    fcntl = None

TMP_MARK = ".octavo-tmp-"


@contextmanager
def atomic_output(dest: Path):
    """Yield a binary file to write; it replaces ``dest`` only once complete and flushed to disk."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}{TMP_MARK}{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, dest)  # still locked: nobody takes the finished file for a stale one
        _sync_folder(dest.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def clean_stale(folder: Path) -> list[Path]:
    """Remove the temporary files of builds that were killed (not those of a build still writing)."""
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.iterdir()):
        if TMP_MARK in path.name and path.name.startswith(".") and path.is_file() and not _in_use(path):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _in_use(path: Path) -> bool:
    """Whether a live build holds the lock on this temporary file."""
    if fcntl is None:
        return False
    try:
        with open(path, "rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
    except OSError:  # already gone
        return False
    return False
