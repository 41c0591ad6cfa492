"""kramdown's attribute lists and extensions, which the Jekyll sites' generator reads and
Python-Markdown would print: the dialect's ``kramdown`` rule (dialect.py runs it before anything
else reads the lines).

A lone attribute line (``{: .lead}``, ``{:toc}``) goes, unless it is structure the parser reads (a
lesson box's class under a block quotation, a code block's class under its closing fence) or an
id under a paragraph or heading; ``{::comment}`` ... ``{:/comment}`` goes with its text; an
inline attribute list (``word{: .x}``) goes from its line. Code and raw HTML are never touched
(``structure`` says which lines they are). Every removal is a ``dialect.kramdown`` warning.

The one attribute list that says what the text is, ``{:.poetry}`` (or ``.poem``, ``.verse``) under a
list or a paragraph, makes it verse: the archive sets a poem's lines as list items only to keep them
apart, so the markers go, the lines end in hard breaks and the block is a ``.verse`` paragraph.
"""
from __future__ import annotations

import re

from .diagnostics import Collector
from .debris import LIST_MARKER
from .structure import QUOTE_PREFIX, Structure, rewrite, unquote
from .expressions import lazy

MARKDOWN_START = lazy(r"^(\s*(?:\d+)?)([-+*#>]|(?<=\d)[.)])(?=\s|$)")  # would start a list, quotation, heading

KRAMDOWN_LINE = lazy(r"^[ \t]*\{:(?!:)[^{}\n]*\}[ \t]*$")
KRAMDOWN_EXTENSION = lazy(r"^[ \t]*\{::(\w+)[^{}\n]*?(/?)\}[ \t]*$")
KRAMDOWN_CLOSE = lazy(r"^[ \t]*\{:/(\w*)\}[ \t]*$")
KRAMDOWN_INLINE = lazy(r"\{:(?!:)(?:[#.][\w:.\-]+|[\w\-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'{}]+)|[ \t])*\}")
KRAMDOWN_ID = lazy(r"(?<![\w\"'=])#([\w:.\-]+)")
# attribute lists the parser reads (markup.py, callouts.py): a lesson's box class under a block
# quotation ({: .challenge}), and a code block's class under its closing fence ({: .output})
BOX_CLASSES = {"callout", "challenge", "solution", "prereq", "checklist", "discussion", "keypoints", "objectives",
               "questions", "hint", "testimonial", "instructor", "spoiler"}
CODE_CLASS = lazy(r"^\.(?:language-[\w+#-]+|output|error|warning|source|code)$")
VERSE_CLASSES = {"poetry", "poem", "verse"}
VERSE_ATTRIBUTE = lazy(r"^[ \t]*\{:[ \t]*\.(\w+)[ \t]*\}[ \t]*$")
INDENT = lazy(r"^(?: {1,4}|\t)?")
STRUCTURAL = lazy(r"^[ \t]*\{:?[ \t]*((?:\.[\w+#-]+[ \t]*)+)\}[ \t]*$")


def _structural(inner: str, quote: str, i: int, lines: list[str], structure: Structure) -> bool:
    """An attribute list that is structure the parser reads, not decoration: a box's class right
    under a block quotation one level deeper, or a code block's class right under its closing fence."""
    found = STRUCTURAL.match(inner)
    if not found or not i:
        return False
    classes = found.group(1).split()
    above_quote = QUOTE_PREFIX.match(lines[i - 1]).group(1)
    if len(classes) == 1 and classes[0][1:].lower() in BOX_CLASSES:
        return above_quote.count(">") > quote.count(">")
    closes_fence = any(fence.close == i - 1 for fence in structure.fences)
    return all(CODE_CLASS.match(c) for c in classes) and above_quote.count(">") == quote.count(">") and closes_fence


def _verse_above(out: list[str], i: int, structure: Structure) -> bool:
    """Line i marks the block above it as verse (``{:.poetry}``): set that block's lines as one
    verse paragraph, in place. The block may be a list or plain lines, in a block quotation, in a
    note's indented body; it is left alone (False) if any line of it is code or raw HTML."""
    found = VERSE_ATTRIBUTE.match(unquote(out[i].lstrip(" \t")))
    if not found or found.group(1).lower() not in VERSE_CLASSES:
        return False
    start = i
    while start and out[start - 1].strip() and not structure.opaque(start - 1):
        start -= 1
    if start == i or (start and out[start - 1].strip()):
        return False  # nothing above it, or code reaching into it
    indent = INDENT.match(out[i]).group(0)
    quote = QUOTE_PREFIX.match(out[start][len(indent):]).group(1)
    if any(not line.startswith(indent + quote) for line in out[start:i]):
        return False  # not one block: other quotation levels
    texts = [line[len(indent + quote):] for line in out[start:i]]
    if any(LIST_MARKER.match(t) for t in texts):
        if not all(LIST_MARKER.match(t) for t in texts):
            return False  # list items running over lines: not one verse line each
        texts = [LIST_MARKER.sub("", t, count=1) for t in texts]
    for k, text in enumerate(texts):
        text = MARKDOWN_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text.rstrip())
        out[start + k] = indent + quote + text + ("  " if start + k < i - 1 else "")
    out[i] = indent + quote + "{: .verse}"
    return True


