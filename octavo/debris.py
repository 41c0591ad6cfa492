"""Web debris: what an archive's web page left in a text that is not the text.

Part of the dialect pre-pass (dialect.py calls it), on lines, after Pandoc's constructs are undone
and before notes are taken out. It recognises, by their shape and not by the site they came from:

- site navigation: a paragraph or heading made only of links (and separators) whose words are
  navigation (``[**Previous:** ...](...)``, ``Next: [VII](ch07.htm)``, ``[Top of the page](#top)``),
  a bar or breadcrumb trail of links (``[MIA](..) > [Archive](..)``, ``[A](a.htm) | [B](b.htm)``),
  and links to other pages of the site standing alone above or below the text; a page footer
  (``Last updated on 10.10.15``) below it;
- a language switcher above the text (``Русский #``, ``English | Deutsch``);
- the line a copy tracker appends to text copied from a page (``Read more at http://...#fOdXgR4X.99``,
  ``Lire la suite sur ...``): its address, without the tracking fragment, is kept as the source;
- the source's own table of contents (``Оглавление`` then ``I. ...``; ``# Contents`` then links;
  a list of links to the headings that follow; kramdown's ``{:toc}`` and ``[TOC]`` markers);
- private-use characters (a Symbol-font asterisk pasted as U+F02A), which no font has a glyph for.

(kramdown's attribute lines, which the same pass removes, are in kramdown.py.) Paragraphs,
headings and rules are what structure.py (the parser's reading) says they are; code
and raw HTML are never debris. Every removal is a warning naming its line. A removed line becomes blank (inside a block quote,
it keeps its quote marks), so every other line keeps its number and the dialect's line map stays
right. A contents list is removed only when its entries are this text's own headings (the book's
generated contents list the same headings, with working links and page numbers); a list headed
"Contents" whose entries are not headings here is kept, line by line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from .diagnostics import Collector
from .languages import named_language
from .structure import OPAQUE, QUOTE_PREFIX, Structure, unquote
from .vocabulary import CONTENTS_TITLES
from .expressions import lazy

EMPTY = lazy(r"^[ \t]*(?:(?:\\|&nbsp;|\u00a0)[ \t]*)?$")  # Pandoc's empty paragraph is a lone "\"

# [label](target) or ![alt](src), with an optional {#id} after it; a label may hold one level of
# brackets and span lines; a target may hold Liquid tags and one level of parentheses.
LINK = lazy(r"(!?)\[((?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*)\]\(\s*<?((?:[^()\\]|\\.|\([^()]*\))*?)>?"
            r"(?:\s+\"[^\"]*\")?\s*\)(?:\{[^{}\n]*\})?")
HTML_LINK = lazy(r"<a\s[^>]*?href=[\"']([^\"']*)[\"'][^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
SEPARATORS = lazy(r"(?:\\?[>|/:\\]|[»«·•→←‹›–—-]|::|&gt;|&raquo;|&laquo;|&nbsp;|\u00a0)+")
NAV_WORDS = (
    r"index|contents|table of contents|toc|previous|prev|next|back|up|home|top|forward|return|main page"
    r"|home ?page|inhalt|inhaltsverzeichnis|zurück|weiter|vorherige[rs]?|nächste[rs]?|startseite|übersicht"
    r"|sommaire|table des matières|précédente?|suivante?|retour|accueil|índice|indice|anterior|siguiente"
    r"|volver|inicio|precedente|successivo|torna|оглавление|содержание|назад|вперёд|вперед|далее"
    r"|предыдущая|следующая|наверх|главная|目录|目錄|上一页|下一页|上一章|下一章|上一篇|下一篇|返回|首页"
)
NAV = lazy(
    r"^(?:(?:" + NAV_WORDS + r")(?:\s*(?:[:\-–—»«>|/.]|$)|\s+(?:page|chapter|section|part|seite|kapitel|page"
    r"|chapitre|страница|глава)\b)"
    r"|back to\b|return to\b|go to\b|zurück zu[mr]?\b|retour (?:à|au)\b|volver a\b|torna a\b|назад к\b|вернуться\b"
    r"|к оглавлению|nach oben|haut de (?:la )?page|top of (?:the )?page|to the top|back to top)", re.IGNORECASE)
FOOTER = lazy(
    r"^(?:last\s+(?:updated|modified|revised|changed)|(?:page\s+)?(?:updated|modified)\s+(?:on|:)"
    r"|zuletzt\s+(?:aktualisiert|geändert)|letzte\s+(?:änderung|aktualisierung)|dernière\s+mise\s+à\s+jour"
    r"|mis\s+à\s+jour\s+le|последнее\s+обновление|обновлено|última\s+actualización|ultimo\s+aggiornamento)"
    r"\b.{0,40}\d", re.IGNORECASE)
READ_MORE = lazy(
    r"^(?:read more|continue reading|see more|lire la suite|en savoir plus|weiterlesen|mehr lesen|leer más"
    r"|sigue leyendo|continua a leggere|leggi tutto|читать далее|подробнее)\s*(?:at|on|sur|auf|en|su|на)?\s*:?\s*"
    r"<?(https?://[^\s<>]+?)>?\s*$", re.IGNORECASE)
TRACKING_FRAGMENT = lazy(r"#[A-Za-z0-9]{8,}\.\d{1,3}$")  # Tynt's "#fOdXgR4XbPmzmry1.99"
CONTENTS_MARKER = lazy(r"^[ \t]*(?:\[(?:toc|_toc_)\]|\[\[(?:toc|_toc_)\]\])[ \t]*$", re.IGNORECASE)
PAGE_NUMBER = lazy(r"(?:[ \t]*(?:\.{2,}|…)[ \t]*|\t+|[ ]{2,})\d{1,4}[ \t]*$")
LIST_MARKER = lazy(r"^[ \t]*(?:[*+-]|\d{1,3}\.)[ \t]+")
NUMBERING = lazy(r"^(?:(?:chapter|section|part|book|chant|livre|kapitel|teil|buch|глава|часть|раздел)\s+)?"
                 r"(?:[ivxlcdm]{1,7}|\d{1,4}|[a-zа-я])[.):]?\s+", re.IGNORECASE)
# kramdown: {: .class #id key="v"} (an attribute list), {:name: ...} (a definition), {:toc},
# {::comment} ... {:/comment}, {::nomarkdown}, {::options ... /}
PRIVATE_USE = lazy("[\ue000-\uf8ff\U000f0000-\U0010ffff]|&#(?:x0*(?:[eEfF][0-9a-fA-F]{3})|0*(?:5[7-9]\\d{3}|6[0-3]\\d{3}));")
EMPHASIS_MARKS = str.maketrans("", "", "*_`")  # what _plain deletes
MAX_EDGE_LINKS = 4  # more link-only blocks than this at an edge of the text are a list of links, not navigation

# The Symbol font's code points (Word pastes its characters as U+F0xx) and what they are.
_SYMBOL_LOW = ("\u0020!\u2200#\u2203%&\u220b()\u2217+,\u2212./0123456789:;<=>?\u2245ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ"
               "[\u2234]\u22a5_\u0000αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}\u223c")
_SYMBOL_HIGH = {0xA1: "ϒ", 0xA2: "′", 0xA3: "≤", 0xA4: "⁄", 0xA5: "∞", 0xA6: "ƒ", 0xA7: "♣", 0xA8: "♦", 0xA9: "♥",
                0xAA: "♠", 0xAB: "↔", 0xAC: "←", 0xAD: "↑", 0xAE: "→", 0xAF: "↓", 0xB0: "°", 0xB1: "±", 0xB2: "″",
                0xB3: "≥", 0xB4: "×", 0xB5: "∝", 0xB6: "∂", 0xB7: "•", 0xB8: "÷", 0xB9: "≠", 0xBA: "≡", 0xBB: "≈",
                0xBC: "…", 0xC0: "ℵ", 0xC1: "ℑ", 0xC2: "ℜ", 0xC3: "℘", 0xC4: "⊗", 0xC5: "⊕", 0xC6: "∅", 0xC7: "∩",
                0xC8: "∪", 0xC9: "⊃", 0xCA: "⊇", 0xCB: "⊄", 0xCC: "⊂", 0xCD: "⊆", 0xCE: "∈", 0xCF: "∉", 0xD0: "∠",
                0xD1: "∇", 0xD2: "®", 0xD3: "©", 0xD4: "™", 0xD5: "∏", 0xD6: "√", 0xD7: "⋅", 0xD8: "¬", 0xD9: "∧",
                0xDA: "∨", 0xDB: "⇔", 0xDC: "⇐", 0xDD: "⇑", 0xDE: "⇒", 0xDF: "⇓", 0xE0: "◊", 0xE1: "〈", 0xE2: "®",
                0xE3: "©", 0xE4: "™", 0xE5: "∑", 0xF1: "〉", 0xF2: "∫"}
MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!<>|")


@dataclass
class Found:
    """What the debris pass learned about the text besides what it removed."""

    listed: set[int] = field(default_factory=set)  # file lines of the headings the source's contents list named
    addresses: list[str] = field(default_factory=list)  # pages a "Read more at" line named (tracking fragment gone)


@dataclass
class _Block:
    start: int  # index of its first line
    end: int  # index after its last line
    texts: list[str]  # its lines without their block-quote marks
    kind: str = "text"  # text, heading, rule
    level: int = 0  # a heading's rank
    title: str = ""  # a heading's text

    @property
    def joined(self) -> str:
        return "\n".join(self.texts)

    @property
    def content(self) -> str:
        """A heading's text, or the block's lines."""
        return self.title if self.kind == "heading" else self.joined

    @cached_property
    def plain(self) -> str:
        """``_plain(content)``, asked several times of each block once ``blocks`` has made it."""
        return _plain(self.content)


# --- characters: before anything else reads the lines ---------------------------

def private_use(lines: list[str], first_line: int, report: Collector) -> list[str]:
    """Private-use characters have no glyph in any font the book carries (they print as boxes). A
    Symbol-font character pasted from a word processor (U+F020-U+F0FF) becomes the character it
    stands for; any other is removed. One warning per character, naming its first line."""
    seen: dict[str, list[int]] = {}
    out = []
    for n, line in enumerate(lines):
        if (line.isascii() and "&#" not in line) or not PRIVATE_USE.search(line):  # (quick test first: most lines)
            out.append(line)
            continue

        def replace(m: re.Match) -> str:
            char = _reference(m.group(0))
            seen.setdefault(char, []).append(first_line + n)
            mapped = _symbol(char)
            return "\\" + mapped if mapped in MARKDOWN_SPECIAL else mapped

        out.append(PRIVATE_USE.sub(replace, line))
    for char, where in seen.items():
        mapped = _symbol(char)
        did = f"replaced by '{mapped}' (the Symbol font's character at that place)" if mapped else "removed"
        more = f" (also {len(where) - 1} more time{'s' if len(where) > 2 else ''})" if len(where) > 1 else ""
        report.warn("dialect.private-use", f"private-use character U+{ord(char):04X} has no glyph in any font; "
                    f"{did}{more}", where[0])
    return out


def _reference(written: str) -> str:
    if not written.startswith("&#"):
        return written
    number = written[2:-1]
    return chr(int(number[1:], 16) if number[0] in "xX" else int(number))


def _symbol(char: str) -> str:
    code = ord(char) - 0xF000
    if 0x20 <= code < 0x20 + len(_SYMBOL_LOW):
        mapped = _SYMBOL_LOW[code - 0x20]
        return {"\u2217": "*", "\u0000": ""}.get(mapped, mapped)  # the asterisk operator is a note asterisk
    return _SYMBOL_HIGH.get(code, "")


# --- blocks of the text ------------------------------------------------------------------------------


def blocks(lines: list[str], structure: Structure) -> list[_Block]:
    """The text's paragraphs, headings and rules, as the parser reads them (lines of code or raw
    HTML are skipped; lines of text next to each other, a list's or a table's too, are one block)."""
    out: list[_Block] = []
    current: _Block | None = None
    skip_to = -1
    kinds, count = structure.kinds, len(structure.kinds)
    for i, line in enumerate(lines):
        if i <= skip_to or (kinds[i] if i < count else "blank") in OPAQUE:
            current = None
            continue
        inner = unquote(line) if ">" in line else line  # (no quote marks without a ">")
        if not inner.strip() or EMPTY.match(inner):
            current = None
            continue
        if i in structure.levels or structure.kind(i) == "rule":
            heading = i in structure.levels
            skip_to = structure.last_of(i)
            out.append(_Block(i, skip_to + 1, [inner], "heading" if heading else "rule",
                              structure.levels.get(i, 0), structure.titles.get(i, "")))
            current = None
            continue
        if current is None:
            current = _Block(i, i + 1, [inner])
            out.append(current)
        else:
            current.end = i + 1
            current.texts.append(inner)
    return out


def _blank(lines: list[str], block: _Block) -> None:
    for k in range(block.start, block.end):
        lines[k] = QUOTE_PREFIX.match(lines[k]).group(1).rstrip()


def _plain(markdown: str) -> str:
    """The words of some Markdown: links as their text, no emphasis marks, escapes or tags."""
    # asked of every paragraph: each pattern only where its first character is
    text = LINK.sub(_link_text, markdown) if "[" in markdown else markdown
    if "[" in text or "<" in text or "{" in text:
        text = _NOT_WORDS.sub(" ", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    text = text.translate(EMPHASIS_MARKS)
    return " ".join(text.split())


_NOT_WORDS = lazy(r"\[\^[^\]\s]+\]|<[^>]+>|\{#[^}\s]*\}")  # note references, tags, {#id}
_ESCAPE = lazy(r"\\(.)")


def _link_text(m: re.Match) -> str:
    return m.group(2)


def _key(text: str) -> str:
    """What a contents entry has in common with its heading: letters and digits, case folded."""
    return "".join(filter(str.isalnum, _plain(text).replace("''", "'").casefold()))


def _keys(text: str) -> set[str]:
    # "Chapter 1 ........ 5", "Chapter 1<TAB>5": the page number is not part of the entry
    tail = text[-60:]
    page = PAGE_NUMBER.search(tail)
    plain = _plain(text[:len(text) - len(tail) + page.start()] if page else text)
    keys = {_key(plain), _key(NUMBERING.sub("", plain, count=1))}
    return {k for k in keys if k}


# --- the pass ----------------------------------------------------------------------------------------

@dataclass
class _Links:
    links: list[tuple[str, str]]  # (label or alt, target; "" for an image)
    rest: str  # what is not a link: separators, maybe a navigation word


def _link_only(text: str) -> _Links | None:
    if "](" not in text and "<" not in text:
        return None  # neither a Markdown link nor an HTML one can be here
    links: list[tuple[str, str]] = []

    def take(m: re.Match) -> str:
        links.append((_plain(m.group(2)), m.group(3).strip() if not m.group(1) else ""))  # an image links nowhere
        return " "

    def take_html(m: re.Match) -> str:
        links.append((_plain(m.group(2)), m.group(1).strip()))
        return " "

    rest = HTML_LINK.sub(take_html, LINK.sub(take, text))
    if not links:
        return None
    words = SEPARATORS.sub(" ", re.sub(r"[*_]+", " ", rest)).strip()
    if words and not NAV.match(_nav_words(words)):
        return None
    return _Links(links, rest)


def _nav_words(label: str) -> str:
    """A link's words without what decorates them (``<< Previous``, ``**Next »**``)."""
    return label.strip(" *_<>«»‹›←→↑[]()|:–—-.\u00a0")


