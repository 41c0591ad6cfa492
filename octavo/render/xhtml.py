"""Model blocks and inlines -> namespace-free XHTML elements (lxml), one medium's ``Flavour`` deciding
what differs (flavour.py). ``data-epub-type`` stands for ``epub:type``: the EPUB writer renames it."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from lxml import etree

from .. import highlight, tables
from .. import model as m
from ..span_elements import SPAN_ELEMENTS
from ..trees import append_text
from .flavour import PLAIN, Flavour, backlinks, note_call, paragraph_number
from .typography import (_as_inline_level, _characters, bind_last_word, capitals_row, keep_dashes_with_words,
                         let_quotes_break, small_capitals)
from .flavour import note_number as _number_first

IMAGES = "images"  # the folder of a book's images, in the EPUB, the print document and the web edition


def image_path(name: str) -> str:
    """Where the image ``name`` (an ``Asset.name``) is, relative to the pages."""
    return f"{IMAGES}/{name}"


TAGS = SPAN_ELEMENTS  # kind -> element
DIVISION_TAGS = {"division": "div", "section": "section", "article": "article", "aside": "aside",
                 "header": "header", "footer": "footer", "address": "address", "definitions": "dl", "term": "dt",
                 "definition": "dd"}


class Xhtml:
    """Model blocks and inlines -> namespace-free XHTML elements."""

    def __init__(self, ui: dict[str, str], flavour: Flavour = PLAIN, notes: Mapping[str, m.Note] | None = None):
        self.ui = ui
        self.flavour = flavour
        self.notes = notes or {}
        self.floats_off = 0  # inside a table cell or a note, a call sets no footnote (none is placed reliably)
        self._set_wide: frozenset[int] = frozenset()  # ids of tables set small with the others of their note
        self._keep: frozenset[str] = frozenset()  # stanzas kept on a page with the next (short poems)
        self._noted: frozenset[int] = frozenset()  # short tables followed by their own notes (kept whole)
        self._divisible: frozenset[str] = frozenset()  # stanzas a page may end inside (divisible_stanzas)
        self._poem_heads: frozenset[str] = frozenset()  # headings set over verse (poem_heads)
        self.in_poem_section = False  # the blocks of a section that is a poem (verse_before_heading)

    def blocks(self, parent: etree._Element, blocks: tuple[m.Block, ...]) -> None:
        self._keep = self._keep | short_poem_stanzas(blocks)
        self._noted = self._noted | tables.short_with_notes(blocks)
        self._divisible = self._divisible | divisible_stanzas(blocks)
        self._poem_heads = self._poem_heads | poem_heads(blocks)
        poems = poem_spans(blocks) if self.flavour.poem_frames else {}
        if self.in_poem_section:  # the section is the poem's frame (section.html): no frame inside it
            poems.pop(0, None)
            self.in_poem_section = False
        into, end = parent, 0
        for n, block in enumerate(blocks):
            if n in poems:  # a poem's stanzas (and its title) in a box of their own, centred (common.css)
                frame = etree.SubElement(parent, "div", {"class": "poem"})
                into, end = etree.SubElement(frame, "div", {"class": "poem-box"}), poems[n]
                frame.tail = into.text = into.tail = "\n"
            count = len(into)
            if not isinstance(block, m.Plain) and _ends_inline(into):
                append_text(into, "\n")  # a block after inline content: keep the words apart
            self.block(into, block)
            if not isinstance(block, m.Plain) and len(into) > count:
                into[-1].tail = "\n"  # a line break between blocks, for whoever reads the markup as text
            if n + 1 == end:
                into = parent

    def block(self, parent: etree._Element, block: m.Block) -> None:
        if isinstance(block, m.Plain):
            self.inlines(parent, block.inlines)
            return
        if isinstance(block, m.Paragraph):
            p = self._el(parent, "p", block.id, block.attrs)
            self.inlines(p, block.inlines)
            if self.flavour.bind_words:
                bind_last_word(p)
        elif isinstance(block, m.Verse):
            classes = ("verse", *(("keep-with-next",) if block.id in self._keep else ()),
                       *(("long",) if block.id in self._divisible else ()))
            p = self._el(parent, "p", block.id, block.attrs, classes=classes)
            for n, line in enumerate(block.lines):  # a box per line: turnovers can hang
                if n:
                    etree.SubElement(p, "br").tail = "\n"
                level, line = verse_indent(line)
                span = etree.SubElement(p, "span", {"class": f"verse-line indent-{level}" if level else "verse-line"})
                self.inlines(span, line)
        elif isinstance(block, m.Heading):
            classes = (*(("toc-sub",) if block.in_toc else ()), *(("caps",) if small_capitals(m.plain_text(block.inlines)) else ()),
                       *(("poem-title",) if block.id in self._poem_heads else ()))
            h = self._el(parent, f"h{min(max(block.level, 1), 6)}", block.id, block.attrs, classes=classes)
            self.inlines(h, block.inlines)
        elif isinstance(block, m.ListBlock):
            lst = self._el(parent, "ol" if block.ordered else "ul", block.id, block.attrs,
                           classes=("lettered",) if block.labelled else ())
            if block.start is not None:
                lst.set("start", str(block.start))
            for item in block.items:
                li = self._el(lst, "li", item.id, item.attrs)
                li.tail = "\n"
                if item.value is not None:
                    li.set("value", str(item.value))
                self.blocks(li, item.blocks)
        elif isinstance(block, m.Quotation):
            self.blocks(self._el(parent, "blockquote", block.id, block.attrs), block.blocks)
        elif isinstance(block, m.Table):
            self._table(parent, block)
        elif isinstance(block, m.Figure):
            figure = self._el(parent, "figure", block.id, block.attrs)
            self.blocks(figure, block.blocks)
            if block.caption:
                self.blocks(etree.SubElement(figure, "figcaption"), block.caption)
        elif isinstance(block, m.Rule):
            self._el(parent, "hr", block.id, ())
        elif isinstance(block, m.CodeBlock):
            self._code(parent, block)
        elif isinstance(block, m.Callout):
            self._callout(parent, block)
        elif isinstance(block, m.Division):
            self.blocks(self._el(parent, DIVISION_TAGS.get(block.kind, "div"), block.id, block.attrs), block.blocks)
        else:
            raise TypeError(f"cannot render {type(block).__name__}")

    def _code(self, parent: etree._Element, block: m.CodeBlock) -> None:
        """``<pre class="code command">``: what the block is (code, a command, output) as a class, its
        language on ``<code>``, highlighted runs as spans; the text is the block's, byte for byte."""
        pre = self._el(parent, "pre", block.id, (), classes=("code", block.role))
        code = etree.SubElement(pre, "code")
        if block.language:
            code.set("class", f"language-{block.language}")
        runs = highlight.runs(block.text, block.language, block.role == "command")
        if not self.flavour.code_lines:
            _spans(code, runs)
            return
        lines: list[list[tuple[str, str]]] = [[]]  # print: one block per line (its end is the block's end)
        for name, text in runs:
            for n, piece in enumerate(text.split("\n")):
                if n:
                    lines.append([])
                if piece:
                    lines[-1].append((name, piece))
        if not lines[-1] and len(lines) > 1:
            lines.pop()  # the newline that ends the block
        for line in lines:
            _spans(etree.SubElement(code, "span", {"class": "line"}), line)

    def _callout(self, parent: etree._Element, box: m.Callout) -> None:
        """A box: ``<aside>`` (a note to the text, whatever its kind), opened by its label in the text's
        language and its title (what a reader without styles sees and a screen reader announces), with
        a link to its solution at the end or back to its exercise."""
        classes = ("box", f"box-{box.kind}") + (("keep",) if box_size(box) <= KEEP_BOX else ())
        aside = self._el(parent, "aside", box.id, box.attrs, classes=classes)
        aside.set("role", "doc-tip" if box.kind == "tip" else "note")
        if box.kind in BOX_EPUB_TYPES:
            aside.set("data-epub-type", BOX_EPUB_TYPES[box.kind])
        aside.set("aria-labelledby", f"{box.id}-title")
        label = box_label(box, self.ui)
        title = etree.SubElement(aside, "p", {"class": "box-title", "id": f"{box.id}-title"})
        strong = etree.SubElement(title, "strong", {"class": "box-label"})
        strong.text = label
        if box.title and not _same_words(m.plain_text(box.title), label, self.ui.get(f"box_{box.kind}", "")):
            strong.tail = ": "
            self.inlines(title, box.title)
        title.tail = "\n"
        self.blocks(aside, box.blocks)
        back = box.kind == "solution"  # "Back to exercise 3": a way back, which paper has no use for
        if box.see and (self.flavour.back_links or not back):
            key = "back_to_exercise" if back else "solution_at_end"
            see = etree.SubElement(aside, "p", {"class": "box-see"})
            for n, target in enumerate(box.see):
                if n:
                    append_text(see, " ")
                link = etree.SubElement(see, "a", {"href": f"#{target}"})
                if back:
                    link.set("role", "doc-backlink")  # (the reading-text comparison skips ways back)
                link.text = self.ui[key].format(n=box.number if box.number is not None else "")

    def _table(self, parent: etree._Element, table: m.Table) -> None:
        self.floats_off += 1
        try:
            self._table_rows(parent, table)
        finally:
            self.floats_off -= 1

    def _table_rows(self, parent: etree._Element, table: m.Table) -> None:
        """The table; on paper, one table per column group when it is too wide for the measure (the
        first keeps its id and caption, each repeats the label column)."""
        width = "wide" if id(table) in self._set_wide else tables.width_class(table)
        groups = tables.column_groups(table, self.flavour.table_room) if self.flavour.table_room else None
        columns = tables.least_widths(table)[1]
        whole = len(table.rows) <= tables.SHORT and (groups or id(table) in self._noted)
        for n, group in enumerate(groups or [None]):
            classes = tuple(c for c in (width, "column-group" if groups else None, "short" if whole else None) if c)
            el = self._el(parent, "table", table.id if n == 0 else None, table.attrs if n == 0 else (), classes=classes)
            if n:
                el.set("data-columns-of", table.id)  # the page-list counts it as the table (pagelist.py)
            if table.caption and n == 0:  # one written in capitals is set in small capitals, as a heading is
                caps = small_capitals(m.plain_text(table.caption))
                self.inlines(etree.SubElement(el, "caption", {"class": "caps"} if caps else {}), table.caption)
            if groups:
                self._group_widths(el, tables.group_columns(table, groups, self.flavour.table_room), len(group) - 1)
            self._rows(el, table, group, columns)
            el.tail = "\n"

    @staticmethod
    def _group_widths(el: etree._Element, shares: tuple[float, float], figures: int) -> None:
        """A column group's width and its columns' (print.css sets it with table-layout: fixed), as
        percentages of the measure, so that each group's columns stand where the others' do."""
        label, figure = shares
        width = label + figures * figure
        el.set("style", f"width: {width:.1f}%")
        cols = etree.SubElement(el, "colgroup")
        for share in (label, *[figure] * figures):
            etree.SubElement(cols, "col", {"style": f"width: {100 * share / width:.2f}%"})

    def _rows(self, el: etree._Element, table: m.Table, group: tuple[int, ...] | None, columns: int) -> None:
        group_el, kind = None, None
        heads = tables.header_rows(table)
        figures = tables.figure_cells(table)
        labels = tables.cell_labels(table) if tables.width_class(table) or id(table) in self._set_wide else {}
        for n, row in enumerate(table.rows):
            if n < heads:
                made = m.Row(tuple(replace(c, header=True) for c in row.cells), "head", row.where)
                figures |= {id(new) for old, new in zip(row.cells, made.cells) if id(old) in figures}
                row = made
            if row.group != kind:
                kind, group_el = row.group, etree.SubElement(el, f"t{row.group}")
            tr = etree.SubElement(group_el, "tr")
            tr.tail = "\n"
            for cell in (row.cells if group is None else tables.cells_in(row, group, columns)):
                classes = (f"align-{cell.align}",) if cell.align else ()
                if n >= heads and cell.colspan > 1 and cell.colspan == (columns if group is None else len(group)):
                    classes += ("group",)  # a label across the row opens a group of rows (COTTON)
                if tables.is_numeric(tables.cell_text(cell)):  # a figure, or a year heading figures
                    classes += ("number",)
                elif id(cell) in figures and not cell.align:  # words in a column of figures
                    classes += ("figures",)
                if cell.colspan == columns > 1 and capitals_row(tables.cell_text(cell)):
                    classes += ("caps",)  # a title row written in capitals: small capitals, as a caption
                # an empty corner is a plain cell: a header cell names the cells under it, and
                # an empty one names nothing (screen readers; axe's empty-table-header)
                td = self._el(tr, "th" if cell.header and cell.blocks else "td", None, cell.attrs, classes=classes)
                if cell.colspan > 1:
                    td.set("colspan", str(cell.colspan))
                if cell.rowspan > 1:
                    td.set("rowspan", str(cell.rowspan))
                if id(cell) in labels:  # a narrow screen sets its column's head beside it (epub.css)
                    td.set("data-label", labels[id(cell)])
                self.blocks(td, cell.blocks)

    def note_blocks(self, note: m.Note) -> etree._Element:
        """A note's blocks in a holder element; a call inside a note opens no footnote or popover of
        its own (none would be placed reliably)."""
        holder = etree.Element("div")
        self.floats_off += 1
        self._set_wide = tables.set_alike(note.blocks)  # a note's tables read as one set (Capital's note 96)
        try:
            self.blocks(holder, note.blocks)
        finally:
            self.floats_off -= 1
            self._set_wide = frozenset()
        return holder

    def note(self, parent: etree._Element, note: m.Note) -> None:
        """A note's blocks and, on screen, a ↩ link back to each call (in its last paragraph, or a
        new one). On paper (``number_notes``) the caller opens the note with its number instead."""
        holder = self.note_blocks(note)
        for child in list(holder):
            parent.append(child)
        parent.text = holder.text
        backlinks(self, parent, note)

    def inlines(self, parent: etree._Element, inlines: tuple[m.Inline, ...]) -> None:
        for item in inlines:
            self.inline(parent, item)

    def inline(self, parent: etree._Element, item: m.Inline) -> None:
        if isinstance(item, m.Run):
            bind = self.flavour.bind_words and parent.tag != "code"
            append_text(parent, keep_dashes_with_words(let_quotes_break(item.text)) if bind else item.text)
        elif isinstance(item, m.NoteRef):
            note_call(self, parent, item)
        elif isinstance(item, m.Link):
            a = self._el(parent, "a", item.id, item.attrs)
            a.set("href", f"#{item.target}" if item.target else item.url)
            self.inlines(a, item.children)
        elif isinstance(item, m.Image):
            img = self._el(parent, "img", item.id, item.attrs)
            img.set("src", image_path(item.asset))
            img.set("alt", item.alt)
            for name, value in (("width", item.width), ("height", item.height)):
                if value is not None:
                    img.set(name, str(value))
        elif isinstance(item, m.LineBreak):
            etree.SubElement(parent, "br")
        elif isinstance(item, m.WordBreak):
            etree.SubElement(parent, "wbr")
        elif isinstance(item, m.Span):
            classes = ("image-alt",) if item.kind == "missing-image" else ()
            self.inlines(self._el(parent, TAGS.get(item.kind, "span"), item.id, item.attrs, classes=classes),
                         item.children)
        else:
            raise TypeError(f"cannot render {type(item).__name__}")

    def _footnote(self, parent: etree._Element, note: m.Note, placement: str) -> None:
        """Right after a note's first call, what the foot of the page shows: the note (its blocks as
        inline-level boxes, since it sits inside a paragraph) or, for a note left at the end, a
        pointer to it. print.css floats it to the foot of the call's page."""
        holder = etree.Element("div")
        if placement == "foot":
            self.note(holder, note)
        else:
            pointer = etree.SubElement(holder, "a", {"href": f"#{note.id}"})
            pointer.text = self.ui["note_at_end"].format(n=note.number)
        _number_first(holder, note)
        _as_inline_level(holder)
        span = etree.SubElement(parent, "span", {"class": "footnote" if placement == "foot" else "footnote pointer",
                                                 "role": "doc-footnote", "data-call": note.refs[0]})
        if placement == "foot":
            span.set("id", note.id)
        span.text = holder.text
        span.extend(list(holder))

    def _el(self, parent, tag: str, id_: str | None, attrs: m.Attrs, classes: tuple[str, ...] = ()) -> etree._Element:
        el = etree.SubElement(parent, tag)
        if id_:
            el.set("id", id_)
        given = dict(attrs)
        names = [*classes, *given.pop("class", "").split()]
        if names:
            el.set("class", " ".join(dict.fromkeys(names)))
        for name, value in given.items():
            el.set(name, value)
        number = self.flavour.numbers.get(id_) if self.flavour.numbers and id_ else None
        if number is not None:
            paragraph_number(el, number, self.flavour)
        return el


