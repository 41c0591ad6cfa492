"""Dataclasses made from their methods' kept compiled code, not compiled again in every process.

``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and, frozen,
``__setattr__`` and ``__delattr__`` as source text and compiles it with ``exec`` when the class is
defined: an EPUB build defines some 60 dataclasses (30 in the model), and compiling their ~320
methods is about a tenth of the seed's whole build. Python keeps a module's compiled code in a
``.pyc``; this keeps the methods' compiled code in the user's cache folder the same way, keyed by
the exact text ``dataclasses`` compiles. The classes are the same: the same text gives the same
code object, run with the same globals and locals, so fields, ``replace``, equality, hashing,
immutability and repr are those of ``dataclasses`` itself.

``install`` points the ``exec`` that ``dataclasses`` calls at ``_exec``, which, for a class defined
in one of Octavo's modules, compiles only text it has not seen (any other class is compiled as
before: importing Octavo changes nothing for other code in the process); what a run compiled is added to the kept file when the process ends. The file is
checked by SHA-256 (``resources.read_kept``) and is only kept where compiled templates are (the
user's own cache folder, never a shared one); its name carries the Python version and its bytecode
tag, whose code objects ``marshal`` writes. No cache folder: everything is compiled, as before.
"""
from __future__ import annotations

import atexit
import dataclasses
import marshal
import sys
from pathlib import Path

MOST = 4000  # texts kept; past that, only those of the last run (nothing grows without bound)


class CodeCache:
    most = MOST
    mode = "exec"  # what compile() makes of a text: dataclasses' methods are statements

    def __init__(self, path: Path):
        from .resources import read_kept

        self.path = path
        self.known: dict[str, object] = {}
        self.used: set[str] = set()
        self.new = 0
        data = read_kept(path)
        if data:
            try:
                known = marshal.loads(data)
            except (EOFError, ValueError, TypeError):
                known = None
            if isinstance(known, dict):
                self.known = known

    def compiled(self, source: str):
        code = self.known.get(source)
        if code is None:
            code = self.known[source] = compile(source, "<string>", self.mode)
            self.new += 1
        self.used.add(source)
        return code

    def save(self) -> None:
        """Keep what this run compiled for the next (nothing to write when it compiled nothing)."""
        if not self.new:
            return
        from .resources import keep

        known = self.known if len(self.known) <= self.most else {s: self.known[s] for s in self.used}
        keep(self.path, marshal.dumps(known), most=4)


def kept_file(name: str, suffix: str) -> Path | None:
    """The file of the user's cache folder (``code/``) keeping ``name``'s compiled code for this
    Python (its bytecode tag and version in the name), or None without a folder of the user's own."""
    from .resources import user_cache

    folder = user_cache("code")
    tag = sys.implementation.cache_tag or "python"
    return None if folder is None else folder / f"{name}-{tag}-{sys.hexversion:x}{suffix}"


_cache: CodeCache | None = None


def _exec(source, globals=None, locals=None):
    """``exec`` as ``dataclasses`` calls it, with the compiled code of a text seen before -- for
    Octavo's own classes only: another package's dataclasses in the same process are compiled as
    ``dataclasses`` compiles them (``globals`` is the defining module's namespace)."""
    ours = isinstance(source, str) and str((globals or {}).get("__name__", "")).partition(".")[0] == "octavo"
    exec(_cache.compiled(source) if ours else source, globals, locals)


def install() -> None:
    """Use the kept code for the dataclasses defined from now on in this process (once)."""
    global _cache
    if _cache is not None:
        return
    path = kept_file("dataclasses", ".marshal")
    if path is None:
        return  # no cache folder of the user's own: compiled every run, as dataclasses does
    _cache = CodeCache(path)
    dataclasses.exec = _exec  # the module's own name for the builtin: only its calls come here
    atexit.register(_cache.save)
