"""The date written into a book (``dcterms:modified``, zip and PDF dates), from the inputs alone.

In order: ``SOURCE_DATE_EPOCH`` when set; else the newest git commit that touched the book's files
(its source, or its manifest and texts) when they are in a git repository; else the newest date the
front matter (or manifest) gives (``1848``, ``1867-09-14``, ``February 1848``: its year); else
:data:`FIXED_DATE`. Never a file's modification time: a fresh clone or copy gets the same bytes.
"""
from __future__ import annotations

import subprocess
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from .expressions import lazy

FIXED_DATE = datetime(1980, 1, 1)  # the earliest date a zip file can hold; documented in docs/command-line.md
W3C_DATE = lazy(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
YEAR = lazy(r"(?<!\d)(\d{4})(?!\d)")


def book_date(files: list[Path], written: list[str | None], epoch: int | None) -> datetime:
    """The book's date (naive, UTC) from SOURCE_DATE_EPOCH, git history, front matter, or the fixed date."""
    if epoch is not None:
        return _utc(epoch)
    committed = git_date(files)
    if committed is not None:
        return committed
    given = [d for d in (written_date(w) for w in written if w) if d is not None]
    return max(given) if given else FIXED_DATE


def git_date(files: list[Path]) -> datetime | None:
    """The newest commit date of the commits that touched any of ``files``; None outside git (or untracked)."""
    by_folder: dict[Path, list[str]] = defaultdict(list)
    for path in files:
        path = path.absolute()
        by_folder[path.parent].append(path.name)
    stamps = []
    for folder, names in by_folder.items():
        try:
            proc = subprocess.run(["git", "-C", str(folder), "log", "-1", "--format=%ct", "--", *names],
                                  capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):  # no git, or it hangs: use the next rule
            return None
        if proc.returncode == 0 and proc.stdout.strip().isdigit():
            stamps.append(int(proc.stdout.strip()))
    return _utc(max(stamps)) if stamps else None


def written_date(text: str) -> datetime | None:
    """A date as people write it -> its first day: ``1867-09-14``, ``1848-02``, ``1848``, ``c. 1600``."""
    match = W3C_DATE.match(text)
    if match:
        year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
    else:
        match = YEAR.search(text)
        if not match:
            return None
        year, month, day = int(match[1]), 1, 1
    try:
        return datetime(max(year, 1), month, day)
    except ValueError:  # 1848-13: take the year
        return datetime(max(year, 1), 1, 1)


def _utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).replace(tzinfo=None)
