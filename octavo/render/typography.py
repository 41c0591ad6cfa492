"""Print typography and the measures of a text that layout decisions read: running heads, titles
set in small capitals, spaced dashes kept with their words, no lone short word at a paragraph's end,
where each note is set on paper and how a note set at its call becomes inline-level, how long a text
or its opening is. Pure functions over the model or over lxml elements; the print edition's."""
from __future__ import annotations

import re

from lxml import etree

from .. import model as m
from ..span_elements import SPAN_ELEMENTS
from ..expressions import lazy

LONG_TEXT = 20_000  # characters (about ten A5 pages): a longer text's chapters each open a page
SHORT_OPENING = 1_200  # characters (about half an A5 page): a shorter opening runs into chapter one
SHORT_CHAPTER = 2_400  # characters (about an A5 page): chapters shorter on average run on (chapters_open_pages)
HANDOUT_HEAD = 84  # characters: one line of 8 pt italic over a handout's (or a booklet page's) text
# characters of a source citation in a handout's foot: one line of 7 pt beside "Page 15 of 16" on a booklet's
# A5 half (the seed's 58-character address fits; the Zetkin speech's 70-character first phrase ran into the number)
SOURCE_FOOT = 60
RUNNING_HEAD = 64  # characters at most in a running head: one line of 7.5 pt small capitals on A5 (70 fit)
PHRASE_END = lazy(r"(?:[:;,.!?]|\s[\u2013\u2014])\s")  # where a phrase of a title ends
ROMAN = lazy(r"[IVXLCDM]+")
NUMERAL = lazy(r"\s*(?:[IVXLCDM]+|[ivxlcdm]+|\d+)\.?\s*")  # "XXXVIII.", "12": a title that only numbers
POEM_NUMBER = lazy(r"\s*(?:[IVXLCDM]+|[ivxlcdm]+|\d+)\.(?=\s|$)")  # "XVIII." opening "XVIII. THE BOOK OF MARTYRS."
POEM_LIST = 8  # entries at least: a shorter list of numbered titles is set as any contents


def text_length(text: m.Text) -> int:
    """Characters of a text's body (notes left out): what decides whether its chapters open pages."""
    return sum(_characters(s.blocks) for s in text.sections if s.kind != "notes")


def chapters_open_pages(text: m.Text) -> bool:
    """Whether a text's chapters each open a page in print: a long text (LONG_TEXT) whose chapters
    are, on average, a page or more (SHORT_CHAPTER). A collection of short poems or letters (the
    Sonnets: 154 chapters of about 600 characters) runs on, a poem kept whole on its page."""
    chapters = sum(1 for s in text.sections if s.kind == "chapter")
    length = text_length(text)
    return length > LONG_TEXT and length >= SHORT_CHAPTER * chapters


def opening_length(text: m.Text) -> int:
    """Characters of the text before its first heading (0 when it opens with one)."""
    return sum(_characters(s.blocks) for s in text.sections if s.kind == "opening")


def _characters(blocks: tuple[m.Block, ...]) -> int:
    """Characters of text in some blocks and the blocks inside them (headings and tables aside)."""
    return sum(len(m.plain_text(inlines)) for block in m.walk_blocks(blocks) for inlines in _inline_groups(block))


def running_head(title: str, limit: int = RUNNING_HEAD) -> str:
    """A title for a running head, on one line: whole; else its first phrases that fit (up to a
    colon, a comma, a full stop or a spaced dash, when they make at least 40 % of a line), never
    cut mid-phrase; only a title with no such place is cut at a word, with an ellipsis. (print.css
    sets running heads in spaced small capitals, a title written in capitals too.)"""
    title = without_stop(title)
    if len(title) <= limit:
        return title
    ends = [end.start() for end in PHRASE_END.finditer(title) if limit * 0.4 <= end.start() <= limit]
    if ends:
        return title[:ends[-1]].rstrip()
    cut = title[:limit].rsplit(" ", 1)[0] if " " in title[:limit] else title[:limit - 1]
    return cut.rstrip(" ,;:.\u2013\u2014-") + "\u2026"


def shouting(title: str | None) -> bool:
    """A title written in capitals ("I. THE FACTS ABOUT THE OCTOBER UPRISING"): print sets it in
    small capitals (print.css ``.caps``). A roman numeral alone ("XXXVIII.") is not shouting."""
    letters = [c for c in title or "" if c.isalpha()]
    if len(letters) < 4 or any(c.islower() for c in letters) or not any(c.isupper() for c in letters):
        return False
    return any(len(word) >= 3 and not ROMAN.fullmatch(word) for word in re.findall(r"[^\W\d_]+", title))


def poem_number(title: str | None) -> tuple[str, str] | None:
    """A title opened by its number ("XVIII. THE BOOK OF MARTYRS.", "II."): (the number, the rest,
    as written), which a list of poems in the contents sets in a column of its own; else None."""
    found = POEM_NUMBER.match(title or "")
    return (found.group().strip(), title[found.end():]) if found else None


