"""The dialect's rewriting rules as a visible list: what each recognises and what it reports.

Each rule has fixtures side by side under ``tests/fixtures/dialect/NAME/``: ``positive.md`` and
``positive.expected.md`` (the rule fires: the pre-pass's Markdown, exactly), and ``negative.md``
(what the rule reacts to, only inside fenced code, indented code, inline code and raw HTML: the
pre-pass gives it back byte for byte and the parser prints the code as written). The manual's
table of rules (docs/dialects.md, between ``<!-- rules:start -->`` and ``<!-- rules:end -->``)
lists these rules in this order (tests/test_one_reading.py). Every rule asks
structure.py what a line is; none has a fence, heading or HTML pattern of its own.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str  # also the name of its fixture folder
    recognises: str  # what it reacts to, in a few words
    code: str  # the diagnostic it reports, "" if it is silent
    where: str  # the function that applies it


RULES = (
    Rule("kramdown", "kramdown attribute lists and extensions (`{: .lead}`, `word{: .x}`)", "dialect.kramdown",
         "kramdown.kramdown"),
    Rule("pandoc-attributes", "Pandoc attributes and bracketed spans (`[text]{.smallcaps}`)", "",
         "pandoc_markdown._attributes"),
    Rule("navigation", "site navigation: a paragraph of links that navigate (`[Next](ch02.htm)`), a bar of links",
         "dialect.navigation", "debris.clean"),
    Rule("lists", "indented bullets straight under a paragraph line", "", "dialect._normalise_lists"),
    Rule("verse", "a paragraph of short lines that is not hard-wrapped prose", "", "verse.verse_breaks"),
    Rule("liquid", "Jekyll/Liquid site tags (`{{ site.baseurl }}`)", "dialect.liquid", "dialect._remove_liquid"),
    Rule("hard-break", "a backslash at the end of a line", "", "dialect._hard_break"),
    Rule("elision", "an apostrophe starting a word (`'tis`, `rock 'n' roll`)", "", "dialect.ELIDED"),
    Rule("note-markers", "note references `[^1]`, `*`, `[1]` pointing at a note", "notes.undefined",
         "dialect._mark_refs"),
    Rule("quotes", "straight quotes (set by the parser: smarty and quotes.typeset)", "",
         "markup.Parser"),
    Rule("dashes", "`--` and `...` (set by the parser: smarty)", "", "markup.Parser"),
    Rule("contents", "the source's own contents list (`# Contents` over links to the headings that follow)",
         "dialect.contents", "debris.clean"),
    Rule("rule-under-heading", "a thematic break (`* * *`) straight under a heading", "dialect.rule", "debris.clean"),
    Rule("grid-tables", "Pandoc grid tables (`+---+---+` borders): a data table or a page's layout boxes", "",
         "pandoc_markdown._grid_tables"),
    Rule("link-notes", "marxists.org notes as pairs of links (`[\\[1\\]](#n1){#f1}`, `[1.](#f1){#n1} text`)",
         "notes.unpaired", "pandoc_markdown._link_notes"),
    Rule("verse-fences", "verse in a fenced block with no language, fenced only to keep its lines", "",
         "verse.verse_fences"),
    Rule("verse-titles", "a line alone before a poem of a collection (`I.`, `**II.**`, `THE RAVEN`)", "",
         "verse.verse_titles"),
    Rule("heading-links", "a link to a heading by its text, spaces and all (`[x](#Chant premier (extrait))`)", "",
         "dialect._bracket_fragment_links"),
)
