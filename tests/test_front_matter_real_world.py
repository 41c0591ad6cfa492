"""Front matter as people write it: YAML the way editors read it, languages by name, wiki links,
keys from site generators and note-taking vaults, free-form dates.

Each class of input is tried on a minimal source of its own; one case per class is built end to end
and checked in the EPUB's package metadata.
"""
from __future__ import annotations

import pytest

from conftest import build_into, write_source
from octavo.languages import display_name
from octavo.sources import read_source
from octavo.readback import OPF_NS, epub_opf, epub_spine


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


# --- languages by name or code ---------------------------------------------------------------------

@pytest.mark.parametrize("written, tag", [
    ("English", "en"), ("german", "de"), ("Français", "fr"), ("russian", "ru"), ("русский", "ru"),
    ("Deutsch", "de"), ("中文", "zh"), ("Norsk", "no"), ("Brazilian Portuguese", "pt-BR"),
    ("Ancient Greek", "grc"), ("latin", "la"),
    ("en_US", "en-US"), ("EN", "en"), ("en-us", "en-US"), ("eng", "en"), ("ger", "de"), ("iw", "he"),
])
def test_a_language_name_or_code_becomes_its_tag_with_a_warning_naming_the_tag(tmp_path, written, tag):
    source = read(tmp_path, f"title: T\nlanguage: {written}")
    assert source.fields["language"] == tag
    assert not source.diagnostics.has_errors
    assert [m for m in messages(source) if "[frontmatter.language]" in m] == [
        f"{source.path}:3: warning: language '{written}' is read as the BCP 47 tag '{tag}' "
        f"({display_name(tag)}) [frontmatter.language]"]


@pytest.mark.parametrize("written", ["en", "de-CH", "zh-Hans", "sr-Latn", "x-klingon"])
def test_a_standard_tag_is_used_quietly(tmp_path, written):
    source = read(tmp_path, f"title: T\nlanguage: {written}")
    assert source.fields["language"] == written
    assert not source.diagnostics.items, messages(source)


@pytest.mark.parametrize("written", ["Elvish tongue", "xx", "none", "n/a", "42", "de_DE.UTF-8"])
def test_what_is_not_a_language_is_refused_saying_what_was_expected(tmp_path, written):
    source = read(tmp_path, f"title: T\nlanguage: {written}")
    assert "language" not in source.fields
    assert messages(source) == [
        f"{source.path}:3: error: 'language' must be a BCP 47 tag such as en or de-CH, or a language name such as "
        f"English or Deutsch, not '{written}' [frontmatter.language]"]


def test_a_language_heading_at_the_top_of_the_text_is_read_like_the_field(tmp_path):
    path = write_source(tmp_path, "h.md", "# Title: Faust\n\n## Author: Goethe\n\n## Language: German\n\n---\n\nText.\n")
    source = read_source(path)
    assert source.fields["language"] == "de"
    assert f"{path}:5: warning: language 'German' is read as the BCP 47 tag 'de' (German) [frontmatter.language]" \
        in messages(source)


def test_a_language_name_reaches_the_opf_and_the_warning_names_file_and_line(tmp_path):
    path = write_source(tmp_path, "faust.md", """
        ---
        title: Faust
        language: Deutsch
        ---

        Habe nun, ach! Philosophie, Juristerei und Medizin durchaus studiert.
        """)
    report = build_into(tmp_path / "out", path, formats=("epub",))
    assert report.ok
    found = [str(d) for r in report.results for d in r.diagnostics]
    assert f"{path}:3: warning: language 'Deutsch' is read as the BCP 47 tag 'de' (German) [frontmatter.language]" \
        in found
    assert opf_values(tmp_path / "out" / "faust.epub", "language") == ["de"]


# --- wiki links in names and other text -------------------------------------------------------------

@pytest.mark.parametrize("written, name", [
    ('"[[Plato]]"', "Plato"),
    ('"[[Plato (philosopher)|Plato]]"', "Plato"),
    ('"[[People/Plato#Life]]"', "Plato"),
    ("[[Plato]]", "Plato"),  # unquoted: YAML reads a list in a list
    ("[[Plato (philosopher)|Plato]]", "Plato"),
])
def test_a_wiki_link_in_a_name_is_the_name(tmp_path, written, name):
    source = read(tmp_path, f"title: T\nauthor: {written}\ntranslator: {written}\neditor: {written}")
    assert source.fields["author"] == source.fields["translator"] == source.fields["editor"] == (name,)
    assert not source.diagnostics.items, messages(source)


