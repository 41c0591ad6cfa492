"""The source pre-pass: archive-text conventions -> plain Markdown plus note records.

Works on lines, before Markdown sees them, because that is where the archive dialect lives:
note definitions (``[*] ...`` in a NOTES section, ``[^1]: ...`` footnotes), the bare ``*``/``**``
markers that point at them, letter lists indented straight after a paragraph line, backslash
hard breaks and Jekyll/Liquid site tags. Note references are replaced by placeholders
(``\\ue000<index>\\ue001``) that markup.py turns into links; sources.py has already removed any
such characters from the input, so a source cannot forge one.

What a line is (code, raw HTML, a heading, a rule, a table, a quotation, a list item, a paragraph)
is not decided here: every rule asks ``structure.scan``, the parser's own reading of the lines, so
no rule fires inside code or raw HTML, and rules that rewrite inside a line do not see its code
spans and inline HTML. The rules are listed in rules.py, with their fixtures.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from . import debris
from .diagnostics import Collector
from .structure import INLINE, SHIELD, Structure, line_spans, restore, rewrite, scan
from .vocabulary import QUOTE_PREFIX

REF_OPEN, REF_CLOSE = "\ue000", "\ue001"

NOTES_TITLES = {
    "notes", "note", "endnotes", "footnotes", "anmerkungen", "fußnoten", "примечания",
    "примечание", "remarques", "注释", "注", "notas",
}
ARCHIVE_DEF = re.compile(r"^\[(\*{1,4}|\d{1,4})\]\s*(.*)$")
FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]?(.*)$")
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
BARE_MARKER = re.compile(r"(?<=\S)([ \t]+)(\*{1,4})(?=\s|$)")
NUMBER_MARKER = re.compile(r"(?<![\]\\!\w])\[(\d{1,4})\](?![(\[:])")
INDENTED_BULLET = re.compile(r"^(?: {2,}|\t)[*+-]\s+(.*)$")
BYLINE = re.compile(r"^(by|von|par|автор)\s", re.IGNORECASE)
MAX_NESTING = 12  # block quote / list levels; Python-Markdown recurses once per level
NESTING_PREFIX = re.compile(r"(?:[ \t]*(?:>|(?:[*+-]|\d{1,9}\.)(?=[ \t])))*[ \t]*")
NESTING_TOKEN = re.compile(r"[ \t]+|>|[*+-]|\d{1,9}\.")
LIQUID_TAG = re.compile(
    r"\{\{-?\s*(?:site|page|layout|include|jekyll|paginator)\.[^{}]*?-?\}\}"
    r"|\{%-?\s*(?:link|include|include_relative|post_url|seo|feed_meta)\b[^{}]*?-?%\}"
)


@dataclass(frozen=True)
class NoteDef:
    label: str
    markdown: str
    line: int
    lines: tuple[int, ...] = ()  # the file line of each line of ``markdown``


@dataclass(frozen=True)
class NoteRef:
    label: str
    line: int
    written: str = ""  # the marker as written, put back where it cannot be a link (e.g. in `code`)


@dataclass
class Prepared:
    markdown: str
    refs: list[NoteRef] = field(default_factory=list)  # placeholder index -> reference
    defs: list[NoteDef] = field(default_factory=list)
    notes_title: str | None = None  # the source's own NOTES heading, if any
    notes_byline: str | None = None
    notes_intro: str = ""  # Markdown in the NOTES section before the first note
    lines: list[int] = field(default_factory=list)  # the file line of each line of ``markdown``
    intro_lines: list[int] = field(default_factory=list)  # the same for ``notes_intro``
    listed: set[int] = field(default_factory=set)  # file lines of headings the source's own contents list named


def prepare(body: str, first_line: int, report: Collector) -> Prepared:
    """Turn a source body into Markdown + note records. ``first_line``: file line of body line 0.

    Every rule asks ``structure`` (the parser's own reading of the lines, see structure.py) what a
    line is; none rewrites code or raw HTML, and a rule that rewrites inside a line does not see
    its code spans and inline HTML. The structure is read again whenever a rule changed lines."""
    lines = debris.private_use(body.split("\n"), first_line, report)
    structure = _read(lines, first_line, report)
    lines = debris.kramdown(lines, structure, first_line, report)
    lines, origin = _pandoc(lines, _current(lines, structure), first_line, report)
    lines, verse_ends = _verse_fences(lines, _current(lines, structure))
    structure = _current(lines, structure)
    lines = cap_nesting(lines, structure.mask(), first_line, report)
    structure = _current(lines, structure)
    found = debris.clean(lines, structure, lambda i: first_line + origin[i], report)
    _verse_titles(lines, _current(lines, structure))
    structure = _current(lines, structure)
    prepared = Prepared(markdown="", listed=found.listed)
    kept = _extract_notes(lines, structure, first_line, prepared, report, origin)
    kept = _normalise_lists(kept, structure)
    kept = _verse_breaks(kept, structure, verse_ends)
    labels = {d.label for d in prepared.defs}
    out = []
    for index, text in kept:
        line_no = first_line + origin[min(index, len(origin) - 1)]
        prepared.lines.append(line_no)
        if structure.kind(index) in INLINE:  # a line of inline text (code spans and inline HTML hidden)

            def inline_rules(text: str) -> str:
                text = _remove_liquid(text, line_no, report)
                text = _hard_break(text)
                text = _bracket_fragment_links(text)
                text = ELIDED.sub("\u2019", text)
                return _mark_refs(text, line_no, labels, prepared, report)

            text = rewrite(structure, index, text, inline_rules)
        out.append(text)
    prepared.markdown = "\n".join(out)
    prepared.defs = [NoteDef(d.label, _carets(_remove_liquid(d.markdown, d.line, report), d, report), d.line,
                             d.lines) for d in prepared.defs]
    return prepared


CARET = re.compile(r"\[\^([^\]\n]+)\](?!:)")


def _carets(markdown: str, note: NoteDef, report: Collector) -> str:
    """``[^...]`` inside a note (an editor's bracket written with a caret, as in Capital's notes:
    ``[^…] of Political Economy``, ``[^20 years later!]``) references nothing: it is printed as the
    bracket it is, ``[…]``, never with its caret, with a warning (code spans keep it)."""
    if "[^" not in markdown:
        return markdown
    found = []

    def bracket(m: re.Match) -> str:
        found.append(m.group(0))
        return "\\[" + m.group(1) + "\\]"

    lines = markdown.split("\n")
    out = [_outside_code_spans(line, lambda text: CARET.sub(bracket, text)) for line in lines]
    if found:
        shown = found[0] if len(found[0]) <= 40 else found[0][:37] + "...]"
        report.warn("notes.caret", f"'{shown}' in note [{note.label}] is not a note reference; printed as a bracket "
                    "without the caret" + (f" ({len(found)} in this note)" if len(found) > 1 else ""),
                    note.lines[0] if note.lines else note.line)
    return "\n".join(out)


def _outside_code_spans(line: str, rule) -> str:
    """``rule(line)`` with the line's code spans and inline HTML hidden from it."""
    kept, pieces, last = [], [], 0
    for start, end in line_spans(line):
        pieces += [line[last:start], SHIELD]
        kept.append(line[start:end])
        last = end
    pieces.append(line[last:])
    return restore(rule("".join(pieces)), kept)


def _read(lines: list[str], first_line: int, report: Collector) -> Structure:
    """The structure of the lines; nesting too deep for the parser is flattened first (and if it
    still cannot be read, every line counts as text: the parser then reports the depth).

    Python-Markdown reads deep nesting in time that grows with the square of the depth (since 3.11.4
    it no longer runs out of recursion first), so lines nested past the cap are not given to it as
    they are: a flattened copy is read for where the code is, and the lines outside code are
    flattened (``dialect.nesting``) before the structure is read."""
    flat = cap_nesting(lines, {}, first_line, Collector(report.path))  # said below, once, if it stays
    if flat != lines:
        try:
            code = scan(flat).mask()
        except RecursionError:
            code = {}
        lines[:] = cap_nesting(lines, code, first_line, report)
    try:
        return scan(lines)
    except RecursionError:
        lines[:] = cap_nesting(lines, {}, first_line, report)
    try:
        return scan(lines)
    except RecursionError:
        return Structure(kinds=["blank" if not line.strip() else "paragraph" for line in lines], source=list(lines))


def _current(lines: list[str], structure: Structure) -> Structure:
    """``structure`` if it was read from these very lines, else the lines read again."""
    if structure.source == lines:
        return structure
    try:
        return scan(lines)
    except RecursionError:
        return Structure(kinds=["blank" if not line.strip() else "paragraph" for line in lines], source=list(lines))


CODE_CHARS = re.compile(r"[{}=<>_/\\|$@#%^&*]|\w\(|\);?$")
MARKDOWN_START = re.compile(r"^(\s*)([-+*#>]|\d+[.)])(?=\s|$)")


def _verse_fences(lines: list[str], structure: Structure) -> tuple[list[str], set[int]]:
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


ROMAN = re.compile(r"^M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
WRAPPED = re.compile(r"^(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1$")


def _verse_titles(lines: list[str], structure: Structure) -> None:
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
                or not _is_paragraph_line(structure, poem.start, lines[poem.start])
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


def cap_nesting(lines: list[str], code: dict[int, bool], first_line: int, report: Collector,
                limit: int = MAX_NESTING) -> list[str]:
    """Flatten block quotes and lists nested deeper than ``limit`` levels to that depth, with a warning.

    A level is a ``>``, a list marker or four columns of leading indentation in a line's prefix.
    Markers past the limit are dropped (with their spaces) and indentation is shortened; the text
    itself stays.
    """
    out, flattened = [], []
    for i, line in enumerate(lines):
        prefix = NESTING_PREFIX.match(line).group(0)
        if code.get(i, False) or len(prefix) <= limit or not line.strip():  # depth <= the prefix length
            out.append(line)
            continue
        depth, kept, dropping = 0, [], False
        for n, token in enumerate(NESTING_TOKEN.findall(prefix)):
            if token[0] not in " \t":  # a marker: one level
                dropping = depth >= limit
                if not dropping:
                    kept.append(token)
                    depth += 1
            elif n == 0:  # leading indentation: a level per four columns, leaving room for one marker
                columns = min(len(token.expandtabs(4)), (limit - 1) * 4)
                kept.append(" " * columns)
                depth += columns // 4
            elif not dropping:  # the space after a marker belongs to the marker
                kept.append(token)
        new = "".join(kept) + line[len(prefix):]
        if new != line:
            flattened.append(first_line + i)
        out.append(new)
    if flattened:
        report.warn("dialect.nesting", f"block quotes, lists or indentation nested more than {limit} levels deep are "
                    f"flattened to {limit} levels ({len(flattened)} line{'s' if len(flattened) > 1 else ''})",
                    flattened[0])
    return out


def _extract_notes(lines, structure: Structure, first_line, prepared: Prepared, report: Collector, origin) -> list[tuple[int, str]]:
    """Take note definitions (and a NOTES section's heading) out of the text.

    Returns the remaining lines as (0-based index, text); definitions go to ``prepared.defs``.
    """
    kept: list[tuple[int, str]] = []
    i, notes_level, defs_before = 0, None, 0
    current: list[str] | None = None  # lines of the note being read
    current_label, current_line, current_kind = "", 0, ""
    current_lines: list[int] = []  # the file line of each line of the note being read
    intro: list[str] = []
    intro_lines: list[int] = []

    def finish():
        nonlocal current
        if current is not None:
            text = "\n".join(current).strip("\n")
            skipped = next((k for k, l in enumerate(current) if l), len(current))  # blank lines strip() took
            lines = tuple(current_lines[skipped:skipped + text.count("\n") + 1])
            prepared.defs.append(NoteDef(current_label, _dedent_note(text), current_line, lines))
            current = None

    while i < len(lines):
        line = lines[i]
        if structure.opaque(i):
            finish()
            kept.append((i, line))
            i += 1
            continue
        heading = structure.heading(i)
        if (heading and notes_level is None and _is_notes_title(heading[1])
                and _has_defs_after(lines, structure, structure.last_of(i))):
            finish()
            notes_level = heading[0]
            defs_before = len(prepared.defs)
            prepared.notes_title = heading[1]
            j = structure.last_of(i) + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            byline = structure.heading(j)
            if byline and BYLINE.match(byline[1]):
                prepared.notes_byline = byline[1]
                i = structure.last_of(j)
            else:
                i = structure.last_of(i)
            i += 1
            continue
        if heading and notes_level is not None and heading[0] <= notes_level:
            finish()
            notes_level = None  # the NOTES section ends at the next heading of its rank
        archive = ARCHIVE_DEF.match(line) if notes_level is not None else None
        footnote = FOOTNOTE_DEF.match(line)
        if archive or footnote:
            finish()
            m = archive or footnote
            current_label, current_line = m.group(1), first_line + origin[i]
            current_kind = "archive" if archive else "footnote"
            current, current_lines = [m.group(2)], [current_line]
        elif current is not None and (current_kind == "archive"  # archive notes run to the next definition
                                      or line.startswith(("    ", "\t")) or (line.strip() and current[-1].strip())
                                      or (not line.strip() and _continues(lines, i))):
            current.append(line)  # footnote continuation: indented, a lazy line, or a blank line inside
            current_lines.append(first_line + origin[i])
        else:
            finish()
            if notes_level is not None and len(prepared.defs) == defs_before:
                intro.append(line)  # before the first note: printed above the notes
                intro_lines.append(first_line + origin[i])
            else:
                kept.append((i, line))  # after the notes (page footers, "Top of the page"): stays in the text
        i += 1
    finish()
    prepared.notes_intro = "\n".join(intro).strip()
    skipped = next((k for k, l in enumerate(intro) if l.strip()), len(intro))
    prepared.intro_lines = intro_lines[skipped:]
    return kept


def _is_notes_title(title: str) -> bool:
    return title.strip().strip(":.").casefold() in NOTES_TITLES


def _has_defs_after(lines: list[str], structure: Structure, start: int) -> bool:
    for i in range(start + 1, len(lines)):
        heading = structure.heading(i)
        if ARCHIVE_DEF.match(lines[i]) or FOOTNOTE_DEF.match(lines[i]):
            return True
        if heading and not BYLINE.match(heading[1]):
            return False
    return False


def _continues(lines: list[str], i: int) -> bool:
    """A blank line inside a footnote: the note goes on if the next non-blank line is indented."""
    for line in lines[i + 1:]:
        if line.strip():
            return line.startswith(("    ", "\t"))
    return False


def _dedent_note(text: str) -> str:
    return "\n".join(l[4:] if l.startswith("    ") else l[1:] if l.startswith("\t") else l for l in text.split("\n"))


def _normalise_lists(kept: list[tuple[int, str]], structure: Structure) -> list[tuple[int, str]]:
    """Indented bullet lines straight after a paragraph line (which Python-Markdown reads as more
    of the paragraph) become a real list."""
    out: list[tuple[int, str]] = []
    in_list = False
    for n, line in kept:
        bullet = INDENTED_BULLET.match(line) if structure.plain(n) else None
        if bullet and (in_list or (out and _is_paragraph_line(structure, *out[-1]))):
            if not in_list:
                out.append((n, ""))
                in_list = True
            out.append((n, f"* {bullet.group(1)}"))
            continue
        if in_list and line.strip():
            out.append((n, ""))
        in_list = False
        out.append((n, line))
    return out


VERSE_LINE_MAX = 60  # a line this long or longer is prose
VERSE_WRAP_MIN = 65  # prose hard-wrapped at this width or wider leaves no room for the next word


def _verse_breaks(kept: list[tuple[int, str]], structure: Structure,
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
        paragraph = bool(block) and _is_paragraph_line(structure, *block[0]) and all(
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
ATTRIBUTE_LINE = re.compile(r"^[ \t]*\{:[^{}]*\}[ \t]*$")


PUNCTUATED = re.compile(r"[.,!?;:\u2026\u2013\u2014-]['\"\u2019\u201d\u00bb)\]*_]*$")  # a line end a poem may have
CODE_SPAN = re.compile(r"`[^`\n]+`")


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


def _is_paragraph_line(structure: Structure, i: int, line: str) -> bool:
    """... and it could start one: not indented as code would be."""
    return _in_paragraph(structure, i, line) and not line.startswith(("    ", "\t", ">", "|"))


# An apostrophe that starts a word is elision, not an opening quote: 'tis, 't was, there 's, 'em, rock 'n' roll.
ELIDED = re.compile(r"(?:(?<=\s)|^)'(?=(?:tis|twas|twere|twill|tween|neath|gainst|em|n|s|t|d|m|ll|re|ve)\b)", re.IGNORECASE)


def _bracket_fragment_links(line: str) -> str:
    """``[text](#Heading with spaces (and parens))``: a link to a heading by its text. Python-Markdown
    stops such a target at a space or quote, so it is put in angle brackets, which it reads whole."""
    if "](#" not in line:
        return line
    out, pos = [], 0
    for m in re.finditer(r"\]\(#", line):
        if m.start() < pos:
            continue
        depth, j = 1, m.end()
        while j < len(line) and depth and j - m.end() < 500:  # a link target is never longer
            depth += {"(": 1, ")": -1}.get(line[j], 0)
            j += 1
        target = line[m.end() - 1: j - 1]
        if depth == 0 and re.search(r"[\s'\"]", target) and "<" not in target and ">" not in target:
            out.append(line[pos:m.start() + 2] + "<" + target + ">)")
            pos = j
    out.append(line[pos:])
    return "".join(out)


def _hard_break(line: str) -> str:
    """CommonMark's backslash hard break, which Python-Markdown lacks."""
    if line.endswith("\\") and not line.endswith("\\\\"):
        return line[:-1] + "  "
    return line


def _remove_liquid(text: str, line: int, report: Collector) -> str:
    """Jekyll/Liquid site tags mean nothing outside the site they came from."""
    found = LIQUID_TAG.findall(text)
    if not found:
        return text
    for tag in found:
        report.warn("dialect.liquid", f"removed site template tag {tag}", line)
    return LIQUID_TAG.sub("", text)


def _mark_refs(line: str, line_no: int, labels: set[str], prepared: Prepared, report: Collector) -> str:
    """Replace note references with placeholders; report numbered markers that point nowhere."""

    def placeholder(label: str, written: str) -> str:
        prepared.refs.append(NoteRef(label, line_no, written))
        return f"{REF_OPEN}{len(prepared.refs) - 1}{REF_CLOSE}"

    def footnote(m: re.Match) -> str:
        return placeholder(m.group(1), m.group(0))

    def bare(m: re.Match) -> str:
        if m.group(2) not in labels:
            return m.group(0)
        return placeholder(m.group(2), m.group(0))

    def number(m: re.Match) -> str:
        if m.group(1) in labels:
            return placeholder(m.group(1), m.group(0))
        report.warn("notes.undefined", f"note marker [{m.group(1)}] has no note; kept as written", line_no,
                    subject=f"[{m.group(1)}]")
        return m.group(0)

    line = FOOTNOTE_REF.sub(footnote, line)
    # a line without a marker's character is not searched (most lines have neither * nor [)
    if "*" in line:
        line = BARE_MARKER.sub(bare, line)
    return NUMBER_MARKER.sub(number, line) if "[" in line else line


# --- Pandoc's Markdown, as the marxists.org conversions write it ---------------------------------
#
# Everything here keeps one output line per input line (so diagnostics keep their line numbers),
# except grid tables, whose cells are set one after another; ``origin`` maps every output line
# back to the source line it came from.

FENCED_DIV = re.compile(r"^[ \t]*:{3,}(?:[ \t]*\S.*)?$")
GRID_BORDER = re.compile(r"^[ \t]*\+(?:[-=:]+\+)+[ \t]*$")
GRID_ROW = re.compile(r"^[ \t]*[|+].*[|+][ \t]*$")
# A note reference, as Pandoc writes marxists.org's ([\[1\]](#n1){#f1}, ^[\[1\]](#n1)^,
# [^\[1\]^](#fw01){#bk01}) or as HTML does (<sup><a href="#n1">1</a></sup>, [<sup>1</sup>](#n1), ...)
_LABEL = r"\s*(?:\\?\[)?\s*(?P<{0}>\d{{1,4}}|\*{{1,4}})\s*(?:\\?\])?\s*"
LINK_NOTE_REF = re.compile(
    r"\^?\[\^?\\\[\s*(?P<l1>\d{1,4}|\*{1,4})\s*\\\]\^?\]\(#(?P<t1>[^)\s]+)\)(?:\{#[^}\s]*\})?\^?"
    r"|<sup>\s*<a\s+href=\"#(?P<t2>[^\"\s]+)\"[^>]*>" + _LABEL.format("l2") + r"</a>\s*</sup>"
    r"|<a\s+href=\"#(?P<t3>[^\"\s]+)\"[^>]*>\s*<sup>" + _LABEL.format("l3") + r"</sup>\s*</a>"
    r"|<sup>\s*\[" + _LABEL.format("l4") + r"\]\(#(?P<t4>[^)\s]+)\)\s*</sup>"
    r"|\[<sup>" + _LABEL.format("l5") + r"</sup>\]\(#(?P<t5>[^)\s]+)\)", re.IGNORECASE)
# The start of a note written as an anchored label: [1.](#f1){#n1} / [[262.]{.info}]{#n262} /
# [ []{#n11} 11.]{.info} / <a name="n1"></a>1. / <a id="n1">1.</a>
LINK_NOTE_PREFIX = re.compile(r"^(?:[ \t\[\]\\^.*\d]|\(#[^)\s]*\)|\{[^}\n]*\}|</?a\b[^>]*>|</?sup>)+", re.IGNORECASE)
ANCHOR_ID = re.compile(r"\{#([^}\s]+)\}|<a\s[^>]*?\b(?:name|id)=\"([^\"]+)\"", re.IGNORECASE)
LABEL_AFTER_ANCHOR = re.compile(r"^[ \t]*(?:\d{1,4}|\*{1,4})[.)]?(?=\s|$)")


def _ref_parts(m: re.Match) -> tuple[str, str]:
    """(label, anchor) of a LINK_NOTE_REF match, whichever form it is."""
    for n in range(1, 6):
        if m.group(f"t{n}"):
            return m.group(f"l{n}"), m.group(f"t{n}")
    raise AssertionError("unreachable")


_ATTR_WS = r"[ \t]*(?:\n(?:[ \t]{0,3}>)*[ \t]*)?"  # spaces, at most one line break (quote marks allowed)
_ATTR_TOKEN = r"(?:[#.][\w:.\-]+|[\w\-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'{}]+))"
ATTR_BLOCK = re.compile(r"\{(?=[#.\w])(" + _ATTR_TOKEN + r"(?:(?=[ \t\n])" + _ATTR_WS + _ATTR_TOKEN + r")*)"
                        + _ATTR_WS + r"\}")
HEADING_END = re.compile(r"^[ \t]*(?:>[ \t]?)*#{1,6}[ \t].*$")


def _pandoc(lines: list[str], structure: Structure, first_line: int, report: Collector) -> tuple[list[str], list[int]]:
    """Pandoc constructs -> what the rest of the pre-pass and Python-Markdown understand."""
    origin = list(range(len(lines)))
    if not any(("{" in l or ":::" in l or "+-" in l or "](#" in l) for l in lines):
        return lines, origin
    lines, origin = _grid_tables(lines, origin, structure.mask())
    structure = _current(lines, structure)
    for i, line in enumerate(lines):
        if not structure.opaque(i) and FENCED_DIV.match(line[len(QUOTE_PREFIX.match(line).group(1)):]):
            lines[i] = QUOTE_PREFIX.match(line).group(1).rstrip()  # the div's content stays, its fence goes
    _link_notes(lines, structure, origin, first_line, report)
    return _attributes(lines, structure), origin


def _grid_tables(lines: list[str], origin: list[int], code) -> tuple[list[str], list[int]]:
    """Pandoc grid tables (``+---+---+`` / ``| cell |``). One with a header row (under a ``+===+``
    border) and short cells is a data table and becomes a pipe table; any other is a layout box
    of an archive page, whose cells are set one after another, each as ordinary Markdown. Cells
    are cut where the border's ``+`` stand, counted in display columns: an East Asian wide
    character takes two, a combining mark or a zero-width joiner none."""
    out, out_origin, i = [], [], 0
    while i < len(lines):
        prefix = QUOTE_PREFIX.match(lines[i]).group(1)
        if code[i] or not GRID_BORDER.match(lines[i][len(prefix):]):
            out.append(lines[i])
            out_origin.append(origin[i])
            i += 1
            continue
        border = lines[i][len(prefix):]
        cuts = [n for n, c in enumerate(border) if c == "+"]
        j = i + 1
        rows, row, header_end = [], [], None  # header_end: index into rows after the header row
        while j < len(lines) and lines[j].startswith(prefix) and GRID_ROW.match(lines[j][len(prefix):]):
            body = lines[j][len(prefix):]
            if GRID_BORDER.match(body):
                if row:
                    rows.append(row)
                if "=" in body and header_end is None and len(rows) == 1:
                    header_end = (body, j)  # the header row's lower border: alignment, and its line
                row = []
            else:
                row.append((j, body))
            j += 1
        if row:
            rows.append(row)
        if not rows:  # a lone border line: a rule, not a table
            out.append(lines[i])
            out_origin.append(origin[i])
            i += 1
            continue
        table = [[[(cell, origin[k]) for k, cell in zip([k for k, _ in row], cells)]
                  for cells in zip(*[_grid_cells(body, cuts) for _, body in row])] for row in rows]
        if header_end is not None and _is_data_table(table):
            _pipe_table(table, header_end[0], prefix, origin[i], origin[header_end[1]], origin[j - 1], out, out_origin)
            i = j
            continue
        for row in table:
            for cell in row:
                cell = [(c.rstrip(), o) for c, o in cell]
                cell = [(c[1:] if c.startswith(" ") else c, o) for c, o in cell]
                while cell and not cell[-1][0].strip():
                    cell.pop()
                while cell and not cell[0][0].strip():
                    cell.pop(0)
                if not cell:
                    continue
                for c, o in _join_split_urls(cell):  # each paragraph of a cell keeps its first line
                    out.append((prefix + c).rstrip() if c.strip() else prefix.rstrip())
                    out_origin.append(o)
                out.append(prefix.rstrip())
                out_origin.append(out_origin[-1])
        i = j
    return out, out_origin


def _column_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0  # a combining mark, a zero-width joiner or non-joiner, a soft hyphen
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _grid_cells(body: str, cuts: list[int]) -> list[str]:
    """A grid row cut into its cells at the border's columns (display columns, not characters).
    The row's own ``|`` at (or, in a hand-edited table, next to) each column is where it is cut."""
    columns, column = [], 0
    for char in body:
        columns.append(column)
        column += _column_width(char)
    bars = [n for n, char in enumerate(body) if char in "|+"]
    if len(bars) == len(cuts):  # one bar per column border: cut there, however the row is aligned
        return [body[a + 1:b] for a, b in zip(bars, bars[1:])]
    at = []
    for cut in cuts:
        exact = [n for n in bars if columns[n] == cut]
        near = sorted((abs(columns[n] - cut), n) for n in bars if abs(columns[n] - cut) <= 2)
        at.append(exact[0] if exact else near[0][1] if near else
                  next((n for n, c in enumerate(columns) if c >= cut), len(body)))
    return [body[a + 1:b] for a, b in zip(at, at[1:])]


DATA_CELL_MAX = 80  # a cell longer than this (or with a paragraph break) is prose: the grid is a layout box


def _is_data_table(table: list[list[list[tuple[str, int]]]]) -> bool:
    for row in table:
        for cell in row:
            texts = [c.strip() for c, _ in cell]
            while texts and not texts[-1]:
                texts.pop()
            while texts and not texts[0]:
                texts.pop(0)
            if "" in texts or sum(len(t) for t in texts) > DATA_CELL_MAX or any(BLOCK_START.match(t) for t in texts):
                return False
    return True


def _pipe_table(table, border: str, prefix: str, top: int, rule: int, bottom: int, out: list, out_origin: list):
    """A grid table with a header row -> a pipe table (Python-Markdown's tables), one line a row."""
    def line(row) -> str:
        cells = [re.sub(r"(?<!\\)\|", r"\\|", " ".join(c.strip() for c, _ in cell if c.strip())) for cell in row]
        return prefix + "| " + " | ".join(cells) + " |"

    first = lambda row: next((o for cell in row for c, o in cell if c.strip()), top)  # noqa: E731
    spans = border.strip().strip("+").split("+")  # ":===" left, "===:" right, ":===:" centred
    separator = prefix + "|" + "|".join(
        (":" if a.startswith(":") else "-") + "---" + (":" if a.endswith(":") else "-") for a in spans) + "|"
    out.extend([prefix.rstrip(), line(table[0]), separator])
    out_origin.extend([top, first(table[0]), rule])
    for row in table[1:]:
        out.append(line(row))
        out_origin.append(first(row))
    out.append(prefix.rstrip())
    out_origin.append(bottom)


def _join_split_urls(cell: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Lines in a grid cell are wrapped to the column's width, which means nothing in the book:
    a paragraph becomes one line again (hard breaks, ``\\`` or two spaces, are kept), and a link
    target Pandoc broke over lines with no space is joined without one. Lines come with their
    origin; a joined line keeps its first line's."""
    out: list[tuple[str, int]] = []
    for line, origin in cell:
        prev = out[-1][0] if out else ""
        if prev.strip() and line.strip() and not prev.endswith(("\\", "  ")) and not BLOCK_START.match(line):
            joined = prev + line.strip() if re.search(r"\]\([^)\s]*$", prev) and line[:1].strip() else \
                prev + " " + line.strip()
            out[-1] = (joined, out[-1][1])
        else:
            out.append((line, origin))
    return out


BLOCK_START = re.compile(r"^\s*(?:[-*+>#|]|\d+[.)]|:::|```)(?:\s|$)")


def _link_notes(lines: list[str], structure: Structure, origin, first_line: int, report: Collector) -> None:
    """marxists.org notes are pairs of links: ``[\\[1\\]](#n1){#f1}`` in the text, and the note
    starting with an anchored label, ``[1.](#f1){#n1} text``. Where both ends are found they become
    footnotes (``[^n1]`` and ``[^n1]: text``); a reference whose note is missing is reported."""
    code = structure.mask()
    first_ref: dict[str, int] = {}
    for i, line in enumerate(lines):
        if not code[i] and "#" in line:
            for m in LINK_NOTE_REF.finditer(line):
                first_ref.setdefault(_ref_parts(m)[1], i)
    if not first_ref:
        return
    defs: dict[int, tuple[str, int]] = {}  # line -> (anchor id, length of the label prefix incl. quote marks)
    for i, line in enumerate(lines):
        if code[i] or ("{#" not in line and "<a" not in line.lower()):
            continue
        quote = QUOTE_PREFIX.match(line).group(1)
        rest = line[len(quote):]
        m = LINK_NOTE_PREFIX.match(rest)
        if not m:
            continue
        prefix = m.group(0)
        prefix = prefix[: max(prefix.rfind("]"), prefix.rfind("}"), prefix.rfind(")"), prefix.rfind(">")) + 1]
        anchors = [a or b for a, b in ANCHOR_ID.findall(prefix) if first_ref.get(a or b, len(lines)) < i]
        labelled = re.search(r"[\d*]", ANCHOR_ID.sub("", re.sub(r"\(#[^)]*\)", "", prefix)))
        if anchors and not labelled:  # <a name="n1"></a>1. The note ...: the label follows the anchor
            after = LABEL_AFTER_ANCHOR.match(rest[len(prefix):])
            labelled = after
            prefix += after.group(0) if after else ""
        starts_paragraph = i == 0 or not lines[i - 1][len(QUOTE_PREFIX.match(lines[i - 1]).group(1)):].strip()
        if anchors and starts_paragraph and labelled:
            defs[i] = (anchors[0], len(quote) + len(prefix))
    def_ids = {anchor for anchor, _ in defs.values()}
    def_lines = sorted(defs)
    for i in def_lines:
        anchor, cut = defs[i]
        quote = QUOTE_PREFIX.match(lines[i]).group(1)
        lines[i] = f"[^{anchor}]: " + lines[i][cut:].lstrip()
        j = i + 1
        while j < len(lines) and not code[j]:  # the note's own paragraph leaves the blockquote with it
            inner = lines[j][len(QUOTE_PREFIX.match(lines[j]).group(1)):] if quote else lines[j]
            if not inner.strip() or j in defs:
                break
            lines[j] = inner
            j += 1
        if quote and j < len(lines) and not lines[j][len(QUOTE_PREFIX.match(lines[j]).group(1)):].strip():
            lines[j] = ""
        # further paragraphs before the next note belong to this one (indented: footnote continuation)
        while j < len(lines):
            k = j
            while k < len(lines) and not _unquote(lines[k]).strip():
                k += 1
            nxt = next((d for d in def_lines if d >= k), None)
            if (k >= len(lines) or nxt is None or nxt == k or code[k]
                    or any(structure.kind(x) in ("heading", "rule") for x in range(k, nxt))):
                break
            for x in range(j, nxt):
                lines[x] = "    " + _unquote(lines[x]) if _unquote(lines[x]).strip() else ""
            j = nxt
    for i, line in enumerate(lines):
        if code[i] or "#" not in line:
            continue

        def ref(m: re.Match) -> str:
            label, anchor = _ref_parts(m)
            if anchor in def_ids:
                return f"[^{anchor}]"
            report.warn("notes.unpaired", f"note reference [{label}] links to #{anchor}, but no note "
                        "starts with that anchor; kept as written", first_line + origin[i])
            return f"\\[{label}\\]"

        lines[i] = LINK_NOTE_REF.sub(ref, line)


def _unquote(line: str) -> str:
    return line[len(QUOTE_PREFIX.match(line).group(1)):]


def _attributes(lines: list[str], structure: Structure) -> list[str]:
    """Pandoc attributes ``{#id .class key=value}`` never show as text: an id after a link, image or
    at the end of a heading is kept (Python-Markdown's attr_list applies it), everything else goes.
    Bracketed spans ``[text]{.class}`` keep their text. Works on runs of lines outside code and raw
    HTML (code spans and inline HTML hidden), because an attribute block may be wrapped over several
    lines; line breaks are kept where they were."""
    out, run, hidden = [], [], []

    def flush():
        if run:
            done = _attributes_in("\n".join(run)).split("\n")
            out.extend(restore(line, kept) for line, kept in zip(done, hidden))
            run.clear()
            hidden.clear()

    for i, line in enumerate(lines):
        if structure.opaque(i):
            flush()
            out.append(line)
        else:
            text, kept = structure.protect(i, line)
            run.append(text)
            hidden.append(kept)
    flush()
    return out


def _attributes_in(text: str) -> str:
    if "{" not in text:
        return text
    pieces, last = [], 0
    for m in ATTR_BLOCK.finditer(text):
        start = m.start()
        breaks = "".join(re.findall(r"\n[ \t]*(?:>[ \t]?)*", m.group(0)))
        ids = re.findall(r"(?<![\w\"'=])#([\w:.\-]+)", m.group(1))
        before = text[start - 1] if start else ""
        line_end = text.find("\n", m.end())
        heading_end = HEADING_END.match(text[text.rfind("\n", 0, start) + 1: line_end if line_end >= 0 else None])
        heading_end = heading_end and not text[m.end(): line_end if line_end >= 0 else None].strip()
        if before == "]":  # a bracketed span: drop its brackets, keep its text
            open_at = _matching_open(text, start - 1, last)
            if open_at is None:
                pieces.append(text[last:start] + breaks)
            else:
                pieces.append(text[last:open_at] + text[open_at + 1:start - 1] + breaks)
        elif ids and (before == ")" or heading_end):
            pieces.append(text[last:start] + "{#" + ids[0] + "}" + breaks)
        else:
            pieces.append(text[last:start].rstrip(" \t") if heading_end else text[last:start])
            pieces.append(breaks)
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _matching_open(text: str, close: int, floor: int) -> int | None:
    """Index of the ``[`` that the ``]`` at ``close`` closes (escaped brackets do not count)."""
    depth = 0
    i = close - 1
    while i >= floor:
        c = text[i]
        escaped = i > 0 and text[i - 1] == "\\" and not (i > 1 and text[i - 2] == "\\")
        if text.startswith("\n\n", i) or re.match(r"\n[ \t]*(?:>[ \t]?)*\n", text[i:i + 12]):
            return None  # a span never crosses a paragraph
        if c == "]" and not escaped:
            depth += 1
        elif c == "[" and not escaped:
            if depth == 0:
                return i
            depth -= 1
        i -= 1
    return None


# --- language of a text without a ``language`` field ------------------------------------------------

STOPWORDS = {
    "en": {"the", "and", "of", "to", "is", "that", "which", "with", "this", "was", "for", "are"},
    "de": {"der", "die", "und", "das", "nicht", "ist", "mit", "sich", "auf", "den", "ein", "eine", "dem"},
    "fr": {"le", "la", "les", "et", "des", "est", "que", "qui", "une", "dans", "pas", "du", "au"},
    "es": {"el", "los", "las", "y", "que", "una", "por", "con", "del", "para", "es", "se"},
    "it": {"il", "che", "della", "una", "per", "sono", "gli", "non", "con", "del", "nel"},
}
SCRIPTS = (  # (language, name, first, last code point)
    ("ru", "Cyrillic (Russian)", 0x0400, 0x04FF), ("zh", "Chinese", 0x4E00, 0x9FFF),
    ("ja", "Japanese", 0x3040, 0x30FF), ("el", "Greek", 0x0370, 0x03FF), ("ar", "Arabic", 0x0600, 0x06FF),
    ("he", "Hebrew", 0x0590, 0x05FF),
)
NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian"}


def language_of(fields: dict, body: str, report: Collector) -> str:
    """The text's language: its ``language`` field, else English unless it is plainly another."""
    if fields.get("language"):
        return fields["language"]
    language, evidence = guess_language(body)
    if language != "en":
        report.warn("frontmatter.language", f"no language given; the text looks {evidence}, so '{language}' is used "
                    f"(set 'language: {language}' in the front matter to silence this)", 1)
    return language


def guess_language(body: str, sample: int = 60000) -> tuple[str, str]:
    """A cheap, documented guess: the dominant script, and for Latin script the language whose
    commonest words occur most. Returns (BCP 47 tag, what it was based on)."""
    text = body[:sample]
    letters = sum(map(str.isalpha, text)) or 1
    for language, name, first, last in SCRIPTS:
        count = _count_between(text, first, last)
        if language == "zh" and _count_between(text, 0x3040, 0x30FF) > count / 10:
            continue  # kana among the ideographs: Japanese
        if count / letters > 0.3:
            return language, f"{name} ({count} of {letters} letters)"
    counts = Counter(re.findall(r"[^\W\d_]+", text.casefold()))
    scores = {lang: sum(counts[w] for w in stop) for lang, stop in STOPWORDS.items()}
    best = max(scores, key=scores.get)
    if best != "en" and scores[best] > 2 * scores["en"] and scores[best] >= 20:
        return best, f"{NAMES[best]} ({scores[best]} common {NAMES[best]} words against {scores['en']} English ones)"
    return "en", "English"


def _count_between(text: str, first: int, last: int) -> int:
    """How many characters of ``text`` have code points from ``first`` to ``last`` (counted by the
    regular expression engine: a Python loop over the 60,000-character sample per script took 0.05 s)."""
    return len(re.findall(f"[\\u{first:04x}-\\u{last:04x}]", text))
