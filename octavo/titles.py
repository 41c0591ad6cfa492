"""What a text says about itself: its title, its authors and its archive header, read from the
parsed tree when the front matter does not say (resolve.py calls this before dividing the text).

In: the parsed body (an lxml tree, every element carrying its source line), the front matter's
fields. Out: the title and authors, with the elements that only stated them taken out of the body
(a title heading, a byline, ``# Title:`` headings, a heading repeating the title), and the archive
header's ``Label: value`` entries (``Metadata.archive``). Every choice not taken from the front
matter is reported with the line it came from.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from .diagnostics import Collector
from .markup import line
from .sanitize import LINE, REF
from .trees import collapsed, inline_text, unwrap
from .vocabulary import CONTENTS_TITLES
from .expressions import lazy

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
NOTE = "data-octavo-note"  # on a resolved reference: the id of its note
NUMBER = "data-octavo-number"  # ... and its number

SUBTITLE = "data-octavo-subtitle"  # a heading right under the title heading, alone at its rank: part of the title


def unframe(tree, report: Collector) -> None:
    """A text written whole inside one block quotation (a marxists.org page's bordered box, ``> :::
    border``, byline, title and all, two headings or more) is the text, not a quotation: its content takes its
    place, so the byline, the title and the header block are read as they would be outside it."""
    children = [c for c in tree if isinstance(c.tag, str)]
    quotes = [c for c in children if c.tag == "blockquote"]
    if len(quotes) != 1 or any(c is not quotes[0] and c.tag != "hr" and (
            inline_text(c).strip() or c.find(".//img") is not None) for c in children):
        return
    quote = quotes[0]
    inner = [c for c in quote if isinstance(c.tag, str)]
    if len(inner) == 1 and inner[0].tag == "div" and not inner[0].get("class", "").startswith("callout"):
        unwrap(inner[0])  # the fenced div that drew the border
    if len(list(quote.iter(*HEADINGS))) < 2:
        return  # a quotation holds no divisions (one heading may be its own); a page's frame does
    report.warn("dialect.frame", "the whole text is inside one block quotation (the web page's frame); it is read "
                "as the text itself, not as a quotation", line(quote))
    unwrap(quote)


def dingbat_headings(tree, report: Collector) -> None:
    """A heading of nothing but asterisks or other signs (``## \\* \\* \\*``) is a thematic break the
    site set as a heading: a rule, not a division of the text (nor a title, nor a contents entry)."""
    found = []
    for heading in list(tree.iter(*HEADINGS)):
        written = inline_text(heading).strip()
        if written and not any(c.isalnum() for c in written) and heading.find(".//img") is None:
            rule = etree.Element("hr", {LINE: heading.get(LINE, "")})
            rule.tail = heading.tail
            heading.getparent().replace(heading, rule)
            found.append(line(rule))
    if found:
        report.warn("dialect.rule", f"set {len(found)} heading{'s' if len(found) > 1 else ''} of only signs "
                    f"('* * *') as thematic breaks (line{'s' if len(found) > 1 else ''} "
                    f"{', '.join(map(str, found))})", found[0])


def title_and_author(tree, fields: dict, prepared, path: Path, report: Collector) -> tuple[str, tuple[str, ...]]:
    """The text's title, and the authors the text itself names when the front matter names none.

    In order: the front matter's ``title``; ``Title:`` headings at the top (``# Title: ...``,
    ``## Author: ...``, after a rule or web debris); a lone top heading at the start of the text
    (the title heading: taken out of the body), with a byline right above or under it (a line of
    names: the authors); the first heading of the highest rank, unless it only numbers, or is a
    poem or an entry of the source's own contents; else the file name, as words. A heading that
    repeats the title right after it goes. Every choice but the front matter's is reported with
    the line it came from."""
    title = fields.get("title")
    authors: tuple[str, ...] = ()
    meta = _title_headings(tree, fields)
    if not title and "title" in meta:
        title, where = meta["title"]
        report.warn("frontmatter.title", f"no title in front matter; using the heading 'Title: {title}' "
                    f"(line {where})", where)
    if not fields.get("author") and "author" in meta:
        authors = tuple(n.strip() for n in re.split(r"\s*(?:;|&|\band\b)\s*", meta["author"][0]) if n.strip())
    heading, above, lead = _title_heading(tree, title)
    if heading is not None:
        if not title:
            title = _joined_title(lead, heading)
            where = f"line {line(heading)}" if lead is None else f"lines {line(lead)} and {line(heading)}"
            report.warn("frontmatter.title", f"no title in front matter; using the first heading '{title}' "
                        f"({where})", line(heading))
        following = heading.getnext()
        if heading.find(f".//a[@{REF}]") is None:  # a note reference keeps its heading
            framed = [el for el in (heading, above, lead) if el is not None]  # a last rule's next is None too
            for rule in [c for c in tree if c.tag == "hr" and c.getnext() in framed]:
                tree.remove(rule)  # the rule that only set the title off
            tree.remove(heading)
            if lead is not None:
                tree.remove(lead)
        for candidate in (above, following):
            names = _byline(candidate) if candidate is not None and candidate.getparent() is tree else None
            if names is None or (candidate is following and same_title(inline_text(candidate), title)):
                continue
            written = inline_text(candidate)
            where = "above" if candidate is above else "under"
            if not fields.get("author") and not authors:
                authors = names
                report.warn("frontmatter.author", f"no author in front matter; using the byline '{written}' {where} "
                            f"the title (line {line(candidate)})", line(candidate))
                tree.remove(candidate)
            elif _same_names(names, fields.get("author") or authors):
                report.warn("frontmatter.author", f"removed the byline '{written}' {where} the title: it repeats the "
                            "author", line(candidate))
                tree.remove(candidate)
            elif fields.get("author"):
                report.warn("frontmatter.author", f"the byline '{written}' {where} the title names "
                            f"{' and '.join(names)}, not the front matter's author {' and '.join(fields['author'])}; "
                            "the front matter's is used and the byline is printed as written", line(candidate))
        _drop_repeated_title(tree, title, report)
        children = [c for c in tree if isinstance(c.tag, str)]
        if children and children[0].tag in HEADINGS and sum(c.tag == children[0].tag for c in children) == 1 and \
                not any(c.tag in HEADINGS and c.tag < children[0].tag for c in children):
            children[0].set(SUBTITLE, "")  # "(1898)" under the title: part of it, not a division of the text
    if not title:
        first = _first_top_heading(tree, prepared.listed)
        if first is not None:
            title = title_text(first)
            report.warn("frontmatter.title", f"no title in front matter; using the first heading '{title}' "
                        f"(line {line(first)})", line(first))
    if not title:
        title = _file_title(path.stem)
        report.warn("frontmatter.title", f"no title given and none found in the text; using the file name "
                    f"'{path.stem}' as '{title}'", 1)
    return title, authors


META_HEADING = lazy(r"^(title|subtitle|author|authors|translator|year|date)\s*:\s*(\S.*)$", re.IGNORECASE)


def _title_headings(tree, fields: dict) -> dict[str, tuple[str, int]]:
    """``# Title: ...``, ``## Author: ...``, ``## Year: ...`` headings before the text (rules and
    removed debris may come first; sources.py reads them when they open the file). They are taken
    out of the body only when the front matter gives none of their fields."""
    found: dict[str, tuple[str, int]] = {}
    used = []
    for child in tree:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "hr" and not found:
            continue
        match = META_HEADING.match(inline_text(child)) if child.tag in HEADINGS else None
        if not match:
            if child.tag == "hr" and found:
                used.append(child)  # the rule that closes them
            break
        key = {"authors": "author", "year": "date"}.get(match.group(1).lower(), match.group(1).lower())
        found.setdefault(key, (match.group(2).strip(), line(child)))
        used.append(child)
    if not found or any(key in fields for key in found):
        return {}
    for child in used:
        tree.remove(child)
    return found


def _title_heading(tree, title: str | None):
    """The text's own title written as a lone top heading before any text, if there is one, a
    byline written right above it and a lead-in holding the title's first words (or None)."""
    children = [c for c in tree if isinstance(c.tag, str)]
    while len(children) > 1 and children[0].tag == "hr" and children[1].tag != "hr":
        children = children[1:]  # a rule above the title is the site's decoration
    lead = next((children[i] for i in (0, 1) if len(children) > i + 1 and lead_in(children[i], children[i + 1])),
                None)
    if lead is not None:  # it may stand under the byline
        children.remove(lead)
    above = None
    if len(children) > 1 and children[1].tag in HEADINGS and _byline(children[0]) is not None and (
            children[0].tag not in HEADINGS or children[0].tag > children[1].tag):
        above, children = children[0], children[1:]
    if not children or children[0].tag not in HEADINGS:
        return None, None, None
    first = children[0]
    same_rank = [c for c in children if c.tag == first.tag]
    # a heading under a byline is the title even where the site set the text's headings at its rank
    # (Kollontai's page), unless it numbers a chapter
    signed = above is not None and not CHAPTER_LABEL.match(inline_text(first)) and not NUMBER_ONLY.match(
        inline_text(first))
    if len(same_rank) != 1 and not signed and not (title and same_title(_joined_title(lead, first), title)):
        return None, None, None
    if title and not same_title(_joined_title(lead, first), title):
        return None, None, None
    if any(c.tag in HEADINGS and c.tag < first.tag for c in children):
        return None, None, None
    return first, above, lead


