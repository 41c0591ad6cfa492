"""A library's C declarations parsed once and kept: cffi's out-of-line ABI mode, made on this machine.

A library that talks to C through cffi's in-line ABI mode (``ffi = cffi.FFI(); ffi.cdef(...)``, as
WeasyPrint does for Pango, HarfBuzz and fontconfig) has pycparser parse its C declarations at every
start, and every type string it later names (``ffi.new("PangoRectangle *")``) once more, in Python.
cffi can instead build the declarations ahead of time into data (``set_source(name, None)``, the
"out-of-line ABI mode"), from which its C part makes an FFI whose types it reads in C. Here that
data is made the first time, from the declarations the library gives, and kept in the user's cache
folder (``cffi/``, checked by SHA-256, keyed by the declarations and the versions of cffi and
Python); later starts load it and never import pycparser. The library's code is not changed: while
it is imported, ``cffi.FFI()`` called from its module gives a stand-in that takes the ``cdef`` calls
and becomes the built FFI (rebound as the module's ``ffi``) when first used otherwise. Anything
unusual (options to ``cdef``, a kept file that does not check out or load, cffi unable to build)
falls back to cffi's own parse, which is what the library would have had.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import marshal
import sys
import tempfile
from pathlib import Path

from .resources import keep, read_kept, user_cache

KEPT = 4  # built declarations kept (one per library version in use)
FIELDS = ("_version", "_types", "_globals", "_struct_unions", "_enums", "_typenames", "_includes")


class _Declarations:
    """Stands in for ``cffi.FFI()`` in ``module`` while it declares its C functions."""

    def __init__(self, module: str, fallback):
        self._module, self._fallback = module, fallback
        self._sources: list[str] = []
        self._ffi = None

    def cdef(self, csource, override=False, packed=False, pack=None):
        if self._ffi is not None or override or packed or pack is not None:
            self._become(self._parsed())  # options the built form is not checked for: cffi's own
            return self._ffi.cdef(csource, override=override, packed=packed, pack=pack)
        self._sources.append(csource)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if self._ffi is None:
            self._become(built(self._sources) or self._parsed())
        return getattr(self._ffi, name)

    def _parsed(self):
        ffi = self._fallback()
        for source in self._sources:
            ffi.cdef(source)
        return ffi

    def _become(self, ffi) -> None:
        if self._ffi is None:
            self._ffi = ffi
            module = sys.modules.get(self._module)
            if module is not None and getattr(module, "ffi", None) is self:
                module.ffi = ffi  # the library's own name for it: no stand-in in between from now on


@contextlib.contextmanager
def declarations_kept(module: str):
    """While this runs, ``cffi.FFI()`` called from ``module`` (no arguments) gives an FFI built from
    kept declarations; yields the stand-ins made, so the caller can check they became FFIs."""
    import cffi

    original, made = cffi.FFI, []

    def factory(*args, **kwargs):
        if args or kwargs or sys._getframe(1).f_globals.get("__name__") != module:
            return original(*args, **kwargs)
        made.append(_Declarations(module, original))
        return made[-1]

    cffi.FFI = factory
    try:
        yield made
    finally:
        cffi.FFI = original


def built(sources: list[str]):
    """An FFI (cffi's C one) of the declarations ``sources``, from the user's cache or built and kept
    there; None when cffi cannot build them or there is no cache folder (then cffi parses them)."""
    import _cffi_backend
    import cffi

    name = hashlib.sha256(repr((cffi.__version__, sys.version, sources)).encode()).hexdigest()
    folder = user_cache("cffi")
    if folder is None:
        return None  # nowhere to keep it (OCTAVO_CACHE_DIR= turns caching off): building costs twice a parse
    path = folder / f"{name}.marshal"
    fields = _fields(read_kept(path), name)
    if fields is None:
        fields = _build(sources)
        if fields is None:
            return None
        keep(path, marshal.dumps({"declarations": name, "fields": fields}), KEPT)
    try:
        return _cffi_backend.FFI("_octavo_declarations", **fields)
    except Exception:  # a form this cffi cannot read: parse
        return None


def _fields(data: bytes | None, name: str) -> dict | None:
    """The FFI's arguments a kept file holds, or None when it holds none, or those of other
    declarations than ``name``."""
    if data is None:
        return None
    try:
        kept = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(kept, dict) or kept.get("declarations") != name:
        return None
    fields = kept.get("fields")
    if not isinstance(fields, dict) or not set(fields) <= set(FIELDS) or "_types" not in fields:
        return None
    return fields


def _build(sources: list[str]) -> dict | None:
    """cffi's out-of-line ABI form of ``sources``: the arguments of the FFI its generated module makes."""
    import cffi

    try:
        builder = cffi.FFI()
        for source in sources:
            builder.cdef(source)
        builder.set_source("_octavo_declarations", None)
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "declarations.py"
            with contextlib.redirect_stdout(io.StringIO()):  # its "generating ..." line
                builder.emit_python_code(str(target))
            tree = ast.parse(target.read_text("utf-8"))
    except Exception:  # declarations cffi cannot build ahead of time: parse them as the library does
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "FFI":
            try:
                fields = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            except ValueError:
                return None
            return fields if set(fields) <= set(FIELDS) else None
    return None

