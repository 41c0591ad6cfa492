"""Parsed trees -> :class:`~octavo.model.Text`: everything structural, decided once for both editions.

In: the parsed source (front matter), the dialect's note records and the Markdown trees, every
element carrying the file line it was written on. Out: a frozen Text. On the way: images become
assets (or their descriptions), ids are made unique in the whole book, notes are numbered in order
of first reference and paired with their references, links are pointed inside the book or made
absolute, the text is divided into sections, heading ranks are closed up, and every block gets
its id. Every diagnostic names the line of the element it is about.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from . import model as m
from .assets import Images
from .diagnostics import Collector, Location
from .callouts import BOX, BOX_TITLE
from .markup import Parsed, inline_text, line
from .sanitize import LINE, REF
from .slugs import slugify
from .tables import note_words, notes_under_tables
from .trees import replace_with_text, unwrap

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
CONTENTS_TITLES = {"contents", "table of contents", "inhalt", "inhaltsverzeichnis", "sommaire", "table des matières",
                   "содержание", "оглавление", "目录", "índice"}
NOTE = "data-octavo-note"  # on a resolved reference: the id of its note
NUMBER = "data-octavo-number"


def build_text(source, language: str, prepared, parsed: Parsed, text_id: str = "", level: int = 1,
               asset_roots: tuple[Path, ...] = (), solutions: str = "inline") -> m.Text:
    """Resolve one parsed source. ``text_id`` prefixes every id; ``level``: rank of its title;
    ``asset_roots``: folders besides the source's own that its images may come from; ``solutions``:
    where exercises' solutions go (SOLUTIONS: in place, gathered at the end, or left out)."""
    report = source.diagnostics
    fields = source.fields
    tree = parsed.body
    images = Images(source.path, asset_roots, report)
    for t in [tree, *parsed.notes, *([parsed.intro] if parsed.intro is not None else [])]:
        images.rewrite(t, line)
    linked = {int(a.get(REF)) for a in tree.iter("a") if a.get(REF) is not None}
    ids = _Ids(text_id)
    ids.new("top")  # the text's title block
    _rename_source_ids(tree, ids, report)

    _drop_attribute_lists(tree, report)
    title, authors = _title_and_author(tree, fields, prepared, source.path, report)
    metadata = replace(_metadata(fields, title, language, authors), archive=_archive_header(tree, report))
    _dashes_in_headings(tree)
    notes, refs = _notes(prepared, parsed.notes, ids, report, metadata.source_url, linked, tree)
    _link_refs(tree, refs, prepared)
    _fix_links(tree, ids, metadata.source_url, report)
    builder = _ModelBuilder(ids, source.path)
    _structure(tree, report)
    sections = _merge_opening_into_title_chapter(_sections(tree, ids, metadata, level, builder, source.path))
    sections = _exercises(sections, solutions, ids, level, source.path, report)
    if notes:
        intro = parsed.intro
        if intro is not None:
            _rename_source_ids(intro, ids, report)
            _fix_links(intro, ids, metadata.source_url, report)
        note_records = tuple(m.Note(note_id, number, label, builder.blocks(body), tuple(ref_ids),
                                    Location(source.path, note_line))
                             for note_id, number, label, body, ref_ids, note_line in notes)
        first_line = min((n.where.line for n in note_records if n.where.line), default=None)
        sections.append(m.Section(ids.new("notes"), "notes", None, None, level + 1,
                                  builder.blocks(intro) if intro is not None else (),
                                  Location(source.path, first_line), byline=prepared.notes_byline,
                                  notes=note_records))
    return m.Text(
        id=text_id,
        slug=slugify(source.path.stem),
        path=source.path,
        metadata=metadata,
        sections=tuple(sections),
        level=level,
        assets=tuple(images.assets.values()),
        looked_for=tuple(dict.fromkeys(images.looked_for)),
    )