def _page_link(target: str) -> bool:
    """A link to another page of the site (relative, site-absolute or a Liquid link), not a web
    address, a mail address or a place in this text."""
    return bool(target) and not target.startswith("#") and not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I)


def _is_switcher(block: _Block) -> bool:
    """``Русский #``, ``English | Deutsch | Français``, ``[English](../en/) · Deutsch``."""
    if block.kind == "rule" or len(block.texts) != 1:
        return False
    text = block.plain.replace("#", " ")
    if len(text) > 80:
        return False
    items = [i for i in re.split(r"\s*(?:[|/·•,]|\s{2,})\s*", text.strip()) if i]
    if not items or (block.kind == "heading" and len(items) < 2):
        return False  # "# English" is a title; a switcher written as a heading names several languages
    if len(items) >= 2 and all(re.fullmatch(r"[A-Za-z]{2}", i) for i in items) and re.search(r"[|/·•]", text):
        return all(named_language(i) or _code_language(i) for i in items)  # EN | DE | RU
    return all(named_language(item) or all(named_language(w) for w in item.split()) for item in items)


def _code_language(code: str) -> bool:
    from .languages import find_tag

    return find_tag(code.lower()) is not None


def clean(lines: list[str], structure: Structure, line_of: Callable[[int], int], report: Collector) -> Found:
    """Remove web debris from ``lines`` in place (see the module docstring). ``structure``: what
    each line is (code and raw HTML are never debris); ``line_of(i)``: the file line of line i."""
    found = Found()
    all_blocks = blocks(lines, structure)
    removed: dict[int, tuple[str, str]] = {}  # block -> (code, message): each is one warning
    with_it: dict[int, int] = {}  # block removed along with another (a framing rule, a contents entry)
    nav, page_links, switchers, footers = set(), set(), set(), set()
    tracked: list[int] = []  # "Read more at ..." lines, reported as found
    for n, block in enumerate(all_blocks):
        if block.kind == "rule":
            continue
        linked = None if LIST_MARKER.match(block.texts[0]) else _link_only(block.content)  # a list of links is content
        if linked is not None:
            labels = [label for label, _ in linked.links] + [SEPARATORS.sub(" ", linked.rest).strip()]
            separated = bool(SEPARATORS.search(re.sub(r"\{#[^}\s]*\}", "", linked.rest)))
            pages = all(_page_link(target) for _, target in linked.links)
            if any(NAV.match(_nav_words(label)) for label in labels if _nav_words(label)):
                nav.add(n)
            elif len(linked.links) >= 2 and all(t for _, t in linked.links) and (separated or pages):
                nav.add(n)  # a bar of links, a breadcrumb trail
            elif pages:
                page_links.add(n)
        if len(block.texts) == 1 and CONTENTS_MARKER.match(block.texts[0]):
            removed[n] = ("dialect.contents", f"removed the contents marker '{block.texts[0].strip()}': the book "
                          "makes its own contents")
        elif len(block.texts) == 1 and (read_more := READ_MORE.match(block.texts[0].strip())):
            address = TRACKING_FRAGMENT.sub("", read_more.group(1))
            found.addresses.append(address)
            tracked.append(n)
            report.warn("dialect.read-more", f"removed '{block.texts[0].strip()}', the line a web page's copy "
                        f"tracker adds to copied text; the text was copied from {address}", line_of(block.start))
        elif len(block.texts) == 1 and n not in nav:
            if FOOTER.match(block.plain):
                footers.add(n)
            elif _is_switcher(block):
                switchers.add(n)
    _contents(lines, all_blocks, removed, with_it, found, line_of)
    for n in nav - set(removed) - set(with_it):
        removed[n] = ("dialect.navigation", "removed site navigation")
    taken = lambda k: k in removed or k in with_it  # noqa: E731
    content = [n for n, b in enumerate(all_blocks)
               if b.kind != "rule" and not taken(n) and n not in page_links | switchers | footers | set(tracked)]
    if content:  # only around a text: a page that is all links keeps them
        top, end = set(range(content[0])), set(range(content[-1] + 1, len(all_blocks)))
        for zone in (top, end):
            if len(page_links & zone) <= MAX_EDGE_LINKS:
                for n in page_links & zone:
                    removed[n] = ("dialect.navigation", "removed a link to another page of the site standing alone "
                                  "at the edge of the text")
            for n in footers & zone:
                removed[n] = ("dialect.navigation", "removed the web page's footer")
        for n in switchers & top:
            removed[n] = ("dialect.switcher", "removed the web page's language switcher")
    _rules_around(all_blocks, removed, with_it)
    for n, (code, message) in sorted(removed.items()):
        block = all_blocks[n]
        if code != "dialect.contents":
            shown = block.plain
            message += f" '{shown if len(shown) <= 70 else shown[:67] + '...'}'"
        rules = [line_of(all_blocks[k].start) for k, owner in sorted(with_it.items())
                 if owner == n and all_blocks[k].kind == "rule"]
        if rules:
            message += (" and the rule" + ("s" if len(rules) > 1 else "") + " framing it (line"
                        + ("s " if len(rules) > 1 else " ") + ", ".join(map(str, rules)) + ")")
        report.warn(code, message, line_of(block.start))
    under = _rules_under_headings(lines, structure, all_blocks, removed, with_it)
    if under:
        where = [line_of(all_blocks[n].start) for n in under]
        many = len(under) > 1
        report.warn("dialect.rule", f"removed {len(under)} rule{'s' if many else ''} straight under "
                    f"{'headings' if many else 'a heading'} (line{'s' if many else ''} {', '.join(map(str, where))})",
                    where[0])
    for n in [*removed, *with_it, *under, *tracked]:
        _blank(lines, all_blocks[n])
    return found


