"""What the credits page says of a text's web metadata, in a reader's words: the archive's listing
without the title it repeats, and subjects written as words rather than as a site's keywords."""
from __future__ import annotations

import re

from ..model import Metadata
from ..titles import same_title

LISTING_SEPARATOR = re.compile(r"\s+[|›»]\s+")  # "Trotskyism or Leninism? | History | Russia"
SLUG_SEPARATOR = re.compile(r"[-_]+")
NUMBER = re.compile(r"[\d\s.,/–-]+")  # "1924", "1917-1918"


def listing(metadata: Metadata) -> tuple[str, ...]:
    """The sections of the site the text is listed in (``History``, ``Russia``): the page title's
    parts without the text's own title; nothing if the page title is only the title."""
    if not metadata.meta_title:
        return ()
    parts = [p.strip() for p in LISTING_SEPARATOR.split(metadata.meta_title) if p.strip()]
    return tuple(p for p in parts if not same_title(p, metadata.title))


def subjects(metadata: Metadata) -> tuple[str, ...]:
    """The tags as subjects: a keyword in lower case gets a capital (``history`` -> ``History``,
    ``russian-revolution`` -> ``Russian revolution``, sentence case as library subject headings
    write it); a tag written with capitals stays as written. A tag that is only a number (a year: the
    date line says when) or repeats a section of the listing printed above it is left out."""
    shown = {p.casefold() for p in listing(metadata)}
    out: list[str] = []
    for tag in metadata.tags:
        if NUMBER.fullmatch(tag.strip()):
            continue
        words = SLUG_SEPARATOR.sub(" ", tag).strip() if tag == tag.lower() else tag.strip()
        subject = words[:1].upper() + words[1:] if tag == tag.lower() else words
        if subject and subject.casefold() not in shown and subject not in out:
            out.append(subject)
    return tuple(out)
