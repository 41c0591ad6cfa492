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
spans and inline HTML. The rules are listed in rules.py, with their fixtures. Rule families live
in their own modules: Pandoc's constructs in pandoc_markdown.py, verse in verse.py, site debris and
kramdown lines in debris.py; this module runs them in order and keeps the note and line rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import debris
from .diagnostics import Collector
from .kramdown import kramdown
from .pandoc_markdown import pandoc
from .verse import is_paragraph_line, verse_breaks, verse_fences, verse_titles
from .structure import FOOTNOTE_DEF, INLINE, SHIELD, Structure, line_spans, reread, restore, rewrite, scan
from .expressions import lazy

REF_OPEN, REF_CLOSE = "\ue000", "\ue001"

NOTES_TITLES = {
    "notes", "note", "endnotes", "footnotes", "anmerkungen", "fußnoten", "примечания",
    "примечание", "remarques", "注释", "注", "notas",
}
ARCHIVE_DEF = lazy(r"^\[(\*{1,4}|\d{1,4})\]\s*(.*)$")
FOOTNOTE_REF = lazy(r"\[\^([^\]\s]+)\](?!:)")
BARE_MARKER = lazy(r"(?<=\S)([ \t]+)(\*{1,4})(?=\s|$)")
NUMBER_MARKER = lazy(r"\[(?<![\]\\!\w]\[)(\d{1,4})\](?![(\[:])")  # the bracket first: tried only at brackets
INDENTED_BULLET = lazy(r"^(?: {2,}|\t)[*+-]\s+(.*)$")
BYLINE = lazy(r"^(by|von|par|автор)\s", re.IGNORECASE)
MAX_NESTING = 12  # block quote / list levels; Python-Markdown recurses once per level
NESTING_PREFIX = lazy(r"(?:[ \t]*(?:>|(?:[*+-]|\d{1,9}\.)(?=[ \t])))*[ \t]*")
NESTING_TOKEN = lazy(r"[ \t]+|>|[*+-]|\d{1,9}\.")
LIQUID_TAG = lazy(
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
    notes_byline_line: int = 0  # its file line
    notes_intro: str = ""  # Markdown in the NOTES section before the first note
    lines: list[int] = field(default_factory=list)  # the file line of each line of ``markdown``
    intro_lines: list[int] = field(default_factory=list)  # the same for ``notes_intro``
    listed: set[int] = field(default_factory=set)  # file lines of headings the source's own contents list named
    addresses: list[str] = field(default_factory=list)  # source pages named by removed "Read more at" lines


def prepare(body: str, first_line: int, report: Collector) -> Prepared:
    """Turn a source body into Markdown + note records. ``first_line``: file line of body line 0.

    Every rule asks ``structure`` (the parser's own reading of the lines, see structure.py) what a
    line is; none rewrites code or raw HTML, and a rule that rewrites inside a line does not see
    its code spans and inline HTML. The structure is read again whenever a rule changed lines."""
    lines = debris.private_use(body.split("\n"), first_line, report)
    structure = _read(lines, first_line, report)
    lines = kramdown(lines, structure, first_line, report)
    lines, origin = pandoc(lines, reread(lines, structure), first_line, report)
    lines, verse_ends = verse_fences(lines, reread(lines, structure))
    structure = reread(lines, structure)
    lines = cap_nesting(lines, structure.mask(), first_line, report)
    structure = reread(lines, structure)
    found = debris.clean(lines, structure, lambda i: first_line + origin[i], report)
    verse_titles(lines, reread(lines, structure))
    structure = reread(lines, structure)
    prepared = Prepared(markdown="", listed=found.listed, addresses=found.addresses)
    kept = _extract_notes(lines, structure, first_line, prepared, report, origin)
    kept = _normalise_lists(kept, structure)
    kept = verse_breaks(kept, structure, verse_ends)
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
                text = ELIDED.sub("\u2019", text) if "'" in text else text  # (the expression needs a ')
                return _mark_refs(text, line_no, labels, prepared, report)

            text = rewrite(structure, index, text, inline_rules)
        out.append(text)
    prepared.markdown = "\n".join(out)
    prepared.defs = [NoteDef(d.label, _carets(_remove_liquid(d.markdown, d.line, report), d, report), d.line,
                             d.lines) for d in prepared.defs]
    return prepared


CARET = lazy(r"\[\^([^\]\n]+)\](?!:)")


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
        if (heading and notes_level is None and is_notes_title(heading[1])
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
                prepared.notes_byline_line = first_line + origin[j]
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


def is_notes_title(title: str) -> bool:
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
        if bullet and (in_list or (out and is_paragraph_line(structure, *out[-1]))):
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


# An apostrophe that starts a word is elision, not an opening quote: 'tis, 't was, there 's, 'em, rock 'n' roll.
# an elided word's apostrophe at the line's start or after a space; the quote comes first in the
# expression (its lookbehind then checks the character before it), so it is tried only at quotes
ELIDED = lazy(r"'(?<!\S')(?=(?:tis|twas|twere|twill|tween|neath|gainst|em|n|s|t|d|m|ll|re|ve)\b)", re.IGNORECASE)


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
    found = LIQUID_TAG.findall(text) if "{" in text else None  # (every tag opens with a brace)
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

    if "[^" in line:  # (the expression needs it)
        line = FOOTNOTE_REF.sub(footnote, line)
    # a line without a marker's character is not searched (most lines have neither * nor [)
    if "*" in line:
        line = BARE_MARKER.sub(bare, line)
    return NUMBER_MARKER.sub(number, line) if "[" in line else line