def poem_list(titles: list[str], leaves: bool, first_lines: bool = False) -> str:
    """The class of a contents list of poems (a list of entries without children, each a title
    opened by its number, POEM_LIST or more): "poems" when some have words or every poem's first
    line is known (Dickinson, the Sonnets: one a line, numbers, titles or first lines and page
    numbers each in their own column), "numerals" when every title is only a number and no first
    line is known (four to a line); else ""."""
    if not leaves or len(titles) < POEM_LIST or not all(poem_number(t) for t in titles):
        return ""
    return "numerals" if all(NUMERAL.fullmatch(t) for t in titles) and not first_lines else "poems"


def without_stop(title: str | None) -> str:
    """A title without its final full stop, for the contents and the running heads ("I. LIFE." ->
    "I. LIFE"; the text keeps it as written); an ellipsis stays."""
    title = title or ""
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def small_capitals(title: str | None) -> bool:
    """Whether print sets a title in small capitals (``.caps``): one written in capitals, or a
    poem's number alone ("II."), so that it matches the numbers of titled poems ("I. SUCCESS.")."""
    return shouting(title) or bool(NUMERAL.fullmatch(title or ""))


def capitals_row(text: str) -> bool:
    """Whether a table's title row (a cell across the whole table) is written in capitals: as a
    title is (shouting), an abbreviation of a letter or two left aside (Capital's "EXPORT OF CORN,
    &c., FROM THE UNITED STATES ...")."""
    return shouting(" ".join(re.findall(r"[^\W\d_]{3,}", text)))


NOTE_LINE = 75  # characters of a footnote's line on A5 (pdf.FOOTNOTE_ROOM's 1,400 are about 19 lines)
CELL_CHARS = 24  # characters of a line in a column of a note's table


def footnote_placement(book: m.Book, room: int) -> dict[str, str]:
    """Where the print edition sets each note: "foot", under its first call, when that call is in the
    running text (not in a table, a heading or another note) and the note takes at most ``room``
    characters (a longer one would leave its call's page short); else "end", with a pointer at the call."""
    calls = {ref.id for t in book.texts for s in t.sections for ref in _calls(s.blocks)}
    return {note.id: "foot" if note.refs and note.refs[0] in calls and _footprint(note.blocks) <= room else "end"
            for t in book.texts for note in t.notes}


def _footprint(blocks: tuple[m.Block, ...]) -> int:
    """The room some blocks take at the foot of a page, in characters of text: each row of a table
    (never cut across pages) counts as a line of text. A note holding a table of forty rows of
    figures has few characters, and under its call it left Capital ch. 10's folio 84 31 lines short."""
    room = 0
    for block in blocks:
        if isinstance(block, m.Table):  # its cells' words are on its rows' lines
            room += NOTE_LINE * (sum(_row_lines(row) for row in block.rows) + bool(block.caption))
        else:
            room += sum(len(m.plain_text(inlines)) for inlines in _inline_groups(block))
            room += _footprint(m.child_blocks(block))
    return room


