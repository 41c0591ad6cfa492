"""Typography decided from context: quotes per language, and characters no font can print."""
from __future__ import annotations

import re

import pytest
from lxml import etree

from conftest import body_xhtml, load, note_xhtml, write_source


def paragraphs(tmp_path, language: str, markdown: str) -> tuple[list[str], list]:
    text, diagnostics = load(write_source(tmp_path, "q.md", f"---\ntitle: Q\nlanguage: {language}\n---\n{markdown}\n"))
    tree = etree.fromstring("<div>" + "".join(body_xhtml(s) for s in text.sections) + "</div>")
    return ["".join(p.itertext()) for p in tree.iter("p")], diagnostics


NB = "\u202f"
# (written, English, German, French, Russian)
QUOTES = [
    ('He said "yes" to me.', "He said “yes” to me.", "He said „yes“ to me.", f"He said «{NB}yes{NB}» to me.",
     "He said «yes» to me."),
    ('"Yes," he said.', "“Yes,” he said.", "„Yes,“ he said.", f"«{NB}Yes,{NB}» he said.", "«Yes,» he said."),
    ('as painlessly as possible. "', "as painlessly as possible.”", "as painlessly as possible.“",
     f"as painlessly as possible.{NB}»", "as painlessly as possible.»"),
    ('He ended: "So be it. "', "He ended: “So be it.”", "He ended: „So be it.“", f"He ended: «{NB}So be it.{NB}»",
     "He ended: «So be it.»"),
    ('" Bonjour " dit-il.', "“Bonjour” dit-il.", "„Bonjour“ dit-il.", f"«{NB}Bonjour{NB}» dit-il.",
     "«Bonjour» dit-il."),
    ('Il dit " oui " et part.', "Il dit “oui” et part.", "Il dit „oui“ et part.", f"Il dit «{NB}oui{NB}» et part.",
     "Il dit «oui» et part."),
    ('Read "[the text](https://example.org/)" first.', "Read “the text” first.", "Read „the text“ first.",
     f"Read «{NB}the text{NB}» first.", "Read «the text» first."),
    ('He said "no".', "He said “no”.", "He said „no“.", f"He said «{NB}no{NB}».", "He said «no»."),
    ("It's 'inner' here.", "It’s ‘inner’ here.", "It’s ‚inner‘ here.", "It’s ‘inner’ here.", "It’s „inner“ here."),
    ('"He said \'hi\' twice"', "“He said ‘hi’ twice”", "„He said ‚hi‘ twice“", f"«{NB}He said ‘hi’ twice{NB}»",
     "«He said „hi“ twice»"),
    ("rock 'n' roll, don't, 'tis", "rock ’n’ roll, don’t, ’tis", "rock ’n’ roll, don’t, ’tis",
     "rock ’n’ roll, don’t, ’tis", "rock ’n’ roll, don’t, ’tis"),
    ('call it "Women\'s Day\\"?', "call it “Women’s Day”?", "call it „Women’s Day“?",
     f"call it «{NB}Women’s Day{NB}»?", "call it «Women’s Day»?"),
    ('`"code"` stays', '"code" stays', '"code" stays', '"code" stays', '"code" stays'),
]


@pytest.mark.parametrize("language", ["en", "de", "fr", "ru"])
def test_quotes_in_context_per_language(tmp_path, language):
    column = ["en", "de", "fr", "ru"].index(language) + 1
    got, _ = paragraphs(tmp_path, language, "\n\n".join(row[0] for row in QUOTES))
    assert got == [row[column] for row in QUOTES]


def test_a_closing_quote_at_the_end_of_a_verse_line_closes(tmp_path):
    got, _ = paragraphs(tmp_path, "en", 'And the raven said "\nNevermore "\nand flew.')
    assert got == ["And the raven said”\nNevermore”\nand flew."]


def test_a_ditto_mark_in_raw_html_stays_as_written(tmp_path):
    text, _ = load(write_source(tmp_path, "d.md", '---\ntitle: D\n---\n<table><tr><td>After 6 p.m.,</td>'
                                '<td> 15 "</td></tr></table>\n'))
    assert ' 15 "' in body_xhtml(text.sections[0])


# --- characters no font has ----------------------------------------------------------------------------

def test_a_symbol_font_character_is_mapped_and_reported_with_its_line(tmp_path):
    text, diagnostics = load(write_source(tmp_path, "p.md", """---
title: P
language: ru
---
Текст[^15] и α&#xF061;.

[^15]: \uf02aИмеется в виду не английская Реставрация. *(Примечание Энгельса к английскому изданию.)*
"""))
    note = note_xhtml(text.notes[0])
    assert "*Имеется в виду" in note and "<em>(Примечание Энгельса" in note, "the asterisk is no emphasis mark"
    assert "αα" in body_xhtml(text.sections[0]), "a reference to the code point is mapped too"
    private = [d for d in diagnostics if d.code == "dialect.private-use"]
    assert [d.location.line for d in private] == [5, 7]
    assert "U+F061" in private[0].message and "'α'" in private[0].message
    assert "U+F02A" in private[1].message and "'*'" in private[1].message


def test_other_private_use_characters_are_removed_never_printed(tmp_path):
    text, diagnostics = load(write_source(tmp_path, "p.md", "---\ntitle: P\n---\nA\ue123B and C\U000F0001D\n\nE\ue123F\n"))
    written = body_xhtml(text.sections[0])
    assert "AB and CD" in written and "EF" in written
    assert not re.search("[\ue000-\uf8ff\U000f0000-\U0010ffff]", written)
    private = [d for d in diagnostics if d.code == "dialect.private-use"]
    assert [(d.location.line, "removed" in d.message) for d in private] == [(4, True), (4, True)]
    assert "also 1 more time" in private[0].message


@pytest.mark.parametrize("language, written", [
    ("en", "The \"Critique\" of 'Pure' Reason -- and Women's Day..."),
    ("en", "Marx' 'Capital' in the '90s"),
    ("fr", "Le \"Capital\" d'aujourd'hui"),
    ("de", "Das \"Kapital\" und 'Arbeit'"),
    ("ru", "\"Левый\" коммунизм"),
])
def test_a_front_matter_title_is_set_as_the_same_words_in_a_heading_are(tmp_path, language, written):
    """The title page and contents take the front matter's title; the text's headings are parsed.
    Written alike, they must read alike: curly quotes in the language's marks, dashes, ellipses."""
    source = write_source(tmp_path, "title.md", f"---\ntitle: '{written.replace(chr(39), chr(39) * 2)}'\n"
                          f"language: {language}\n---\nOpening.\n\n## 1: {written}\n\nText.\n")
    text, _ = load(source)
    [heading] = [s.title for s in text.sections if s.title and s.title.startswith("1: ")]
    assert text.metadata.title == heading.removeprefix("1: ")
    assert '"' not in text.metadata.title and "'" not in text.metadata.title


def test_front_matter_names_get_the_texts_apostrophes(tmp_path):
    """An author, translator or editor typed with a straight apostrophe is printed with the
    typographic one, as the same name in the text would be."""
    source = write_source(tmp_path, "names.md", "---\ntitle: Essays\nauthor: \"Flann O'Brien\"\n"
                          "translator: [\"Seán O'Casey\", \"Ann Smith\"]\neditor: \"D'Arcy Lee\"\n---\nText.\n")
    text, _ = load(source)
    assert text.metadata.authors == ("Flann O\u2019Brien",)
    assert text.metadata.translators == ("Seán O\u2019Casey", "Ann Smith")
    assert text.metadata.editors == ("D\u2019Arcy Lee",)