class _Ids:
    """Hands out ids that are unique in the book: every one starts with the text's prefix."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.used: set[str] = set()
        self.source: dict[str, str] = {}  # id as written in the source -> id in the book
        self.headings: dict[str, object] = {}  # anchor key of a heading's text -> the heading

    def new(self, name: str) -> str:
        candidate, n = f"{self.prefix}{name}", 1
        while candidate in self.used:
            n += 1
            candidate = f"{self.prefix}{name}-{n}"
        self.used.add(candidate)
        return candidate


SPACED_HYPHEN = re.compile(r"(?<=\S) - (?=\S)")  # "Chapter 15 - Machinery": a dash typed as a hyphen


def en_dashes(title):
    """A hyphen-minus between spaces in a title is the en dash a typesetter would set."""
    return SPACED_HYPHEN.sub(" \u2013 ", title) if isinstance(title, str) and " - " in title else title


def _dashes_in_headings(tree) -> None:
    """Headings set a spaced hyphen as an en dash (titles, heads, contents and running heads alike;
    code inside a heading keeps its hyphens)."""
    for heading in tree.iter(*HEADINGS):
        for el in heading.iter():
            if el.tag != "code":
                el.text = en_dashes(el.text)
            if el is not heading:
                el.tail = en_dashes(el.tail)


def _metadata(fields: dict, title: str, language: str, authors: tuple[str, ...] = ()) -> m.Metadata:
    return m.Metadata(
        title=en_dashes(title),
        language=language,
        subtitle=en_dashes(fields.get("subtitle")),
        short_title=en_dashes(fields.get("shortTitle")),
        authors=fields.get("author") or authors,
        translators=fields.get("translator", ()),
        editors=fields.get("editor", ()),
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


ARCHIVE_LABELS = ("source", "published", "first published", "transcribed", "translated", "html markup", "written",
                  "delivered", "proofed")
ARCHIVE_LINE = re.compile(r"^(" + "|".join(ARCHIVE_LABELS) + r")\s*:\s*(\S.*)$", re.IGNORECASE | re.DOTALL)


def _archive_header(tree, report: Collector) -> tuple[tuple[str, str], ...]:
    """An archive's header block at the start of the text (``Source: ...``, ``Published: ...``,
    ``Transcribed: ...``, one a line) is the text's provenance, not its first paragraph: it goes to
    the credits (``Metadata.archive``), with the rules that only framed it."""
    children = [c for c in tree if isinstance(c.tag, str)]
    for n, child in enumerate(children[:8]):
        if child.tag in HEADINGS or child.tag == "hr":
            continue
        entries = _archive_entries(child) if child.tag == "p" else None
        if not entries:
            return ()
        after, where = child.getnext(), line(child)
        replace_with_text(child)
        if after is not None and after.tag == "hr" and all(c.tag in HEADINGS or c.tag == "hr" for c in children[:n]):
            replace_with_text(after)  # the rule that closed the header
        report.warn("dialect.header", "moved the archive's header block ("
                    + ", ".join(label for label, _ in entries) + ") to the credits", where)
        return entries
    return ()


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


def _is_url(value: str | None) -> bool:
    return bool(value) and urlsplit(value).scheme in ("http", "https", "ftp") and bool(urlsplit(value).netloc)


def _rename_source_ids(tree, ids: _Ids, report: Collector) -> None:
    """Prefix ids written in the source so they can never collide with ours or another text's."""
    for el in tree.iter():
        written = el.get("id") if isinstance(el.tag, str) else None
        if written is None:
            continue
        if written in ids.source:
            report.warn("ids.duplicate", f"id '{written}' is used twice; the second one is renamed", line(el))
        el.set("id", ids.new("x-" + re.sub(r"\s+", "-", written)))
        ids.source.setdefault(written, el.get("id"))
    for heading in tree.iter(*HEADINGS):
        ids.headings.setdefault(_anchor_key(inline_text(heading)), heading)


def _anchor_key(text: str) -> str:
    """What a link to a heading by its text (Pandoc's and GitHub's automatic ids) has in common
    with the heading: its letters and digits, lower-cased (doubled apostrophes undone)."""
    return "".join(c for c in unquote(text).replace("''", "'").casefold() if c.isalnum())


ATTRIBUTE_LIST = re.compile(r"^\{:?(?:[#.][\w:.\-]+|[\w\-]+=[^\s}]+|toc|[ \t])*\}$")


def _drop_attribute_lists(tree, report: Collector) -> None:
    """An attribute list that reached the text as a paragraph of its own (``{: .verse}`` after a
    raw HTML block, which attr_list cannot attach to) is markup, never text."""
    for p in list(tree.iter("p")):
        written = inline_text(p)
        if written.startswith("{") and ATTRIBUTE_LIST.match(written) and not len(p):
            report.warn("dialect.kramdown", f"removed the attribute list '{written}' standing where it applies to "
                        "nothing", line(p))
            replace_with_text(p, "")


def _title_and_author(tree, fields: dict, prepared, path: Path, report: Collector) -> tuple[str, tuple[str, ...]]:
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
    heading, above, lead = _title_heading(tree, title, fields.get("author", ()))
    if heading is not None:
        if not title:
            title = _joined_title(lead, heading)
            where = f"line {line(heading)}" if lead is None else f"lines {line(lead)} and {line(heading)}"
            report.warn("frontmatter.title", f"no title in front matter; using the first heading '{title}' "
                        f"({where})", line(heading))
        following = heading.getnext()
        if heading.find(f".//a[@{REF}]") is None:  # a note reference keeps its heading
            for rule in [c for c in tree if c.tag == "hr" and c.getnext() in (heading, above, lead)]:
                tree.remove(rule)  # the rule that only set the title off
            tree.remove(heading)
            if lead is not None:
                tree.remove(lead)
        for candidate in (above, following):
            names = _byline(candidate) if candidate is not None and candidate.getparent() is tree else None
            if names is None or (candidate is following and _same_title(inline_text(candidate), title)):
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
        _drop_repeated_title(tree, title, report)
        children = [c for c in tree if isinstance(c.tag, str)]
        if children and children[0].tag in HEADINGS and sum(c.tag == children[0].tag for c in children) == 1 and \
                not any(c.tag in HEADINGS and c.tag < children[0].tag for c in children):
            children[0].set(SUBTITLE, "")  # "(1898)" under the title: part of it, not a division of the text
    if not title:
        first = _first_top_heading(tree, prepared.listed)
        if first is not None:
            title = _title_text(first)
            report.warn("frontmatter.title", f"no title in front matter; using the first heading '{title}' "
                        f"(line {line(first)})", line(first))
    if not title:
        title = _file_title(path.stem)
        report.warn("frontmatter.title", f"no title given and none found in the text; using the file name "
                    f"'{path.stem}' as '{title}'", 1)
    return title, authors