def _row_lines(row: m.Row) -> int:
    """The lines a table's row takes in a note: its longest cell's, in a column of a note's table
    (Capital ch. 10's note 140: "Death-rate from Pulmonary Affections per 100,000 Males" takes three)."""
    longest = max((_characters(cell.blocks) for cell in row.cells), default=0)
    return max(1, -(-longest // CELL_CHARS))


def _calls(blocks: tuple[m.Block, ...]):
    """The note references of some blocks, outside tables."""
    for block in blocks:
        if isinstance(block, m.Table):
            continue
        for inlines in _inline_groups(block):
            yield from _refs(inlines)
        yield from _calls(m.child_blocks(block))


def _refs(inlines: tuple[m.Inline, ...]):
    for item in inlines:
        if isinstance(item, m.NoteRef):
            yield item
        elif isinstance(item, (m.Span, m.Link)):
            yield from _refs(item.children)


def _inline_groups(block: m.Block) -> tuple[tuple[m.Inline, ...], ...]:
    """The runs of inline content a block holds itself (not its child blocks'); headings excepted."""
    if isinstance(block, (m.Paragraph, m.Plain)):
        return (block.inlines,)
    if isinstance(block, m.Verse):
        return block.lines
    return ()


def handout_lines(book: m.Book, ui: dict[str, str]) -> dict[str, str]:
    """What a handout's running head and foot say: short title, author(s), source address, and
    "page n of N" cut into the words before, between and after the two numbers (the stylesheet
    puts the counters between them, in the language's own order)."""
    meta = book.metadata
    names = meta.editors if book.is_volume and meta.editors else meta.authors
    before, _, rest = ui["page_of"].partition("{n}")
    between, _, after = rest.partition("{total}")
    return {"title": running_head(getattr(meta, "short_title", None) or meta.title, HANDOUT_HEAD),
            "author": ui["list_separator"].join(names),
            "source": foot_source(meta), "page_before": before, "page_between": between, "page_after": after}


def foot_source(meta: m.Metadata) -> str:
    """Where a handout's text comes from, as its foot prints it: the source address, else the
    archive's own "Source:" line (the Zetkin speech has no address, only "Speech at the Party
    Congress ..."), cut at a phrase to one line beside "Page n of N" on a booklet's half page."""
    if meta.source_url:
        return printed_address(meta.source_url)
    return running_head(meta.source_citation or "", SOURCE_FOOT)


def printed_address(url: str) -> str:
    """A web address as a page's foot prints it: without "https://" and "www." (a reader types
    it so, and the foot of a booklet's half page has room for one line); the credits keep it whole."""
    for prefix in ("https://", "http://", "www."):
        url = url[len(prefix):] if url.startswith(prefix) else url
    return url


SPACED_DASH = lazy(r" (?=[\u2013\u2014] )")
QUOTE_BRACKET = lazy(r"(?<=[\u201d\u00bb])(?= [(\[])")  # a closing quote, a space, a bracket
LAST_WORD = lazy(r"(\s)(\S+)\s*$")
# roles of what is not the running text: note calls, notes set in it, the links back from notes
# (the EPUB's arrows at a note's end, the print edition's number at its start)
NOT_TEXT = {"doc-noteref", "doc-footnote", "doc-backlink"}
WEB_NOT_TEXT = {"noteref", "para-num"}  # the web's note calls (buttons) and linked paragraph numbers
# characters (with its punctuation): a word this short alone on a line looks lost. A longer one bound to
# the word before makes a group too long to break that leaves the line above loose (the Russian
# Manifesto: 24 loose lines binding words of up to 7 characters, 15 up to 4).
SHORT_LAST_WORD = 5


def not_running_text(element: etree._Element) -> bool:
    """Note calls, notes set in the text, links back from notes and what screen readers are told to
    skip (a handout's paragraph numbers): not words of the paragraph. No line ends on them (the
    last word is looked for before them) and no page of the page-list begins there."""
    return (element.get("role") in NOT_TEXT or element.get("aria-hidden") == "true"
            or bool(WEB_NOT_TEXT.intersection((element.get("class") or "").split())))


def let_quotes_break(text: str) -> str:
    """A line may break between a closing quote and a bracket after it ("permanent" (uninterrupted)):
    Pango follows Unicode's older rule LB15, which glues a quotation mark, spaces and an opening bracket
    into one unit, and the line before such a unit is left loose. A zero-width space after the quote
    allows the break (Unicode 15.1 allows it after a closing quote); it is not in the PDF's text."""
    return QUOTE_BRACKET.sub("\u200b", text)


def keep_dashes_with_words(text: str) -> str:
    """A spaced dash stays at the end of a line, never starts one: the space before it is no-break."""
    return SPACED_DASH.sub("\u00a0", text)


def bind_last_word(p: etree._Element) -> None:
    """A paragraph never ends on a lone short word: its last word, when short, is joined to the one
    before by a no-break space. (Keeping a long last word from being hyphenated would take a span
    with ``hyphens: manual``, and WeasyPrint 70 then breaks the lines before it badly: measured.)
    Note calls and footnotes after the last word are looked through."""
    for el, attr in reversed(_text_slots(p)):
        text = getattr(el, attr) or ""
        if not text.strip():
            continue
        found = LAST_WORD.search(text)
        if found is None and not any(c.isspace() for c in text.strip()):
            continue  # punctuation or a word's end after an inline ("emphasised</em>."): look before it
        if found is not None and len(found.group(2)) <= SHORT_LAST_WORD:
            setattr(el, attr, text[:found.start(1)] + "\u00a0" + text[found.start(2):])
        return


def _text_slots(p: etree._Element) -> list[tuple[etree._Element, str]]:
    """(element, "text" or "tail") for every run of text in the paragraph, in reading order,
    leaving out note calls and notes set at their call (they are not words of the paragraph)."""
    slots: list[tuple[etree._Element, str]] = []

    def visit(el: etree._Element) -> None:
        if not not_running_text(el):
            slots.append((el, "text"))
            for child in el:
                visit(child)
        if el is not p:
            slots.append((el, "tail"))

    visit(p)
    return slots



PHRASING = frozenset({*SPAN_ELEMENTS.values(), "a", "span", "img", "br", "wbr"})


def _as_inline_level(holder: etree._Element) -> None:
    """Every block element under ``holder`` becomes a span classed ``fn-TAG`` (print.css gives it its
    display back): a <p> inside a paragraph would end that paragraph when the page is parsed. Line
    ends of the source become spaces outside code: WeasyPrint 70 breaks a footnote's line at each."""
    for el in holder.iter():
        if el is not holder and el.tag not in PHRASING:
            el.set("class", " ".join(["fn-" + el.tag, *(el.get("class") or "").split()]))
            el.tag = "span"
    _unwrap_lines(holder)


def _unwrap_lines(el: etree._Element) -> None:
    """Newlines in ``el``'s text -> spaces, leaving preformatted code (``fn-pre``) as written."""
    if "fn-pre" in (el.get("class") or "").split():
        return
    if el.text:
        el.text = el.text.replace("\n", " ")
    for child in el:
        _unwrap_lines(child)
        if child.tail:
            child.tail = child.tail.replace("\n", " ")

