"""The print edition's line composer: word spaces that shrink as well as stretch, and no more than
two hyphenated lines in a row (the manual's "How lines are broken", docs/print.md).

WeasyPrint breaks a paragraph's lines one at a time, first fit: each line takes the words that fit
at their natural width, and justification then stretches its word spaces to fill the measure
(``layout/inline.py``: ``get_next_linebox`` -> ``split_inline_box``, then ``text_align`` ->
``justify_line``). A word space never shrinks, so a line that cannot take its next word at full
width is left loose, however little it lacks; and nothing limits hyphenated lines in a row
(``hyphenate-limit-lines`` is not supported). A typesetter's single-line composer (InDesign's,
TeX's single-line badness) also weighs the line *with* the next word, or the next word's first
part, set with its word spaces shrunk, and keeps whichever line is spaced more evenly.

Here, inside that same layout (no second pass over the document), for a justified line:

- when its first-fit spaces would stretch by more than ``TRIGGER`` of a normal space (to twice
  their width), and the text after it could start with something narrow enough (the next word, or
  its first part as the hyphenation dictionary allows it, measured alone, with the word space it
  brings: most loose lines are loose because the next word is long and cannot break, and are not
  set again for nothing; words are measured once per font and layout), the
  line is set again in a measure widened by what its spaces may give (``1 - MIN_SPACE`` of a space
  each). If that takes more of the text and its spaces shrink to no less than ``MIN_SPACE`` of a
  normal space, the tighter line is kept. (TeX's demerits for one line would keep it too: a
  stretch of a whole space, twice TeX's half-space stretchability, has badness 800; a shrink
  within the limit at most 100, plus 50 for a hyphen.)
- when the line would be the third hyphenated line in a row of its paragraph (``HYPHEN_LIMIT``),
  it is set again without hyphenating, in that widened measure: the line before the word (its
  spaces stretched) or with the whole word (its spaces shrunk) is kept unless its spaces would
  stretch by more than ``LOOSE_EM`` (a loose line is worse than a third hyphen).
- when the line would be the second hyphenated line in a row and the line after it, as first fit
  sets it, would be a third that the rule above must keep (its line without the hyphen loose), the
  second line is set without hyphenating if that line is not loose: the ladder is avoided one line
  earlier (in Russian and German most third hyphens cannot be dropped: the words are long). The
  line after is set aside for the look, not kept (WeasyPrint sets it again in its turn).

A line whose spaces shrink is marked, and justified by ``text_align`` with the negative width
WeasyPrint's own ``justify_line`` -> ``add_word_spacing`` already applies (a Pango letter-spacing on
each space, as for stretching): WeasyPrint's ``text_align`` returns early for a line as wide as its
measure or wider, so this composer calls ``justify_line`` itself for them, the last line of a
paragraph included (a last line that took its final word this way is set full, as TeX does).

Only lines of a paragraph with ``text-align: justify`` and collapsing white space are composed, and
only when nothing floats, is positioned or is running inside the line (a retry must not lay out a
float twice). A line is set again only in those cases, so the cost is a fraction of the layout
(measured in the manual). Deterministic: the same document gives the same lines.

The WeasyPrint internals used (module globals of ``weasyprint.layout.inline``: ``get_next_linebox``,
``split_inline_box``, ``split_first_line``, ``text_align``, ``justify_line``,
``count_expandable_spaces``, ``remove_last_whitespace``, ``skip_first_whitespace``;
``weasyprint.text.line_break``'s
``create_layout`` and ``line_size`` for a space's width) are pinned by tests/test_weasy_contract.py.
:func:`install` wraps them once per process; they compose only inside :func:`composing`, which
pdf.py holds around the print layout (anything else WeasyPrint lays out breaks its own way).
"""
from __future__ import annotations

import contextlib

from . import weasy  # noqa: F401  (imports WeasyPrint its own way first)
from .hyphenation import breaks

from weasyprint.formatting_structure import boxes  # noqa: E402
from weasyprint.layout import inline  # noqa: E402
from weasyprint.text.line_break import create_layout, line_size  # noqa: E402

