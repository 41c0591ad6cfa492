"""What each diagnostic code means, for ``octavo --explain``: read from docs/diagnostics.md.

That page is the one catalogue: people edit it as Markdown tables (``## Section``, then rows of
``| `code` | level | what it means | how to fix it |``) and the wheel carries it inside the package
(``octavo/docs/diagnostics.md``, mapped in pyproject.toml), so an installed ``octavo`` explains
the same words the documentation shows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .resources import DIAGNOSTICS

ROW = re.compile(r"^\|\s*`(?P<code>[^`|]+)`\s*\|(?P<rest>.*)\|\s*$")
MANUAL_PAGE = re.compile(r"\bdocs/([\w-]+\.md)\b")  # a manual page a row names
CELL = re.compile(r"(?<!\\)\|")  # a cell ends at a | that is not written \|


@dataclass(frozen=True)
class Code:
    code: str
    level: str
    meaning: str
    fix: str
    section: str


def catalogue(path: Path = DIAGNOSTICS) -> dict[str, Code]:
    """code -> its row, in the page's order."""
    found: dict[str, Code] = {}
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        row = ROW.match(line)
        if row is None:
            continue
        cells = [cell.strip().replace("\\|", "|") for cell in CELL.split(row["rest"])]
        level, meaning, fix = (cells + ["", "", ""])[:3]
        found[row["code"].strip()] = Code(row["code"].strip(), level, meaning, fix, section)
    return found


def explain(code: str | None) -> tuple[str, bool]:
    """The text ``octavo --explain [CODE]`` prints, and whether the code is known. No code: every
    code, a line each, by section."""
    codes = catalogue()
    if not code:
        lines, section = [], None
        width = max(len(c) for c in codes)
        for entry in codes.values():
            if entry.section != section:
                section = entry.section
                lines.append(f"{'' if not lines else chr(10)}{section}:")
            lines.append(f"  {entry.code:<{width}}  {entry.level:<7}  {_first_sentence(entry.meaning)}")
        lines.append("\n`octavo --explain CODE` says what a code means and how to fix it.")
        return "\n".join(lines), True
    entry = codes.get(code.strip().strip("[]`").lower())
    if entry is None:
        import difflib  # here: only a mistyped code needs it

        close = difflib.get_close_matches(code.strip().lower(), list(codes), n=3, cutoff=0.6)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        return f"no diagnostic code '{code}'{hint}; `octavo --explain` lists them all", False
    text = (f"[{entry.code}] {entry.level} ({entry.section})\n\n"
            f"What it means: {entry.meaning}\n\nHow to fix it: {entry.fix}")
    return text + _manual_pages(entry.meaning + " " + entry.fix), True


def _manual_pages(text: str) -> str:
    """Where the manual pages a row names are on this machine: an installed wheel carries them too."""
    pages = [DIAGNOSTICS.parent / name for name in dict.fromkeys(MANUAL_PAGE.findall(text))]
    found = [str(page) for page in pages if page.is_file()]
    return "".join(f"\n\nThe manual page: {page}" for page in found)


def _first_sentence(text: str, limit: int = 64) -> str:
    sentence = re.split(r"(?<=[.:;])\s", text, maxsplit=1)[0].rstrip(".:;")
    return sentence if len(sentence) <= limit else sentence[:limit - 1].rstrip() + "\u2026"
