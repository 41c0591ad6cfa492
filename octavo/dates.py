"""The date written into a book (``dcterms:modified``, zip and PDF dates), from the inputs alone.

In order: ``SOURCE_DATE_EPOCH`` when set; else the newest git commit that touched the book's files
(its source, or its manifest and texts) when they are in a git repository; else the newest date the
front matter (or manifest) gives (``1848``, ``1867-09-14``, ``February 1848``: its year); else
:data:`FIXED_DATE`. Never a file's modification time: a fresh clone or copy gets the same bytes.

The git date is kept in the user's cache folder (``dates/``), keyed by the files and by everything
``git log`` reads besides commits, which never change: the commit HEAD names (the HEAD file and the
branch it points to), and the shallow, grafts, replace-refs and config files; a build of an unchanged
checkout then runs no ``git`` process (~0.015 s of CPU). Where that cannot be told without git (a
``GIT_*`` variable set, no ``.git`` found, refs kept otherwise), git is asked every time, as before.
"""
from __future__ import annotations

import os
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
    kept = _Kept()
    stamps = []
    for folder, names in by_folder.items():
        key = _key(folder, names)
        if key is not None and key in kept.dates:
            stamp = kept.dates[key]
        else:
            stamp = _git_log(folder, names)
            if stamp is False:
                return None
            if key is not None and stamp is not None:
                kept.add(key, stamp)
        if stamp is not None:
            stamps.append(stamp)
    kept.save()
    return _utc(max(stamps)) if stamps else None


def _git_log(folder: Path, names: list[str]) -> int | None | bool:
    """The newest commit time of ``names`` by ``git log``; None when it gives none, False when git
    cannot be run."""
    import subprocess  # only when the date is not kept

    try:
        proc = subprocess.run(["git", "-C", str(folder), "log", "-1", "--format=%ct", "--", *names],
                              capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):  # no git, or it hangs: use the next rule
        return False
    if proc.returncode == 0 and proc.stdout.strip().isdigit():
        return int(proc.stdout.strip())
    return None


class _Kept:
    """The git dates kept in the user's cache folder: ``{key: commit time}``."""

    def __init__(self):
        from .resources import read_kept, user_cache

        folder = user_cache("dates")
        self.path = folder / "git.kept" if folder is not None else None
        self.dates: dict[str, int] = {}
        self.new = False
        data = read_kept(self.path)
        if data:
            import marshal

            try:
                dates = marshal.loads(data)
            except (EOFError, ValueError, TypeError):
                dates = None
            if isinstance(dates, dict):
                self.dates = dates

    def add(self, key: str, stamp: int) -> None:
        if self.path is not None:
            self.dates[key] = stamp
            self.new = True

    def save(self) -> None:
        if self.new:
            import marshal

            from .resources import keep

            dates = self.dates if len(self.dates) <= KEPT_DATES else dict(list(self.dates.items())[-KEPT_DATES:])
            keep(self.path, marshal.dumps(dates), most=1)


KEPT_DATES = 2000  # the most recent kept; nothing grows without bound
_GIT_CONFIG = (Path("/etc/gitconfig"),)
# git's variables for the network, prompts, identities and tracing: no say in what `git log` finds
_GIT_HARMLESS = ("GIT_SSL_", "GIT_HTTP_", "GIT_PROXY_", "GIT_SSH", "GIT_ASKPASS", "GIT_TERMINAL_PROMPT", "GIT_PAGER",
                 "GIT_EDITOR", "GIT_AUTHOR_", "GIT_COMMITTER_", "GIT_TRACE")


def _key(folder: Path, names: list[str]) -> str | None:
    """What ``git log -1 -- names`` in ``folder`` depends on, besides commits, which never change: the
    commit HEAD names and the files that change which commits git sees (shallow, grafts, replace
    refs) or how it reads them (config); None when git has to be asked."""
    if any(name.startswith("GIT_") and not name.startswith(_GIT_HARMLESS) for name in os.environ):
        return None  # GIT_DIR, GIT_CEILING_DIRECTORIES, GIT_CONFIG_...: where and what git reads
    for top in (folder, *folder.parents):
        dot = top / ".git"
        try:
            if dot.is_dir():
                gitdir = dot
            elif dot.is_file():  # a worktree or a submodule: "gitdir: PATH"
                text = dot.read_text(encoding="utf-8").strip()
                if not text.startswith("gitdir:"):
                    return None
                gitdir = top / text[len("gitdir:"):].strip()
            else:
                continue
            common = gitdir / (gitdir / "commondir").read_text(encoding="utf-8").strip() \
                if (gitdir / "commondir").is_file() else gitdir
            head = (gitdir / "HEAD").read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        break
    else:
        return None
    target = head
    if head.startswith("ref: ") and not head.startswith("ref: refs/heads/"):
        return None  # a ref of this worktree's own (refs/bisect/...): not looked for here
    if head.startswith("ref: "):
        try:
            target = (common / head[5:]).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            target = None  # packed (its file is in the key below) or kept another way
        if target is None and not (common / "packed-refs").is_file():
            return None  # reftable or anything else this does not read: ask git
    home = Path(os.environ.get("HOME", "~")).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    watched = (common / "shallow", common / "info" / "grafts", common / "refs" / "replace", common / "packed-refs",
               common / "config", gitdir / "config.worktree", home / ".gitconfig", Path(xdg) / "git" / "config",
               *_GIT_CONFIG)
    return repr((str(folder), sorted(names), str(gitdir.resolve()), head, target, [_stamp(p) for p in watched]))


def _stamp(path: Path):
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


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
