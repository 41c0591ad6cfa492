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
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def clean_stale(folder: Path) -> list[Path]:
    """Remove temporary files left behind by a build that was killed."""
    if not folder.is_dir():
        return []
    stale = [p for p in folder.iterdir() if TMP_MARK in p.name and p.name.startswith(".")]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
