"""One reading of the source: the dialect's rules ask the parser's structure (octavo/structure.py)
what a line is, so nothing they rewrite is code or raw HTML. The garbling cases of issue 19, each
shown on a source built to show it, then the structure read against Python-Markdown itself."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import CORPUS, ROOT, body_xhtml, load, needs_corpus, note_xhtml, write_source
from octavo.diagnostics import Collector
from octavo.dialect import prepare


def text_of(tmp_path, source: str):
    text, diagnostics = load(write_source(tmp_path, "case.md", source))
    body = etree.fromstring("<div>" + "".join(body_xhtml(s) for s in text.sections if s.kind != "notes") + "</div>")
    return body, diagnostics


def pre_texts(body) -> list[str]:
    return ["".join(p.itertext()) for p in body.iter("pre")]


def code_texts(body) -> list[str]:
    return ["".join(c.itertext()) for c in body.iter("code") if c.getparent().tag != "pre"]


# --- the three garbling cases -------------------------------------------------------------------

def test_a_backslash_ending_a_line_of_indented_code_stays(tmp_path):
    body, _ = text_of(tmp_path, """\
        ---
        title: Shell
        ---
        Continue a long command on the next line:

            ls \\
              -l

        A line of prose with a hard break\\
        after it.
        """)
    assert pre_texts(body) == ["ls \\\n  -l\n"]
    prose = [p for p in body.iter("p") if "prose" in "".join(p.itertext())][0]
    assert prose.find("br") is not None, "outside code the backslash is still a hard break"


def test_quotes_and_elisions_inside_inline_code_stay_straight(tmp_path):
    body, _ = text_of(tmp_path, """\
        ---
        title: Grep
        ---
        Run `grep 's'` and `echo "it's -- done"`, and 'tis done.
        """)
    assert code_texts(body) == ["grep 's'", 'echo "it\'s -- done"']
    assert "\u2019tis done" in "".join(body.itertext())


def test_verse_class_is_never_written_into_fenced_code_or_a_pipe_table(tmp_path):
    body, _ = text_of(tmp_path, """\
        ---
        title: Fences
        ---
        A four-backtick fence holding a three-backtick one:

        ````markdown
        ```
        short line
        another one
        ```
        ````

        Name | Age
        -----|----
        Ann  | 31
        Bob  | 42

        The rose is red,
        the violet blue.
        """)
    assert pre_texts(body) == ["```\nshort line\nanother one\n```\n"]
    cells = ["".join(td.itertext()).strip() for td in body.iter("td", "th")]
    assert cells == ["Name", "Age", "Ann", "31", "Bob", "42"]
    assert "{:" not in "".join(body.itertext())
    assert [p.get("class") for p in body.iter("p") if "rose" in "".join(p.itertext())] == ["verse"]


def test_the_structure_knows_longer_fences_and_indented_code():
    from octavo.structure import scan

    lines = ["````", "```", "not closed yet", "```", "````", "", "    indented * code [1]", "", "text"]
    structure = scan(lines)
    assert [structure.kind(i) for i in range(len(lines))] == [
        "fence", "code", "code", "code", "fence", "blank", "code", "blank", "paragraph"]
    assert [(f.open, f.close) for f in structure.fences] == [(0, 4)]


def test_a_note_definitions_indented_paragraphs_are_text_not_code():
    from octavo.structure import scan

    lines = ["Text.[^1]", "", "[^1]: The note.", "", "    More of the note.", "", "", "    And more.", "", "After."]
    structure = scan(lines)
    assert not any(structure.opaque(i) for i in range(len(lines)))


# --- the structure against Python-Markdown itself ----------------------------------------------

def normal(line: str) -> str:
    return " ".join(re.sub(r"^(?:[ \t]*>)+", "", line).split())


def parsed_code_lines(text: str) -> list[str]:
    """Lines of the code blocks Octavo's parser sets in <pre> (the oracle: what the editions print)."""
    from octavo.markup import Parser

    parser = Parser("en", Collector(Path("x.md")), written=lambda n: "")
    tree = parser.parse(text, range(1, text.count("\n") + 2))
    return sorted(normal(line) for pre in tree.iter("pre") for line in "".join(pre.itertext()).split("\n")
                  if line.strip())


def scanned_code_lines(text: str) -> list[str]:
    from octavo.structure import scan

    lines = text.split("\n")
    structure = scan(lines)
    return sorted(normal(line) for i, line in enumerate(lines) if structure.kind(i) == "code" and line.strip())


def reading_sources() -> list[Path]:
    shared = ROOT.parent / "shared"
    return sorted(CORPUS.glob("*.md")) + sorted((shared / "lessons").glob("*.md")) + [
        ROOT / "sources" / "stalin-trotskyism-or-leninism-1924.md"]


