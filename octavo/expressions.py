"""Regular expressions compiled the first time they are used, not when their module is imported.

An EPUB build imports some 115 module-level expressions of the dialect's rules, the parser and the
writers; compiling them costs about a twelfth of the seed's whole build, and most texts never use
most of them (a kramdown attribute list, a Pandoc footnote link, a table's number column). ``lazy``
takes what ``re.compile`` takes and gives an object that compiles on its first method call and
then hands out the compiled expression's own methods: ``PATTERN.sub(...)`` reads as before and
costs the same after the first call.
"""
from __future__ import annotations

import re


class _Lazy:
    __slots__ = ("_source", "__dict__")

    def __init__(self, pattern: str, flags: int):
        self._source = (pattern, flags)

    def __getattr__(self, name: str):  # only for what the instance does not hold yet
        value = getattr(re.compile(*self._source), name)
        setattr(self, name, value)  # a bound method of the compiled expression: found directly next time
        return value

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)``, made when one of its attributes is first asked for."""
    return _Lazy(pattern, flags)  # type: ignore[return-value]  (it answers as a Pattern does)
