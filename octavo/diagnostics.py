"""Diagnostics: what Octavo tells the person running it.

Every expected problem in a source is a :class:`Diagnostic` with a location and a stable code.
Bugs stay tracebacks; problems in the input never do.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"
INFO = "info"  # what the build did on purpose that a reader of the output should know (never fails a build)


@dataclass(frozen=True)
class Location:
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
    level: str
    code: str
    message: str
    location: Location | None = None

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

    def warn(self, code: str, message: str, line: int | None = None) -> None:
        self.items.append(Diagnostic(WARNING, code, message, Location(self.path, line)))

    def info(self, code: str, message: str, line: int | None = None) -> None:
        self.items.append(Diagnostic(INFO, code, message, Location(self.path, line)))

    def error(self, code: str, message: str, line: int | None = None) -> None:
        self.items.append(Diagnostic(ERROR, code, message, Location(self.path, line)))

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