def _spans(parent: etree._Element, runs: list[tuple[str, str]]) -> None:
    """Highlighted runs into ``parent``: a span per classed run, plain text as it is."""
    last = None
    for name, text in runs:
        if name:
            last = etree.SubElement(parent, "span", {"class": name})
            last.text = text
        elif last is None:
            parent.text = (parent.text or "") + text
        else:
            last.tail = (last.tail or "") + text


KEEP_BOX = 600  # characters (a code line counts 60; about ten lines): a box this short is never split across
# pages; a longer one splits (print.css keeps its title with two lines): kept whole up to half a page, a
# box moved to the next page and left the page before 40 % empty (a lesson handout, issue 17)
# epub:type of boxes, from the EPUB Structural Semantics Vocabulary (the other kinds have no term;
# "notice" would want the role doc-notice, which an <aside> may not take)
BOX_EPUB_TYPES = {"tip": "tip", "exercise": "practice", "objectives": "learning-objectives"}



def box_label(box: m.Callout, ui: Mapping[str, str]) -> str:
    """What a box is called in the text's language: "Exercise 3", "Solution 3", "Key points"."""
    if box.kind in ("exercise", "solution") and box.number is not None:
        return ui[f"box_{box.kind}_n"].format(n=box.number)
    return ui.get(f"box_{box.kind}", ui["box_note"])


