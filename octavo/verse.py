"""Verse in sources that do not mark it: the dialect's verse rules (dialect.py calls them).

- verse_fences: verse fenced as code only to keep its line breaks becomes stanzas with hard breaks;
- verse_titles: in a collection of poems, the line standing alone before a poem is its heading;
- verse_breaks: a paragraph of short plain lines that is not hard-wrapped prose keeps its lines
  (hard breaks, and ``{: .verse}`` for attr_list).

What a line is comes from ``structure`` (the parser's reading): only ordinary paragraphs can be
verse, never code, raw HTML, a table, a list, a heading or a quotation.
"""
from __future__ import annotations

import re

from . import debris
from .structure import FOOTNOTE_DEF, Structure
from .expressions import lazy

CODE_CHARS = lazy(r"[{}=<>_/\\|$@#%^&*]|\w\(|\);?$")
MARKDOWN_START = lazy(r"^(\s*)([-+*#>]|\d+[.)])(?=\s|$)")


def verse_fences(lines: list[str], structure: Structure) -> tuple[list[str], set[int]]:
    """Verse fenced as code only to keep its line breaks (``` with no language, every line plain
    words, no code punctuation) is set as verse: stanzas are paragraphs, lines end in hard breaks.
    Fence lines become blank lines, so line numbers stay as they were. Returns the lines and the
    indices of the last line of every stanza. Which lines are fenced code, and where each block
    ends, is the parser's reading (``structure.fences``)."""
    out = list(lines)
    ends: set[int] = set()
    for fence in structure.fences:
        i, end = fence.open, fence.close
        if fence.info or i in structure.quoted or i in structure.listed:
            continue
        body = out[i + 1:end]
        text = "".join(body)
        letters = sum(c.isalpha() for c in text)
        visible = sum(not c.isspace() for c in text) or 1
        codeish = sum(1 for l in body if CODE_CHARS.search(l))
        classed = end + 1 < len(out) and ATTRIBUTE_LINE.match(out[end + 1])  # {: .output}: code, as its class says
        if body and not classed and letters / visible >= 0.8 and codeish <= len([l for l in body if l.strip()]) / 20:
            out[i] = out[end] = ""
            for k in range(i + 1, end):
                line = MARKDOWN_START.sub(lambda x: x.group(1) + "\\" + x.group(2), out[k].rstrip())
                last_of_stanza = k + 1 >= end or not out[k + 1].strip()
                out[k] = line if last_of_stanza or not line.strip() else line + "  "
                if last_of_stanza and line.strip():
                    ends.add(k)
    return out, ends


