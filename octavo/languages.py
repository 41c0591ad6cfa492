"""Languages as people write them -> BCP 47 tags.

This is the only module that knows langcodes and its ``language_data`` name tables (which ship
with the package: no network). A language may be written as a tag or code in any case
and with underscores (``en``, ``EN``, ``en_US``, ``eng``, ``ger``, ``iw``) or as a name, in English
or in the language itself (``English``, ``german``, ``Français``, ``русский``, ``Brazilian
Portuguese``). :func:`find_tag` returns the tag to use, or None when the text names no language.
"""
from __future__ import annotations


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
