"""The source pre-pass: archive-text conventions -> plain Markdown plus note records.

Works on lines, before Markdown sees them, because that is where the archive dialect lives:
note definitions (``[*] ...`` in a NOTES section, ``[^1]: ...`` footnotes), the bare ``*``/``**``
markers that point at them, letter lists indented straight after a paragraph line, backslash
hard breaks and Jekyll/Liquid site tags. Note references are replaced by placeholders
(``\\ue000<index>\\ue001``) that markup.py turns into links; sources.py has already removed any
such characters from the input, so a source cannot forge one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .diagnostics import Collector

REF_OPEN, REF_CLOSE = "\ue000", "\ue001"

NOTES_TITLES = {
    "notes", "note", "endnotes", "footnotes", "anmerkungen", "fußnoten", "примечания",
    "примечание", "remarques", "注释", "注", "notas",
}
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
ARCHIVE_DEF = re.compile(r"^\[(\*{1,4}|\d{1,4})\]\s*(.*)$")
FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]?(.*)$")
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
BARE_MARKER = re.compile(r"(?<=\S)([ \t]+)(\*{1,4})(?=\s|$)")
NUMBER_MARKER = re.compile(r"(?<![\]\\!\w])\[(\d{1,4})\](?![(\[:])")
THEMATIC_BREAK = re.compile(r"^\s{0,3}([*_-])(\s*\1){2,}\s*$")
LIST_ITEM = re.compile(r"^\s*([*+-]|\d+\.)\s+")  # Python-Markdown: "1)" starts no list
INDENTED_BULLET = re.compile(r"^(?: {2,}|\t)[*+-]\s+(.*)$")
BYLINE = re.compile(r"^(by|von|par|автор)\s", re.IGNORECASE)
LIQUID_TAG = re.compile(
    r"\{\{-?\s*(?:site|page|layout|include|jekyll|paginator)\.[^{}]*?-?\}\}"
    r"|\{%-?\s*(?:link|include|include_relative|post_url|seo|feed_meta)\b[^{}]*?-?%\}"
)


@dataclass(frozen=True)
class NoteDef:
    label: str
    markdown: str
    line: int


@dataclass(frozen=True)
class NoteRef:
    label: str
    line: int


@dataclass
class Prepared:
    markdown: str
    refs: list[NoteRef] = field(default_factory=list)  # placeholder index -> reference
    defs: list[NoteDef] = field(default_factory=list)
    notes_title: str | None = None  # the source's own NOTES heading, if any
    notes_byline: str | None = None
    notes_intro: str = ""  # Markdown in the NOTES section before the first note


def prepare(body: str, first_line: int, report: Collector) -> Prepared:
    """Turn a source body into Markdown + note records. ``first_line``: file line of body line 0."""
    lines = body.split("\n")
    code = _code_mask(lines)
    prepared = Prepared(markdown="")
    kept = _extract_notes(lines, code, first_line, prepared, report)
    kept = _normalise_lists(kept, code)
    labels = {d.label for d in prepared.defs}
    out = []
    for index, text in kept:
        if not code.get(index, False):
            line_no = first_line + index
            text = _remove_liquid(text, line_no, report)
            text = _hard_break(text)
            text = _mark_refs(text, line_no, labels, prepared, report)
        out.append(text)
    prepared.markdown = "\n".join(out)
    prepared.defs = [NoteDef(d.label, _remove_liquid(d.markdown, d.line, report), d.line) for d in prepared.defs]
    return prepared


def _code_mask(lines: list[str]) -> dict[int, bool]:
    """Which lines (0-based) are inside fenced code blocks."""
    mask, fence = {}, None
    for i, line in enumerate(lines):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)[0]
            mask[i] = True
        elif fence is not None:
            mask[i] = True
            if m and m.group(1)[0] == fence:
                fence = None
        else:
            mask[i] = False
    return mask


def _extract_notes(lines, code, first_line, prepared: Prepared, report: Collector) -> list[tuple[int, str]]:
    """Take note definitions (and a NOTES section's heading) out of the text.

    Returns the remaining lines as (0-based index, text); definitions go to ``prepared.defs``.
    """
    kept: list[tuple[int, str]] = []
    i, notes_level = 0, None
    current: list[str] | None = None  # lines of the note being read
    current_label, current_line, current_kind = "", 0, ""
    intro: list[str] = []

    def finish():
        nonlocal current
        if current is not None:
            text = "\n".join(current).strip("\n")
            prepared.defs.append(NoteDef(current_label, _dedent_note(text), current_line))
            current = None

    while i < len(lines):
        line = lines[i]
        if code[i]:
            finish()
            kept.append((i, line))
            i += 1
            continue
        heading = HEADING.match(line)
        if heading and notes_level is None and _is_notes_title(heading.group(2)) and _has_defs_after(lines, i):
            finish()
            notes_level = len(heading.group(1))
            prepared.notes_title = heading.group(2)
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            byline = HEADING.match(lines[j]) if j < len(lines) else None
            if byline and BYLINE.match(byline.group(2)):
                prepared.notes_byline = byline.group(2)
                i = j
            i += 1
            continue
        if heading and notes_level is not None and len(heading.group(1)) <= notes_level:
            finish()
            notes_level = None  # the NOTES section ends at the next heading of its rank
        archive = ARCHIVE_DEF.match(line) if notes_level is not None else None
        footnote = FOOTNOTE_DEF.match(line)
        if archive or footnote:
            finish()
            m = archive or footnote
            current_label, current_line = m.group(1), first_line + i
            current_kind = "archive" if archive else "footnote"
            current = [m.group(2)]
        elif current is not None and current_kind == "archive":
            current.append(line)  # archive notes run to the next definition or heading
        elif current is not None and (line.startswith(("    ", "\t")) or (line.strip() and current[-1].strip())):
            current.append(line)  # footnote continuation: indented, or a lazy line of the same paragraph
        elif current is not None and not line.strip() and _continues(lines, i):
            current.append(line)
        else:
            finish()
            if notes_level is not None:
                intro.append(line)
            else:
                kept.append((i, line))
        i += 1
    finish()
    prepared.notes_intro = "\n".join(intro).strip()
    if prepared.notes_title is None and intro:
        kept.extend((len(lines), t) for t in intro)
    return kept


def _is_notes_title(title: str) -> bool:
    return title.strip().strip(":.").casefold() in NOTES_TITLES


def _has_defs_after(lines: list[str], start: int) -> bool:
    for line in lines[start + 1:]:
        heading = HEADING.match(line)
        if ARCHIVE_DEF.match(line) or FOOTNOTE_DEF.match(line):
            return True
        if heading and not BYLINE.match(heading.group(2)):
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


def _normalise_lists(kept: list[tuple[int, str]], code) -> list[tuple[int, str]]:
    """Indented bullet lines straight after a paragraph line become a real list."""
    out: list[tuple[int, str]] = []
    in_list = False
    for n, line in kept:
        bullet = None if code.get(n, False) else INDENTED_BULLET.match(line)
        if bullet and (in_list or _is_paragraph_line(out[-1][1] if out else "")):
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


def _is_paragraph_line(line: str) -> bool:
    return bool(line.strip()) and not (
        HEADING.match(line) or LIST_ITEM.match(line) or line.startswith(("    ", "\t", ">", "|"))
        or THEMATIC_BREAK.match(line)
    )


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

    def placeholder(label: str) -> str:
        prepared.refs.append(NoteRef(label, line_no))
        return f"{REF_OPEN}{len(prepared.refs) - 1}{REF_CLOSE}"

    def footnote(m: re.Match) -> str:
        return placeholder(m.group(1))

    def bare(m: re.Match) -> str:
        if m.group(2) not in labels:
            return m.group(0)
        return placeholder(m.group(2))

    def number(m: re.Match) -> str:
        if m.group(1) in labels:
            return placeholder(m.group(1))
        report.warn("notes.undefined", f"note marker [{m.group(1)}] has no note; kept as written", line_no)
        return m.group(0)

    line = FOOTNOTE_REF.sub(footnote, line)
    if not THEMATIC_BREAK.match(line):
        line = BARE_MARKER.sub(bare, line)
    return NUMBER_MARKER.sub(number, line)
