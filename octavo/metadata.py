"""Front matter fields -> ``Metadata``: the one path for a text and for a volume.

A text's validated front matter (sources.py) and a volume manifest's fields (volume.py) use the
same names (``author``, ``translator``, ``editor``, ``tags``, ``metaDescription``, ...), so both
become the model's :class:`~octavo.model.Metadata` here, with the same typography on titles (a
spaced hyphen is an en dash, quotes curl as in the text; names get the text's apostrophes) and the
same reading of
``originalSource`` (only a URL is a source).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from .model import Metadata
from .quotes import curl
from .expressions import lazy

SPACED_HYPHEN = lazy(r"(?<=\S) - (?=\S)")  # "Chapter 15 - Machinery": a dash typed as a hyphen


def en_dashes(title):
    """A hyphen-minus between spaces in a title is the en dash a typesetter would set."""
    return SPACED_HYPHEN.sub(" \u2013 ", title) if isinstance(title, str) and " - " in title else title


def metadata_from_fields(fields: dict, title: str, language: str, authors: tuple[str, ...] = ()) -> Metadata:
    """``Metadata`` from validated fields; ``title``, ``language`` and ``authors`` (used when the
    fields name no author) as the caller worked them out."""
    return Metadata(
        title=typeset(title, language),
        language=language,
        subtitle=typeset(fields.get("subtitle"), language),
        short_title=typeset(fields.get("shortTitle"), language),
        authors=typeset_names(fields.get("author") or authors, language),
        translators=typeset_names(fields.get("translator", ()), language),
        editors=typeset_names(fields.get("editor", ()), language),
        date=fields.get("date"),
        publisher=fields.get("publisher"),
        rights=fields.get("rights"),
        identifier=fields.get("identifier"),
        source_url=fields.get("originalSource") if _is_url(fields.get("originalSource")) else None,
        tags=fields.get("tags", ()),
        meta_title=fields.get("metaTitle"),
        description=fields.get("metaDescription"),
        cover=fields.get("cover"),
        certified_by=fields.get("certifiedBy"),
        hazards=fields.get("accessibilityHazard", ()),
    )


def typeset(title: str | None, language: str) -> str | None:
    """A title field as the text's headings are set: en dashes, curly quotes, dashes, ellipses."""
    return curl(en_dashes(title), language) if isinstance(title, str) else title


def typeset_names(names: tuple[str, ...], language: str) -> tuple[str, ...]:
    """Names as the text would print them ("O'Brien" with the typographic apostrophe)."""
    return tuple(curl(name, language) for name in names)


def _is_url(value: str | None) -> bool:
    return bool(value) and urlsplit(value).scheme in ("http", "https", "ftp") and bool(urlsplit(value).netloc)