MIN_SPACE = 0.8  # a word space shrinks to no less than this part of its normal width (InDesign's 80 %)
TRIGGER = 1.0  # a line is set again when its spaces stretch by more than this part of a space (to twice theirs)
HYPHEN_LIMIT = 2  # hyphenated lines in a row a paragraph may have
LOOSE_EM = 0.5  # the preflight's LOOSE_EM: a line stretched beyond this is loose
HYPHENS = "-\u2010\u00ad"  # a line ending with one of these is hyphenated (as the preflight counts)

_original: dict[str, object] = {}
_active = [False]  # composing: inside the print layout (pdf.py) only
_before = [0]  # hyphenated lines in a row before the line being set (a stack of one: see _next_line)


def install() -> None:
    """Route WeasyPrint's line layout through the composer, once per process."""
    if _original:
        return
    for name in ("get_next_linebox", "split_inline_box", "split_first_line", "text_align"):
        _original[name] = getattr(inline, name)
    inline.get_next_linebox = _next_line
    inline.split_inline_box = _split
    inline.split_first_line = _first_line
    inline.text_align = _align


@contextlib.contextmanager
def composing():
    """Compose the lines of what WeasyPrint lays out inside this block (installed first); outside
    it, WeasyPrint breaks lines its own way."""
    install()
    saved, _active[0] = _active[0], True
    try:
        yield
    finally:
        _active[0] = saved


# --- the hooks --------------------------------------------------------------------------------------

def _next_line(context, linebox, position_y, bottom_space, skip_stack, *rest):
    """WeasyPrint's get_next_linebox, told how many hyphenated lines precede the line (from the
    lines set before it, whichever pass of the layout set them) and recording the new count."""
    if not _active[0]:
        return _original["get_next_linebox"](context, linebox, position_y, bottom_space, skip_stack, *rest)
    runs = _runs(context)
    saved = _before[0]
    _before[0] = runs.get((id(linebox), _frozen(skip_stack)), 0)
    try:
        line, resume_at = _original["get_next_linebox"](context, linebox, position_y, bottom_space, skip_stack, *rest)
        if line is not None and resume_at is not None:
            runs[(id(linebox), _frozen(resume_at))] = _before[0] + 1 if _hyphenated(line) else 0
        return line, resume_at
    finally:
        _before[0] = saved


def _split(context, box, position_x, max_x, bottom_space, skip_stack, containing_block, absolute_boxes,
           fixed_boxes, line_placeholders, waiting_floats, line_children, first_letter_style, first_line_style):
    """WeasyPrint's split_inline_box; for a justified paragraph's line, the composer's choice."""
    split = _original["split_inline_box"]

    def set_line(right):
        return split(context, box, position_x, right, bottom_space, skip_stack, containing_block, absolute_boxes,
                     fixed_boxes, line_placeholders, waiting_floats, line_children, first_letter_style,
                     first_line_style)

    if not _active[0] or not isinstance(box, boxes.LineBox) or not _justified(box.style):
        return set_line(max_x)
    lists = (absolute_boxes, fixed_boxes, line_placeholders, waiting_floats)
    marks, children, shapes = [len(x) for x in lists], len(line_children), len(context.excluded_shapes)
    first = set_line(max_x)
    line, resume_at, preserved = first[:3]
    if resume_at is None or preserved or [len(x) for x in lists] != marks or len(context.excluded_shapes) != shapes:
        return first  # a paragraph's last line, a forced break, or something out of the flow on the line
    measure = max_x - line.position_x
    space = _space_width(context, box.style)
    a = _Candidate(context, first, measure, space)
    third = _before[0] >= HYPHEN_LIMIT  # a hyphen here would make a third in a row
    second = _before[0] == HYPHEN_LIMIT - 1  # ... a second: avoided when that costs little
    loose = a.stretch > TRIGGER * space
    if not a.spaces or not (loose or ((third or second) and a.hyphenated)):
        return a.kept()
    wider = max_x + (a.spaces + 1) * (1 - MIN_SPACE) * space

    def again(hyphens: bool) -> _Candidate:
        del line_children[children:]  # the line's break points so far: get_next_linebox reads it no more
        _Unhyphenated.on = not hyphens
        try:
            return _Candidate(context, set_line(wider), measure, space)
        finally:
            _Unhyphenated.on = False

    chosen = a
    if loose and _room_for_more(context, box, a):
        b = again(hyphens=True)
        if b.ends_after(a) and b.fits and not (third and b.hyphenated):
            chosen = b
    if third and chosen.hyphenated:
        c = again(hyphens=False)
        if c.fits and not c.hyphenated and c.stretch <= LOOSE_EM * box.style["font_size"]:
            chosen = c
    elif second and chosen.hyphenated and not context.excluded_shapes \
            and _third_kept_after(context, box, chosen, max_x, bottom_space, containing_block, space):
        c = again(hyphens=False)  # after the look ahead: most second hyphens have no third after them
        if c.fits and not c.hyphenated and c.stretch <= LOOSE_EM * box.style["font_size"]:
            chosen = c
    return chosen.kept()


