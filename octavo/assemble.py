"""Parsed sources + Markdown trees -> :class:`~octavo.model.Text`.

Everything structural is decided here, once, for both editions: which headings start sections,
heading levels, ids (unique in the whole book), note numbers and the links between notes and
their references, what happens to links and images that point outside the book, and the TOC.
"""
from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .assets import Images
from .dialect import REF_CLOSE, REF_OPEN, Prepared, guess_language, prepare
from .diagnostics import Collector
from .markup import Converter, inline_text
from .model import Metadata, Note, Section, Text, TocEntry
from .sources import Source
from .trees import replace_with_text, unwrap

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
NOTES_LABEL = {"de": "Anmerkungen", "fr": "Notes", "ru": "Примечания", "zh": "注释", "es": "Notas"}
CONTENTS_TITLES = {"contents", "table of contents", "inhalt", "inhaltsverzeichnis", "sommaire", "table des matières",
                   "содержание", "оглавление", "目录", "índice"}
BACKLINK = "\u21a9\ufe0e"  # ↩ as text, not emoji


def build_text(source: Source, text_id: str = "", level: int = 1, asset_roots: tuple[Path, ...] = ()) -> Text:
    """Assemble one parsed source. ``text_id`` prefixes every id; ``level``: h-level of its title;
    ``asset_roots``: folders besides the source's own that its images may come from."""
    report = source.diagnostics
    fields = source.fields
    language = fields.get("language") or _guess_language(source, report)
    prepared = prepare(source.body, source.body_line, report)
    images = Images(source.path, asset_roots, report)
    converter = Converter(language, report, source.text, images)
    tree = converter.convert(prepared.markdown)
    linked = _restore_stray_refs(tree, prepared)
    ids = _Ids(text_id)
    ids.new("top")  # the text's title block
    _rename_source_ids(tree, ids, report, converter)

    title = fields.get("title")
    title_heading = _title_heading(tree, title)
    if title_heading is not None:
        title = title or inline_text(title_heading)
        if title_heading.find(".//a[@data-octavo-ref]") is None:  # a note reference keeps its heading
            tree.remove(title_heading)
    if not title:
        title = _first_top_heading(tree)
    if not title:
        title = source.path.stem
        report.warn("frontmatter.title", f"no title given; using the file name '{title}'", 1)
    elif "title" not in fields:
        report.warn("frontmatter.title", f"no title in front matter; using the first heading '{title}'", 1)

    metadata = _metadata(fields, title, language)
    notes, refs = _notes(prepared, converter, ids, report, metadata.source_url, linked)
    _link_refs(tree, refs, prepared, report)
    _fix_links(tree, ids, metadata.source_url, report, converter)
    sections = _merge_opening_into_title_chapter(_sections(tree, ids, metadata, level))
    if notes:
        intro = converter.convert(prepared.notes_intro) if prepared.notes_intro else None
        if intro is not None:
            _rename_source_ids(intro, ids, report, converter)
            _fix_links(intro, ids, metadata.source_url, report, converter)
        sections.append(_notes_section(prepared, intro, ids, notes, language, level))
    return Text(
        id=text_id,
        slug=slugify(source.path.stem),
        path=source.path,
        metadata=metadata,
        sections=tuple(sections),
        level=level,
        assets=tuple(images.assets.values()),
    )


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:  # e.g. a name in Chinese: keep it recognisable and unique
        slug = "text-" + hashlib.sha1(name.encode()).hexdigest()[:8]
    return slug[:80]


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


def _metadata(fields: dict, title: str, language: str) -> Metadata:
    return Metadata(
        title=title,
        language=language,
        subtitle=fields.get("subtitle"),
        authors=fields.get("author", ()),
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
    )


def _is_url(value: str | None) -> bool:
    return bool(value) and urlsplit(value).scheme in ("http", "https", "ftp") and bool(urlsplit(value).netloc)


def _rename_source_ids(tree, ids: _Ids, report: Collector, converter: Converter) -> None:
    """Prefix ids written in the source so they can never collide with ours or another text's."""
    for el in tree.iter():
        written = el.get("id")
        if written is None:
            continue
        if written in ids.source:
            report.warn("ids.duplicate", f"id '{written}' is used twice; the second one is renamed",
                        converter.find_line(written))
        el.set("id", ids.new("x-" + re.sub(r"\s+", "-", written)))
        ids.source.setdefault(written, el.get("id"))
    for heading in tree.iter(*HEADINGS):
        ids.headings.setdefault(_anchor_key(inline_text(heading)), heading)


