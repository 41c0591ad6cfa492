"""Code -> (class, text) runs for syntax highlighting: the only module that knows Pygments.

The runs join to the code exactly as written (checked; when a lexer would change a single byte, the
code comes back as one plain run). Classes are Pygments' short token names (``k`` keyword, ``c1``
comment, ``gp`` a shell prompt); the stylesheets give them a palette that prints in grey.
"""
from __future__ import annotations

from functools import lru_cache

PLAIN = {"output", "text", "plain", "source", "none"}  # names of code that has no language


@lru_cache(maxsize=64)
def _lexer(language: str, session: bool):
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name("console" if session else language, stripnl=False, stripall=False,
                                 ensurenl=False, tabsize=0)
    except ClassNotFound:
        return None


def runs(text: str, language: str | None, command: bool = False) -> list[tuple[str, str]]:
    """(token class or "", text) pieces of ``text``; one plain piece when no lexer fits. A command
    whose lines start with a ``$ `` prompt is read as a shell session, so the prompt is told apart."""
    if not text or (not command and (language is None or language in PLAIN)):
        return [("", text)]
    session = command and text.lstrip().startswith("$ ")
    lexer = _lexer(language or "bash", session)
    if lexer is None:
        return [("", text)]
    from pygments.token import STANDARD_TYPES

    out: list[tuple[str, str]] = []
    for token, value in lexer.get_tokens(text):
        while token not in STANDARD_TYPES:
            token = token.parent
        name = STANDARD_TYPES[token] if STANDARD_TYPES[token] != "w" else ""  # white space: no class
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + value)
        else:
            out.append((name, value))
    if "".join(v for _, v in out) != text:
        return [("", text)]
    return [(name, value) for name, value in out if value]
