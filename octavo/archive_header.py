"""An archive's header block: the text's provenance as the archive wrote it, and what of it maps
to the package metadata (resolve.py calls :func:`archive_header`, then :func:`provenance`).

In: the parsed body, whose first paragraphs may be a header block, every line ``Label: value``
(``Source:``, ``First Published:``, ``Written:``, ``Translated:``, ``Transcription\\HTML Markup:``,
``Copyleft:`` ...; marxists.org writes the label in bold or in a ``[Label:]{.info}`` span). Out:
the (label, value) entries, as written, for the credits page (``Metadata.archive``), with the
paragraph and the rule that only framed it taken out of the body; and from them the fields they
map to: the source as a citation (``dc:source``), the date of first publication (else of writing) as W3CDTF
(``dc:date`` when the front matter gives no date) and the translators (``dc:contributor``, role
``trl``, and the title page, when the front matter names none).
"""
from __future__ import annotations

import re

from .diagnostics import Collector
from .markup import line
from .titles import HEADINGS, names_in
from .trees import replace_with_text
from .expressions import lazy

_WORD = (r"(?:source|(?:first\s+)?published|written|delivered|translated|translation|transcribed|transcription|"
         r"(?:html\s+)?mark-?up|proofed|proofread|corrected|copyleft|public\s+domain|online\s+version)")
ARCHIVE_LINE = lazy(r"^(" + _WORD + r"(?:\s*(?:/|\\|&|\band\b)\s*" + _WORD + r")*)\s*:\s*(\S.*)$",
                    re.IGNORECASE | re.DOTALL)
MONTHS = {name: n for n, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), 1) for name in names}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
DATE = lazy(r"(?:\b" + _DAY.format("day") + r"\s+)?\b" + _MONTH + r"(?:\s+" + _DAY.format("day2") + r")?"
            r",?\s+(?P<year>1\d{3}|20\d{2})\b|(?<![\d-])(?P<bare>1\d{3}|20\d{2})(?![\d-])", re.IGNORECASE)
PUBLICATION_LABELS = ("first published", "written", "delivered")  # "Published:" is often a later edition (Zetkin: 1984)


def archive_header(tree, report: Collector) -> tuple[tuple[str, str], ...]:
    """An archive's header block at the start of the text (``Source: ...``, ``Published: ...``,
    ``Transcribed: ...``, one a line) is the text's provenance, not its first paragraph: it goes to
    the credits (``Metadata.archive``), with the rules that only framed it."""
    children = [c for c in tree if isinstance(c.tag, str)]
    for n, child in enumerate(children[:8]):
        if child.tag in HEADINGS or child.tag == "hr" or _picture(child):
            continue
        entries = _archive_entries(child) if child.tag == "p" else None
        if not entries:
            return ()
        before, after, where = child.getprevious(), child.getnext(), line(child)
        replace_with_text(child)
        if after is not None and after.tag == "hr" and all(c.tag in HEADINGS or c.tag == "hr" or _picture(c)
                                                           for c in children[:n]):
            replace_with_text(after)  # the rule that closed the header
            if before is not None and before.tag == "hr":
                replace_with_text(before)  # and the one that opened it (under a picture, on Kollontai's page)
        report.warn("dialect.header", "moved the archive's header block ("
                    + ", ".join(label for label, _ in entries) + ") to the credits", where)
        return entries
    return ()


def _picture(el) -> bool:
    """A paragraph that is only an image (or the description printed for one the book cannot hold)."""
    if el is None or el.tag != "p" or (el.text or "").strip() or not len(el):
        return False
    return all(c.tag == "img" or (c.tag == "span" and c.get("class") == "image-alt") for c in el) and not any(
        (c.tail or "").strip() for c in el)


def _archive_entries(p) -> tuple[tuple[str, str], ...] | None:
    """(label, value) for each line of a paragraph whose every line is ``Label: value`` with an
    archive header's label; None if any line is something else."""
    lines, current = [], [p.text or ""]
    for child in p:
        if child.tag == "br":
            lines.append("".join(current))
            current = [child.tail or ""]
        else:
            current += ["".join(child.itertext()), child.tail or ""]
    lines.append("".join(current))
    entries = []
    for written in lines:
        text = " ".join(written.split())
        if not text:
            continue
        m = ARCHIVE_LINE.match(text)
        if not m:
            return None
        entries.append((m.group(1), m.group(2)))
    return tuple(entries) or None


def provenance(entries: tuple[tuple[str, str], ...]) -> dict:
    """The Metadata fields the header's entries map to: ``source_citation`` (the first ``Source:``),
    ``first_published`` (the first date of ``First Published:``, else ``Written:``, else
    ``Delivered:``, as W3CDTF; a bare ``Published:`` is often a later edition) and ``translators`` (``Translated:`` when it is only names)."""
    by_label: dict[str, str] = {}
    for label, value in entries:
        by_label.setdefault(" ".join(label.casefold().split()), value)
    found: dict = {}
    if by_label.get("source"):
        found["source_citation"] = by_label["source"].rstrip(" ;,")
    for label in PUBLICATION_LABELS:
        date = w3c_date(by_label.get(label, ""))
        if date:
            found["first_published"] = date
            break
    translated = by_label.get("translated") or by_label.get("translation")
    names = names_in(translated.rstrip(" ;,.")) if translated else None
    if names:
        found["translators"] = names
    return found


def w3c_date(text: str) -> str | None:
    """The first date a phrase gives, as precisely as it gives it (``5 June, 1920`` -> 1920-06-05,
    ``Published in June, 1920`` -> 1920-06, ``Moscow 1920`` -> 1920); None if it gives no year."""
    m = DATE.search(text)
    if m is None:
        return None
    if m.group("bare"):
        return m.group("bare")
    date = f"{m.group('year')}-{MONTHS[m.group('month').casefold()]:02d}"
    day = m.group("day") or m.group("day2")
    return f"{date}-{int(day):02d}" if day and 1 <= int(day) <= 31 else date
