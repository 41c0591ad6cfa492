"""The quick inline pass (octavo/quick_inline.py) gives the tree Python-Markdown's stock pass gives.

It skips an inline pattern on text that lacks the pattern's trigger; these tests hold it to that
promise: every trigger is in every match of its expression, and on tricky inputs (escapes, code
spans, raw HTML, entities, links, emphasis at the text's edges, smart quotes, note markers) the
quick parser writes the same XHTML as a parser with the stock passes.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from markdown.treeprocessors import InlineProcessor

from octavo import quick_inline
from octavo.diagnostics import Collector
from octavo.markup import Parser
from octavo.sanitize import REF_CLOSE, REF_OPEN


def parsers(language: str = "en") -> tuple[Parser, Parser]:
    """A parser as the build makes it (quick passes) and the same parser with the stock passes back."""
    quick = Parser(language, Collector("x.md"), written=lambda n: f"[^{n}]")
    plain = Parser(language, Collector("x.md"), written=lambda n: f"[^{n}]")
    for name in ("inline", "smarty"):
        stock = InlineProcessor(plain.md)
        stock.inlinePatterns = plain.md.treeprocessors[name].inlinePatterns
        priority = {"inline": 20, "smarty": 6}[name]
        plain.md.treeprocessors.register(stock, name, priority)
    return quick, plain


QUICK, PLAIN = parsers()


def xhtml(parser: Parser, text: str) -> str:
    tree = parser.parse(text, list(range(1, text.count("\n") + 2)))
    return etree.tostring(tree, encoding="unicode").replace(parser.nonce, "NONCE")


def test_the_build_parser_uses_the_quick_passes_and_the_reference_the_stock_ones():
    assert type(QUICK.md.treeprocessors["inline"]) is quick_inline.QuickInlineProcessor
    assert type(QUICK.md.treeprocessors["smarty"]) is quick_inline.QuickInlineProcessor
    assert type(PLAIN.md.treeprocessors["inline"]) is InlineProcessor
    assert type(PLAIN.md.treeprocessors["smarty"]) is InlineProcessor


def test_every_listed_expression_is_the_one_python_markdown_registers():
    """Else the table is stale: the pattern is then tried everywhere (safe, but no longer quick)."""
    registries = [QUICK.md.inlinePatterns, QUICK.md.treeprocessors["smarty"].inlinePatterns]
    for name, (expression, _) in quick_inline.TRIGGERS.items():
        registered = [r[name] for r in registries if name in r]
        assert registered, name
        assert registered[0].pattern == expression, name


TRICKY = st.sampled_from([
    "*", "**", "_", "__", "`", "``", "\\", "\\*", "\\`", "\\\\", "[", "]", "(", ")", "!", "![", "](",
    "<", ">", "<em>", "</em>", "<b>", "<br/>", "<!-- c -->", "<http://x.org/a>", "<me@x.org>",
    "&", "&amp;", "&#8212;", "&copy;", ";", '"', "'", "--", "---", "...", "....", "  \n", "\n", " ",
    "a", "word", "1", "'90s", "[a](http://x.org)", "[a][b]", "![i](p.png)", f"{REF_OPEN}1{REF_CLOSE}",
    f"{REF_OPEN}0{REF_CLOSE}", "{: .x}", ":", "@", "http://x.org", "\t", "~", "^", "=", "|",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(TRICKY, min_size=1, max_size=24).map("".join))
def test_the_quick_pass_writes_what_the_stock_pass_writes(text):
    assert xhtml(QUICK, text) == xhtml(PLAIN, text)


@pytest.mark.parametrize("text", [
    "*emphasis at the start* and **strong at the end**",
    "_a_ and __b__ and ***both***",
    "a `code *span*` and ``double ` tick``",
    "escaped \\* star, \\` tick, \\[bracket\\], \\\\ backslash",
    "raw <em>html</em> and <span class=\"x\">span</span> and &amp; &copy; &#8212;",
    "[link](http://x.org \"title\") and [ref][r] and ![img](a.png)\n\n[r]: http://y.org",
    "<http://x.org> and <me@x.org>",
    "\"quoted\" and 'single' and the '90s -- an en --- an em ... and....",
    "line with a hard break  \nnext line",
    f"note{REF_OPEN}0{REF_CLOSE} at the end and `in code {REF_OPEN}1{REF_CLOSE}`",
    "> a quote with *emphasis*\n>\n> - a list item with `code` and \"quotes\"",
    "| a | *b* |\n|---|---|\n| `c` | [d](e) |",
    "*",
    "`",
    "'",
])
def test_tricky_inputs_parse_alike(text):
    assert xhtml(QUICK, text) == xhtml(PLAIN, text)


@pytest.mark.parametrize("language", ["de", "fr", "ru"])
def test_other_languages_quotes_parse_alike(language):
    quick, plain = parsers(language)
    text = "\"Er sagte 'nein'\" -- und ging... 'Doch' \"so\"."
    assert xhtml(quick, text) == xhtml(plain, text)


def _patterns():
    registries = [QUICK.md.inlinePatterns, QUICK.md.treeprocessors["smarty"].inlinePatterns]
    for name in quick_inline.TRIGGERS:
        pattern = next(r[name] for r in registries if name in r)
        needs = quick_inline._EITHER.get(name, (quick_inline.TRIGGERS[name][1],))
        yield name, pattern.getCompiledRegExp(), needs


PATTERNS = list(_patterns())
ALPHABET = st.text(alphabet=st.sampled_from(list("*_`\\[]()!<>&;\"'-. \n\tax1@:/#\u0002\u0003")), max_size=30)


@settings(max_examples=300, deadline=None)
@given(ALPHABET)
def test_every_match_holds_its_trigger(text):
    """The promise the skipping rests on: where an expression matches, its trigger is in the text."""
    for name, compiled, needs in PATTERNS:
        if compiled.search(text):
            assert any(t in text for t in needs), (name, text)


def test_the_triggers_are_found_in_their_expressions_matches():
    samples = {"linebreak": "a  \nb", "smarty-ellipses": "so...", "smarty-en-dashes": "a -- b",
               "smarty-em-dashes": "a --- b", "image_link": "![x](y)"}
    for name, compiled, needs in PATTERNS:
        if name in samples:
            found = compiled.search(samples[name])
            assert found and any(t in found.string for t in needs), name
    assert re.escape(REF_OPEN) in QUICK.md.inlinePatterns["octavo-noteref"].pattern
