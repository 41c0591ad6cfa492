"""Broken input: a valid book or a clear error naming the file (and line), never a traceback.

Each source below is one kind of breakage. They are built together once (as a batch, the way a
user builds a folder), each test checks what its source must produce, and every book that was
built goes through EPUBCheck in one run.
"""
from __future__ import annotations

import random
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from conftest import assert_epubcheck_clean, build_into, run_cli, write_source
from octavo.readback import OPF_NS, XHTML_NS, epub_opf, epub_reading_text, epub_spine, read_pdf

NASTY = '& < " >'
METADATA_FIELDS = ("title", "subtitle", "author", "translator", "editor", "date", "publisher", "rights",
                   "identifier", "tags", "metaTitle", "metaDescription")

SOURCES: dict[str, bytes] = {
    "no-front-matter.md": b"Just a paragraph, no front matter at all.\n",
    "malformed-yaml.md": b"---\ntitle: Fine\nauthor: : broken\n---\n\nText.\n",
    "unclosed-list.md": b"---\ntitle: Fine\ntags: [history, russia\n---\n\nText.\n",
    "wrong-types.md": b"---\ntitle: [one, two]\ntags: history\ndate: 2024-02-30\n---\n\nText.\n",
    "alias-bomb.md": (b"---\ntitle: Bomb\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                      + b"".join(b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((c, c) + (c - 1,) * 9)
                                 for c in range(ord("b"), ord("j")))
                      + b"---\n\nText.\n"),
    "empty.md": b"",
    "dated.md": b"---\ntitle: Dated\ndate: 1924-11-19\n---\n\nText.\n",
    "only-headings.md": b"# First\n\n## Second\n\n# Third\n",
    "latin1.md": b"---\ntitle: Caf\xe9\n---\n\nLine one.\nA caf\xe9 cr\xe8me.\n",
    "undecodable.md": b"---\ntitle: Undecodable\n---\n\nGood line.\nBad \x81 byte here.\n",
    "bom.md": b"\xef\xbb\xbf---\ntitle: With BOM\nauthor: Ann Author\n---\n\nText after a byte order mark.\n",
    "crlf.md": b"---\r\ntitle: Windows\r\nauthor: Someone\r\n---\r\n\r\nFirst line\r\nsame paragraph.\r\n\r\n# Head\r\n\r\nMore.\r\n",
    "controls.md": b"---\ntitle: Con\x00trols\n---\n\nA NUL \x00 here,\x0b a vertical tab, \x1b escape and \x7f delete.\n",
    "yaml-escapes.md": b'---\ntitle: "bad \\x01 \\0 title \\uE000 x"\ntags: ["\\x02", ok]\n---\n\nText.\n',
    "binary.md": random.Random(7).randbytes(8192),
    "png-renamed.md": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "long-line.md": b"---\ntitle: Long line\nauthor: A. Writer\n---\n\n" + b"word " * 60_000 + b"END\n",
    "deep-quotes.md": b"---\ntitle: Deep quotes\n---\n\n" + b">" * 5000 + b" deep quote text\n",
    "deep-quotes-spaced.md": b"---\ntitle: Deep spaced quotes\n---\n\n" + b"> " * 3000 + b"spaced quote text\n",
    "deep-lists.md": b"---\ntitle: Deep lists\n---\n\n" + b"".join(b"    " * i + b"* item %d\n" % i for i in range(3000)),
    "deep-mixed.md": b"---\ntitle: Deep mixed\n---\n\n" + b"> 1. " * 2000 + b"mixed text\n",
    "deep-html.md": b"---\ntitle: Deep HTML\n---\n\n" + b"<div>" * 5000 + b"html text" + b"</div>" * 5000 + b"\n",
    "many-notes.md": (b"---\ntitle: Many notes\nauthor: A. Writer\n---\n\n"
                      + b" ".join(b"word[^%d]" % i for i in range(1, 5001)) + b"\n\n"
                      + b"".join(b"[^%d]: Note number %d.\n" % (i, i) for i in range(1, 5001))),
    "note-problems.md": (b"---\ntitle: Note problems\n---\n\nText[^a] and[^missing] more [^a].\n\n"
                         b"[^a]: The first definition.\n[^a]: A second definition.\n[^lonely]: Nobody points here.\n"),
    "long-heading.md": b"---\ntitle: Long heading\n---\n\n# " + b"Long " * 1000 + b"\n\nText.\n\n# Short\n\nMore.\n",
    "Faïl näme with spaces Ж.md": b"---\ntitle: Spaces\n---\n\nText.\n",
    "templates.md": (b"---\ntitle: \"{{ 7 * 7 }} and {% if true %}yes{% endif %}\"\nauthor: \"{{ config }}\"\n---\n\n"
                     b"Curly {{ 6 * 7 }} and {% for x in y %}loop{% endfor %} and {# comment #}.\n\n"
                     b"A site tag {{ site.baseurl }} goes.\n"),
    "nasty-metadata.md": ("---\n"
                          + "".join(f'{field}: "{field} & < \\" >"\n' for field in METADATA_FIELDS if field != "tags")
                          + 'tags: ["x& < \\" >"]\n'
                          + "originalSource: 'https://example.com/?a=1&b=2'\n"
                          + "---\n\n# & < \" > heading\n\nText & < \" >.\n").encode(),
}
# Inputs of a size or depth that costs minutes to build and check: their own batch, in the slow tier.
HUGE = {"long-line.md", "deep-quotes.md", "deep-quotes-spaced.md", "deep-lists.md", "deep-mixed.md", "deep-html.md",
        "many-notes.md"}