def box_size(box: m.Callout) -> int:
    """Characters of a box's text, a line of code counting as 60: how much room it takes."""
    code = sum(60 * b.text.count("\n") for b in m.walk_blocks(box.blocks) if isinstance(b, m.CodeBlock))
    return _characters(box.blocks) + code


def _same_words(title: str, *labels: str) -> bool:
    """A title that only repeats the label ("Solution" under "Solution 3") is not printed twice."""
    words = "".join(c for c in title.casefold() if c.isalnum())
    return any(words == "".join(c for c in label.casefold() if c.isalnum()) for label in labels if label)



SHORT_POEM = 20  # lines: a poem this short fits on any page, so its stanzas are kept together; a
# stanza longer than this ("long", a verse paragraph) may be divided across pages (common.css): kept
# whole, one longer than the page went on to the next page and left the page before empty (Gilgamesh)
STANZA_WHOLE = 8  # lines: a stanza of a longer poem this short is kept whole (a ballad's quatrain, an
# octave); a longer one (Boileau's verse paragraphs of 14-20 alexandrines) may be divided: kept whole,
# it left the page before it up to 19 lines short
INDENT_STEP = 2  # columns of leading space per indent level of a verse line (a tab counts 4)


def _poems(blocks: tuple[m.Block, ...]):
    """Each run of stanzas (a poem) among some blocks, with its number of lines."""
    run: list[m.Verse] = []
    for block in (*blocks, None):
        if isinstance(block, m.Verse):
            run.append(block)
        elif run:
            yield run, sum(len(v.lines) for v in run)
            run = []