META_HEADING = re.compile(r"^(title|subtitle|author|authors|translator|year|date)\s*:\s*(\S.*)$", re.IGNORECASE)


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


def _title_heading(tree, title: str | None, authors: tuple[str, ...] = ()):
    """The text's own title written as a lone top heading before any text, if there is one, a
    byline written right above it and a lead-in holding the title's first words (or None)."""
    children = [c for c in tree if isinstance(c.tag, str)]
    while len(children) > 1 and children[0].tag == "hr" and children[1].tag != "hr":
        children = children[1:]  # a rule above the title is the site's decoration
    lead = next((children[i] for i in (0, 1) if len(children) > i + 1 and _lead_in(children[i], children[i + 1])),
                None)
    if lead is not None:  # it may stand under the byline
        children.remove(lead)
    above = None
    if len(children) > 1 and children[1].tag in HEADINGS and _byline(children[0]) is not None and (
            children[0].tag not in HEADINGS or children[0].tag > children[1].tag) and (
            not authors or _same_names(_byline(children[0]), authors)):
        above, children = children[0], children[1:]
    if not children or children[0].tag not in HEADINGS:
        return None, None, None
    first = children[0]
    same_rank = [c for c in children if c.tag == first.tag]
    if len(same_rank) != 1 and not (title and _same_title(_joined_title(lead, first), title)):
        return None, None, None
    if title and not _same_title(_joined_title(lead, first), title):
        return None, None, None
    if any(c.tag in HEADINGS and c.tag < first.tag for c in children):
        return None, None, None
    return first, above, lead


# words a title does not end on: a heading stopping on one leads into the next ("Draft Theses on")
LEAD_IN_END = re.compile(r"\b(?:on|of|to|for|in|about|against|with|and|the|a|an|from|at|towards?|"
                         r"über|zur|zum|von|für|der|die|das|den|dem|sur|de|du|des|la|le|les|sobre|del|el|"
                         r"della|delle|di|о|об|по|к|на|и)$", re.IGNORECASE)


def _lead_in(el, title: etree._Element) -> bool:
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


NAME_CONNECTORS = re.compile(r"\s*(?:,|;|&|/|\s(?:and|und|et|и|y|e|i|och|og|en)\s)\s*", re.IGNORECASE)
NAME_PARTICLES = {"von", "van", "der", "den", "de", "du", "da", "di", "la", "le", "del", "della", "ibn", "bin", "al",
                  "ten", "ter", "zu", "y", "dos", "das"}
NOT_NAMES = {"the", "chapter", "part", "book", "section", "preface", "introduction", "contents", "volume", "vol",
             "archive", "internet", "index", "notes", "appendix", "letter", "manifesto", "selected", "works",
             "collected", "writers", "history", "speech", "article", "edition", "translated", "translation", "editor",
             "press", "publishers", "library", "university", "society", "party", "committee", "congress",
             "international", "glava", "глава", "часть", "предисловие", "введение", "том", "kapitel", "teil",
             "vorwort", "einleitung", "band", "chapitre", "partie", "préface", "tome", "capítulo", "prólogo"}
BYLINE_LEAD = re.compile(r"^(?:(?:written\s+)?by|von|par|di|de|door|av|af|автор[ы]?:?|авт\.)\s+", re.IGNORECASE)
BYLINE_YEAR = re.compile(r"[\s,]*[(\[]?\d{3,4}(?:\s*[-–]\s*\d{2,4})?[)\]]?\.?$")


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


def _name_token(token: str) -> bool:
    """A capitalised word (``Engels``, ``O’Callaghan``, ``Jean-Paul``), or an initial (``V.``)."""
    return bool(re.fullmatch(r"[^\W\d_][.]|[^\W\d_](?:[^\W\d_]|[’'\-.])*[^\W\d_.]?\.?", token)) and token[0].isupper()


def _same_names(a, b) -> bool:
    norm = lambda names: sorted(re.sub(r"\W+", "", n).casefold() for n in names or ())  # noqa: E731
    return bool(a) and norm(a) == norm(b)


def _drop_repeated_title(tree, title: str, report: Collector) -> None:
    """A title heading written twice (the site's header, then the page's own) is printed once."""
    children = [c for c in tree if isinstance(c.tag, str)]
    if children and children[0].tag in HEADINGS and _same_title(inline_text(children[0]), title) and \
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


ROMAN_NUMERAL = re.compile(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def _same_title(a: str | None, b: str | None) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s or "").strip().casefold()  # noqa: E731
    return norm(a) == norm(b)