def _rules_under_headings(lines, structure: Structure, all_blocks: list[_Block], removed: dict,
                          with_it: dict[int, int]) -> list[int]:
    """A rule straight under a heading (``### Section 1`` then ``* * *``, as Capital's pages have
    them) separates nothing: the heading already begins the section. Returns those rules' blocks."""
    gone = lambda k: k in removed or k in with_it  # noqa: E731
    out = []
    for n, block in enumerate(all_blocks):
        if block.kind != "rule" or not n or gone(n) or gone(n - 1) or all_blocks[n - 1].kind != "heading":
            continue
        between = range(all_blocks[n - 1].end, block.start)
        if all(not lines[k].strip() and not structure.opaque(k) for k in between):
            out.append(n)
    return out


def _rules_around(all_blocks: list[_Block], removed: dict, with_it: dict[int, int]) -> None:
    """A rule that only framed removed debris goes with it: one left at the start or the end of the
    text, or right after another rule once the debris between them is gone. The author's other
    rules stay."""
    gone = lambda k: k in removed or k in with_it  # noqa: E731
    for n, block in enumerate(all_blocks):
        if block.kind != "rule" or gone(n):
            continue
        before = n - 1 if n and gone(n - 1) else None
        after = n + 1 if n + 1 < len(all_blocks) and gone(n + 1) else None
        owner = next((k for k in (before, after) if k is not None), None)
        if owner is None:
            continue  # not next to anything removed
        owner = with_it.get(owner, owner)
        kept_before = [k for k in range(n) if not gone(k)]
        words_before = any(all_blocks[k].kind != "rule" for k in kept_before)
        words_after = any(all_blocks[k].kind != "rule" for k in range(n + 1, len(all_blocks)) if not gone(k))
        if not words_before or not words_after or (kept_before and all_blocks[kept_before[-1]].kind == "rule"):
            with_it[n] = owner