def test_wiki_links_in_lists_and_in_other_text_fields(tmp_path):
    source = read(tmp_path, """
title: "On [[Justice]] in the [[Republic (Plato)|Republic]]"
author:
  - "[[Marx]]"
  - [[Friedrich Engels|Engels]]
tags: ["[[history]]", philosophy]
date: "[[1848-02-21]]"
""")
    assert source.fields["title"] == "On Justice in the Republic"
    assert source.fields["author"] == ("Marx", "Engels")
    assert source.fields["tags"] == ("history", "philosophy")
    assert source.fields["date"] == "1848-02-21"
    assert not source.diagnostics.items, messages(source)


def test_several_wiki_links_in_one_name_field_are_several_names(tmp_path):
    assert read(tmp_path, 'author: "[[Marx]] and [[Engels]]"').fields["author"] == ("Marx", "Engels")
    assert read(tmp_path, 'author: "[[Marx]], [[Engels]]"').fields["author"] == ("Marx", "Engels")
    assert read(tmp_path, 'author: "Karl Marx, Friedrich Engels"').fields["author"] == ("Karl Marx, Friedrich Engels",)


def test_wiki_linked_names_reach_the_opf(tmp_path):
    path = write_source(tmp_path, "republic.md", """
        ---
        title: "[[The Republic]]"
        author: "[[Plato (philosopher)|Plato]]"
        translator: [[Benjamin Jowett]]
        ---

        I went down yesterday to the Piraeus.
        """)
    report = build_into(tmp_path / "out", path, formats=("epub",))
    assert report.ok and not [d for r in report.results for d in r.diagnostics]
    epub = tmp_path / "out" / "republic.epub"
    assert opf_values(epub, "title") == ["The Republic"]
    assert opf_values(epub, "creator") == ["Plato"]
    assert opf_values(epub, "contributor") == ["Benjamin Jowett"]


# --- keys written by site generators and note-taking vaults -----------------------------------------

SITE_KEYS = ("layout: post", "permalink: /capital/ch01/", "toc:\n  - Section 1", "part: Part I", "chapter: 1",
             "nav_order: 3", "parent: Capital", "categories: [marx, economics]", "excerpt: Opening words",
             "published: true", "draft: false", "weight: 10", "slug: ch01", "volume: 呐喊", "aliases: [Ch. 1]",
             "cssclasses: [wide]", "created: 2024-01-05", "updated: 2024-02-01", "modified: 2024-02-01 10:00:00",
             "genre: essay", "status: reading")


@pytest.mark.parametrize("line", SITE_KEYS)
def test_keys_of_site_generators_and_vaults_are_accepted_quietly(tmp_path, line):
    source = read(tmp_path, f"title: T\n{line}")
    assert not source.diagnostics.items, messages(source)
    assert set(source.fields) == {"title"}


@pytest.mark.parametrize("key", ["Title", "TITLE", "original_source", "meta-description", "Nav_Order"])
def test_keys_match_whatever_their_case_and_separators(tmp_path, key):
    source = read(tmp_path, f"{key}: https://example.org/x")
    assert not source.diagnostics.items, messages(source)


def test_a_truly_unknown_key_gets_exactly_one_warning_with_a_suggestion(tmp_path):
    source = read(tmp_path, "title: T\nmood: cheerful\nautor: Marx")
    assert messages(source) == [
        f"{source.path}:3: warning: unknown field 'mood' is ignored [frontmatter.unknown]",
        f"{source.path}:4: warning: unknown field 'autor' is ignored (did you mean 'author'?) [frontmatter.unknown]"]


def test_description_and_summary_become_the_description_and_meta_description_wins(tmp_path):
    assert read(tmp_path, "summary: A short summary").fields["metaDescription"] == "A short summary"
    assert read(tmp_path, "description: Said here").fields["metaDescription"] == "Said here"
    both = read(tmp_path, "summary: S\ndescription: D\nmetaDescription: M")
    assert both.fields["metaDescription"] == "M" and not both.diagnostics.items
    assert read(tmp_path, "summary: S\ndescription: D").fields["metaDescription"] == "D"


def test_lang_is_language_and_language_wins_with_a_warning_when_they_differ(tmp_path):
    assert read(tmp_path, "lang: de").fields["language"] == "de"
    assert read(tmp_path, "lang: French").fields["language"] == "fr"
    both = read(tmp_path, "language: en\nlang: de")
    assert both.fields["language"] == "en"
    assert messages(both) == [f"{both.path}:3: warning: 'lang: de' differs from 'language: en'; 'language' is used "
                              "[frontmatter.language]"]
    bad = read(tmp_path, "lang: Elvish tongue")
    assert "language" not in bad.fields and not bad.diagnostics.has_errors