def short_poem_stanzas(blocks: tuple[m.Block, ...]) -> frozenset[str]:
    """Ids of the stanzas to keep with the next: every stanza but the last of a run of stanzas
    (a poem) of at most SHORT_POEM lines."""
    return frozenset(v.id for run, lines in _poems(blocks) if len(run) > 1 and lines <= SHORT_POEM for v in run[:-1])


def divisible_stanzas(blocks: tuple[m.Block, ...]) -> frozenset[str]:
    """Ids of the stanzas a page may end inside: those of more than SHORT_POEM lines, and those of
    more than STANZA_WHOLE lines in a run of stanzas (a poem) of more than SHORT_POEM lines. A short
    poem (a sonnet in one stanza) stays whole."""
    return frozenset(v.id for run, lines in _poems(blocks) for v in run
                     if len(v.lines) > SHORT_POEM or lines > SHORT_POEM and len(v.lines) > STANZA_WHOLE)


def poem_spans(blocks: tuple[m.Block, ...]) -> dict[int, int]:
    """Where each poem's box begins and ends (indices into ``blocks``, end excluded): a run of
    stanzas, with the heading right before it. The box (div.poem-box) is as wide as the poem's
    longest line, centred in its frame (div.poem) across the measure (print.css, epub.css), its title
    at the box's left edge."""
    spans: dict[int, int] = {}
    n = 0
    while n < len(blocks):
        if not isinstance(blocks[n], m.Verse):
            n += 1
            continue
        start = n - 1 if n and isinstance(blocks[n - 1], m.Heading) else n
        while n < len(blocks) and isinstance(blocks[n], m.Verse):
            n += 1
        spans[start] = n
    return spans