def _notes(prepared, trees, ids: _Ids, report: Collector, base_url: str | None, linked: set[int], body=None):
    """Number the notes in order of first reference and pair each reference with its note. A note
    no reference points at whose words are a table's note printed under the table in ``body`` is
    left out (tables.notes_under_tables): each note is printed once.

    Returns the notes as (id, number, label, tree, reference ids, line), and for every placeholder
    index that became a link: (note id, reference id, number)."""
    by_label: dict[str, int] = {}
    for i, d in enumerate(prepared.defs):
        if d.label in by_label:
            report.warn("notes.duplicate", f"note [{d.label}] is defined twice; references go to the first one", d.line)
        else:
            by_label[d.label] = i
    order: list[int] = []
    refs: dict[int, tuple[int, str]] = {}  # placeholder index -> (number, ref id)
    ref_ids: dict[int, list[str]] = {}
    for index, ref in enumerate(prepared.refs):
        if index not in linked:
            continue  # written where no link can be (inside `code`): it stayed text
        d = by_label.get(ref.label)
        if d is None:
            report.warn("notes.undefined", f"reference to note [{ref.label}], which is not defined; kept as written",
                        ref.line, subject=f"[{ref.label}]")
            continue
        if d not in order:
            order.append(d)
        ref_ids.setdefault(d, [])
        number = order.index(d) + 1
        suffix = "" if not ref_ids[d] else f"-{len(ref_ids[d]) + 1}"
        ref_id = ids.new(f"noteref-{number}{suffix}")
        ref_ids[d].append(ref_id)
        refs[index] = (number, ref_id)
    under_tables = notes_under_tables(body) if body is not None else {}
    for i, d in enumerate(prepared.defs):
        if i not in order:
            printed = under_tables.get(note_words("".join(trees[i].itertext())))
            if printed is not None:
                report.warn("notes.table-note", f"note [{d.label}] is never referenced and repeats a table's note "
                            f"printed under the table (line {printed.get(LINE)}); printed there only", d.line,
                            subject=f"[{d.label}]")
                continue
            if by_label.get(d.label) == i:
                report.warn("notes.unreferenced", f"note [{d.label}] is never referenced; it is kept in the notes", d.line,
                            subject=f"[{d.label}]")
            order.append(i)
    note_ids = {i: ids.new(f"note-{number}") for number, i in enumerate(order, 1)}
    notes = []
    for number, i in enumerate(order, 1):
        d = prepared.defs[i]
        body = trees[i]
        _rename_source_ids(body, ids, report)
        _fix_links(body, ids, base_url, report)
        notes.append((note_ids[i], number, d.label, body, ref_ids.get(i, []), d.line))
    resolved = {index: (note_ids[order[number - 1]], ref_id, number) for index, (number, ref_id) in refs.items()}
    return notes, resolved


def _link_refs(tree, refs: dict, prepared) -> None:
    for a in list(tree.iter("a")):
        index = a.get(REF)
        if index is None:
            continue
        del a.attrib[REF]
        resolved = refs.get(int(index))
        if resolved is None:  # an undefined note: put back what the author wrote
            label = prepared.refs[int(index)].label
            replace_with_text(a, label if label.startswith("*") else f"[^{label}]")
            continue
        note_id, ref_id, number = resolved
        a.attrib.update({NOTE: note_id, "id": ref_id, NUMBER: str(number)})
        a.text = None


def _unwrap(el) -> None:
    """Remove an element but keep its text and children in place (and its id, on a span)."""
    if el.get("id") is not None:  # something may link here: keep the target
        for name in list(el.attrib):
            if name not in ("id", LINE):
                del el.attrib[name]
        el.tag = "span"
        return
    unwrap(el)


def _fix_links(tree, ids: _Ids, base_url: str | None, report: Collector) -> None:
    """Internal links point at ids in this book; links to pages not in it become absolute or go."""
    for a in list(tree.iter("a")):
        href = a.get("href")
        if href is None or a.get(NOTE) is not None or a.get(REF) is not None:
            continue
        href = href.strip()
        parts = urlsplit(href)
        if href.startswith("#"):
            target = ids.source.get(href[1:]) or _heading_target(href[1:], ids)
            if target:
                a.set("href", f"#{target}")
                continue
            report.warn("links.broken", f"link to '{href}' has no target in this text; the link text is kept", line(a))
            _unwrap(a)
        elif parts.scheme in ("http", "https", "mailto"):
            a.set("href", href)
        elif base_url and not parts.scheme:
            a.set("href", urljoin(base_url, href))
        else:
            report.warn("links.outside", f"link to '{href}' points outside the book and no originalSource is "
                        "known to resolve it; the link text is kept", line(a))
            _unwrap(a)