def _contents(lines, all_blocks: list[_Block], removed: dict, with_it: dict[int, int], found: Found, line_of) -> None:
    """The source's own contents list: a "Contents" title then entries naming this text's headings,
    or, untitled, one list of three or more entries naming the headings that follow it. Entries
    that name no heading here keep their line breaks instead (a list of other pages' chapters)."""
    headings = [(n, b, _keys(b.content)) for n, b in enumerate(all_blocks) if b.kind == "heading"]
    n = 0
    while n < len(all_blocks):
        block = all_blocks[n]
        if n in removed or block.kind == "rule":
            n += 1
            continue
        titled = len(block.texts) == 1 and block.plain.strip(" :.").casefold() in CONTENTS_TITLES
        first = n + 1 if titled else n
        entries: list[str] = []
        listed: list[int] = []
        stop = first
        enough_headings = len(headings) >= (2 if titled else 3)  # else there is nothing it could list
        while enough_headings and stop < len(all_blocks) and all_blocks[stop].kind == "text" and stop not in removed:
            if not titled and len(all_blocks[stop].texts) < 3:
                break  # (each of its lines gives one entry at most: fewer than three)
            these = _entries(all_blocks[stop])
            if not titled and len(these) < 3:
                break  # too short to be an untitled list: no need to look for its headings
            if not titled and any(_heading_for(e, headings, all_blocks[stop].end) is None for e in these):
                break  # untitled, a contents list names a heading in every entry (below): this one does not
            matched = [_heading_for(e, headings, all_blocks[stop].end) for e in these]
            if not these or sum(m is not None for m in matched) < 0.8 * len(these):
                break
            entries += these
            listed += [m for m in matched if m is not None]
            stop += 1
            if not titled:
                break  # untitled, a contents list is one list
        if (titled and len(listed) >= 2) or (not titled and len(entries) >= 3 and len(listed) == len(entries)):
            where = f"lines {line_of(block.start)}-{line_of(all_blocks[stop - 1].end - 1)}"
            removed[n] = ("dialect.contents", f"left out the text's own contents list ({len(entries)} entries, {where}): "
                          "the book's contents list the same headings")
            for k in range(n + 1, stop):
                with_it[k] = n
            found.listed |= {line_of(all_blocks[h].start) for h in listed}
            n = stop
            continue
        if titled and first < len(all_blocks) and all_blocks[first].kind == "text" and not LIST_MARKER.match(
                all_blocks[first].texts[0]):
            kept = all_blocks[first]  # a list of entries that are not here: each stays on its line
            for k in range(kept.start, kept.end - 1):
                if lines[k].strip() and not lines[k].endswith(("  ", "\\")):
                    lines[k] = lines[k].rstrip() + "  "
        n += 1


def _entries(block: _Block) -> list[str]:
    """The entries of a contents list: one per list item (continuation lines joined) or per line."""
    listed = bool(LIST_MARKER.match(block.texts[0]))  # a Markdown list; else one entry per line
    entries: list[str] = []
    for text in block.texts:
        text = re.sub(r"<br\s*/?>|\\$", " ", text, flags=re.IGNORECASE).strip()
        if listed and not LIST_MARKER.match(text) and entries:
            entries[-1] += " " + text
        else:
            entries.append(LIST_MARKER.sub("", text, count=1) if listed else text)
    return [e for e in entries if e.strip()]


def _heading_for(entry: str, headings, after: int) -> int | None:
    """The heading (block index) after line ``after`` that a contents entry names, if any."""
    keys = _keys(entry)
    targets = {_key(t.lstrip("#")) for _, t in [m.groups()[1:] for m in LINK.finditer(entry)] if t.startswith("#")}
    for n, block, heading_keys in headings:
        if block.start >= after and (keys & heading_keys or targets & heading_keys):
            return n
    return None