# words a title does not end on: a heading stopping on one leads into the next ("Draft Theses on")
LEAD_IN_END = lazy(r"\b(?:on|of|to|for|in|about|against|with|and|the|a|an|from|at|towards?|"
                   r"über|zur|zum|von|für|der|die|das|den|dem|sur|de|du|des|la|le|les|sobre|del|el|"
                   r"della|delle|di|о|об|по|к|на|и)$", re.IGNORECASE)


def lead_in(el, title: etree._Element) -> bool:
    """A short heading, ranked below the title heading right after it, that stops mid-phrase: the
    title's first words, set smaller by the archive (``### Draft Theses on`` over ``# National and
    Colonial Questions``)."""
    if el.tag not in HEADINGS or title.tag not in HEADINGS or el.tag <= title.tag:
        return False
    if el.find(f".//a[@{REF}]") is not None:
        return False
    written = " ".join(inline_text(el).split())
    return 0 < len(written.split()) <= 8 and LEAD_IN_END.search(written) is not None


def _joined_title(lead, heading) -> str:
    return inline_text(heading) if lead is None else f"{' '.join(inline_text(lead).split())} {inline_text(heading)}"


NAME_CONNECTORS = lazy(r"\s*(?:,|;|&|/|\s(?:and|und|et|и|y|e|i|och|og|en)\s)\s*", re.IGNORECASE)
NAME_PARTICLES = {"von", "van", "der", "den", "de", "du", "da", "di", "la", "le", "del", "della", "ibn", "bin", "al",
                  "ten", "ter", "zu", "y", "dos", "das"}