def _third_kept_after(context, box, second: _Candidate, max_x, bottom_space, containing_block, space) -> bool:
    """Whether the line after ``second`` (a paragraph's second hyphenated line in a row), as WeasyPrint
    would set it, ends with a hyphen too and could not do without it (set again without hyphenating,
    in a measure widened as for a third hyphen, it would be loose or not fit): a ladder ahead, which
    the second line can avoid by keeping its word whole. The lines are set aside, not kept."""
    start = inline.skip_first_whitespace(box, second.result[1])
    if start == "continue":
        return False
    measure = max_x - box.position_x

    def set_next(right, hyphens: bool):
        lists = ([], [], [], [])
        _Unhyphenated.on = not hyphens
        try:
            result = _original["split_inline_box"](context, box, box.position_x, right, bottom_space, start,
                                                   containing_block, *lists, [], None, None)
        finally:
            _Unhyphenated.on = False
        return None if any(lists) else result  # something out of the flow there: no guess

    following = set_next(max_x, hyphens=True)
    if following is None or following[1] is None or following[2]:
        return False
    n = _Candidate(context, following, measure, space)
    if not n.hyphenated or not n.spaces:
        return False
    without = set_next(max_x + (n.spaces + 1) * (1 - MIN_SPACE) * space, hyphens=False)
    if without is None:
        return False
    w = _Candidate(context, without, measure, space)
    return not (w.fits and not w.hyphenated and w.stretch <= LOOSE_EM * box.style["font_size"])


def _first_line(text, style, context, *args, **kwargs):
    """WeasyPrint's split_first_line; while a line is set again without hyphenating, with
    ``hyphens: manual`` (a soft hyphen typed in the source still breaks). In the print layout, a
    line set again with the same text, style and measure is answered from :func:`_lines_set`."""
    if _Unhyphenated.on and style["hyphens"] == "auto":
        style = _Unhyphenated.style(context, style)
    if not _active[0]:
        return _original["split_first_line"](text, style, context, *args, **kwargs)
    kept = _lines_set(context)
    key = (text, id(style), args, tuple(kwargs.items()))
    found = kept.get(key)
    if found is None:
        result = _original["split_first_line"](text, style, context, *args, **kwargs)
        if not LINES_KEPT:
            return result
        if len(kept) >= LINES_KEPT:
            del kept[next(iter(kept))]  # the oldest
        found = kept[key] = (style, result)  # the style kept alive: its id stays its own
    layout, *measures = found[1]
    return (_copied(layout), *measures)


LINES_KEPT = 256  # lines set lately, per layout: more than a page's (a page laid out again sets its lines again)


def _lines_set(context) -> dict:
    """The last LINES_KEPT lines WeasyPrint set in this layout: (text, style, measure ...) -> its
    split_first_line result. A line is set again with the same arguments when the composer's look
    ahead (:func:`_third_kept_after`) set it aside, and when a page is laid out again (a footnote
    that did not fit): split_first_line depends on nothing else (its Pango layout is made from these
    and laid out the same way), so the same answer comes back without setting the text again."""
    return context.__dict__.setdefault("octavo_lines_set", {})


