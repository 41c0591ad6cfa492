"""Diagnostics: what Octavo tells the person running it.

Every expected problem in a source is a :class:`Diagnostic` with a location and a stable code.
Bugs stay tracebacks; problems in the input never do.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

ERROR = "error"
WARNING = "warning"
INFO = "info"  # what the build did on purpose that a reader of the output should know (never fails a build)


@dataclass(frozen=True)
class Location:
    """A file and, where known, the line in it."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


class Located(str):
    """Text that keeps where it was written: a field whose problems are found after reading (the
    ``cover`` image a front matter or manifest names) is reported at its own line."""

    location: Location | None

    def __new__(cls, text: str, location: Location | None = None):
        value = super().__new__(cls, text)
        value.location = location
        return value

    def __reduce__(self):
        return (Located, (str(self), self.location))


@dataclass(frozen=True)
class Diagnostic:
    """One finding: level, code, message, where, and what it is about."""

    level: str
    code: str
    message: str
    location: Location | None = None
    subject: str | None = field(default=None, compare=False)  # what the message is about ("[3]"), for grouping
    count: int = field(default=1, compare=False)  # how many things it stands for ("3 solutions left out")

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.level}: {self.message} [{self.code}]"


class OctavoError(Exception):
    """A source (or manifest) cannot be built; carries every diagnostic collected so far."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


@dataclass
class Collector:
    """Gathers the diagnostics of one source so the author sees every problem at once."""

    path: Path
    items: list[Diagnostic] = field(default_factory=list)

    def warn(self, code: str, message: str, line: int | None = None, subject: str | None = None) -> None:
        self.items.append(Diagnostic(WARNING, code, message, Location(self.path, line), subject))

    def info(self, code: str, message: str, line: int | None = None, subject: str | None = None,
             count: int = 1) -> None:
        self.items.append(Diagnostic(INFO, code, message, Location(self.path, line), subject, count))

    def error(self, code: str, message: str, line: int | None = None, subject: str | None = None) -> None:
        self.items.append(Diagnostic(ERROR, code, message, Location(self.path, line), subject))

    @property
    def has_errors(self) -> bool:
        return any(d.level == ERROR for d in self.items)

    def raise_if_errors(self) -> None:
        if self.has_errors:
            raise OctavoError(self.items)


class LineIndex:
    """Offsets -> 1-based line numbers for one text: one pass to build, a binary search per lookup."""

    def __init__(self, text: str):
        self.starts = [0]
        find, at = text.find, text.find("\n")
        while at != -1:
            self.starts.append(at + 1)
            at = find("\n", at + 1)

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


# --- what is printed: one input's findings in line order, repeats of one code as one line ----------------

MAX_LINES = 12  # lines named in a grouped finding; -v lists every finding


def _listed(subjects: list[str]) -> str:
    return ", ".join(subjects) if len(subjects) <= 4 else f"{subjects[0]}...{subjects[-1]}"


# code -> the sentence for n findings of it (their subjects in order, when they have one)
GROUPED: dict[str, Callable[[int, list[str]], str]] = {
    "notes.undefined": lambda n, s: f"note markers {_listed(s)} have no note; kept as written" if s
    else f"{n} note markers have no note; kept as written",
    "notes.unreferenced": lambda n, s: f"notes {_listed(s)} are never referenced; they are kept in the notes" if s
    else f"{n} notes are never referenced; they are kept in the notes",
    "notes.table-note": lambda n, s: f"notes {_listed(s)} are never referenced and repeat table notes printed under "
    "their tables; printed there only" if s else f"{n} notes repeat table notes printed under their tables; printed there only",
    "links.outside": lambda n, s: f"{n} links point outside the book and no originalSource is known to resolve "
    "them; their link texts are kept",
    "dialect.navigation": lambda n, s: f"removed {n} pieces of the web site's navigation (links to other pages, "
    "footers)",
}


def in_line_order(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One input's findings file by file (in the order files first appear), each file's by line; what
    has no line comes first in its file, and the build's verdicts (``build.*``) last."""
    files: dict[object, int] = {}
    for d in diagnostics:
        files.setdefault(d.location.path if d.location else None, len(files))

    def key(item):
        index, d = item
        path = d.location.path if d.location else None
        line = d.location.line if d.location else None
        return (d.code.startswith("build."), files[path], line or 0, index)

    return [d for _, d in sorted(enumerate(diagnostics), key=key)]


def condensed(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One input's findings in line order, two or more warnings of one code in one file made one:
    ``note markers [1]...[9] have no note; kept as written: lines 12, 30, ...``. Errors stay one a
    line: each must be fixed."""
    ordered = in_line_order(diagnostics)
    groups: dict[tuple, list[Diagnostic]] = {}
    for d in ordered:
        groups.setdefault((d.level, d.code, d.location.path if d.location else None), []).append(d)
    out = []
    for d in ordered:
        group = groups[(d.level, d.code, d.location.path if d.location else None)]
        if len(group) == 1 or d.level == ERROR:
            out.append(d)
        elif group[0] is d:
            out.append(replace(d, message=_group_message(group)))
    return out


def _group_message(group: list[Diagnostic]) -> str:
    lines = list(dict.fromkeys(d.location.line for d in group if d.location and d.location.line))
    phrase = GROUPED.get(group[0].code)
    if phrase is not None:
        subjects = [d.subject for d in group if d.subject]
        message = phrase(len(group), subjects if len(subjects) == len(group) else [])
        return message + (f": {_lines(lines)}" if lines else "")
    others = lines[1:] if lines and lines[0] == group[0].location.line else lines
    more = f"; and {len(group) - 1} more like it" + (f", {_lines(others)}" if others else "")
    return group[0].message + more


def _lines(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:MAX_LINES])
    return ("line " if len(lines) == 1 else "lines ") + shown + (", ..." if len(lines) > MAX_LINES else "")