NOT_NAMES = {"the", "chapter", "part", "book", "section", "preface", "introduction", "contents", "volume", "vol",
             "archive", "internet", "index", "notes", "appendix", "letter", "manifesto", "selected", "works",
             "collected", "writers", "history", "speech", "article", "edition", "translated", "translation", "editor",
             "press", "publishers", "library", "university", "society", "party", "committee", "congress",
             "international", "glava", "глава", "часть", "предисловие", "введение", "том", "kapitel", "teil",
             "vorwort", "einleitung", "band", "chapitre", "partie", "préface", "tome", "capítulo", "prólogo"}
BYLINE_LEAD = lazy(r"^(?:(?:written\s+)?by|von|par|di|de|door|av|af|автор[ы]?:?|авт\.)\s+", re.IGNORECASE)
BYLINE_YEAR = lazy(r"[\s,]*[(\[]?\d{3,4}(?:\s*[-–]\s*\d{2,4})?[)\]]?\.?$")


def _byline(el) -> tuple[str, ...] | None:
    """The names a one-line paragraph or heading gives, if it is nothing but a byline
    (``Карл Маркс и Фридрих Энгельс``, ``Karl Marx/Friedrich Engels``, ``by V. I. Lenin``,
    ``Karl Korsch (1923)``): names of two to five capitalised words or initials each."""
    if el is None or el.tag not in ("p", *HEADINGS) or el.find(".//br") is not None or el.find(".//img") is not None:
        return None
    if el.find(f".//a[@{REF}]") is not None or el.find(".//a[@href]") is not None:
        return None
    written = "".join(el.itertext())
    if "\n" in written.strip() or len(written) > 100:
        return None
    return names_in(written)


def names_in(written: str) -> tuple[str, ...] | None:
    """The names a short text gives if it is nothing but names (``by`` before them and a year after
    allowed): two to five capitalised words or initials each; None if it is anything else."""
    text = BYLINE_YEAR.sub("", BYLINE_LEAD.sub("", " ".join(written.split())))
    names = tuple(n.strip() for n in NAME_CONNECTORS.split(text) if n.strip())
    if not names or len(names) > 6:
        return None
    for name in names:
        tokens = name.split()
        words = [t for t in tokens if t.lower() not in NAME_PARTICLES]
        if not 2 <= len(tokens) <= 5 or not words or not all(_name_token(t) for t in words):
            return None
        if all(re.fullmatch(r"\w\.", t) for t in words) or any(t.strip(".").casefold() in NOT_NAMES for t in words):
            return None
    return names


BRACKETED_END = lazy(r"(?P<title>.*\S)\s*\((?P<names>[^()\d]+)\)\s*")