def poem_heads(blocks: tuple[m.Block, ...]) -> frozenset[str]:
    """Ids of the headings that stand over verse of their own: a stanza comes after the heading
    before the next heading (a poem's title, a note under it allowed). Verse is set flush left,
    so these are too (common.css); a heading over a group of poems has none and stays centred."""
    heads: set[str] = set()
    current: str | None = None
    for block in blocks:
        if isinstance(block, m.Heading):
            current = block.id
        elif isinstance(block, m.Verse) and current is not None:
            heads.add(current)
    return frozenset(heads)


def verse_before_heading(blocks: tuple[m.Block, ...]) -> bool:
    """Whether a stanza comes before any heading: the section's own title stands over verse."""
    for block in blocks:
        if isinstance(block, m.Heading):
            return False
        if isinstance(block, m.Verse):
            return True
    return False


def verse_indent(line: tuple[m.Inline, ...]) -> tuple[int, tuple[m.Inline, ...]]:
    """A verse line's indent level (its leading spaces, as written) and the line without them:
    markup collapses spaces, so the indent becomes a class."""
    if not line or not isinstance(line[0], m.Run):
        return 0, line
    text = line[0].text
    stripped = text.lstrip(" \t\u00a0\u3000")
    columns = sum(4 if c == "\t" else 2 if c == "\u3000" else 1 for c in text[:len(text) - len(stripped)])
    level = min(round(columns / INDENT_STEP), 6)
    if not level:
        return 0, line
    return level, ((replace(line[0], text=stripped),) if stripped else ()) + line[1:]



def _ends_inline(parent: etree._Element) -> bool:
    """Whether the parent's content so far ends in text that is not a line break."""
    last = parent[-1].tail if len(parent) else parent.text
    if len(parent) and last is None:
        return parent[-1].tag in TAGS.values() or parent[-1].tag in ("a", "img", "br", "wbr")
    return bool(last) and not last.endswith("\n")

