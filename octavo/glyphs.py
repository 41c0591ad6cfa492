"""Characters no installed font could print: one warning per text, naming the characters, their
script, where they first occur and what to install.

The PDF writer only learns that a glyph was missing while drawing, without knowing which text it
came from; this module finds the characters in the model, so the warning can point at a source
file and line. Medium-neutral: it reads the model and a set of characters, nothing else.
"""
from __future__ import annotations

import unicodedata

from . import model as m
from .diagnostics import WARNING, Diagnostic, Location

# Words that start Unicode character names, and the script a reader knows them by.
SCRIPTS = {
    "CJK": "Han", "IDEOGRAPHIC": "Han", "HIRAGANA": "Japanese kana", "KATAKANA": "Japanese kana",
    "HALFWIDTH": "CJK", "FULLWIDTH": "CJK", "BOPOMOFO": "Bopomofo", "HANGUL": "Hangul",
    "ARABIC": "Arabic", "HEBREW": "Hebrew", "SYRIAC": "Syriac", "THAANA": "Thaana",
    "DEVANAGARI": "Devanagari", "BENGALI": "Bengali", "GURMUKHI": "Gurmukhi", "GUJARATI": "Gujarati",
    "TAMIL": "Tamil", "TELUGU": "Telugu", "KANNADA": "Kannada", "MALAYALAM": "Malayalam",
    "SINHALA": "Sinhala", "THAI": "Thai", "LAO": "Lao", "TIBETAN": "Tibetan", "MYANMAR": "Myanmar",
    "GEORGIAN": "Georgian", "ARMENIAN": "Armenian", "ETHIOPIC": "Ethiopic", "KHMER": "Khmer",
    "MONGOLIAN": "Mongolian", "CHEROKEE": "Cherokee", "GREEK": "Greek", "CYRILLIC": "Cyrillic",
    "RUNIC": "Runic", "GOTHIC": "Gothic", "CUNEIFORM": "Cuneiform", "EGYPTIAN": "Egyptian hieroglyphs",
}
CJK_SCRIPTS = {"Han", "Japanese kana", "CJK", "Bopomofo", "Hangul"}
SHOWN = 12  # characters named in one warning; the count says how many more


def script_of(char: str) -> str:
    """The script a character belongs to, as a reader would name it ("symbols" when none)."""
    name = unicodedata.name(char, "")
    if not name:
        return "unassigned"
    first = name.split()[0]
    if first == "LINEAR":  # Linear A, Linear B
        return " ".join(name.split()[:2]).title()
    if first in SCRIPTS:
        return SCRIPTS[first]
    if unicodedata.category(char).startswith("S"):
        return "emoji and symbols" if ord(char) >= 0x1F000 else "symbols"
    return first.capitalize() if first.isalpha() else "symbols"


def advice(scripts: set[str]) -> str:
    """What to install for these scripts (Debian package names; the README's Fonts section)."""
    if scripts & CJK_SCRIPTS:
        return "install a CJK font, e.g. Debian's fonts-noto-cjk or fonts-wqy-microhei (README: Fonts)"
    if "emoji and symbols" in scripts:
        return "install a font with these symbols, e.g. Debian's fonts-noto-color-emoji or fonts-symbola (README: Fonts)"
    return "install a font for this script, e.g. one of Debian's fonts-noto-* packages (README: Fonts)"


def uncovered(book: m.Book, missing: set[str]) -> list[Diagnostic]:
    """One warning per text that uses characters in ``missing``; characters found in no text (the
    interface words of a catalogue) are reported against the book's first source."""
    wanted = {c for c in missing if not c.isspace()}
    if not wanted:  # the usual case: no walk through the book
        return []
    left = set(wanted)
    found: list[Diagnostic] = []
    for text in book.texts:
        firsts = _first_lines(text, wanted)
        if firsts:
            line = min((n for n in firsts.values() if n), default=None)
            found.append(_warning(sorted(firsts, key=lambda c: (firsts[c] or 0, c)), text.path, line))
            left -= set(firsts)
    if left and book.sources:
        found.append(_warning(sorted(left), book.sources[0], None))
    return found


def _warning(chars: list[str], path, line: int | None) -> Diagnostic:
    scripts = sorted({script_of(c) for c in chars})
    shown = " ".join(f"{c} (U+{ord(c):04X})" for c in chars[:SHOWN])
    more = f" and {len(chars) - SHOWN} more" if len(chars) > SHOWN else ""
    plural = "s" if len(chars) != 1 else ""
    message = (f"no installed font has {len(chars)} character{plural} this text uses ({', '.join(scripts)}): "
               f"{shown}{more}; the PDF prints them as empty boxes; {advice(set(scripts))}")
    return Diagnostic(WARNING, "pdf.glyphs", message, Location(path, line))


def _first_lines(text: m.Text, wanted: set[str]) -> dict[str, int | None]:
    """Each wanted character this text uses -> the source line it first occurs on (None: only in
    the front matter)."""
    firsts: dict[str, int | None] = {}
    for words in (text.metadata.title, text.metadata.subtitle or "", *text.metadata.authors):
        for c in set(words) & wanted:
            firsts.setdefault(c, None)
    for section in text.sections:
        blocks = section.blocks + tuple(b for note in section.notes for b in note.blocks)
        for block in m.walk_blocks(blocks):
            line = block.where.line if getattr(block, "where", None) else None
            for c in set(_own_text(block)) & wanted:
                if firsts.get(c) is None:
                    firsts[c] = line
    return firsts


def _own_text(block: m.Block) -> str:
    """The words a block holds itself (its children are walked on their own)."""
    if isinstance(block, m.Verse):
        return " ".join(m.plain_text(line) for line in block.lines)
    if isinstance(block, m.Table):
        return m.plain_text(block.caption)
    return m.plain_text(getattr(block, "inlines", ()))