def kramdown(lines: list[str], structure: Structure, first_line: int, report: Collector) -> list[str]:
    """kramdown's attribute lists and extensions are markup of the site's generator, never text.

    A lone attribute line is removed, except an id right under a paragraph or heading line, which
    stays for Python-Markdown's attr_list (links to it keep working). ``{:toc}`` and the one-item
    list it replaces go (the book makes its own contents); ``{::comment}`` goes with its content;
    other extensions lose their tags and keep their content. Attribute lists inside a line stay
    only where attr_list applies them (right after an inline element), else they go too."""
    out = list(lines)
    comment_from = None
    for i, line in enumerate(out):
        if structure.opaque(i) or (comment_from is None and "{:" not in line):
            continue  # (outside a comment every rule below needs "{:"; most lines have none)
        quote = QUOTE_PREFIX.match(line).group(1)
        inner = line[len(quote):]
        if comment_from is not None:
            if KRAMDOWN_CLOSE.match(inner):
                report.warn("dialect.kramdown", f"removed a kramdown comment (lines {first_line + comment_from}-"
                            f"{first_line + i})", first_line + comment_from)
                comment_from = None
            out[i] = quote.rstrip()
            continue
        extension = KRAMDOWN_EXTENSION.match(inner)
        if extension:
            if extension.group(1) == "comment" and not extension.group(2):
                comment_from = i
            else:
                report.warn("dialect.kramdown", f"removed kramdown's '{inner.strip()}' (its content stays)", first_line + i)
            out[i] = quote.rstrip()
            continue
        if KRAMDOWN_CLOSE.match(inner):
            out[i] = quote.rstrip()
            continue
        if KRAMDOWN_LINE.match(inner) and _structural(inner, quote, i, out, structure):
            continue  # the parser makes a box or a code block's kind of it
        if _verse_above(out, i, structure):
            continue  # the text's own word that these lines are verse
        if KRAMDOWN_LINE.match(inner):
            written = inner.strip()
            body = written[2:-1].strip()
            if re.fullmatch(r"(?:toc|\.?no_toc)", body, re.IGNORECASE) or body.lower().startswith("toc"):
                above = unquote(out[i - 1]) if i else ""
                if i and LIST_MARKER.match(above) and len(above.split()) <= 4:
                    out[i - 1] = QUOTE_PREFIX.match(out[i - 1]).group(1).rstrip()
                report.warn("dialect.contents", f"removed the site's contents marker '{written}': the book makes "
                            "its own contents", first_line + i)
                out[i] = quote.rstrip()
                continue
            ids = KRAMDOWN_ID.findall(body)
            above = unquote(out[i - 1]).strip() if i else ""
            attaches = bool(ids) and bool(above) and structure.kind(i - 1) != "rule" and not structure.opaque(i - 1)
            out[i] = quote.rstrip()
            if attaches and (i - 1) in structure.levels:  # attr_list reads a heading's id on its own line
                out[i - 1] = f"{out[i - 1].rstrip()} {{: #{ids[0]}}}"
            elif attaches:
                out[i] = f"{quote}{{: #{ids[0]}}}"
            if attaches and re.fullmatch(r"#[\w:.\-]+", body):
                continue  # only an id, and it stays: nothing removed
            report.warn("dialect.kramdown", f"removed the kramdown attribute list '{written}'"
                        + (f" (its id '{ids[0]}' stays)" if attaches else ""), first_line + i)
            continue
        if "{:" in inner:
            def inline(m: re.Match) -> str:
                before = m.string[m.start() - 1] if m.start() else ""
                if before in "*_`)]\ue002" and before:
                    return m.group(0)  # attr_list applies it to the element before it
                report.warn("dialect.kramdown", f"removed the kramdown attribute list '{m.group(0)}'", first_line + i)
                return ""
            out[i] = rewrite(structure, i, line, lambda text: quote + KRAMDOWN_INLINE.sub(inline, text[len(quote):]))
    if comment_from is not None:  # never closed: kramdown hides the rest of the text; we keep it
        report.warn("dialect.kramdown", "a kramdown comment is never closed; its text is kept",
                    first_line + comment_from)
        out[comment_from] = lines[comment_from]
        for k in range(comment_from + 1, len(out)):
            out[k] = lines[k]
    return out