def _copied(layout):
    """A layout of its own for each text box given it (``split_first_line`` returns it deactivated:
    its Python attributes only, which drawing reads and sets again)."""
    copy = object.__new__(type(layout))
    copy.__dict__.update(layout.__dict__)
    return copy


def _align(context, line, available_width, last):
    """WeasyPrint's text_align; a line the composer set with shrunk spaces is justified to the
    measure with a negative width (its text_align returns early for a line wider than that)."""
    if getattr(line, "octavo_shrink", False):
        inline.justify_line(context, line, available_width - line.width)
        return 0
    return _original["text_align"](context, line, available_width, last)


# --- the candidates -------------------------------------------------------------------------------

class _Candidate:
    """One way of setting a line (WeasyPrint's split result) and how its word spaces would be set."""

    def __init__(self, context, result, measure: float, space: float):
        self.result = result
        line = result[0]
        inline.remove_last_whitespace(context, line)  # as get_next_linebox does next (a second time: nothing)
        self.spaces = inline.count_expandable_spaces(line)
        self.stretch = (measure - line.width) / self.spaces if self.spaces else 0.0  # < 0: shrink
        self.space = space
        self.hyphenated = _hyphenated(line)
        self.end = _position(result[1])

    @property
    def fits(self) -> bool:
        """Whether the line fits its measure with spaces shrunk to no less than MIN_SPACE."""
        return self.stretch >= -(1 - MIN_SPACE) * self.space - 1e-6

    def ends_after(self, other: _Candidate) -> bool:
        return self.end > other.end

    def kept(self):
        """The split result, its line marked for shrinking when its spaces must (and may) shrink."""
        if self.stretch < 0 and self.spaces and self.fits:
            self.result[0].octavo_shrink = True
        return self.result


class _Unhyphenated:
    """While ``on``, lines are set without automatic hyphenation (the ladder's third line)."""

    on = False

    @staticmethod
    def style(context, style):
        kept = context.__dict__.setdefault("octavo_unhyphenated", {})
        pair = kept.get(id(style))
        if pair is None:
            copy = style.copy()
            copy["hyphens"] = "manual"
            pair = kept[id(style)] = (style, copy)  # the original kept alive: its id stays its own
        return pair[1]


# --- helpers ---------------------------------------------------------------------------------------

def _justified(style) -> bool:
    return style["text_align_all"] == "justify" and style["white_space"] in ("normal", "pre-line")


def _runs(context) -> dict:
    """(line box, where a line starts) -> hyphenated lines in a row just before it, for this layout."""
    return context.__dict__.setdefault("octavo_hyphen_runs", {})


def _frozen(skip_stack):
    """A skip stack ({index: {index: ... None}}) as a hashable key (one per line: kept cheap)."""
    if skip_stack is None:
        return None
    if len(skip_stack) == 1:  # a line's start or end: one index at each level
        (index, rest), = skip_stack.items()
        return index, _frozen(rest)
    return tuple([(index, _frozen(rest)) for index, rest in skip_stack.items()])


def _position(skip_stack) -> tuple:
    """Where a line ends, comparable with another line's end in the same paragraph (the end: last)."""
    path = []
    while skip_stack:
        (index, skip_stack), = skip_stack.items()
        path.append(index)
    return tuple(path) if path else (float("inf"),)


def _hyphenated(line) -> bool:
    """Whether the line's text ends with a hyphen (and so counts in a ladder, as the preflight counts)."""
    text = _last_text(line)
    return bool(text) and text[-1] in HYPHENS


def _last_text(box) -> str:
    for child in reversed(getattr(box, "children", ())):
        if isinstance(child, boxes.TextBox):
            if child.text.strip():
                return child.text.rstrip()
        elif isinstance(child, boxes.ParentBox) and child.is_in_normal_flow():
            text = _last_text(child)
            if text:
                return text
        elif child.is_in_normal_flow():
            return ""  # an image or inline block ends the line
    return ""


BREAKS = " \u200b-\u2010\u2013\u2014/"  # the next word ends at the first of these (or sooner)
SLACK = 0.01  # px: a word measured alone may be this much wider than the room and still be tried


