"""Pandoc's Markdown, as the marxists.org conversions write it -> what the rest of the dialect
pre-pass and Python-Markdown understand (dialect.py calls :func:`pandoc` early in the pre-pass).

Grid tables become pipe tables (data) or their cells one after another (an archive page's layout
boxes); fenced divs lose their fences and keep their content; note references written as pairs of
links (``[\\[1\\]](#n1){#f1}`` ... ``[1.](#f1){#n1} text``) become footnotes; attribute blocks
``{#id .class}`` never show as text, bracketed spans keep theirs. Everything here keeps one output
line per input line (so diagnostics keep their line numbers), except grid tables, whose cells are
set one after another; ``origin`` maps every output line back to the source line it came from.
Like every dialect rule, these ask ``structure`` what a line is and leave code and raw HTML alone.
"""
from __future__ import annotations

import re
import unicodedata

from .diagnostics import Collector
from .structure import QUOTE_PREFIX, Structure, reread, restore, rewrite, unquote
from .expressions import lazy

FENCED_DIV = lazy(r"^[ \t]*:{3,}(?:[ \t]*\S.*)?$")
GRID_BORDER = lazy(r"^[ \t]*\+(?:[-=:]+\+)+[ \t]*$")
GRID_ROW = lazy(r"^[ \t]*[|+].*[|+][ \t]*$")
# A note reference, as Pandoc writes marxists.org's ([\[1\]](#n1){#f1}, ^[\[1\]](#n1)^,
# [^\[1\]^](#fw01){#bk01}) or as HTML does (<sup><a href="#n1">1</a></sup>, [<sup>1</sup>](#n1), ...)
_LABEL = r"\s*(?:\\?\[)?\s*(?P<{0}>\d{{1,4}}|\*{{1,4}})\s*(?:\\?\])?\s*"
LINK_NOTE_REF = lazy(
    r"\^?\[\^?\\\[\s*(?P<l1>\d{1,4}|\*{1,4})\s*\\\]\^?\]\(#(?P<t1>[^)\s]+)\)(?:\{#[^}\s]*\})?\^?"
    r"|<sup>\s*<a\s+href=\"#(?P<t2>[^\"\s]+)\"[^>]*>" + _LABEL.format("l2") + r"</a>\s*</sup>"
    r"|<a\s+href=\"#(?P<t3>[^\"\s]+)\"[^>]*>\s*<sup>" + _LABEL.format("l3") + r"</sup>\s*</a>"
    r"|<sup>\s*\[" + _LABEL.format("l4") + r"\]\(#(?P<t4>[^)\s]+)\)\s*</sup>"
    r"|\[<sup>" + _LABEL.format("l5") + r"</sup>\]\(#(?P<t5>[^)\s]+)\)", re.IGNORECASE)
# The start of a note written as an anchored label: [1.](#f1){#n1} / [[262.]{.info}]{#n262} /
# [ []{#n11} 11.]{.info} / <a name="n1"></a>1. / <a id="n1">1.</a>
LINK_NOTE_PREFIX = lazy(r"^(?:[ \t\[\]\\^.*\d]|\(#[^)\s]*\)|\{[^}\n]*\}|</?a\b[^>]*>|</?sup>)+", re.IGNORECASE)
ANCHOR_ID = lazy(r"\{#([^}\s]+)\}|<a\s[^>]*?\b(?:name|id)=\"([^\"]+)\"", re.IGNORECASE)
LABEL_AFTER_ANCHOR = lazy(r"^[ \t]*(?:\d{1,4}|\*{1,4})[.)]?(?=\s|$)")


def _ref_parts(m: re.Match) -> tuple[str, str]:
    """(label, anchor) of a LINK_NOTE_REF match, whichever form it is."""
    for n in range(1, 6):
        if m.group(f"t{n}"):
            return m.group(f"l{n}"), m.group(f"t{n}")
    raise AssertionError("unreachable")


_ATTR_WS = r"[ \t]*(?:\n(?:[ \t]{0,3}>)*[ \t]*)?"  # spaces, at most one line break (quote marks allowed)
_ATTR_TOKEN = r"(?:[#.][\w:.\-]+|[\w\-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'{}]+))"
ATTR_BLOCK = lazy(r"\{(?=[#.\w])(" + _ATTR_TOKEN + r"(?:(?=[ \t\n])" + _ATTR_WS + _ATTR_TOKEN + r")*)"
                  + _ATTR_WS + r"\}")
HEADING_END = lazy(r"^[ \t]*(?:>[ \t]?)*#{1,6}[ \t].*$")


