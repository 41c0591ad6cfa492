"""Characters no installed font could print: one error per text, naming the characters, their
script, where they first occur and what to install. A PDF would print them as empty boxes, so the
input fails before its print edition is laid out (:func:`unprintable`); what the PDF writer still
finds while drawing (:func:`uncovered`: a font fontconfig lists but the layout cannot use) fails it
too. A Chinese, Japanese or Korean text printed without its own face (fonts.SCRIPT_FACES) is a
warning naming the package to install.

This module finds the characters in the model, so each diagnostic can point at a source file and
line. Medium-neutral: it reads the model and asks fonts.py which characters a face has.
"""
from __future__ import annotations

import unicodedata

from . import fonts
from . import messages
from . import model as m
from .diagnostics import ERROR, WARNING, Diagnostic, Location

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
    """What to install for these scripts (Debian package names; docs/print.md, Fonts for other scripts)."""
    if scripts & CJK_SCRIPTS:
        return "install Debian's fonts-noto-cjk (Noto Serif CJK, the Song/Ming face Octavo sets these texts in; docs/print.md: Fonts for other scripts)"
    if "emoji and symbols" in scripts:
        return "install a font with these symbols, e.g. Debian's fonts-noto-color-emoji or fonts-symbola (docs/print.md: Fonts for other scripts)"
    return "install a font for this script, e.g. one of Debian's fonts-noto-* packages (docs/print.md: Fonts for other scripts)"


def unprintable(book: m.Book) -> list[Diagnostic]:
    """Before the print edition is laid out: an error per text with characters that no installed
    font has (none when fontconfig cannot be asked: the PDF writer's own finding still counts), and
    a warning per Chinese, Japanese or Korean text whose own face is not installed (another font
    that has its characters prints it)."""
    missing = fonts.uncovered(_book_characters(book))
    found = uncovered(book, missing) if missing else []
    failed = {d.location.path for d in found}
    for text in book.texts:
        face = fonts.script_face(text.metadata.language)
        if (face is not None and text.path not in failed and not fonts.installed(face.family)
                and any(script_of(c) in CJK_SCRIPTS for c in _text_characters(text))):
            found.append(Diagnostic(WARNING, "pdf.script-face", f"this {face.script} text is printed in another "
                                    f"installed font, not in {face.family} (its Song/Ming-style face): install "
                                    f"Debian's {face.package} (docs/print.md: Fonts for other scripts)", Location(text.path)))
    return found


def _book_characters(book: m.Book) -> set[str]:
    """Every character the print edition sets from the book: its texts, the volume's title page and
    part titles, and the interface words in each language the book speaks."""
    meta = book.metadata
    used = set().union(meta.title, meta.subtitle or "", *meta.authors, *meta.editors,
                       *(part.title or "" for part in book.parts))
    for language in {meta.language, *(text.metadata.language for text in book.texts)}:
        used.update(*messages.words(language).values())
    for text in book.texts:
        used |= _text_characters(text)
    return used


def _text_characters(text: m.Text) -> set[str]:
    words = set().union(text.metadata.title, text.metadata.subtitle or "", *text.metadata.authors)
    for section in text.sections:
        words.update(section.title or "")
        blocks = section.blocks + tuple(b for note in section.notes for b in note.blocks)
        for block in m.walk_blocks(blocks):
            words.update(_own_text(block))
    return words


def uncovered(book: m.Book, missing: set[str]) -> list[Diagnostic]:
    """One error per text that uses characters in ``missing``; characters found in no text (the
    interface words of a catalogue) are counted with the book's first source."""
    wanted = {c for c in missing if not c.isspace()}
    if not wanted:  # the usual case: no walk through the book
        return []
    firsts = {text.path: _first_lines(text, wanted) for text in book.texts}
    left = wanted - {c for found in firsts.values() for c in found}
    if left and book.sources:
        firsts.setdefault(book.sources[0], {}).update(dict.fromkeys(left - set(firsts.get(book.sources[0], {}))))
    found: list[Diagnostic] = []
    for path, chars in firsts.items():
        if chars:
            line = min((n for n in chars.values() if n), default=None)
            found.append(_error(sorted(chars, key=lambda c: (chars[c] or 0, c)), path, line))
    return found


def _error(chars: list[str], path, line: int | None) -> Diagnostic:
    scripts = sorted({script_of(c) for c in chars})
    shown = " ".join(f"{c} (U+{ord(c):04X})" for c in chars[:SHOWN])
    more = f" and {len(chars) - SHOWN} more" if len(chars) > SHOWN else ""
    plural = "s" if len(chars) != 1 else ""
    message = (f"no installed font has {len(chars)} character{plural} this text uses ({', '.join(scripts)}): "
               f"{shown}{more}; a PDF would print them as empty boxes; {advice(set(scripts))}")
    return Diagnostic(ERROR, "pdf.glyphs", message, Location(path, line))


def _first_lines(text: m.Text, wanted: set[str]) -> dict[str, int | None]:
    """Each wanted character this text uses -> the source line it first occurs on (None: only in
    the front matter)."""
    firsts: dict[str, int | None] = {}
    for words in (text.metadata.title, text.metadata.subtitle or "", *text.metadata.authors):
        for c in set(words) & wanted:
            firsts.setdefault(c, None)
    for section in text.sections:
        for c in set(section.title or "") & wanted:
            if firsts.get(c) is None:
                firsts[c] = section.where.line
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
