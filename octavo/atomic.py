"""Atomic output files: a killed build leaves the previous complete file or none, never half of one."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

TMP_MARK = ".octavo-tmp-"


@contextmanager
def atomic_output(dest: Path):
    """Yield a binary file to write; it replaces ``dest`` only once complete and flushed to disk."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}{TMP_MARK}{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
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
    """Remove temporary files left behind by builds that were killed (not those of a build still running)."""
    if not folder.is_dir():
        return []
    stale = [p for p in folder.iterdir()
             if TMP_MARK in p.name and p.name.startswith(".") and not _running(p.name.rsplit(TMP_MARK, 1)[1])]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _running(pid: str) -> bool:
    """Whether the process that made a temporary file is still alive (and is not this one)."""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True