NUMBER_ONLY = re.compile(r"^\W*(?:\d{1,4}|[IVXLCDM]{1,8}|[ivxlcdm]{1,8})\W*$")
CHAPTER_LABEL = re.compile(r"^(?:(?:chapter|section|part|book|chant|canto|livre|kapitel|abschnitt|teil|buch|глава|"
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


def _heading_target(fragment: str, ids: _Ids) -> str | None:
    """A link to a heading by its automatic id (``#chant-i`` for "Chant I"): give the heading an id."""
    heading = ids.headings.get(_anchor_key(fragment)) if _anchor_key(fragment) else None
    if heading is None:
        return None
    if heading.get("id") is None:
        heading.set("id", ids.new("h-" + (slugify(inline_text(heading)) or "heading")))
    return heading.get("id")


SUBTITLE = "data-octavo-subtitle"  # a heading right under the title heading, alone at its rank: part of the title
NO_TOC = "data-octavo-no-toc"  # a heading that is no division: a run-in heading
TOC_DEPTH = 2  # heading levels under a section that the contents list


def _sections(tree, ids: _Ids, metadata: m.Metadata, level: int, builder: _ModelBuilder, path: Path
              ) -> list[m.Section]:
    children = list(tree)
    heading_levels = [int(c.tag[1]) for c in children if isinstance(c.tag, str) and c.tag in HEADINGS
                      and c.get(SUBTITLE) is None]
    top = min(heading_levels) if heading_levels else None
    below = _levels_below(tree, top, level + 1)
    groups: list[tuple[object, list]] = [(None, [])]
    for child in children:
        if top is not None and child.tag == f"h{top}" and child.get(SUBTITLE) is None:
            groups.append((child, []))
        else:
            groups[-1][1].append(child)
    if groups[0][0] is None and not _has_content(groups[0][1]) and len(groups) > 1:
        groups.pop(0)
    sections = []
    for heading, body in groups:
        section_level = level + 1
        sub_toc: list[tuple[m.TocEntry, list]] = []  # entries one level down, each with its own entries
        previous = section_level if heading is not None else level
        for el in body:
            for h in ([el] if el.tag in HEADINGS else []) + [x for x in el.iter(*HEADINGS) if x is not el]:
                # never more than one level under the heading before it, wherever the source jumps
                new_level = min(below.get(int(h.tag[1]), section_level + 1), previous + 1)
                previous = new_level
                if h.get("id") is None:
                    h.set("id", ids.new(f"h{len(ids.used)}"))
                listed = el is h and h.get(NO_TOC) is None and h.get(SUBTITLE) is None
                entry = m.TocEntry(_title_text(h) or None, h.get("id"), kind="heading")
                if listed and new_level == section_level + 1:
                    sub_toc.append((entry, []))
                    h.set("data-octavo-toc", "")
                elif listed and new_level == section_level + TOC_DEPTH and sub_toc:
                    sub_toc[-1][1].append(entry)
                    h.set("data-octavo-toc", "")
                h.tag = f"h{new_level}"
        entries = tuple(replace(entry, children=tuple(inner)) for entry, inner in sub_toc)
        where = Location(path, line(heading) if heading is not None else (line(body[0]) if body else None))
        blocks = builder.blocks_of(body)
        if heading is None:
            sections.append(m.Section(ids.new(f"s{len(sections) + 1}"), "opening", metadata.title, None,
                                      section_level, blocks, where, entries))
        else:
            title = _title_text(heading) or None
            sections.append(m.Section(heading.get("id") or ids.new(f"s{len(sections) + 1}"), "chapter", title,
                                      builder.inlines(heading), section_level, blocks, where, entries))
    return sections


SOLUTIONS = ("inline", "end", "omit")


def _exercises(sections: list[m.Section], solutions: str, ids: _Ids, level: int, path: Path,
               report: Collector) -> list[m.Section]:
    """Exercises numbered in reading order, each solution with its exercise's number (the exercise it
    stands in, else the last one before it); then the solutions stay in place (``inline``), move to
    a closing section, each linked to its exercise and back (``end``), or are left out (``omit``)."""
    number_of: dict[str, int] = {}
    exercise_of: dict[str, str] = {}
    state = {"n": 0, "last": None}

    def survey(blocks, inside: str | None):
        for block in blocks:
            if isinstance(block, m.Callout) and block.kind == "exercise":
                state["n"] += 1
                number_of[block.id] = state["n"]
                state["last"] = block.id
                survey(block.blocks, block.id)
                continue
            if isinstance(block, m.Callout) and block.kind == "solution":
                owner = inside or state["last"]
                if owner is not None:
                    number_of[block.id] = number_of[owner]
                    exercise_of[block.id] = owner
            survey(m.child_blocks(block), inside)

    for section in sections:
        survey(section.blocks, None)
    if not number_of:
        return sections
    moved = solutions in ("end", "omit")
    solutions_of: dict[str, list[str]] = {}
    for solution, exercise in exercise_of.items():
        solutions_of.setdefault(exercise, []).append(solution)
    gathered: list[m.Callout] = []

    def rebuild(blocks):
        out = []
        for block in blocks:
            if isinstance(block, m.Callout) and block.kind == "solution" and moved:
                if solutions == "end":
                    gathered.append(replace(block, number=number_of.get(block.id), blocks=rebuild(block.blocks),
                                            see=(exercise_of[block.id],) if block.id in exercise_of else ()))
                else:
                    gathered.append(block)
                continue
            if isinstance(block, m.Callout):
                see = tuple(solutions_of.get(block.id, ())) if solutions == "end" else ()
                block = replace(block, number=number_of.get(block.id), see=see)
            if isinstance(block, m.ListBlock):
                block = replace(block, items=tuple(replace(i, blocks=rebuild(i.blocks)) for i in block.items))
            elif hasattr(block, "blocks") and not isinstance(block, m.Figure):
                block = replace(block, blocks=rebuild(block.blocks))
            out.append(block)
        return tuple(out)

    sections = [replace(s, blocks=rebuild(s.blocks)) for s in sections]
    if solutions == "omit" and gathered:
        report.info("solutions.omitted", f"{len(gathered)} solution{'s' if len(gathered) != 1 else ''} left out "
                    "(--solutions omit): a student copy", gathered[0].where.line)
    elif solutions == "end" and gathered:
        sections.append(m.Section(ids.new("solutions"), "solutions", None, None, level + 1, tuple(gathered),
                                  Location(path, gathered[0].where.line)))
    return sections


LETTER_LABEL = re.compile(r"^\(?([^\W\d_])[.)]\s")
FIRST_LETTERS = ("a", "а", "α")  # Latin, Cyrillic, Greek
NUMBER_LABEL = re.compile(r"^(?:(?:section|chapter|part|book|§|abschnitt|kapitel|teil|глава|часть|раздел|chapitre|"
                          r"partie)\s*)?(?:\d{1,3}|[IVXLC]{1,6})\b[.:)]?", re.IGNORECASE)
RUN_IN_DASH = ("\u2014", "\u2013", "--", "-")


def _structure(tree, report: Collector) -> None:
    """Headings the source wrote at the wrong rank or that divide nothing.

    - Lettered headings (``A.``, ``B.``, ...) at the rank of the numbered heading before them
      (``Section 3.``) are its subdivisions: they, and what is under them, go one rank down.
    - A heading straight above a table is the table's caption; so is a Pandoc table caption, a
      paragraph ``: Caption`` or ``Table: Caption`` straight above or below it.
    - A run-in heading (one ending in a dash, or whose paragraph starts with a dash on the very next
      line) starts a paragraph of a list; it stays a heading but is not in the contents."""
    children = [c for c in tree if isinstance(c.tag, str)]
    headings = [c for c in children if c.tag in HEADINGS]
    demoted: set = set()
    for n, numbered in enumerate(headings):
        label = LETTER_LABEL.match(inline_text(numbered))
        if numbered in demoted or not NUMBER_LABEL.match(inline_text(numbered)) or (
                label and label.group(1) not in "IVX"):  # "C. Modern Manufacture" is a letter, "I." a number
            continue
        rank, expected, k = numbered.tag, FIRST_LETTERS, n + 1
        while k < len(headings) and headings[k].tag >= rank:
            h = headings[k]
            if h.tag == rank:
                label = LETTER_LABEL.match(inline_text(h))
                if not label or label.group(1).lower() not in expected:
                    break
                expected = (chr(ord(label.group(1).lower()) + 1),)
            demoted.add(h)
            k += 1
        if expected == FIRST_LETTERS:
            for h in headings[n + 1:k]:
                demoted.discard(h)  # nothing lettered followed: what was under the numbered heading stays
    for h in demoted:
        h.tag = f"h{min(6, int(h.tag[1]) + 1)}"
    top = min((h.tag for h in headings if h.get(SUBTITLE) is None), default=None)
    for h in children:
        if h.tag not in HEADINGS:
            continue
        after = h.getnext()
        text = inline_text(h)
        if after is not None and after.tag == "table" and after.find("caption") is None and h.tag != top:
            caption = etree.Element("caption", {LINE: h.get(LINE, "")})
            caption.text, caption[:] = h.text, list(h)
            if h.get("id"):
                caption.set("id", h.get("id"))
            after.insert(0, caption)
            tree.remove(h)
            continue
        runs_on = after is not None and after.tag == "p" and (after.text or "").lstrip().startswith(RUN_IN_DASH[:2]) \
            and line(after) == (line(h) or 0) + 1
        if text.endswith(RUN_IN_DASH) or runs_on:
            h.set(NO_TOC, "")
    _pandoc_captions(tree)


PANDOC_CAPTION = re.compile(r"^[ \t]*(?:Table)?:[ \t]+(?=\S)")


def _pandoc_captions(tree) -> None:
    """Pandoc's table caption: a paragraph starting ``: `` or ``Table: `` straight above (else
    below) a table without a caption becomes its caption, without the prefix."""
    for table in list(tree.iter("table")):
        if table.find("caption") is not None:
            continue
        for p in (table.getprevious(), table.getnext()):
            if p is None or p.tag != "p" or not PANDOC_CAPTION.match(p.text or ""):
                continue
            caption = etree.Element("caption", {LINE: p.get(LINE, "")})
            caption.text = PANDOC_CAPTION.sub("", p.text, count=1)
            caption[:] = list(p)
            table.insert(0, caption)
            replace_with_text(p)
            break


def _levels_below(tree, top: int | None, section_level: int) -> dict[int, int]:
    """Source heading levels under the section level -> book levels with no gaps (h2 then h4 in
    the source become h2 then h3: skipped levels confuse screen readers)."""
    used = sorted({int(h.tag[1]) for h in tree.iter(*HEADINGS)} - {top})
    deeper = [n for n in used if top is None or n > top]
    return {n: min(6, section_level + 1 + rank) for rank, n in enumerate(deeper)}


def _title_text(el) -> str:
    """A heading as plain text for the TOC, bookmarks and running heads: note numbers left out."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.get(NOTE) is None:
            parts.append(_title_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _merge_opening_into_title_chapter(sections: list[m.Section]) -> list[m.Section]:
    """Archive pages put breadcrumbs and the author's name above the heading that is the text's
    title. When the first chapter's heading repeats the title, that opening is printed under it,
    in the same section, instead of being a second TOC entry with the same name."""
    if (len(sections) > 1 and sections[0].kind == "opening" and sections[1].kind == "chapter"
            and _same_title(sections[1].title, sections[0].title)):
        first = sections[1]
        merged = replace(first, blocks=sections[0].blocks + first.blocks,
                         subsections=sections[0].subsections + first.subsections)
        return [merged] + sections[2:]
    return sections


def _has_content(elements) -> bool:
    return any(inline_text(e) or e.tag in ("img", "hr", "table") or e.find(".//img") is not None for e in elements)


# --- the tree -> the model ----------------------------------------------------------------------

SPAN_KINDS = {tag: kind for kind, tag in m.SPAN_KINDS.items() if kind != "missing-image"}
SPAN_KINDS["a"] = "span"  # an anchor without a link: a place to link to
DIVISIONS = {"div": "division", "section": "section", "article": "article", "aside": "aside", "header": "header",
             "footer": "footer", "address": "address", "dl": "definitions", "dt": "term", "dd": "definition",
             "figcaption": "division", "caption": "division"}
BLOCK_ELEMENTS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "table", "figure", "hr",
                  "pre", BOX, *DIVISIONS}
KEPT_ATTRS = ("class", "lang", "dir", "title", "cite", "datetime", "type", "reversed", "scope")
LIST_LABEL = re.compile(r"^\s*(\(?([a-z]|[ivx]{1,5}|\d{1,3})[).])\s", re.IGNORECASE)


class _ModelBuilder:
    """lxml elements -> frozen model blocks and inlines; every block gets an id and its line."""

    def __init__(self, ids: _Ids, path: Path):
        self.ids = ids
        self.path = path
        self.counters: dict[str, int] = {}

    def _id(self, el, kind: str) -> str:
        if el is not None and el.get("id"):
            return el.get("id")
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.ids.new(f"{kind}{self.counters[kind]}")

    def _where(self, el) -> Location:
        return Location(self.path, line(el))

    def blocks(self, container) -> tuple[m.Block, ...]:
        """The blocks inside a container element (text and inline elements in it become Plain)."""
        if container is None:
            return ()
        return self._mixed(container.text, list(container), container)

    def blocks_of(self, elements: list) -> tuple[m.Block, ...]:
        return self._mixed(None, elements, elements[0].getparent() if elements else None)

    def _mixed(self, text: str | None, children: list, container) -> tuple[m.Block, ...]:
        out: list[m.Block] = []
        run_text, run = text, []
        run_at = container

        def flush():
            inlines = self._inline_run(run_text, run)
            if _has_words(inlines):  # not only the line breaks between blocks
                out.append(m.Plain(self._id(None, "b"), self._where(run[0] if run else run_at), inlines))

        for child in children:
            if not isinstance(child.tag, str):
                continue
            if child.tag in BLOCK_ELEMENTS:
                flush()
                out.append(self.block(child))
                run_text, run, run_at = child.tail, [], child
            else:
                run.append(child)
        flush()
        return tuple(out)

    def block(self, el) -> m.Block:
        tag, where = el.tag, self._where(el)
        attrs = _attrs(el)
        if tag == "p":
            if "verse" in (el.get("class") or "").split():
                return m.Verse(self._id(el, "v"), where, _verse_lines(self.inlines(el)),
                               _without_class(attrs, "verse"))
            return m.Paragraph(self._id(el, "p"), where, self.inlines(el), attrs)
        if tag in HEADINGS:
            return m.Heading(self._id(el, "h"), where, int(tag[1]), self.inlines(el), el.get("data-octavo-toc") is not None,
                             attrs)
        if tag in ("ul", "ol"):
            items = tuple(self._item(li) for li in el if li.tag == "li")
            labelled = tag == "ul" and bool(items) and all(LIST_LABEL.match(_leading_text(li)) for li in el
                                                          if li.tag == "li")
            start = el.get("start")
            return m.ListBlock(self._id(el, "l"), where, items, tag == "ol",
                               int(start) if start and start.strip().lstrip("-").isdigit() else None, labelled, attrs)
        if tag == "li":
            return m.Division(self._id(el, "d"), where, "division", self.blocks(el), attrs)
        if tag == "blockquote":
            return m.Quotation(self._id(el, "q"), where, self.blocks(el), attrs)
        if tag == "table":
            return self._table(el, where, attrs)
        if tag == "figure":
            captions = [c for c in el if c.tag == "figcaption"]
            for c in captions:
                el.remove(c)  # handled below; they may only come first or last
            caption = tuple(b for c in captions for b in self.blocks(c))
            return m.Figure(self._id(el, "f"), where, self.blocks(el), caption, attrs)
        if tag == "hr":
            return m.Rule(self._id(el, "r"), where)
        if tag == "pre":
            return _code_block(self._id(el, "c"), where, "".join(el.itertext()), el.get("data-language"))
        if tag == BOX:
            title = el.find(BOX_TITLE) if len(el) and el[0].tag == BOX_TITLE else None
            if title is not None:
                el.remove(title)
            return m.Callout(self._id(el, "box"), where, el.get("kind"), self.inlines(title) if title is not None
                             else (), self.blocks(el), attrs=attrs)
        return m.Division(self._id(el, "d"), where, DIVISIONS[tag], self.blocks(el), attrs)

    def _item(self, li) -> m.ListItem:
        value = li.get("value")
        return m.ListItem(self._id(li, "i"), self._where(li), self.blocks(li),
                          int(value) if value and value.strip().lstrip("-").isdigit() else None, _attrs(li))

    def _table(self, el, where, attrs) -> m.Table:
        rows = []
        caption: tuple[m.Inline, ...] = ()
        for part in el:
            if part.tag == "caption":
                caption = self.inlines(part)
            elif part.tag == "tr":
                rows.append(self._row(part, "body"))
            elif part.tag in ("thead", "tbody", "tfoot"):
                rows += [self._row(tr, part.tag[1:]) for tr in part if tr.tag == "tr"]
        return m.Table(self._id(el, "t"), where, tuple(rows), caption, attrs)

    def _row(self, tr, group: str) -> m.Row:
        cells = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            cells.append(m.Cell(self.blocks(cell), cell.tag == "th", _span(cell.get("colspan")),
                                _span(cell.get("rowspan")), cell.get("data-align"), _attrs(cell)))
        return m.Row(tuple(cells), group, self._where(tr))

    def inlines(self, el) -> tuple[m.Inline, ...]:
        return self._inline_run(el.text, list(el))

    def _inline_run(self, text: str | None, children: list) -> tuple[m.Inline, ...]:
        out: list[m.Inline] = []
        if text:
            out.append(m.Run(text))
        for child in children:
            if isinstance(child.tag, str):
                item = self.inline(child)
                if item is not None:
                    out.append(item)
            if child.tail:
                out.append(m.Run(child.tail))
        return _merge_text(out)

    def inline(self, el) -> m.Inline | None:
        tag = el.tag
        if tag == "a" and el.get(NOTE) is not None:
            return m.NoteRef(el.get("id"), el.get(NOTE), int(el.get(NUMBER)))
        if tag == "a" and el.get("href"):
            href = el.get("href")
            internal = href.startswith("#")
            return m.Link(self.inlines(el), href[1:] if internal else None, None if internal else href, el.get("id"),
                          _attrs(el))
        if tag == "img":
            return m.Image(el.get("src"), el.get("alt") or "", _pixels(el.get("width")), _pixels(el.get("height")),
                           el.get("id"), _attrs(el))
        if tag == "br":
            return m.LineBreak()
        if tag == "wbr":
            return m.WordBreak()
        if tag == "span" and "image-alt" in (el.get("class") or "").split():
            return m.Span("missing-image", self.inlines(el), el.get("id"), _without_class(_attrs(el), "image-alt"))
        if tag in SPAN_KINDS:
            return m.Span(SPAN_KINDS[tag], self.inlines(el), el.get("id"), _attrs(el))
        # a block element left inside text by raw HTML (repairs make this rare): keep its words
        return m.Span("span", self.inlines(el), el.get("id"), ())


OUTPUT_LANGUAGES = {"output", "error", "warning", "console-output", "text-output"}
SHELL_LANGUAGES = {"bash", "sh", "shell", "console", "zsh", "shell-session", "sh-session"}


def _code_block(id_: str, where: Location, text: str, language: str | None) -> m.CodeBlock:
    """A code block and what it shows: a command typed at a prompt, what a program printed, or code.
    A block named ``output`` (or ``error``) is output; one named ``bash`` (or a shell), or naming no
    language and opening with a ``$ `` prompt, is a command."""
    if language in OUTPUT_LANGUAGES:
        return m.CodeBlock(id_, where, text, None, "output")
    prompt = text.lstrip("\n").startswith("$ ")  # its first line, as typed at a shell's prompt
    if language in SHELL_LANGUAGES or (language is None and prompt):
        return m.CodeBlock(id_, where, text, language or "bash", "command")
    return m.CodeBlock(id_, where, text, language, "code")


def _attrs(el) -> m.Attrs:
    return tuple((name, el.get(name)) for name in KEPT_ATTRS if el.get(name) is not None)


def _without_class(attrs: m.Attrs, name: str) -> m.Attrs:
    out = []
    for key, value in attrs:
        if key == "class":
            value = " ".join(c for c in value.split() if c != name)
            if not value:
                continue
        out.append((key, value))
    return tuple(out)


def _span(value: str | None) -> int:
    return int(value) if value and value.strip().isdigit() and 0 < int(value) < 1000 else 1


def _pixels(value: str | None) -> int | None:
    return int(value) if value and re.fullmatch(r"\s*\d{1,5}\s*", value) else None


def _merge_text(items: list[m.Inline]) -> tuple[m.Inline, ...]:
    out: list[m.Inline] = []
    for item in items:
        if isinstance(item, m.Run) and out and isinstance(out[-1], m.Run):
            out[-1] = m.Run(out[-1].text + item.text)
        else:
            out.append(item)
    return tuple(i for i in out if not (isinstance(i, m.Run) and not i.text))


def _has_words(inlines: tuple[m.Inline, ...]) -> bool:
    return any(not isinstance(i, m.Run) or i.text.strip() for i in inlines)


def _verse_lines(inlines: tuple[m.Inline, ...]) -> tuple[tuple[m.Inline, ...], ...]:
    lines: list[list[m.Inline]] = [[]]
    for item in inlines:
        if isinstance(item, m.LineBreak):
            lines.append([])
        else:
            lines[-1].append(item)
    out = []
    for items in lines:
        if items and isinstance(items[0], m.Run):
            items[0] = m.Run(items[0].text.lstrip("\n"))
        if items and isinstance(items[-1], m.Run):
            items[-1] = m.Run(items[-1].text.rstrip("\n"))
        out.append(_merge_text(items))
    while out and not out[-1]:
        out.pop()
    return tuple(out)


def _leading_text(li) -> str:
    """The text an item starts with, looking into a first <p> (loose lists)."""
    if (li.text or "").strip() or not len(li):
        return (li.text or "") + " "
    first = li[0]
    return ((first.text or "") + " ") if first.tag == "p" else ""
