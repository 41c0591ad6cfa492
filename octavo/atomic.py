"""Atomic output files: a killed build leaves the previous complete file or none, never half of one.

Each output is written to a hidden temporary file next to it (``.NAME.octavo-tmp-PID``), flushed
to disk and renamed over the destination in one step. While a build writes a temporary file it
holds an exclusive lock on it; the lock dies with the process, however it ends. The next build
removes every temporary file nobody holds a lock on, so a build running in parallel keeps its own.
"""
from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: temporary files are cleaned up without checking for live builds
    fcntl = None

TMP_MARK = ".octavo-tmp-"
# Errors of the disk or the folder, not of Octavo: reported as the user's to fix, naming the file.
DISK_ERRORS = {errno.ENOSPC: "the disk is full (no space left on device)", errno.EDQUOT: "the disk quota is used up",
               errno.EFBIG: "the file is larger than this file system allows",
               errno.EROFS: "the folder is on a read-only file system",
               errno.EACCES: "permission denied", errno.EPERM: "permission denied",
               errno.EISDIR: "a folder of that name is in the way"}


class OutputError(Exception):
    """An output could not be written for a reason of the disk or the folder (full, read-only, not
    ours); the previous file, if any, is left as it was."""

    def __init__(self, dest: Path, cause: OSError, existed: bool):
        self.dest, self.cause, self.existed = dest, cause, existed
        super().__init__(f"cannot write {dest}: {self.reason}")

    @property
    def reason(self) -> str:
        return DISK_ERRORS.get(self.cause.errno) or self.cause.strerror or str(self.cause)


@contextmanager
def atomic_output(dest: Path):
    """Yield a binary file to write; it replaces ``dest`` only once complete and flushed to disk.
    A full disk, a quota or a folder that may not be written raises :class:`OutputError`."""
    existed = dest.is_file()
    tmp = dest.with_name(f".{dest.name}{TMP_MARK}{os.getpid()}")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with _open(tmp) as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, dest)  # still locked: nobody takes the finished file for a stale one
        _sync_folder(dest.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if _about_output(exc, tmp, dest):
            raise OutputError(dest, exc, existed) from exc
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _about_output(exc: OSError, tmp: Path, dest: Path) -> bool:
    """Whether an error is the disk's or the output folder's (a permission error on some other file,
    an image read while writing, is not)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS):
        return True
    return exc.errno in DISK_ERRORS and exc.filename in (None, str(tmp), str(dest), str(dest.parent))


def _open(tmp: Path):
    return open(tmp, "wb")


def writable_folder(folder: Path) -> str | None:
    """Why ``folder`` cannot take a build's outputs (None if it can): made if missing, then a
    temporary file is created and removed in it, as a build will."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        return "it is a file, not a folder" if folder.is_file() else "a file stands in its path"
    except OSError as exc:
        return DISK_ERRORS.get(exc.errno) or exc.strerror or str(exc)
    probe = folder / f".probe{TMP_MARK}{os.getpid()}"
    try:
        with _open(probe):
            pass
    except NotADirectoryError:
        return "it is a file, not a folder"
    except OSError as exc:
        return DISK_ERRORS.get(exc.errno) or exc.strerror or str(exc)
    probe.unlink(missing_ok=True)
    return None


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