def _anchor_key(text: str) -> str:
    """What a link to a heading by its text (Pandoc's and GitHub's automatic ids) has in common
    with the heading: its letters and digits, lower-cased (doubled apostrophes undone)."""
    from urllib.parse import unquote

    return "".join(c for c in unquote(text).replace("''", "'").casefold() if c.isalnum())


def _title_heading(tree, title: str | None):
    """The text's own title written as a lone top heading before any text, if there is one."""
    children = [c for c in tree if isinstance(c.tag, str)]
    if not children or children[0].tag not in HEADINGS:
        return None
    first = children[0]
    same_rank = [c for c in children if c.tag == first.tag]
    if len(same_rank) != 1 and not (title and _same_title(inline_text(first), title)):
        return None
    if title and not _same_title(inline_text(first), title):
        return None
    if any(c.tag in HEADINGS and c.tag < first.tag for c in children):
        return None
    return first


def _same_title(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().casefold()  # noqa: E731
    return norm(a) == norm(b)


def _notes(prepared: Prepared, converter: Converter, ids: _Ids, report: Collector, base_url: str | None,
           linked: set[int]):
    """Number the notes in order of first reference and pair each reference with its note."""
    by_label: dict[str, int] = {}
    for i, d in enumerate(prepared.defs):
        if d.label in by_label:
            report.warn("notes.duplicate", f"note [{d.label}] is defined twice; references go to the first one", d.line)
        else:
            by_label[d.label] = i
    order: list[int] = []
    refs: dict[int, tuple[str, str]] = {}  # placeholder index -> (note id, ref id)
    ref_ids: dict[int, list[str]] = {}
    for index, ref in enumerate(prepared.refs):
        if index not in linked:
            continue  # written where no link can be (inside `code`): it stayed text
        d = by_label.get(ref.label)
        if d is None:
            report.warn("notes.undefined", f"reference to note [{ref.label}], which is not defined; kept as written", ref.line)
            continue
        if d not in order:
            order.append(d)
        ref_ids.setdefault(d, [])
        number = order.index(d) + 1
        suffix = "" if not ref_ids[d] else f"-{len(ref_ids[d]) + 1}"
        ref_id = ids.new(f"noteref-{number}{suffix}")
        ref_ids[d].append(ref_id)
        refs[index] = (str(number), ref_id)
    for i, d in enumerate(prepared.defs):
        if i not in order:
            if by_label.get(d.label) == i:
                report.warn("notes.unreferenced", f"note [{d.label}] is never referenced; it is kept in the notes", d.line)
            order.append(i)
    notes = []
    note_ids = {}
    for number, i in enumerate(order, 1):
        note_ids[i] = ids.new(f"note-{number}")
    for number, i in enumerate(order, 1):
        d = prepared.defs[i]
        body = converter.convert(d.markdown or "")
        _rename_source_ids(body, ids, report, converter)
        _fix_links(body, ids, base_url, report, converter)
        _add_backlinks(body, ref_ids.get(i, []))
        notes.append(Note(note_ids[i], number, d.label, _children_xml(body), tuple(ref_ids.get(i, [])), d.line))
    resolved = {index: (note_ids[order[int(num) - 1]], ref_id, num) for index, (num, ref_id) in refs.items()}
    return notes, resolved


STRAY_REF = re.compile(re.escape(REF_OPEN) + r"(\d+)" + re.escape(REF_CLOSE))


def _restore_stray_refs(tree, prepared: Prepared) -> set[int]:
    """Note markers that Markdown left as text (inside `code`, raw HTML blocks, attribute values)
    go back to what the author wrote; returns the indices of those that became reference links."""
    def restore(text: str) -> str:
        return STRAY_REF.sub(lambda m: prepared.refs[int(m.group(1))].written, text)

    for el in tree.iter():
        if el.text and REF_OPEN in el.text:
            el.text = restore(el.text)
        if el.tail and REF_OPEN in el.tail:
            el.tail = restore(el.tail)
        for name, value in el.attrib.items():
            if REF_OPEN in value:
                el.set(name, restore(value))
    return {int(a.get("data-octavo-ref")) for a in tree.iter("a") if a.get("data-octavo-ref") is not None}


def _add_backlinks(body, ref_ids: list[str]) -> None:
    if not ref_ids:
        return
    blocks = [c for c in body if isinstance(c.tag, str)]
    target = blocks[-1] if blocks and blocks[-1].tag == "p" else etree.SubElement(body, "p")
    for n, ref_id in enumerate(ref_ids, 1):
        link = etree.SubElement(target, "a", {
            "href": f"#{ref_id}", "class": "backlink", "role": "doc-backlink",
            "data-epub-type": "backlink", "title": "Back to the text",
        })
        link.text = BACKLINK if len(ref_ids) == 1 else f"{BACKLINK}{n}"
        link.tail = None
        if target.index(link) == 0 and not target.text:
            continue
        prev = link.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + " "
        else:
            target.text = (target.text or "") + " "


def _link_refs(tree, refs: dict, prepared: Prepared, report: Collector) -> None:
    for a in list(tree.iter("a")):
        index = a.get("data-octavo-ref")
        if index is None:
            continue
        del a.attrib["data-octavo-ref"]
        resolved = refs.get(int(index))
        if resolved is None:  # an undefined note: put back what the author wrote
            label = prepared.refs[int(index)].label
            replace_with_text(a, label if label.startswith("*") else f"[^{label}]")
            continue
        note_id, ref_id, number = resolved
        a.attrib.update({
            "href": f"#{note_id}", "id": ref_id, "class": "noteref",
            "role": "doc-noteref", "data-epub-type": "noteref",
        })
        a.text = number


def _unwrap(el) -> None:
    """Remove an element but keep its text and children in place (and its id, on a span)."""
    if el.get("id") is not None:  # something may link here: keep the target
        for name in list(el.attrib):
            if name != "id":
                del el.attrib[name]
        el.tag = "span"
        return
    unwrap(el)


def _fix_links(tree, ids: _Ids, base_url: str | None, report: Collector, converter: Converter) -> None:
    """Internal links point at ids in this book; links to pages not in it become absolute or go."""
    for a in list(tree.iter("a")):
        href = a.get("href")
        if href is None or a.get("role") in ("doc-noteref", "doc-backlink"):
            continue
        href = href.strip()
        parts = urlsplit(href)
        if href.startswith("#"):
            target = ids.source.get(href[1:]) or _heading_target(href[1:], ids)
            if target:
                a.set("href", f"#{target}")
                continue
            report.warn("links.broken", f"link to '{href}' has no target in this text; the link text is kept",
                        converter.find_line(f"({href}"))
            _unwrap(a)
        elif parts.scheme in ("http", "https", "mailto"):
            a.set("href", href)
        elif base_url and not parts.scheme:
            a.set("href", urljoin(base_url, href))
        else:
            report.warn("links.outside", f"link to '{href}' points outside the book and no originalSource is "
                        "known to resolve it; the link text is kept", converter.find_line(href))
            _unwrap(a)


def _first_top_heading(tree) -> str | None:
    """The text of the first heading of the highest rank used, for a text without a title."""
    for tag in HEADINGS:
        for heading in tree.iter(tag):
            text = inline_text(heading)
            if re.search(r"[^\W_]", text) and text.strip(" :").casefold() not in CONTENTS_TITLES:
                return text  # not a decoration like "* * *", nor a table of contents
    return None


def _guess_language(source: Source, report: Collector) -> str:
    """No ``language`` in the front matter: English, unless the text is plainly in another language."""
    language, evidence = guess_language(source.body)
    if language != "en":
        report.warn("frontmatter.language", f"no language given; the text looks {evidence}, so '{language}' is used "
                    f"(set 'language: {language}' in the front matter to silence this)", 1)
    return language


def _heading_target(fragment: str, ids: _Ids) -> str | None:
    """A link to a heading by its automatic id (``#chant-i`` for "Chant I"): give the heading an id."""
    heading = ids.headings.get(_anchor_key(fragment)) if _anchor_key(fragment) else None
    if heading is None:
        return None
    if heading.get("id") is None:
        heading.set("id", ids.new("h-" + (slugify(inline_text(heading)) or "heading")))
    return heading.get("id")


def _sections(tree, ids: _Ids, metadata: Metadata, level: int) -> list[Section]:
    children = list(tree)
    heading_levels = [int(c.tag[1]) for c in children if isinstance(c.tag, str) and c.tag in HEADINGS]
    top = min(heading_levels) if heading_levels else None
    below = _levels_below(tree, top, level + 1)
    groups: list[tuple[object, list]] = [(None, [])]
    for child in children:
        if top is not None and child.tag == f"h{top}":
            groups.append((child, []))
        else:
            groups[-1][1].append(child)
    if groups[0][0] is None and not _has_content(groups[0][1]) and len(groups) > 1:
        groups.pop(0)
    sections = []
    for heading, body in groups:
        section_level = level + 1
        sub_toc = []
        previous = section_level if heading is not None else level
        for el in body:
            for h in ([el] if el.tag in HEADINGS else []) + [x for x in el.iter(*HEADINGS) if x is not el]:
                # never more than one level under the heading before it, wherever the source jumps
                new_level = min(below.get(int(h.tag[1]), section_level + 1), previous + 1)
                previous = new_level
                if h.get("id") is None:
                    h.set("id", ids.new(f"h{len(ids.used)}"))
                if el is h and new_level == section_level + 1:
                    sub_toc.append(TocEntry(_title_text(h) or "\u2026", h.get("id")))
                    h.set("class", " ".join(filter(None, [h.get("class"), "toc-sub"])))
                h.tag = f"h{new_level}"
        body_xml = "".join(_xml(el) for el in body)
        if heading is None:
            sections.append(Section(ids.new(f"s{len(sections) + 1}"), "opening", metadata.title, None,
                                    section_level, body_xml, tuple(sub_toc)))
        else:
            title = _title_text(heading) or f"Section {len(sections) + 1}"
            sections.append(Section(heading.get("id") or ids.new(f"s{len(sections) + 1}"), "chapter", title,
                                    _children_xml(heading), section_level, body_xml, tuple(sub_toc)))
    return sections


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
        if isinstance(child.tag, str) and child.get("role") != "doc-noteref":
            parts.append(_title_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _merge_opening_into_title_chapter(sections: list[Section]) -> list[Section]:
    """Archive pages put breadcrumbs and the author's name above the heading that is the text's
    title. When the first chapter's heading repeats the title, that opening is printed under it,
    in the same section, instead of being a second TOC entry with the same name."""
    if (len(sections) > 1 and sections[0].kind == "opening" and sections[1].kind == "chapter"
            and _same_title(sections[1].title, sections[0].title)):
        from dataclasses import replace

        first = sections[1]
        merged = replace(first, body=sections[0].body + first.body,
                         subsections=sections[0].subsections + first.subsections)
        return [merged] + sections[2:]
    return sections


def _has_content(elements) -> bool:
    return any(inline_text(e) or e.tag in ("img", "hr", "table") or e.find(".//img") is not None for e in elements)


def _notes_section(prepared, intro_tree, ids, notes, language, level) -> Section:
    intro = _children_xml(intro_tree) if intro_tree is not None else ""
    label = NOTES_LABEL.get(language.split("-")[0], "Notes")
    return Section(ids.new("notes"), "notes", label, _escape(label), level + 1, intro,
                   byline=prepared.notes_byline, notes=tuple(notes))


def _xml(el) -> str:
    return etree.tostring(el, encoding="unicode", with_tail=True)


def _children_xml(el) -> str:
    return _escape(el.text or "") + "".join(_xml(c) for c in el)


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def book_toc(book) -> tuple[TocEntry, ...]:
    """The book's table of contents; the nav, the NCX, the printed TOC and the PDF outline all use it."""
    if not book.is_volume:
        return book.texts[0].toc() + (TocEntry(COLOPHON_TITLE[0], "colophon"),)
    entries = []
    for part in book.parts:
        texts = tuple(_text_entry(t) for t in part.texts)
        if part.title:
            entries.append(TocEntry(part.title, part.id, texts))
        else:
            entries.extend(texts)
    return tuple(entries) + (TocEntry(COLOPHON_TITLE[1], "colophon"),)


def _text_entry(text: Text) -> TocEntry:
    children = tuple(TocEntry(s.title, s.id, s.subsections) for s in text.sections if s.kind != "opening")
    return TocEntry(text.metadata.title, f"{text.id}top", children)


COLOPHON_TITLE = ("Source and credits", "Sources and credits")