@pytest.mark.slow
@pytest.mark.parametrize("path", reading_sources(), ids=lambda p: p.name)
def test_the_structure_finds_the_code_python_markdown_finds(path):
    """Every source of the corpus, the lessons and the seed, as the dialect hands it to the parser:
    the lines the structure calls code are the lines the parser sets in <pre> (quote marks aside)."""
    needs_corpus()
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text[text.index("\n---", 3) + 4:]
    text = prepare(text, 1, Collector(path)).markdown
    assert scanned_code_lines(text) == parsed_code_lines(text)


# --- nothing inside code or raw HTML changes ----------------------------------------------------

CODE_CHARS = ["\\", "'", '"', "--", "*", "[1]", "{: .verse}", "[^1]", "'tis", "...", "{{ site.url }}"]
WORD = st.text(alphabet="abcdefxyz", min_size=1, max_size=6)
PIECE = st.lists(st.one_of(st.sampled_from(CODE_CHARS), WORD), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fenced=st.lists(PIECE, min_size=1, max_size=4), indented=st.lists(PIECE, min_size=1, max_size=4),
       inline=PIECE.filter(lambda s: "`" not in s and s.strip() == s))
def test_code_survives_the_dialect_verbatim(tmp_path, fenced, indented, inline):
    """Sources with code holding what the rules react to: the dialect leaves every code line as it
    was, and the EPUB's code is the source's code, character for character."""
    fenced = [line.rstrip() for line in fenced]
    indented = [line.rstrip() for line in indented]
    source = ("Text with a note.[1]\n\n```text\n" + "\n".join(fenced) + "\n```\n\n"
              + "\n".join("    " + line for line in indented) + "\n\nSee `" + inline + "` here.\n\n"
              + "### Notes\n\n[1] The note.\n")
    prepared = prepare(source, 1, Collector(Path("x.md")))
    kept = prepared.markdown.split("\n")
    for line in fenced + ["    " + line for line in indented]:
        assert line in kept
    assert "`" + inline + "`" in prepared.markdown
    body, _ = text_of(tmp_path, "---\ntitle: T\n---\n" + source)
    assert pre_texts(body) == ["\n".join(fenced) + "\n", "\n".join(indented) + "\n"]
    assert code_texts(body) == [inline]


RULES = ROOT / "tests" / "fixtures" / "dialect"


def rule_folders() -> list[Path]:
    return sorted(p for p in RULES.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", rule_folders(), ids=lambda p: p.name)
def test_each_rule_fires_on_its_positive_fixture(folder):
    source = (folder / "positive.md").read_text(encoding="utf-8")
    expected = (folder / "positive.expected.md").read_text(encoding="utf-8")
    assert prepare(source, 1, Collector(Path("positive.md"))).markdown == expected


@pytest.mark.parametrize("folder", rule_folders(), ids=lambda p: p.name)
def test_each_rule_leaves_code_and_raw_html_alone(folder, tmp_path):
    """The negative fixture holds what the rule reacts to only inside fenced code, indented code,
    inline code and raw HTML: the dialect gives it back byte for byte, and the parser keeps it."""
    source = (folder / "negative.md").read_text(encoding="utf-8")
    report = Collector(Path("negative.md"))
    assert prepare(source, 1, report).markdown == source
    assert not report.items, [str(d) for d in report.items]
    body, _ = text_of(tmp_path, "---\ntitle: T\nlanguage: en\n---\n" + source)
    fences = re.findall(r"^```[a-z]*\n(.*?)^```$", source, re.M | re.S)
    assert all(f in pre_texts(body) for f in fences)
    spans = re.findall(r"(?<!`)`([^`\n]+)`(?!`)", source)
    assert [s for s in spans if s in code_texts(body)] == spans


def test_every_rule_has_its_fixtures_and_the_manual_lists_them():
    """Every rule has its fixtures, and the manual's tables of rules (README.md, then docs/*.md by
    name, between the rules markers) list every rule once, in the list's order, as it stands there."""
    from octavo.rules import RULES

    assert sorted(r.name for r in RULES) == [p.name for p in rule_folders()]
    for folder in rule_folders():
        assert {p.name for p in folder.iterdir()} >= {"positive.md", "positive.expected.md", "negative.md"}
    manual = (ROOT / "docs" / "dialects.md").read_text(encoding="utf-8")
    table = manual[manual.index("<!-- rules:start -->"):manual.index("<!-- rules:end -->")]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[3:]]
    assert rows == [[f"`{r.name}`", r.recognises, f"`{r.code}`" if r.code else "—"] for r in RULES]


