"""Syntax mistakes in a user's stylesheets, at their file and line. The only module that knows tinycss2.

WeasyPrint skips what it cannot parse with a line number but no file name, and EPUBCheck rejects
a book whose stylesheet does not parse; this check names the file and line before anything is built.
"""
from __future__ import annotations

from pathlib import Path

import tinycss2

from .diagnostics import ERROR, Diagnostic, Location


def check_stylesheet(path: Path) -> list[Diagnostic]:
    """Every parse error (a stray ``}``, a rule cut short) in one CSS file, as ``style.syntax`` errors:
    EPUBCheck rejects a book whose stylesheet does not parse."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [Diagnostic(ERROR, "style.unreadable", f"cannot read this stylesheet: {exc}", Location(path))]
    problems: list[Diagnostic] = []
    _walk(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True), path, problems)
    return problems


def _walk(nodes, path: Path, problems: list[Diagnostic]) -> None:
    for node in nodes:
        if node.type == "error":
            problems.append(_problem(path, node.source_line, f"CSS syntax error: {node.message}"))
        elif node.type in ("qualified-rule", "at-rule"):
            for token in node.prelude or ():
                if token.type == "error":  # a '}' or ')' that closes nothing
                    problems.append(_problem(path, token.source_line, f"CSS syntax error: {token.message}"))
            if node.content is not None and (node.type == "qualified-rule" or _holds_rules(node)):
                _walk(tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True),
                      path, problems)


def _holds_rules(rule) -> bool:
    return rule.lower_at_keyword in ("media", "supports", "page", "font-face", "layer", "container",
                                     "document", "footnote")


def _problem(path: Path, line: int, message: str) -> Diagnostic:
    return Diagnostic(ERROR, "style.syntax", message, Location(path, line))
