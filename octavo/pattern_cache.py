"""Regular expressions made from their kept compiled programs, not parsed and compiled in every process.

``re.compile`` parses a pattern and compiles it to a program for the ``_sre`` engine, in Python: an
EPUB build compiles some 230 expressions (Octavo's, as its stages first use them, and those of
Python-Markdown, PyYAML and Jinja at import), about a seventh of the seed's whole build. The program
depends only on the pattern, its flags and the Python version. ``install`` points the function
``re`` compiles with at ``_compile``, which hands a pattern seen before to ``_sre.compile`` with its
kept program and otherwise compiles it as ``re`` does and keeps what came out; the kept programs are
written to the user's cache folder when the process ends (beside the kept dataclass code,
``code_cache.py``; same checks: SHA-256, the user's own folder, the Python version in the name).
The expression made is the one ``re`` makes: ``re.Pattern`` equality compares the program itself
(tests/test_pattern_cache.py), and ``re``'s own cache in front of this one is unchanged.

Patterns whose parsing warns (``FutureWarning`` for a possible nested set, group names that are
not ASCII) are never kept, so the warning is given every time, as before. No cache folder: every
pattern is compiled, as before.
"""
from __future__ import annotations

import atexit
import re
import warnings
from re import _compiler, _parser

import _sre

from .code_cache import CodeCache, kept_file

MOST = 3000  # programs kept; past that, only those of the last run (nothing grows without bound)
_PROBE = r"(?i)(a|[b-d]+)(?P<name>\w*?)\1$"  # groups, names, a set, a case: checks _compiled
# What the parser may warn about: a possible nested set or set operation (in a set: after a "["), a
# group name in a condition, and in bytes, a group name not in ASCII. Such patterns are compiled the
# first time with warnings caught: one that warned is not kept and goes to re itself, every time.
_IN_SETS = ("[[", "--", "&&", "~~", "||")


class PatternCache(CodeCache):
    """CodeCache for ``re``: kept programs by (pattern, flags), read, pruned and written as it does."""

    most = MOST

    def __init__(self, path, compile_):
        super().__init__(path)
        self.compile_ = compile_  # re's own

    def compile(self, p, flags=0):
        """``re._compiler.compile``: the kept program of a pattern seen before, else compiled and kept."""
        program = self.known.get((p, flags))
        if program is None:
            if type(p) not in (str, bytes) or flags & _compiler.SRE_FLAG_DEBUG:
                return self.compile_(p, flags)  # a parsed pattern (re.Scanner), a str subclass, one re prints
            flags = int(flags)
            if _may_warn(p if isinstance(p, str) else p.decode("latin-1")):
                with warnings.catch_warnings(record=True) as caught:  # first sight only: rare, and brief
                    warnings.simplefilter("always")
                    program = _compiled(p, flags)
                if caught:
                    return self.compile_(p, flags)  # re's own way, which warns as it always does
            else:
                program = _compiled(p, flags)
            self.known[(p, flags)] = program
            self.new += 1
        self.used.add((p, flags))
        return _sre.compile(p, *program)


def _may_warn(pattern: str) -> bool:
    return "(?(" in pattern or ("[" in pattern and any(w in pattern for w in _IN_SETS)) or (
        "(?P" in pattern and not pattern.isascii())


def _compiled(pattern, flags: int) -> tuple:
    """What ``re._compiler.compile`` hands ``_sre.compile`` after the pattern: the flags, the program,
    the groups and their names both ways (its own lines, which keep the program it does not show)."""
    parsed = _parser.parse(pattern, flags)
    code = [int(c) for c in _compiler._code(parsed, flags)]  # opcodes are an int subclass marshal refuses
    groupindex = parsed.state.groupdict
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return flags | parsed.state.flags, code, parsed.state.groups - 1, dict(groupindex), tuple(indexgroup)


_cache: PatternCache | None = None


def install() -> None:
    """Compile the expressions made from now on in this process from their kept programs (once)."""
    global _cache
    if _cache is not None:
        return
    path = kept_file("patterns", f"-{_sre.MAGIC}.kept")
    if path is None:
        return  # no cache folder of the user's own: compiled every time, as re does
    try:  # re's inner workings as this module knows them (Python 3.11-3.13), or re left alone
        ours = _sre.compile(_PROBE, *_compiled(_PROBE, 0))
        if ours != re._compiler.compile(_PROBE, 0):
            return
    except Exception:  # noqa: BLE001 (any way it fails means the same: not this Python's re)
        return
    _cache = PatternCache(path, re._compiler.compile)
    re._compiler.compile = _cache.compile  # re looks it up on its module at every compile
    atexit.register(_cache.save)
