"""Front matter as people write it: YAML the way editors read it, languages by name, wiki links,
keys from site generators and note-taking vaults, free-form dates.

Each class of input is tried on a minimal source of its own; one case per class is built end to end
and checked in the EPUB's package metadata.
"""
from __future__ import annotations

import pytest

from conftest import build_into, write_source
from octavo.sources import read_source
from octavo.validate import OPF_NS, epub_opf


def messages(source) -> list[str]:
    return [str(d) for d in source.diagnostics.items]


def read(tmp_path, front_matter: str, name: str = "s.md"):
    """A source with this front matter (dedented) and one line of text."""
    return read_source(write_source(tmp_path, name, f"---\n{front_matter.strip()}\n---\n\nText.\n"))


def opf_values(epub, name: str) -> list[str]:
    return [e.text for e in epub_opf(epub).iterfind(f".//dc:{name}", OPF_NS)]


# --- YAML 1.2 scalars: yes/no/on/off are words, numbers stay as written ----------------------------

@pytest.mark.parametrize("written", ["no", "No", "NO", "yes", "on", "Off", "y", "n"])
def test_yes_no_on_off_are_text_not_booleans(tmp_path, written):
    source = read(tmp_path, f"title: {written}\nauthor: [{written}, {written}]")
    assert source.fields["title"] == written
    assert source.fields["author"] == (written, written)
    assert not source.diagnostics.items, messages(source)


def test_language_no_is_norwegian(tmp_path):
    source = read(tmp_path, "title: Et dukkehjem\nlanguage: no")
    assert source.fields["language"] == "no"
    assert not source.diagnostics.items, messages(source)


def test_author_yes_no_is_two_names(tmp_path):
    assert read(tmp_path, "title: T\nauthor: [Yes, No]").fields["author"] == ("Yes", "No")


@pytest.mark.parametrize("written", ["0123", "1.10", "1:20", "1_000", "0x1F", "1e3", ".inf", "="])
def test_numbers_and_symbols_stay_as_written(tmp_path, written):
    source = read(tmp_path, f"title: {written}\nidentifier: {written}")
    assert source.fields["title"] == written and source.fields["identifier"] == written
    assert not source.diagnostics.items, messages(source)


def test_true_and_false_are_still_booleans(tmp_path):
    source = read(tmp_path, "title: true")
    assert messages(source) == [f"{source.path}:2: error: 'title' must be text, not true/false [frontmatter.type]"]


def test_yaml_1_1_values_keep_their_line_numbers_in_diagnostics(tmp_path):
    source = read(tmp_path, "title: Off\nlanguage: no\nauthor: [Yes, No]\nmood: on")
    assert messages(source) == [f"{source.path}:5: warning: unknown field 'mood' is ignored [frontmatter.unknown]"]


def test_norwegian_book_with_yes_no_values_reaches_the_opf(tmp_path):
    path = write_source(tmp_path, "ibsen.md", """
        ---
        title: Off
        author: [Yes, No]
        language: no
        ---

        Tekst.
        """)
    report = build_into(tmp_path / "out", path, formats=("epub",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    epub = tmp_path / "out" / "ibsen.epub"
    assert opf_values(epub, "title") == ["Off"]
    assert opf_values(epub, "creator") == ["Yes", "No"]
    assert opf_values(epub, "language") == ["no"]
