"""The source format: front matter fields, their validation, and where each one ends up."""
from __future__ import annotations

from conftest import build_into, write_source
from octavo.config import Config
from octavo.pipeline import load_text
from octavo.sources import read_source
from octavo.readback import OPF_NS, epub_opf, read_pdf


def messages(source):
    return [str(d) for d in source.diagnostics.items]


def test_every_optional_field_reaches_the_epub_and_the_pdf(tmp_path):
    path = write_source(tmp_path, "full.md", """
        ---
        title: Full
        subtitle: A test of every field
        author: [Ann Author, Bob Author]
        translator: Tina Translator
        date: 1924-11-19
        language: de
        publisher: Octavo Press
        rights: Public domain
        identifier: urn:isbn:9780000000000
        originalSource: https://example.org/full.htm
        tags: [one, two]
        metaTitle: Full | Archive
        metaDescription: Everything at once
        ---

        Der Text.
        """)
    report = build_into(tmp_path / "out", path)
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    opf = epub_opf(tmp_path / "out" / "full.epub")
    dc = lambda name: [e.text for e in opf.iterfind(f".//dc:{name}", OPF_NS)]  # noqa: E731
    assert dc("title") == ["Full", "A test of every field"]
    assert dc("creator") == ["Ann Author", "Bob Author"]
    assert dc("contributor") == ["Tina Translator"]
    assert dc("identifier") == ["urn:isbn:9780000000000"]
    assert dc("language") == ["de"] and dc("date") == ["1924-11-19"]
    assert dc("publisher") == ["Octavo Press"] and dc("rights") == ["Public domain"]
    pdf = read_pdf(tmp_path / "out" / "full.pdf")
    assert pdf.metadata["/Author"] == "Ann Author, Bob Author"
    assert pdf.language == "de"


def test_missing_title_falls_back_to_the_first_heading_with_a_warning(tmp_path):
    source = read_source(write_source(tmp_path, "t.md", "---\nauthor: X\n---\n\n# The Real Title\n\nText.\n"))
    text = load_text(source, Config())
    assert text.metadata.title == "The Real Title"
    assert any("no title in front matter" in m and ":5:" in m and "(line 5)" in m for m in messages(source)), \
        "the line the title came from"


def test_no_title_and_no_heading_falls_back_to_the_file_name(tmp_path):
    source = read_source(write_source(tmp_path, "my-essay.md", "Just text.\n"))
    assert load_text(source, Config()).metadata.title == "My Essay", "the file name as words"
    assert any("using the file name" in m for m in messages(source))


def test_title_as_a_list_is_an_error_naming_file_and_line(tmp_path):
    source = read_source(write_source(tmp_path, "bad.md", "---\nauthor: X\ntitle: [a, b]\n---\nText\n"))
    assert source.diagnostics.has_errors
    assert any("bad.md:3: error: 'title' must be text" in m for m in messages(source))


def test_tags_as_a_string_is_an_error_naming_file_and_line(tmp_path):
    source = read_source(write_source(tmp_path, "bad.md", "---\ntitle: T\ntags: history\n---\nText\n"))
    assert any("bad.md:3: error: 'tags' must be a list" in m for m in messages(source))


def test_unknown_field_is_a_warning_naming_the_field(tmp_path):
    source = read_source(write_source(tmp_path, "w.md", "---\ntitle: T\nmood: cheerful\n---\nText\n"))
    assert not source.diagnostics.has_errors
    assert any("w.md:3: warning: unknown field 'mood'" in m for m in messages(source))


def test_invalid_language_tag_is_an_error(tmp_path):
    source = read_source(write_source(tmp_path, "l.md", "---\ntitle: T\nlanguage: Elvish tongue\n---\nText\n"))
    assert any("l.md:3: error: 'language' must be a BCP 47 tag" in m for m in messages(source))


def test_malformed_yaml_is_an_error_with_its_line(tmp_path):
    source = read_source(write_source(tmp_path, "y.md", "---\ntitle: T\nauthor: x: y\n---\nText\n"))
    assert source.diagnostics.has_errors
    assert any("y.md:3: error: front matter is not valid YAML" in m for m in messages(source))


def test_identifier_is_stable_and_derived_from_the_source_url(tmp_path):
    text = "---\ntitle: T\noriginalSource: https://example.org/t.htm\n---\nText\n"
    one = build_into(tmp_path / "a", write_source(tmp_path / "a", "t.md", text), formats=("epub",))
    two = build_into(tmp_path / "b", write_source(tmp_path / "b", "t.md", text), formats=("epub",))
    assert one.ok and two.ok
    ids = [epub_opf(tmp_path / d / "t.epub").find(".//dc:identifier", OPF_NS).text for d in "ab"]
    assert ids[0] == ids[1] and ids[0].startswith("urn:uuid:")
