"""An archive page's masthead: the headings a site prints above a chapter's own title to say whose
work it is and which book it belongs to (marxists.org's ``### Leon Trotsky`` / ``## The First
Five Years of the Communist International`` / ``#### Volume 1`` over ``# On l'Humanité``).

They are not divisions of the text: printed as headings they stood between the title and the
first paragraph and went into the contents. Here a byline among them names the authors and the
other lines name the work the text is part of (``Metadata.part_of``: the title page and credits
say it). A masthead names both: a byline or a lead-in alone above the title is titles.py's, and a
heading alone over it ("Part One", "Speech at the Congress") stays in the text.
"""
from __future__ import annotations

from lxml import etree

from .diagnostics import Collector
from .markup import line
from .sanitize import REF
from .titles import HEADINGS, lead_in, names_in


def masthead(tree, fields: dict, report: Collector) -> tuple[tuple[str, ...], str | None]:
    """(authors, the work this text is part of) from the masthead above the title heading, which is
    taken out of the body; ((), None) when there is none."""
    run, title = _above_title(tree)
    if title is None:
        return (), None
    lead = run[-1] if run and lead_in(run[-1], title) else None
    lines = [(el, piece) for el in run if el is not lead for piece in _lines(el)]
    authors = [names for _, piece in lines if (names := names_in(piece)) is not None]
    work = [piece for _, piece in lines if names_in(piece) is None]
    if not work or not authors:
        return (), None  # a byline alone is titles.py's; a heading alone over the title ("Part One") stays
    for el in run:
        if el is not lead:
            tree.remove(el)
    part_of = ", ".join(work)
    named = tuple(n for names in authors for n in names)
    where = line(run[0])
    report.warn("dialect.masthead", f"read the headings above the title as the site's masthead: '{part_of}' is the "
                "work this text is part of (title page and credits)"
                + (f", {' and '.join(named)} its author" if named and not fields.get("author") else ""), where)
    return (named if not fields.get("author") else ()), part_of


def _above_title(tree) -> tuple[list, etree._Element | None]:
    """The headings standing alone before the title heading, and that heading: the text's one
    heading of the highest rank, ranked above every heading before it, with nothing but headings
    (and rules) before it."""
    run = []
    for child in tree:
        if not isinstance(child.tag, str) or child.tag == "hr":
            continue
        if child.tag not in HEADINGS or child.find(f".//a[@{REF}]") is not None or child.find(".//img") is not None:
            return [], None
        if run and all(child.tag < el.tag for el in run) and [h for h in tree.iter(*HEADINGS)
                                                                if h.tag <= child.tag] == [child]:
            return run, child
        run.append(child)
        if len(run) > 4:
            return [], None
    return [], None


def _lines(heading) -> list[str]:
    """A heading's lines: a masthead may set the author and the work in one heading, broken by
    ``<br>`` (the dialect breaks one whose author was set small)."""
    pieces, current = [], [heading.text or ""]
    for child in heading:
        if child.tag == "br":
            pieces.append("".join(current))
            current = [child.tail or ""]
        else:
            current.append("".join(child.itertext()) + (child.tail or ""))
    pieces.append("".join(current))
    return [" ".join(p.split()) for p in pieces if p.strip()]

