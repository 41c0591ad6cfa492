"""CSS selectors' compiled tests kept, not compiled again in every PDF build.

WeasyPrint matches selectors with cssselect2, which turns each selector into the text of a Python
expression (``lambda el: el.local_name == 'p' and ...``) and compiles it with ``eval``: about 670
selectors for a PDF of the seed (WeasyPrint's user-agent stylesheets, parsed at its import, and
Octavo's print stylesheets), some 0.03 s of CPU in every build. As code_cache.py does for Octavo's
dataclasses, the compiled code of each text is kept in the user's cache folder (``code/``, keyed
by the exact text and the Python version, checked by SHA-256) and run with the globals and locals
cssselect2 gives: the same text gives the same code object, so every test is the one cssselect2
makes. What a run compiled is added to the kept file when the process ends; no cache folder:
everything is compiled, as before.
"""
from __future__ import annotations

import atexit
import builtins

from .code_cache import CodeCache, kept_file

_cache: CodeCache | None = None


class ExpressionCache(CodeCache):
    """CodeCache for ``eval``: expressions, compiled in ``eval`` mode."""

    mode = "eval"


def _eval(source, globals=None, locals=None):
    """``eval`` as cssselect2's compiler calls it, with a text's kept code."""
    if isinstance(source, str):
        source = _cache.compiled(source)
    return builtins.eval(source, globals, locals)


def install() -> bool:
    """Route cssselect2's compiling ``eval`` through the kept code (once); call it before WeasyPrint
    is imported (its user-agent stylesheets are compiled then). False when there is no cache folder."""
    global _cache
    from cssselect2 import compiler

    if _cache is not None:
        return True
    path = kept_file("cssselect2", ".selectors")  # its own suffix: pruned apart
    if path is None:
        return False
    _cache = ExpressionCache(path)
    compiler.eval = _eval  # a module global shadowing the builtin: only the compiler's calls come here
    atexit.register(_cache.save)
    return True
