"""Languages as people write them -> BCP 47 tags.

This is the only module that knows langcodes and its ``language_data`` name tables (which ship
with the package: no network). A language may be written as a tag or code in any case
and with underscores (``en``, ``EN``, ``en_US``, ``eng``, ``ger``, ``iw``) or as a name, in English
or in the language itself (``English``, ``german``, ``Français``, ``русский``, ``Brazilian
Portuguese``). :func:`find_tag` returns the tag to use, or None when the text names no language.

A text without a ``language`` field gets a cheap, documented guess (:func:`language_of`): the
dominant script decides (Cyrillic, Chinese, Japanese, Greek, Arabic, Hebrew); for Latin script,
the language whose commonest words occur most, English unless another plainly wins. A guess other
than English is reported (``frontmatter.language``) with what it was based on.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .diagnostics import Collector


def find_tag(written: str) -> str | None:
    """The standard BCP 47 tag for a language written as a tag, a code or a name; None if it is none."""
    import langcodes  # here, not at the top: its tables take a fifth of a second to load, and most
    # sources never need them

    try:
        tag = langcodes.standardize_tag(written)
    except ValueError:  # langcodes.LanguageTagError: not shaped like a tag
        tag = None
    if tag is not None and langcodes.tag_is_valid(tag):
        return tag
    try:  # a name: exact, or a name plus words ("English language"); langcodes says which it matched
        found = langcodes.find(written)
    except LookupError:
        return None
    return str(found) if found.is_valid() else None


def display_name(tag: str) -> str:
    """The English name of a tag, for messages: 'en-US' -> 'English (United States)'."""
    import langcodes

    return langcodes.Language.get(tag).display_name()


@lru_cache(maxsize=1024)  # a pure answer per word; a text asks of the same few words again and again
def named_language(word: str) -> str | None:
    """The tag of the language a word names, in English or in the language itself (``Русский``,
    ``Deutsch``, ``简体中文``); None for anything else, codes included (``it`` and ``no`` are words)."""
    word = " ".join(word.split())
    if len(word) < 2 or (word.isascii() and len(word) < 4):
        return None
    if _names_no_language(word):
        return None
    import langcodes

    try:
        found = langcodes.find(word)
    except LookupError:
        return None
    names = {found.display_name().casefold(), found.autonym().casefold()}
    if word.casefold() in names or (" " not in word and found.speaking_population() >= 100_000):
        return str(found)  # a name as such, or one word naming a living language ("简体中文"), not "Index" (kzf)
    return None


def _names_no_language(word: str) -> bool:
    """True when langcodes.find would not find ``word``: the same name table lookup it makes, without
    importing langcodes (a tenth of a second of tables), which most words asked about never need."""
    from language_data.names import name_to_code

    return name_to_code("language", word) is None


# --- language of a text without a ``language`` field ------------------------------------------------

STOPWORDS = {
    "en": {"the", "and", "of", "to", "is", "that", "which", "with", "this", "was", "for", "are"},
    "de": {"der", "die", "und", "das", "nicht", "ist", "mit", "sich", "auf", "den", "ein", "eine", "dem"},
    "fr": {"le", "la", "les", "et", "des", "est", "que", "qui", "une", "dans", "pas", "du", "au"},
    "es": {"el", "los", "las", "y", "que", "una", "por", "con", "del", "para", "es", "se"},
    "it": {"il", "che", "della", "una", "per", "sono", "gli", "non", "con", "del", "nel"},
}
SCRIPTS = (  # (language, name, first, last code point)
    ("ru", "Cyrillic (Russian)", 0x0400, 0x04FF), ("zh", "Chinese", 0x4E00, 0x9FFF),
    ("ja", "Japanese", 0x3040, 0x30FF), ("el", "Greek", 0x0370, 0x03FF), ("ar", "Arabic", 0x0600, 0x06FF),
    ("he", "Hebrew", 0x0590, 0x05FF),
)
# any letter of SCRIPTS: a text with none is decided by its words, and counting its letters and each
# script's (4-5 ms of a short text's build) is skipped
OTHER_SCRIPTS = re.compile("[" + "".join(f"\\u{first:04x}-\\u{last:04x}" for _, _, first, last in SCRIPTS) + "]")
NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian"}


def language_of(fields: dict, body: str, report: Collector) -> str:
    """The text's language: its ``language`` field, else English unless it is plainly another."""
    if fields.get("language"):
        return fields["language"]
    language, evidence = guess_language(body)
    if language != "en":
        report.warn("frontmatter.language", f"no language given; the text looks {evidence}, so '{language}' is used "
                    f"(set 'language: {language}' in the front matter to silence this)", 1)
    return language


def guess_language(body: str, sample: int = 60000) -> tuple[str, str]:
    """A cheap, documented guess: the dominant script, and for Latin script the language whose
    commonest words occur most. Returns (BCP 47 tag, what it was based on)."""
    text = body[:sample]
    if OTHER_SCRIPTS.search(text):  # most texts have no letter of these scripts: no count to make
        letters = sum(map(str.isalpha, text)) or 1
        for language, name, first, last in SCRIPTS:
            count = _count_between(text, first, last)
            if language == "zh" and _count_between(text, 0x3040, 0x30FF) > count / 10:
                continue  # kana among the ideographs: Japanese
            if count / letters > 0.3:
                return language, f"{name} ({count} of {letters} letters)"
    counts = Counter(re.findall(r"[^\W\d_]+", text.casefold()))
    scores = {lang: sum(counts[w] for w in stop) for lang, stop in STOPWORDS.items()}
    best = max(scores, key=scores.get)
    if best != "en" and scores[best] > 2 * scores["en"] and scores[best] >= 20:
        return best, f"{NAMES[best]} ({scores[best]} common {NAMES[best]} words against {scores['en']} English ones)"
    return "en", "English"


def _count_between(text: str, first: int, last: int) -> int:
    """How many characters of ``text`` have code points from ``first`` to ``last`` (counted by the
    regular expression engine: a Python loop over the 60,000-character sample per script took 0.05 s)."""
    return len(re.findall(f"[\\u{first:04x}-\\u{last:04x}]", text))