def pandoc(lines: list[str], structure: Structure, first_line: int, report: Collector) -> tuple[list[str], list[int]]:
    """Pandoc constructs -> what the rest of the pre-pass and Python-Markdown understand."""
    origin = list(range(len(lines)))
    if not any(("{" in l or ":::" in l or "+-" in l or "](#" in l) for l in lines):
        return lines, origin
    lines, origin = _grid_tables(lines, origin, {i: structure.opaque(i) for i in range(len(lines))})
    structure = reread(lines, structure)
    for i, line in enumerate(lines):
        if not structure.opaque(i) and FENCED_DIV.match(line[len(QUOTE_PREFIX.match(line).group(1)):]):
            lines[i] = QUOTE_PREFIX.match(line).group(1).rstrip()  # the div's content stays, its fence goes
    _link_notes(lines, structure, origin, first_line, report)
    return _attributes(lines, structure), origin


def _grid_tables(lines: list[str], origin: list[int], opaque) -> tuple[list[str], list[int]]:
    """Pandoc grid tables (``+---+---+`` / ``| cell |``). One with a header row (under a ``+===+``
    border) and short cells is a data table and becomes a pipe table; any other is a layout box
    of an archive page, whose cells are set one after another, each as ordinary Markdown. Cells
    are cut where the border's ``+`` stand, counted in display columns: an East Asian wide
    character takes two, a combining mark or a zero-width joiner none."""
    out, out_origin, i = [], [], 0
    while i < len(lines):
        prefix = QUOTE_PREFIX.match(lines[i]).group(1)
        if opaque[i] or not GRID_BORDER.match(lines[i][len(prefix):]):
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


BLOCK_START = lazy(r"^\s*(?:[-*+>#|]|\d+[.)]|:::|```)(?:\s|$)")


def _link_notes(lines: list[str], structure: Structure, origin, first_line: int, report: Collector) -> None:
    """marxists.org notes are pairs of links: ``[\\[1\\]](#n1){#f1}`` in the text, and the note
    starting with an anchored label, ``[1.](#f1){#n1} text``. Where both ends are found they become
    footnotes (``[^n1]`` and ``[^n1]: text``); a reference whose note is missing is reported."""
    code = structure.mask()
    first_ref: dict[str, int] = {}
    for i, line in enumerate(lines):
        if not structure.opaque(i) and "#" in line:
            for m in LINK_NOTE_REF.finditer(line):
                first_ref.setdefault(_ref_parts(m)[1], i)
    if not first_ref:
        return
    defs: dict[int, tuple[str, int]] = {}  # line -> (anchor id, length of the label prefix incl. quote marks)
    for i, line in enumerate(lines):
        if structure.opaque(i) or ("{#" not in line and "<a" not in line.lower()):
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
            while k < len(lines) and not unquote(lines[k]).strip():
                k += 1
            nxt = next((d for d in def_lines if d >= k), None)
            if (k >= len(lines) or nxt is None or nxt == k or code[k]
                    or any(structure.kind(x) in ("heading", "rule") for x in range(k, nxt))):
                break
            for x in range(j, nxt):
                lines[x] = "    " + unquote(lines[x]) if unquote(lines[x]).strip() else ""
            j = nxt
    for i, line in enumerate(lines):
        if structure.opaque(i) or "#" not in line:
            continue

        def ref(m: re.Match) -> str:
            label, anchor = _ref_parts(m)
            if anchor in def_ids:
                return f"[^{anchor}]"
            report.warn("notes.unpaired", f"note reference [{label}] links to #{anchor}, but no note "
                        "starts with that anchor; kept as written", first_line + origin[i])
            return f"\\[{label}\\]"

        lines[i] = rewrite(structure, i, line, lambda text: LINK_NOTE_REF.sub(ref, text), code_only=True)



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
            elif _small_heading_lead(text, open_at, m):
                # an archive's masthead sets the author small before the work: its own line
                pieces.append(text[last:open_at] + text[open_at + 1:start - 1] + "<br />" + breaks)
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


HEADING_START = lazy(r"(?:^|\n)[ \t]*(?:>[ \t]?)*#{1,6}[ \t]+$")


def _small_heading_lead(text: str, open_at: int, attrs: re.Match) -> bool:
    """A ``[...]{.small}`` span that opens a heading and has more words after it on the line
    (``#### [Rosa Luxemburg]{.small} The Mass Strike``)."""
    line_end = text.find("\n", attrs.end())
    rest = text[attrs.end(): line_end if line_end >= 0 else None]
    return ".small" in attrs.group(1).split() and bool(rest.strip()) and \
        HEADING_START.search(text, max(0, text.rfind("\n", 0, open_at)), open_at) is not None


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