ROMAN = lazy(r"^M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
WRAPPED = lazy(r"^(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1$")


def verse_titles(lines: list[str], structure: Structure) -> None:
    """In a collection of poems, a line standing alone before a poem is the poem's heading: a lone
    number (``I.``, ``XII``, when the text numbers two poems or more so), a bold line (``**III.
    ROUGE ET NOIR.**``, ``**II.**``), a line in capitals (``THE RAVEN``), or a line in title case
    set apart by two blank lines, a heading or a rule (``Sonnet 18``, ``The Tyger``). A poem is a
    paragraph that passes the verse test; one italic paragraph (an editor's note) may stand
    between. The heading is one rank under the heading before it, so the contents list the poems."""
    blocks = debris.blocks(lines, structure)
    candidates: list[tuple[int, str, str]] = []  # (block, heading text, kind: bare, titled or strong)
    for n, block in enumerate(blocks):
        if block.kind != "text" or len(block.texts) != 1 or block.texts[0] != lines[block.start]:
            continue  # one line, and not inside a block quote
        text = block.texts[0].strip()
        wrapped = WRAPPED.match(text)
        inner = wrapped.group(2).strip() if wrapped else text
        number = re.fullmatch(r"(\d{1,4}|[IVXLCDM]{1,8})\.?", inner)
        bare = bool(number) and (number.group(1).isdigit() or bool(ROMAN.match(number.group(1))))
        bold = bool(wrapped) and wrapped.group(1) in ("**", "__") and len(inner) <= 80
        capitals = (not wrapped and len(inner) <= 60 and any(c.isalpha() for c in inner)
                    and all(c.isupper() for c in inner if c.isalpha()) and not inner.endswith(":"))
        set_apart = block.start < 2 or not (lines[block.start - 1].strip() or lines[block.start - 2].strip()) or (
            n and blocks[n - 1].kind != "text")  # two blank lines, a heading or a rule above it
        titled = (not wrapped and set_apart and len(inner.split()) <= 10 and not inner.endswith((".", ",", ";", ":"))
                  and all(w[0].isupper() or not w[0].isalpha() for w in inner.split()[:1] + [
                      w for w in inner.split()[1:] if len(w) > 3]))
        if not (bare or bold or capitals or titled) or len(inner) > 80:
            continue
        poem = blocks[n + 1] if n + 1 < len(blocks) else None
        if poem is not None and poem.kind == "text" and WRAPPED.match(" ".join(poem.texts).strip()) and n + 2 < len(blocks):
            poem = blocks[n + 2]  # an editor's note in italics between the title and the poem
        if (poem is None or poem.kind != "text" or len(poem.texts) < 2 or not _is_verse(poem.texts)
                or not is_paragraph_line(structure, poem.start, lines[poem.start])
                or not all(_in_paragraph(structure, k, lines[k]) for k in range(poem.start, poem.end))):
            continue
        # a bold or capitalised line is a title whatever the others; a bare number or a line in title
        # case only in a collection (two or more such lines): "Contents" above a list is no poem's
        kind = "bare" if bare and not bold else "titled" if not (bold or capitals) else "strong"
        candidates.append((n, inner, kind))
    for kind in ("bare", "titled"):
        if sum(k == kind for _, _, k in candidates) < 2:
            candidates = [c for c in candidates if c[2] != kind]
    chosen = {n: inner for n, inner, _ in candidates}
    ranks = [b.level for b in blocks if b.kind == "heading"]
    rank = None
    for n, block in enumerate(blocks):
        if block.kind == "heading":
            rank = block.level
        elif n in chosen:
            level = min(6, rank + 1 if rank else (min(ranks) + 1 if ranks else 1))
            lines[block.start] = "#" * level + " " + chosen[n]


VERSE_LINE_MAX = 60  # a line this long or longer is prose
VERSE_WRAP_MIN = 65  # prose hard-wrapped at this width or wider leaves no room for the next word


def verse_breaks(kept: list[tuple[int, str]], structure: Structure,
                  verse_ends: set[int] = frozenset()) -> list[tuple[int, str]]:
    """Verse written with plain newlines (no ``\\`` or two trailing spaces) keeps its lines.

    A paragraph of two or more plain lines is taken as verse when every line is shorter than
    60 characters and no line could have taken the next line's first word within 65 columns,
    i.e. the text was not hard-wrapped prose. Its line ends then become hard breaks. Only an
    ordinary paragraph as the parser reads it can be verse: never code, raw HTML, a table, a list,
    a heading or a quotation."""
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(kept):
        end = start
        while end < len(kept) and kept[end][1].strip() and not structure.opaque(kept[end][0]):
            end += 1
        block = kept[start:end]
        attributes = block[-1] if block and ATTRIBUTE_LINE.match(block[-1][1]) else None  # {: #id} for attr_list
        if attributes:
            block = block[:-1]
        paragraph = bool(block) and is_paragraph_line(structure, *block[0]) and all(
            _in_paragraph(structure, n, text) for n, text in block)
        if paragraph and (block[-1][0] in verse_ends or (len(block) >= 2 and _is_verse([t for _, t in block]))):
            for k, (n, text) in enumerate(block):
                last = k == len(block) - 1
                out.append((n, text if last or text.endswith(("  ", "\\")) else text.rstrip() + "  "))
            # Python-Markdown's attr_list: <p class="verse"> (with the source's id, if it gave one)
            out.append(((attributes or block[-1])[0],
                        attributes[1].strip()[:-1].rstrip() + " .verse}" if attributes else VERSE_CLASS))
        else:
            out.extend(block + ([attributes] if attributes else []))
        out.extend(kept[end:end + 1])
        start = end + 1
    return out


VERSE_CLASS = "{: .verse}"
ATTRIBUTE_LINE = lazy(r"^[ \t]*\{:[^{}]*\}[ \t]*$")


PUNCTUATED = lazy(r"[.,!?;:\u2026\u2013\u2014-]['\"\u2019\u201d\u00bb)\]*_]*$")  # a line end a poem may have
CODE_SPAN = lazy(r"`[^`\n]+`")


def _runs_on(block: list[str]) -> bool:
    """Prose written one clause per line (semantic line breaks): its sentences run across most line
    ends (a line ending without any punctuation, the next starting in lower case: "try redirecting /
    the output of a command"), or it quotes code (`` `wc -l` ``), or it is two lines ending on a
    colon, introducing what follows (longer stanzas of the corpus's poems do end on colons). A
    poem's lines start with capitals, or end in punctuation (a comma and a line in lower case is
    verse as often as prose, so it counts for neither)."""
    if any(CODE_SPAN.search(line) for line in block) or (len(block) == 2 and block[-1].rstrip().endswith(":")):
        return True  # code quoted, or two lines that introduce what follows (a command, a list)
    ends = list(zip(block, block[1:]))
    running = sum(1 for line, nxt in ends
                  if not PUNCTUATED.search(line.rstrip()) and nxt.lstrip()[:1].islower())
    return running * 2 > len(ends)


def _is_verse(block: list[str]) -> bool:
    """The lines of one paragraph (see _is_paragraph_line) are verse by their lengths."""
    if FOOTNOTE_DEF.match(block[0]) or block[0].lstrip().startswith("<"):
        return False
    if len(block) > 1 and _runs_on(block):
        return False
    for line, nxt in zip(block, block[1:] + [""]):
        stripped = line.strip()
        if len(stripped) >= VERSE_LINE_MAX or stripped.startswith(("<", "|", ">", "[^")):
            return False
        words = nxt.split()
        if nxt and len(stripped) + 1 + len(words[0]) >= VERSE_WRAP_MIN:
            return False
    return True


def _in_paragraph(structure: Structure, i: int, line: str) -> bool:
    """Line i is a line of an ordinary paragraph, as the parser read it, and no rule changed it
    (a line a rule made into a list item is not one)."""
    return structure.plain(i) and line == structure.line(i)


def is_paragraph_line(structure: Structure, i: int, line: str) -> bool:
    """... and it could start one: not indented as code would be."""
    return _in_paragraph(structure, i, line) and not line.startswith(("    ", "\t", ">", "|"))