def _room_for_more(context, linebox, a: _Candidate) -> bool:
    """Whether the text after line ``a`` could start with something narrow enough to join it with
    its spaces shrunk: the next word, or its first part and a hyphen (or, after a hyphenated line,
    the rest of the word to its next break), measured alone, and the word space the line's break
    took (a line ends before its last space: joining the next word brings that space back). Most
    loose lines are loose because the next word is long and cannot break there: this keeps them
    from being set again for nothing (a retry costs as much as setting the line)."""
    found = _text_after(linebox, a.result[1])
    if found is None:
        return True  # an image, a float or the end of a box next: set the line again
    box, text, before = found
    word = text.lstrip(" ")
    if not word or "\u00ad" in word:
        return True
    end = next((i for i, char in enumerate(word) if char in BREAKS), len(word))
    word = word[:end + (end < len(word) and word[end] != " ")]  # a dash or a hyphen stays with its word
    style = box.style
    hyphen = style["hyphenate_character"]
    begun = ""  # a hyphenated line's end: the word's first part
    if a.hyphenated:
        last = _last_text(a.result[0])
        if not last.endswith(hyphen):
            return True
        begun = last[:-len(hyphen)].rsplit(" ", 1)[-1]
    narrowest = _width(context, style, word) - (_width(context, style, hyphen) if begun else 0)
    if style["hyphens"] == "auto":
        total, left, right = style["hyphenate_limit_chars"]
        whole = begun + word
        lead = next((i for i, char in enumerate(whole) if char.isalpha()), len(whole))
        core = whole[lead:]
        core = core[:next((i for i, char in enumerate(core) if not (char.isalpha() or char in "’'")), len(core))]
        later = [p + lead - len(begun) for p in (breaks(core, style["lang"], left, right) if len(core) >= total else ())
                 if p + lead > len(begun)]
        if later:
            narrowest = min(narrowest, _width(context, style, word[:later[0]] + ("" if begun else hyphen)))
    room = a.stretch * a.spaces + (a.spaces + 1) * (1 - MIN_SPACE) * a.space
    space = a.space if text[:1] == " " or (before == " " and not begun) else 0  # the space the break took
    return space + narrowest <= room + SLACK


def _text_after(linebox, skip_stack):
    """The text box holding the text after ``skip_stack`` (a line's end), that text and the character
    just before it in the box ("" at its start), or None when a box without text comes first."""
    box = linebox
    while not isinstance(box, boxes.TextBox):
        if not isinstance(box, boxes.ParentBox):
            return None
        (index, skip_stack), = skip_stack.items() if skip_stack else ((0, None),)
        if index >= len(box.children) or not box.children[index].is_in_normal_flow():
            return None
        box = box.children[index]
    offset = next(iter(skip_stack)) if skip_stack else 0
    encoded = box.text.encode()
    return box, encoded[offset:].decode(), encoded[offset - 1:offset].decode(errors="replace") if offset else ""


def _width(context, style, text: str) -> float:
    """The width of ``text`` set alone in ``style`` (one Pango layout per font, kept for the layout;
    each text measured once per font: the same words come back line after line)."""
    key = _font_key(style)
    widths = context.__dict__.setdefault("octavo_widths", {})
    width = widths.get((key, text))
    if width is None:
        measures = context.__dict__.setdefault("octavo_measures", {})
        layout = measures.get(key)
        if layout is None:
            layout = measures[key] = create_layout(text, style, context, None, 0)
        else:
            layout.set_text(text)
        width = widths[key, text] = line_size(layout.get_first_line()[0], style)[0]
    return width


def _font_key(style) -> tuple:
    return (tuple(style["font_family"]), style["font_size"], style["font_weight"], style["font_style"],
            style["font_stretch"], style["font_variant_caps"], style["letter_spacing"], style["word_spacing"],
            style["lang"])


def _space_width(context, style) -> float:
    """The width of a word space in the paragraph's font (measured once per font and size; looked up
    by the style itself first, kept alive beside its width so that its id stays its own)."""
    by_style = context.__dict__.setdefault("octavo_space_by_style", {})
    found = by_style.get(id(style))
    if found is None:
        found = by_style[id(style)] = (style, _width(context, style, "\u00a0") or 0.25 * style["font_size"])
    return found[1]