def test_source_or_url_fills_original_source_only_when_it_is_a_web_address(tmp_path):
    assert read(tmp_path, "source: https://example.org/a.htm").fields["originalSource"] == "https://example.org/a.htm"
    assert read(tmp_path, "url: http://example.org/b").fields["originalSource"] == "http://example.org/b"
    kept = read(tmp_path, "originalSource: https://example.org/mine\nsource: https://example.org/other")
    assert kept.fields["originalSource"] == "https://example.org/mine"
    quiet = read(tmp_path, "source: 呐喊_一件小事.txt\nurl: /about/")
    assert "originalSource" not in quiet.fields and not quiet.diagnostics.items, messages(quiet)


def test_subject_and_keywords_add_to_the_tags_and_categories_do_not(tmp_path):
    source = read(tmp_path, "tags: [history]\nsubject: Economics\nkeywords: labour, history; value\n"
                            "categories: [blog]")
    assert source.fields["tags"] == ("history", "Economics", "labour", "value")
    assert read(tmp_path, "keywords: [a, b]").fields["tags"] == ("a", "b")


def test_authors_and_year_fill_author_and_date(tmp_path):
    source = read(tmp_path, "author:\nauthors: [Karl Marx, Friedrich Engels]\nyear: 1848")
    assert source.fields["author"] == ("Karl Marx", "Friedrich Engels") and source.fields["date"] == "1848"


def test_a_borrowed_key_of_the_wrong_type_is_a_warning_not_an_error(tmp_path):
    source = read(tmp_path, "title: T\nsummary: [a, b]\ndescription: {x: 1}")
    assert not source.diagnostics.has_errors
    assert messages(source) == [
        f"{source.path}:3: warning: 'summary' must be text, not a list; it is ignored [frontmatter.type]",
        f"{source.path}:4: warning: 'description' must be text, not a mapping; it is ignored [frontmatter.type]"]


def test_jekyll_and_vault_metadata_reach_the_opf(tmp_path):
    path = write_source(tmp_path, "ch01.md", """
        ---
        layout: narrative
        title: "Chapter 1 - Commodities"
        lang: en
        summary: The commodity as the elementary form of wealth
        source: https://example.org/capital/ch01.htm
        keywords: [value, labour]
        part: "Part I. Commodities and Money"
        toc:
        - Section 1
        ---

        The wealth of those societies.
        """)
    report = build_into(tmp_path / "out", path, formats=("epub",))
    assert report.ok and [d.code for r in report.results for d in r.diagnostics] == ["frontmatter.author"], \
        "only that no author is named (the archive's chapters leave 'author:' out or empty)"
    epub = tmp_path / "out" / "ch01.epub"
    assert opf_values(epub, "description") == ["The commodity as the elementary form of wealth"]
    assert opf_values(epub, "source") == ["https://example.org/capital/ch01.htm"]
    assert opf_values(epub, "subject") == ["value", "labour"]
    assert opf_values(epub, "language") == ["en"]


def test_no_corpus_file_gets_an_unknown_field_warning(tmp_path):
    from conftest import CORPUS, needs_corpus

    needs_corpus()
    for path in sorted(CORPUS.glob("*.md")):
        noise = [m for m in messages(read_source(path)) if "[frontmatter." in m]
        assert not noise, noise


# --- free-form dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["1848", "February 1848", "c. 1600", "1867-09-14", "1848-02", "Spring 1924",
                                     "1917-11-07T10:00:00Z", "44 BC"])
def test_a_date_is_kept_as_written(tmp_path, written):
    source = read(tmp_path, f"title: T\ndate: {written}")
    assert source.fields["date"] == written
    assert not source.diagnostics.items, messages(source)


def test_only_a_w3c_date_becomes_dc_date_and_every_date_is_shown(tmp_path):
    written = {"a.md": "1848", "b.md": "February 1848", "c.md": "c. 1600", "d.md": "1867-09-14"}
    paths = [write_source(tmp_path, name, f"---\ntitle: T {name}\ndate: {date}\n---\n\nText.\n")
             for name, date in written.items()]
    report = build_into(tmp_path / "out", *paths, formats=("epub",))
    assert report.ok
    for name, date in written.items():
        epub = tmp_path / "out" / name.replace(".md", ".epub")
        assert opf_values(epub, "date") == ([date] if date[0].isdigit() and " " not in date else [])
        shown = " ".join(" ".join(doc.itertext()) for _, doc in epub_spine(epub))  # title page, colophon
        assert date in shown