def author_in_brackets(title: str) -> tuple[str, tuple[str, ...]] | None:
    """``Art poétique (Nicolas Boileau)``: a title ending in brackets holding nothing but names
    (two to five capitalised words or initials each, no figure, no word of a title such as
    ``Volume`` or ``Selected``) -> (the title before them, the names); else None."""
    found = BRACKETED_END.fullmatch(title)
    if not found or BYLINE_LEAD.match(found.group("names").strip()):
        return None
    names = names_in(found.group("names"))
    return (found.group("title"), names) if names else None


def _name_token(token: str) -> bool:
    """A capitalised word (``Engels``, ``O’Callaghan``, ``Jean-Paul``), or an initial (``V.``)."""
    return bool(re.fullmatch(r"[^\W\d_][.]|[^\W\d_](?:[^\W\d_]|[’'\-.])*[^\W\d_.]?\.?", token)) and token[0].isupper()


def _same_names(a, b) -> bool:
    norm = lambda names: sorted(re.sub(r"\W+", "", n).casefold() for n in names or ())  # noqa: E731
    return bool(a) and norm(a) == norm(b)


def _drop_repeated_title(tree, title: str, report: Collector) -> None:
    """A title heading written twice (the site's header, then the page's own) is printed once."""
    children = [c for c in tree if isinstance(c.tag, str)]
    if children and children[0].tag in HEADINGS and same_title(inline_text(children[0]), title) and \
            children[0].find(f".//a[@{REF}]") is None:
        report.warn("dialect.title", f"removed the heading '{inline_text(children[0])}': it repeats the title",
                    line(children[0]))
        tree.remove(children[0])


SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or", "the",
               "to", "with", "de", "du", "des", "la", "le", "les", "et", "au", "aux", "der", "die", "das", "und",
               "von", "zu", "im", "el", "y", "del", "di", "il", "e"}


def _file_title(stem: str) -> str:
    """A file name as words: ``shakespeare-sonnets`` -> "Shakespeare Sonnets",
    ``the_wealth_of_nations_vol_ii`` -> "The Wealth of Nations Vol II"."""
    words = [w for w in re.split(r"[-_.\s]+", stem) if w]
    if stem != stem.lower():
        return " ".join(words)  # written with capitals ("Les Fleurs du mal"): as written
    out = []
    for n, word in enumerate(words):
        if ROMAN_NUMERAL.fullmatch(word.upper()) and len(word) <= 4 and word not in ("mix", "dim", "mid", "lid", "did",
                                                                                         "civil", "dc", "cd"):
            out.append(word.upper())
        elif n and word in SMALL_WORDS:
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out) or stem


ROMAN_NUMERAL = lazy(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def same_title(a: str | None, b: str | None) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s or "").strip().casefold()  # noqa: E731
    return norm(a) == norm(b)


NUMBER_ONLY = lazy(r"^\W*(?:\d{1,4}|[IVXLCDM]{1,8}|[ivxlcdm]{1,8})\W*$")
CHAPTER_LABEL = lazy(r"^(?:(?:chapter|section|part|book|chant|canto|livre|kapitel|abschnitt|teil|buch|глава|"
                     r"часть|раздел|§)\s*(?:\d+|[IVXLCDM]+|[a-z])\b|(?:\d{1,3}|[IVXLCDM]{1,7})[.)]\s)",
                           re.IGNORECASE)


def _first_top_heading(tree, listed: set[int] = frozenset()):
    """The heading that names a text without a title: the first of the highest rank used, unless
    it is only a number, or one of several at its rank that is plainly a part of the text and not
    its name (numbered like a chapter, an entry of the source's own contents, or a poem's title)."""
    for tag in HEADINGS:
        found = [h for h in tree.iter(tag) if re.search(r"[^\W_]", inline_text(h))
                 and inline_text(h).strip(" :").casefold() not in CONTENTS_TITLES]  # not "* * *" nor "Contents"
        if not found:
            continue
        first = found[0]
        text = inline_text(first)
        if NUMBER_ONLY.match(text):
            return None
        if len(found) > 1 and (line(first) in listed or CHAPTER_LABEL.match(text) or _heads_verse(first)):
            return None
        return first
    return None


def _heads_verse(heading) -> bool:
    """A heading straight above a stanza is a poem's title."""
    after = heading.getnext()
    return after is not None and after.tag == "p" and "verse" in (after.get("class") or "").split()


def title_text(el) -> str:
    """A heading as plain text for the TOC, bookmarks and running heads: note numbers left out."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.get(NOTE) is None:
            parts.append(title_text(child))
        parts.append(child.tail or "")
    return collapsed("".join(parts))