def test_a_rule_straight_under_a_heading_goes_with_a_warning(tmp_path):
    """Capital's pages put `* * *` under every section heading; a rule between two sections stays."""
    source = write_source(tmp_path, "capital.md", """\
        ---
        title: Chapter 1
        ---
        ### Section 1. The Two Factors

        * * *

        The wealth of those societies.

        * * *

        ### Section 2. The Two-fold Character

        At first sight a commodity.
        """)
    text, diagnostics = load(source)
    body = etree.fromstring("<div>" + "".join(body_xhtml(s) for s in text.sections) + "</div>")
    assert len(list(body.iter("hr"))) == 1
    assert [str(d) for d in diagnostics if d.code == "dialect.rule"] == [
        f"{source}:6: warning: removed 1 rule straight under a heading (line 6) [dialect.rule]"]


def test_a_pandoc_table_caption_above_or_below_becomes_the_tables_caption(tmp_path):
    body, _ = text_of(tmp_path, """\
        ---
        title: Tables
        ---
        Some text.

        : Wages in 1860

        Trade | Wage
        ------|-----
        Spinner | 20s.

        Town | People
        -----|-------
        Leeds | 172,000

        Table: Towns of the *West Riding*

        A closing paragraph.
        """)
    captions = [" ".join("".join(c.itertext()).split()) for c in body.iter("caption")]
    assert captions == ["Wages in 1860", "Towns of the West Riding"]
    assert list(body.iter("table"))[1].find("caption").find("em").text == "West Riding"
    assert ["".join(p.itertext()) for p in body.iter("p")] == ["Some text.", "A closing paragraph."]


def test_an_archive_header_block_goes_to_the_credits_not_paragraph_one(tmp_path):
    """Zetkin's page: title, date, a rule, the header block, a rule, then the speech."""
    source = write_source(tmp_path, "zetkin.md", """\
        ---
        title: Only in Conjunction With the Proletarian Woman
        author: Clara Zetkin
        ---
        ### (1896)

        ------------------------------------------------------------------------

        **Source:** Speech at the Party Congress, Gotha, October 16th, 1896.\\
        **Published:** Clara Zetkin: **Selected Writings**, 1984.\\
        **Transcribed:** for marxists.org in August, 2002.

        ------------------------------------------------------------------------

        The investigations of Bachofen, Morgan and others seem to prove it.
        """)
    text, diagnostics = load(source)
    assert text.metadata.archive == (
        ("Source", "Speech at the Party Congress, Gotha, October 16th, 1896."),
        ("Published", "Clara Zetkin: Selected Writings, 1984."),
        ("Transcribed", "for marxists.org in August, 2002."))
    body = etree.fromstring("<div>" + "".join(body_xhtml(s) for s in text.sections) + "</div>")
    assert ["".join(p.itertext()) for p in body.iter("p")] == [
        "The investigations of Bachofen, Morgan and others seem to prove it."]
    assert not list(body.iter("hr"))
    assert [str(d) for d in diagnostics if d.code == "dialect.header"] == [
        f"{source}:9: warning: moved the archive's header block (Source, Published, Transcribed) to the credits "
        "[dialect.header]"]


def test_a_paragraph_that_only_starts_with_source_stays_text(tmp_path):
    body, diagnostics = text_of(tmp_path, """\
        ---
        title: T
        ---
        Source: the river, as every child in the valley knows.
        And the water runs on past the mill.
        """)
    assert len(list(body.iter("p"))) == 1 and "dialect.header" not in [d.code for d in diagnostics]


def test_a_caret_bracket_inside_a_note_is_printed_as_a_bracket_and_reported(tmp_path):
    """Capital's notes write editors' brackets as [^…]: never printed with the caret."""
    source = write_source(tmp_path, "capital.md", """\
        ---
        title: Machinery
        ---
        The philosopher says so.[^1]

        [^1]: While the philosopher [^…] of Political Economy in England, “which it may now be hoped” [^20 years later!] and `x[^a b]`.
        """)
    text, diagnostics = load(source)
    note = "".join("".join(etree.fromstring(note_xhtml(n)).itertext()) for s in text.sections for n in s.notes)
    assert "[^" not in note.replace("x[^a b]", "")
    assert "philosopher […] of Political Economy" in note and "[20 years later!]" in note and "x[^a b]" in note
    assert [str(d) for d in diagnostics if d.code == "notes.caret"] == [
        f"{source}:6: warning: '[^…]' in note [1] is not a note reference; printed as a bracket without the caret "
        "(2 in this note) [notes.caret]"]