FAILING = {"malformed-yaml.md", "unclosed-list.md", "wrong-types.md", "alias-bomb.md", "binary.md", "png-renamed.md"}


def build_batch(folder: Path, names) -> dict:
    """The named broken sources built in one batch: {file name: (Result, epub path or None)}."""
    paths = []
    for name in names:
        path = folder / "src" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(SOURCES[name])
        paths.append(path)
    report = build_into(folder / "out", *paths, formats=("epub",))
    results = {}
    for result in report.results:
        epub = next((p for p in result.outputs if p.suffix == ".epub"), None)
        results[result.input.name] = (result, epub)
    return results


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The broken sources of ordinary size, built in one batch."""
    return build_batch(tmp_path_factory.mktemp("broken"), [name for name in SOURCES if name not in HUGE])


@pytest.fixture(scope="module")
def huge(tmp_path_factory):
    """The huge and deeply nested sources, built in one batch (slow tier)."""
    return build_batch(tmp_path_factory.mktemp("huge"), sorted(HUGE))


def messages(result) -> list[str]:
    return [str(d) for d in result.diagnostics]


def codes(result) -> set[str]:
    return {d.code for d in result.diagnostics}


def no_internal_errors(result) -> None:
    assert "internal" not in codes(result), messages(result)
    assert not any("Traceback" in m for m in messages(result))


def test_every_book_built_from_broken_input_passes_epubcheck(batch):
    built = [epub for name, (result, epub) in batch.items() if name not in FAILING]
    assert all(built) and len(built) == len(SOURCES) - len(FAILING) - len(HUGE)
    assert_epubcheck_clean(*built)


@pytest.mark.slow
def test_every_huge_book_passes_epubcheck(huge):
    built = [epub for name, (result, epub) in huge.items()]
    assert all(built) and len(built) == len(HUGE)
    assert_epubcheck_clean(*built)


def test_sources_that_cannot_be_built_fail_alone_and_leave_no_output(batch):
    for name, (result, epub) in batch.items():
        no_internal_errors(result)
        assert result.ok == (name not in FAILING), (name, messages(result))
        if name in FAILING:
            assert epub is None and not result.outputs
            assert all(d.location and d.location.path.name == name for d in result.diagnostics if d.level == "error")


def test_no_front_matter_uses_the_file_name_as_title(batch):
    result, epub = batch["no-front-matter.md"]
    assert any("using the file name 'no-front-matter' as 'No Front Matter'" in m for m in messages(result))
    assert [e.text for e in epub_opf(epub).iterfind(".//dc:title", OPF_NS)] == ["No Front Matter"]
    assert "Just a paragraph, no front matter at all." in epub_reading_text(epub)


def test_malformed_yaml_is_an_error_with_its_line(batch):
    result, _ = batch["malformed-yaml.md"]
    assert any(m.endswith("[frontmatter.yaml]") and "malformed-yaml.md:3: error: front matter is not valid YAML" in m
               for m in messages(result)), messages(result)
    result, _ = batch["unclosed-list.md"]
    assert any("unclosed-list.md:4: error:" in m and "starts on line 3" in m for m in messages(result)), messages(result)


def test_fields_of_the_wrong_type_are_errors_each_with_its_line(batch):
    result, _ = batch["wrong-types.md"]
    found = messages(result)
    assert any("wrong-types.md:2: error: 'title' must be text, not a list" in m for m in found), found
    assert any("wrong-types.md:3: error: 'tags' must be a list" in m for m in found), found
    assert any("wrong-types.md:4: error: the value of 'date' looks like a date but is not valid" in m for m in found), found


def test_yaml_aliases_are_refused_before_anything_expands(batch):
    result, _ = batch["alias-bomb.md"]
    assert [str(d) for d in result.diagnostics if d.level == "error"] == [
        f"{result.input}:4: error: YAML anchors and aliases (*name) are not allowed in front matter [frontmatter.alias]"]


def test_a_yaml_date_is_a_dc_date(batch):
    result, epub = batch["dated.md"]
    assert result.ok and [e.text for e in epub_opf(epub).iterfind(".//dc:date", OPF_NS)] == ["1924-11-19"]


def test_an_empty_file_becomes_a_book_titled_by_its_name(batch):
    result, epub = batch["empty.md"]
    assert result.ok and [e.text for e in epub_opf(epub).iterfind(".//dc:title", OPF_NS)] == ["Empty"]


def test_a_file_with_only_headings_keeps_every_heading(batch):
    result, epub = batch["only-headings.md"]
    text = " ".join(" ".join(doc.itertext()) for _, doc in epub_spine(epub))
    for heading in ("First", "Second", "Third"):
        assert heading in text


def test_invalid_utf8_falls_back_to_windows_1252_with_the_byte_and_line(batch):
    result, epub = batch["latin1.md"]
    found = messages(result)
    assert any("latin1.md:2: warning: not valid UTF-8 (byte 0xe9 at column 11); read as Windows-1252" in m
               for m in found), found
    assert "A café crème." in epub_reading_text(epub)
    assert [e.text for e in epub_opf(epub).iterfind(".//dc:title", OPF_NS)] == ["Café"]


def test_undecodable_bytes_are_replaced_and_reported_with_their_line(batch):
    result, epub = batch["undecodable.md"]
    assert any("undecodable.md:6: warning: not valid UTF-8 (byte 0x81 at column 5); undecodable bytes replaced"
               in m for m in messages(result)), messages(result)
    assert "Bad \ufffd byte here." in epub_reading_text(epub)


def test_a_byte_order_mark_is_ignored(batch):
    result, epub = batch["bom.md"]
    assert result.ok and not result.diagnostics, messages(result)
    assert [e.text for e in epub_opf(epub).iterfind(".//dc:title", OPF_NS)] == ["With BOM"]


def test_crlf_line_endings_read_like_lf(batch):
    result, epub = batch["crlf.md"]
    assert result.ok and not result.diagnostics, messages(result)
    assert [e.text for e in epub_opf(epub).iterfind(".//dc:creator", OPF_NS)] == ["Someone"]
    with zipfile.ZipFile(epub) as z:
        assert not any(b"\r" in z.read(n) for n in z.namelist() if n.endswith(".xhtml"))
    assert "First line same paragraph." in " ".join(epub_reading_text(epub).split())


def test_characters_xml_forbids_are_removed_with_a_warning_per_line(batch):
    result, epub = batch["controls.md"]
    found = messages(result)
    assert any("controls.md:2: warning: removed character(s) not allowed in XML: U+0000" in m for m in found), found
    assert any("controls.md:5: warning: removed character(s) not allowed in XML: U+0000, U+000B, U+001B, U+007F"
               in m for m in found), found
    assert "A NUL  here, a vertical tab,  escape and  delete." in epub_reading_text(epub)


def test_yaml_escapes_cannot_smuggle_characters_xml_forbids(batch):
    result, epub = batch["yaml-escapes.md"]
    found = messages(result)
    assert any("yaml-escapes.md:2: warning: removed character(s) not allowed in XML from 'title': U+0000, U+0001, "
               "U+E000" in m for m in found), found
    assert any("yaml-escapes.md:3: warning: removed character(s) not allowed in XML from 'tags': U+0002" in m
               for m in found), found
    opf = epub_opf(epub)
    assert [e.text for e in opf.iterfind(".//dc:title", OPF_NS)] == ["bad title x"]
    assert [e.text for e in opf.iterfind(".//dc:subject", OPF_NS)] == ["ok"]


def test_binary_junk_is_an_error_not_a_book(batch):
    for name in ("binary.md", "png-renamed.md"):
        result, _ = batch[name]
        assert [d.code for d in result.diagnostics] == ["source.binary"], messages(result)
        assert f"{name}: error: this looks like a binary file" in messages(result)[0]


@pytest.mark.slow
def test_a_single_300_kb_line_is_kept_whole(huge):
    result, epub = huge["long-line.md"]
    assert result.ok and not result.diagnostics
    text = epub_reading_text(epub)
    assert text.count("word") == 60_000 and "END" in text


@pytest.mark.slow
@pytest.mark.parametrize("name, words", [
    ("deep-quotes.md", "deep quote text"), ("deep-quotes-spaced.md", "spaced quote text"),
    ("deep-lists.md", "item 2999"), ("deep-mixed.md", "mixed text"),
])
def test_thousands_of_nesting_levels_are_flattened_with_a_warning(huge, name, words):
    result, epub = huge[name]
    no_internal_errors(result)
    assert result.ok and "dialect.nesting" in codes(result), messages(result)
    assert any(f"{name}:" in m and "nested more than 12 levels deep are flattened" in m for m in messages(result))
    assert words in epub_reading_text(epub)


def test_the_nesting_cap_keeps_the_text_and_leaves_code_and_shallow_lines_alone():
    from octavo.diagnostics import Collector
    from octavo.dialect import cap_nesting

    lines = ["> " * 20 + "quoted", "```", ">" * 30, "```", "    * shallow item", " " * 80 + "* deep item", "plain",
             " " * 100]
    report = Collector(Path("x.md"))
    out = cap_nesting(lines, {1: True, 2: True, 3: True}, 10, report)
    assert out[0] == "> " * 12 + "quoted"
    assert out[1:5] == lines[1:5], "code and shallow lines are untouched"
    assert out[5] == " " * 44 + "* deep item" and out[6:] == ["plain", " " * 100]
    assert [str(d) for d in report.items] == [
        "x.md:10: warning: block quotes, lists or indentation nested more than 12 levels deep are flattened to 12 "
        "levels (2 lines) [dialect.nesting]"]


@pytest.mark.slow
def test_deeply_nested_lists_keep_every_item(huge):
    _, epub = huge["deep-lists.md"]
    text = epub_reading_text(epub)
    assert all(f"item {i}" in text for i in range(0, 3000, 97))


@pytest.mark.slow
def test_thousands_of_nested_html_elements_are_flattened_with_a_warning(huge):
    result, epub = huge["deep-html.md"]
    assert result.ok and "html.depth" in codes(result), messages(result)
    assert "html text" in epub_reading_text(epub)


def test_nesting_the_pre_pass_misses_never_crashes_the_build(tmp_path, monkeypatch):
    """Without the nesting cap, 150 nested list levels either build (Python-Markdown 3.11.4 stops nesting
    short of the recursion limit itself) or fail with a diagnostic; never a RecursionError."""
    import octavo.dialect

    monkeypatch.setattr(octavo.dialect, "cap_nesting", lambda lines, *args: lines)  # as if it missed this input
    source = write_source(tmp_path, "nested.md", "---\ntitle: N\n---\n\n"
                          + "".join("    " * i + f"* item {i}\n" for i in range(150)))
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(250)  # keeps the test fast: the real limit fails the same way, only later
        report = build_into(tmp_path / "out", source, formats=("epub",))
    finally:
        sys.setrecursionlimit(limit)
    result = report.results[0]
    no_internal_errors(result)
    if result.ok:
        text = epub_reading_text(tmp_path / "out" / "nested.epub")
        assert all(f"item {i}" in text for i in range(150)), "every item is kept, nested or as text"
    else:
        assert "markup.depth" in codes(result), messages(result)


def test_a_recursion_error_in_the_parser_is_a_diagnostic_naming_the_file(tmp_path, monkeypatch):
    """Whatever nesting exhausts the parser (Python-Markdown's guards differ from release to release),
    the source fails with markup.depth and its name; the build goes on."""
    from octavo.markup import LineBlockParser

    def exhausted(self, *args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(LineBlockParser, "parseBlocks", exhausted)
    deep = write_source(tmp_path, "deep.md", "---\ntitle: Deep\n---\n\nSome text.\n")
    report = build_into(tmp_path / "out", deep, formats=("epub",))
    result = report.results[0]
    no_internal_errors(result)
    assert not result.ok and "markup.depth" in codes(result)
    assert any("deep.md: error: the text is nested too deeply to typeset; simplify the nesting of quotes, "
               "lists or emphasis [markup.depth]" in m for m in messages(result)), messages(result)
    assert not (tmp_path / "out" / "deep.epub").exists()


@pytest.mark.slow
def test_five_thousand_notes_are_numbered_and_linked(huge):
    result, epub = huge["many-notes.md"]
    assert result.ok and not result.diagnostics, messages(result)[:5]
    docs = epub_spine(epub)
    refs = [a for _, d in docs for a in d.iterfind(".//x:a[@epub:type='noteref']", XHTML_NS)]
    notes = [li for _, d in docs for li in d.iterfind(".//x:li[@epub:type='endnote']", XHTML_NS)]
    assert len(refs) == len(notes) == 5000
    assert [a.text for a in refs[:3]] + [refs[-1].text] == ["1", "2", "3", "5000"]


def test_notes_defined_twice_never_referenced_or_undefined_are_reported_and_kept(batch):
    result, epub = batch["note-problems.md"]
    found = messages(result)
    assert any("note-problems.md:8: warning: note [a] is defined twice" in m for m in found), found
    assert any("note-problems.md:9: warning: note [lonely] is never referenced" in m for m in found), found
    assert any("note-problems.md:5: warning: reference to note [missing]" in m for m in found), found
    text = epub_reading_text(epub)
    assert "[^missing]" in text and "Nobody points here." in text and "The first definition." in text


def test_a_5000_character_heading_is_kept_whole(batch):
    result, epub = batch["long-heading.md"]
    assert result.ok
    docs = dict(epub_spine(epub))
    nav = " ".join(docs["nav.xhtml"].find(".//x:nav", XHTML_NS).itertext())
    assert ("Long " * 1000).strip() in nav


def test_a_file_name_with_spaces_and_non_ascii_letters_builds(batch):
    name = "Faïl näme with spaces Ж.md"
    result, epub = batch[name]
    assert result.ok and epub.name == "fail-name-with-spaces.epub"
    colophon = " ".join(dict(epub_spine(epub))["colophon.xhtml"].itertext())
    assert "Spaces" in colophon and ".md" not in colophon, "the credits name the text, never the build's file"


def test_template_syntax_is_printed_literally_and_site_tags_are_removed(batch):
    result, epub = batch["templates.md"]
    assert [d.code for d in result.diagnostics] == ["dialect.liquid"]
    assert "templates.md:8: warning: removed site template tag {{ site.baseurl }}" in messages(result)[0]
    title = "{{ 7 * 7 }} and {% if true %}yes{% endif %}"
    opf = epub_opf(epub)
    assert [e.text for e in opf.iterfind(".//dc:title", OPF_NS)] == [title]
    assert [e.text for e in opf.iterfind(".//dc:creator", OPF_NS)] == ["{{ config }}"]
    docs = dict(epub_spine(epub))
    assert title in " ".join(docs["title.xhtml"].itertext())
    text = " ".join(epub_reading_text(epub).split())
    assert "Curly {{ 6 * 7 }} and {% for x in y %}loop{% endfor %} and {# comment #}." in text
    assert "A site tag goes." in text and "49" not in text and "42" not in text


def test_ampersands_brackets_and_quotes_in_every_metadata_field_survive_escaping(tmp_path):
    source = tmp_path / "nasty.md"
    source.write_bytes(SOURCES["nasty-metadata.md"])
    report = build_into(tmp_path / "out", source)
    assert report.ok, messages(report.results[0])
    epub, pdf = tmp_path / "out" / "nasty.epub", tmp_path / "out" / "nasty.pdf"
    opf = epub_opf(epub)
    dc = lambda name: [e.text for e in opf.iterfind(f".//dc:{name}", OPF_NS)]  # noqa: E731
    assert dc("title") == [f"title {NASTY}", f"subtitle {NASTY}"]
    assert dc("creator") == [f"author {NASTY}"]
    assert dc("contributor") == [f"translator {NASTY}"]
    assert dc("date") == [], "dc:date only takes W3C dates; free text stays on the title page"
    assert dc("publisher") == [f"publisher {NASTY}"]
    assert dc("rights") == [f"rights {NASTY}"] and dc("identifier") == [f"identifier {NASTY}"]
    assert dc("subject") == [f"x{NASTY}"] and dc("description") == [f"metaDescription {NASTY}"]
    assert dc("source") == ["https://example.com/?a=1&b=2"]
    docs = dict(epub_spine(epub))
    nav_titles = [" ".join(a.itertext()) for a in docs["nav.xhtml"].iterfind(".//x:nav//x:a", XHTML_NS)]
    assert "& < \u201d > heading" in nav_titles  # the straight quote is typeset as a curly one
    assert docs["title.xhtml"].findtext(".//x:title", namespaces=XHTML_NS) == f"title {NASTY}"
    everything = " ".join(" ".join(d.itertext()) for d in docs.values())
    for field in METADATA_FIELDS:
        if field not in ("identifier", "tags"):
            assert f"{field} {NASTY}" in everything, field
    with zipfile.ZipFile(epub) as z:
        ncx = etree.fromstring(z.read("EPUB/toc.ncx"))
    assert "& < \u201d > heading" in [t.text for t in ncx.iterfind(".//{*}navLabel/{*}text")]
    with pikepdf.open(pdf) as doc:
        info = {str(k): str(v) for k, v in doc.docinfo.items()}
    assert info["/Title"] == f"title {NASTY}"
    assert info["/Author"] == f"author {NASTY}"
    assert info["/Subject"] == f"metaDescription {NASTY}"
    assert info["/Keywords"] == f"x{NASTY}"  # the same source's EPUB is EPUBChecked with the batch


@pytest.mark.parametrize("name", ["controls.md", *(pytest.param(n, marks=pytest.mark.slow) for n in (
                                      "deep-quotes.md", "deep-lists.md", "deep-html.md")),
                                  "long-heading.md", "templates.md", "note-problems.md", "latin1.md", "empty.md"])
def test_broken_sources_that_build_also_make_a_readable_pdf(tmp_path, name):
    source = tmp_path / name
    source.write_bytes(SOURCES[name])
    report = build_into(tmp_path / "out", source, formats=("pdf",))
    result = report.results[0]
    no_internal_errors(result)
    assert result.ok, messages(result)
    pdf = read_pdf(result.outputs[0])
    assert pdf.pages > 0 and not pdf.broken_links


# --- the command line ----------------------------------------------------------------------------

def test_the_cli_reports_broken_files_by_name_and_line_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_bytes(SOURCES["wrong-types.md"])
    junk = tmp_path / "junk.md"
    junk.write_bytes(SOURCES["binary.md"])
    proc = run_cli(str(bad), str(junk), "-o", str(tmp_path / "out"), "--format", "epub")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "Traceback" not in output
    assert f"{bad}:2: error: 'title' must be text, not a list [frontmatter.type]" in proc.stderr
    assert f"{junk}: error: this looks like a binary file" in proc.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_one_broken_source_among_many_fails_alone(tmp_path):
    """The others are built, the exit code is 1, and the summary names the broken one and why."""
    sources = tmp_path / "sources"
    for n in range(1, 5):
        write_source(sources, f"good-{n}.md", f"---\ntitle: Good {n}\n---\n\nText {n}.\n")
    (sources / "broken.md").write_bytes(SOURCES["malformed-yaml.md"])
    proc = run_cli("--format", "epub", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert sorted(p.name for p in (tmp_path / "output").iterdir() if not p.name.startswith(".")) == [f"good-{n}.epub" for n in range(1, 5)]
    assert "FAILED sources/broken.md: front matter is not valid YAML: mapping values are not allowed here" in proc.stdout
    assert "5 inputs: 4 built, 0 unchanged, 1 failed" in proc.stdout


def test_an_internal_error_names_the_input_and_the_others_still_build(tmp_path, monkeypatch):
    """A bug in Octavo is reported against the input it happened on, as one line, not a traceback."""
    import octavo.resolve  # the pipeline imports its stages when it first uses them

    real = octavo.resolve.build_text

    def flaky(source, *args, **kwargs):
        if source.path.name == "trigger.md":
            raise KeyError("simulated bug")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(octavo.resolve, "build_text", flaky)
    good = write_source(tmp_path, "good.md", "---\ntitle: Good\n---\n\nText.\n")
    trigger = write_source(tmp_path, "trigger.md", "---\ntitle: Trigger\n---\n\nText.\n")
    report = build_into(tmp_path / "out", trigger, good, formats=("epub",))
    bad, ok = report.results
    assert ok.ok and (tmp_path / "out" / "good.epub").is_file()
    assert [str(d) for d in bad.diagnostics] == [
        f"{trigger}: error: Octavo failed on this input: KeyError: 'simulated bug' "
        "(please report this; --debug shows the traceback) [internal]"]
