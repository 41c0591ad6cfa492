"""Parsed trees -> :class:`~octavo.model.Text`: everything structural, decided once for both editions.

In: the parsed source (front matter), the dialect's note records and the Markdown trees, every
element carrying the file line it was written on. Out: a frozen Text. On the way: images become
assets (or their descriptions), ids are made unique in the whole book, notes are numbered in order
of first reference and paired with their references, links are pointed inside the book or made
absolute, the text is divided into sections, heading ranks are closed up, and every block gets
its id. Every diagnostic names the line of the element it is about. The title, authors and archive
header are read by titles.py; the finished tree becomes model blocks in blocks.py.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from . import model as m
from .archive_header import archive_header, provenance
from .assets import Images
from .diagnostics import Collector, Location
from .markup import Parsed, line
from .metadata import en_dashes
from .masthead import masthead
from .metadata import metadata_from_fields as _metadata
from .sanitize import LINE, REF
from .blocks import ModelBuilder
from .dialect import is_notes_title
from .headings import DIVISION, NO_TOC, heading_ranks
from .slugs import slugify
from .tables import note_words, notes_under_tables
from .titles import (HEADINGS, NOTE, NUMBER, SUBTITLE, author_in_brackets, dingbat_headings, names_in,
                     same_title, title_and_author, title_text, unframe)
from .trees import inline_text, replace_with_text, unwrap
from .expressions import lazy



def build_text(source, language: str, prepared, parsed: Parsed, text_id: str = "", level: int = 1,
               asset_roots: tuple[Path, ...] = (), solutions: str = "inline", named: bool = False) -> m.Text:
    """Resolve one parsed source. ``text_id`` prefixes every id; ``level``: rank of its title;
    ``asset_roots``: folders besides the source's own that its images may come from; ``solutions``:
    where exercises' solutions go (SOLUTIONS: in place, gathered at the end, or left out); ``named``:
    a volume's manifest names the authors, so a text naming none is no omission."""
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
    unframe(tree, report)
    dingbat_headings(tree, report)
    masthead_authors, part_of = masthead(tree, fields, report)
    title, authors = title_and_author(tree, fields, prepared, source.path, report)
    if not (fields.get("author") or authors or masthead_authors):
        title, authors = _author_from_title(title, source, report)
    _drop_closing_rules(tree)
    archive = archive_header(tree, report)
    mapped = provenance(archive)
    if fields.get("translator"):
        mapped.pop("translators", None)  # the front matter's word is final
    metadata = replace(_metadata(fields, title, language, authors or masthead_authors), archive=archive,
                       part_of=part_of, **mapped)
    if not metadata.source_url and prepared.addresses:  # the page the text was copied from
        metadata = replace(metadata, source_url=prepared.addresses[0])
    if not (metadata.authors or named):
        _no_author(source)
    _dashes_in_headings(tree)
    notes, refs = _notes(prepared, parsed.notes, ids, report, metadata.source_url, linked, tree)
    _link_refs(tree, refs, prepared)
    _fix_links(tree, ids, metadata.source_url, report)
    builder = ModelBuilder(ids, source.path)
    heading_ranks(tree, report)
    sections = _title_printed_once(_sections(tree, ids, metadata, level, builder, source.path), metadata.title)
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
        own = next((s for s in sections if s.kind == "chapter" and s.title and is_notes_title(s.title)
                    and not s.subsections and all(isinstance(b, m.Rule) for b in s.blocks)), None)
        if own is not None:  # the source's own "Notes" heading, its notes taken out: the notes section, once
            sections.remove(own)
        sections.append(m.Section(own.id if own is not None else ids.new("notes"), "notes", None, None, level + 1,
                                  builder.blocks(intro) if intro is not None else (),
                                  Location(source.path, first_line), byline=_notes_byline(prepared, metadata, report),
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


def _author_from_title(title: str, source, report) -> tuple[str, tuple[str, ...]]:
    """No author anywhere, and the title ends in a name in brackets (``Art poétique (Nicolas
    Boileau)``, as Pandoc title blocks of poetry sites write it): the name is the author."""
    split = author_in_brackets(title)
    if split is None:
        return title, ()
    report.warn("frontmatter.author", f"no author given; the title '{title}' ends in a name in brackets: using "
                f"'{' and '.join(split[1])}' as the author and '{split[0]}' as the title (if that is wrong, give "
                "title: and author: in the front matter)", _line_of(source, title))
    return split


def _line_of(source, written: str) -> int:
    """The file line where ``written`` stands (its first words), else 1."""
    words = written.split()[:3]
    for number, text in enumerate(source.text.split("\n"), 1):
        if words and all(w in text for w in words):
            return number
    return 1


def _notes_byline(prepared, metadata: m.Metadata, report) -> str | None:
    """The byline under the source's NOTES heading, if a reader needs it: the archive repeats the
    author there ("By J. V. Stalin"), which a publisher does not print; a byline naming someone
    else (the editors, a translator) says whose the notes are, and stays."""
    byline = prepared.notes_byline
    names = names_in(byline) if byline else None
    surnames = {a.split()[-1].casefold() for a in metadata.authors}
    if not names or not all(n.split()[-1].casefold() in surnames for n in names):
        return byline
    report.warn("notes.byline", f"removed the byline '{byline}' under the notes heading: it repeats the "
                "author's name, which the title page prints", prepared.notes_byline_line)
    return None


def _no_author(source) -> None:
    """A book with no creator is catalogued as anonymous; the user should know it is."""
    blank = source.blank.get("author")
    where = f"'author:' on line {blank} is empty" if blank else "no 'author:' in the front matter"
    source.diagnostics.warn("frontmatter.author", f"the text names no author ({where}, and no byline under the "
                            "title): the book has no author on its title page and no dc:creator; give 'author:' "
                            "(or 'author: Anonymous')", blank or 1)


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


def _dashes_in_headings(tree) -> None:
    """Headings set a spaced hyphen as an en dash (titles, heads, contents and running heads alike;
    code inside a heading keeps its hyphens)."""
    for heading in tree.iter(*HEADINGS):
        for el in heading.iter():
            if el.tag != "code":
                el.text = en_dashes(el.text)
            if el is not heading:
                el.tail = en_dashes(el.tail)




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


ATTRIBUTE_LIST = lazy(r"^\{:?(?:[#.][\w:.\-]+|[\w\-]+=[^\s}]+|toc|[ \t])*\}$")


def _drop_closing_rules(tree) -> None:
    """A rule as the body's last block (a page's ``* * *`` above its notes) separates nothing."""
    while len(tree) and tree[-1].tag == "hr" and not (tree[-1].tail or "").strip():
        tree.remove(tree[-1])


def _drop_attribute_lists(tree, report: Collector) -> None:
    """An attribute list that reached the text as a paragraph of its own (``{: .verse}`` after a
    raw HTML block, which attr_list cannot attach to) is markup, never text."""
    for p in list(tree.iter("p")):
        written = inline_text(p)
        if written.startswith("{") and ATTRIBUTE_LIST.match(written) and not len(p):
            report.warn("dialect.kramdown", f"removed the attribute list '{written}' standing where it applies to "
                        "nothing", line(p))
            replace_with_text(p, "")


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


def _heading_target(fragment: str, ids: _Ids) -> str | None:
    """A link to a heading by its automatic id (``#chant-i`` for "Chant I"): give the heading an id."""
    heading = ids.headings.get(_anchor_key(fragment)) if _anchor_key(fragment) else None
    if heading is None:
        return None
    if heading.get("id") is None:
        heading.set("id", ids.new("h-" + (slugify(inline_text(heading)) or "heading")))
    return heading.get("id")


TOC_DEPTH = 2  # heading levels under a section that the contents list


def _sections(tree, ids: _Ids, metadata: m.Metadata, level: int, builder: ModelBuilder, path: Path
              ) -> list[m.Section]:
    children = list(tree)
    heading_levels = [int(c.tag[1]) for c in children if isinstance(c.tag, str) and c.tag in HEADINGS
                      and c.get(SUBTITLE) is None]
    top = min(heading_levels) if heading_levels else None
    below = _levels_below(tree, top, level + 1)
    groups: list[tuple[object, list]] = [(None, [])]
    for child in children:
        if top is not None and (child.tag == f"h{top}" or child.get(DIVISION) is not None) and \
                child.get(SUBTITLE) is None:
            groups.append((child, []))  # a section; a chapter of a book (headings.DIVISION) is one too
        else:
            groups[-1][1].append(child)
    if groups[0][0] is None and not _has_content(groups[0][1]) and len(groups) > 1:
        groups.pop(0)
    sections = []
    for heading, body in groups:
        section_level = level + (2 if heading is not None and heading.get(DIVISION) is not None else 1)
        sub_toc: list[tuple[m.TocEntry, list]] = []  # entries one level down, each with its own entries
        previous = section_level if heading is not None else level
        # the opening has no heading of its own (the text's title heads it): its headings, one rank
        # under the title, are its entries in the contents as a chapter's are one rank under it
        head = section_level if heading is not None else level
        for el in body:
            for h in ([el] if el.tag in HEADINGS else []) + [x for x in el.iter(*HEADINGS) if x is not el]:
                # never more than one level under the heading before it, wherever the source jumps
                new_level = min(below.get(int(h.tag[1]), section_level + 1), previous + 1)
                previous = new_level
                if h.get("id") is None:
                    h.set("id", ids.new(f"h{len(ids.used)}"))
                listed = el is h and h.get(NO_TOC) is None and h.get(SUBTITLE) is None
                entry = m.TocEntry(title_text(h) or None, h.get("id"), kind="heading")
                if listed and new_level == head + 1:
                    sub_toc.append((entry, []))
                    h.set("data-octavo-toc", "")
                elif listed and new_level == head + TOC_DEPTH and sub_toc:
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
            title = title_text(heading) or None
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
                    "(--solutions omit): a student copy", gathered[0].where.line, count=len(gathered))
    elif solutions == "end" and gathered:
        sections.append(m.Section(ids.new("solutions"), "solutions", None, None, level + 1, tuple(gathered),
                                  Location(path, gathered[0].where.line)))
    return sections


def _levels_below(tree, top: int | None, section_level: int) -> dict[int, int]:
    """Source heading levels under the section level -> book levels with no gaps (h2 then h4 in
    the source become h2 then h3: skipped levels confuse screen readers)."""
    used = sorted({int(h.tag[1]) for h in tree.iter(*HEADINGS)} - {top})
    deeper = [n for n in used if top is None or n > top]
    return {n: min(6, section_level + 1 + rank) for rank, n in enumerate(deeper)}


def _title_printed_once(sections: list[m.Section], title: str) -> list[m.Section]:
    """A text whose first chapter's heading is the text's own title (a title read from that
    heading, or written twice) prints it once, in the text's header: that chapter becomes the
    text's opening, which has no heading of its own and no second entry in a volume's contents.
    Archive pages put breadcrumbs and the author's name above that heading; they open it too."""
    n = 1 if len(sections) > 1 and sections[0].kind == "opening" else 0
    if n >= len(sections) or sections[n].kind != "chapter" or not same_title(sections[n].title, title):
        return sections
    first = sections[n]
    if n:
        first = replace(first, blocks=sections[0].blocks + first.blocks,
                        subsections=sections[0].subsections + first.subsections)
    return [replace(first, kind="opening", heading=None)] + sections[n + 1:]


def _has_content(elements) -> bool:
    return any(inline_text(e) or e.tag in ("img", "hr", "table") or e.find(".//img") is not None for e in elements)
