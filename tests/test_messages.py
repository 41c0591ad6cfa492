"""Interface words in the text's language: one catalogue (octavo/messages.py), a test per language.

Each language gets a book that makes Octavo say everything it says (contents, notes, credits with a
translator, source, subjects and archive listing, the made-with sentence, a publisher, a note with
two references, an untitled section, the cover, the landmarks, the accessibility summary), and the
book must say it in that language, with no English sentence left over.
"""
from __future__ import annotations

import re
import string
import zipfile

import pytest
from lxml import etree

from conftest import assert_epubcheck_clean, build_into, write_source
from octavo import messages, render
from octavo.readback import OPF_NS, XHTML_NS, epub_opf, epub_spine

LANGUAGES = ("en", "de", "fr", "es", "it", "ru", "zh")
# The words per language as a reader expects them, written here independently of the catalogue:
# contents, notes, credits (one wording for a text and a volume), "Section 3", landmarks, cover, the
# cover's alternative text (before the title), back to reference 1, back to the text, translated by,
# source, subjects (keywords in lower case get a capital; the language's list separator), archive listing, made with and published by.
EXPECTED = {
    "en": ("Contents", "Notes", "Sources and credits", "Section 3", "Landmarks", "Cover", "Cover: ",
           "Back to reference 1", "Back to the text", "Translated by Anna Translator",
           "Source: https://example.org/en", "Subjects: Alpha, Beta", "Archive listing: Listing en",
           "This edition was made with Octavo. Published by Press en."),
    "de": ("Inhalt", "Anmerkungen", "Quellen und Nachweise", "Abschnitt 3", "Orientierungspunkte", "Umschlag",
           "Umschlag: ", "Zurück zur Verweisstelle 1", "Zurück zum Text", "Übersetzt von Anna Translator",
           "Quelle: https://example.org/de", "Schlagwörter: Alpha, Beta", "Eintrag im Archiv: Listing de",
           "Diese Ausgabe wurde mit Octavo erstellt. Verlag: Press de."),
    "fr": ("Table des matières", "Notes", "Sources et crédits", "Section 3", "Repères", "Couverture",
           "Couverture\u00a0: ", "Retour à l\u2019appel de note 1", "Retour au texte",
           "Traduit par Anna Translator", "Source\u00a0: https://example.org/fr", "Sujets\u00a0: Alpha, Beta",
           "Notice de l\u2019archive\u00a0: Listing fr",
           "Cette édition a été réalisée avec Octavo. Publié par Press fr."),
    "es": ("Índice", "Notas", "Fuentes y créditos", "Sección 3", "Puntos de referencia", "Cubierta", "Cubierta: ",
           "Volver a la llamada 1", "Volver al texto", "Traducción de Anna Translator",
           "Fuente: https://example.org/es", "Temas: Alpha, Beta", "Ficha del archivo: Listing es",
           "Esta edición se hizo con Octavo. Publicado por Press es."),
    "it": ("Indice", "Note", "Fonti e crediti", "Sezione 3", "Punti di riferimento", "Copertina", "Copertina: ",
           "Torna al richiamo 1", "Torna al testo", "Traduzione di Anna Translator",
           "Fonte: https://example.org/it", "Argomenti: Alpha, Beta", "Scheda d\u2019archivio: Listing it",
           "Questa edizione è stata realizzata con Octavo. Pubblicato da Press it."),
    "ru": ("Содержание", "Примечания", "Источники и выходные данные", "Раздел 3", "Ориентиры", "Обложка",
           "Обложка: ", "Назад к ссылке 1", "Назад к тексту", "Перевод: Anna Translator",
           "Источник: https://example.org/ru", "Темы: Alpha, Beta", "Запись в архиве: Listing ru",
           "Это издание подготовлено в Octavo. Издатель: Press ru."),
    "zh": ("目录", "注释", "来源与说明", "第3节", "导航地标", "封面", "封面：", "返回第1处引用", "返回正文", "Anna Translator 译",
           "来源：https://example.org/zh", "主题：Alpha、Beta", "档案条目：Listing zh", "本版本由 Octavo 制作。 出版者：Press zh。"),
}
SOURCE = """---
title: "Book {language}"
author: "Karl Marx"
translator: "Anna Translator"
language: {language}
originalSource: "https://example.org/{language}"
metaTitle: "Listing {language}"
tags: [alpha, beta]
publisher: "Press {language}"
---

Opening words with a note.[^1] And the same note again.[^1]

## First chapter

Words.

## [^2]

A section whose heading is only a note call.

[^1]: The first note.
[^2]: The second note.
"""


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("languages")
    paths = [write_source(folder, f"book-{language}.md", SOURCE.format(language=language)) for language in LANGUAGES]
    report = build_into(folder / "out", *paths, formats=("epub",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics if d.level == "error"]
    return {language: folder / "out" / f"book-{language}.epub" for language in LANGUAGES}


def _everything_said(epub) -> str:
    """Every text and attribute value of every content document, and the package metadata."""
    said = []
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                tree = etree.fromstring(z.read(name))
                for el in tree.iter():
                    if isinstance(el.tag, str):
                        said.append(el.text or "")
                        said.extend(el.attrib.values())
                    said.append(el.tail or "")
    return " ".join(" ".join(said).split())


def _doc(epub, name):
    return dict(epub_spine(epub))[name]


def _text(el) -> str:
    """The element's text with runs of spaces and line breaks as one space (no-break spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", "".join(el.itertext())).strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_word_is_in_the_texts_language(books, language):
    epub = books[language]
    words = messages.words(language)
    (contents, notes, credits, section_3, landmarks_label, cover_label, cover_alt, back_1, back,
     translated, source, subjects, listing, made_with) = EXPECTED[language]

    nav = _doc(epub, "nav.xhtml")
    toc = [_text(a) for a in nav.xpath(".//x:nav[@id='toc']//x:a", namespaces=XHTML_NS)]
    assert _text(nav.find(".//x:nav[@id='toc']/x:h2", XHTML_NS)) == contents
    assert toc == [f"Book {language}", "First chapter", section_3, notes, credits]
    landmarks = nav.find(".//x:nav[@id='landmarks']", XHTML_NS)
    assert landmarks.get("aria-label") == landmarks_label
    assert _text(landmarks.find(".//x:li", XHTML_NS)) == cover_label

    cover = _doc(epub, "cover.xhtml").find(".//x:img", XHTML_NS)
    assert cover.get("alt") == f"{cover_alt}Book {language} — Karl Marx"

    backlinks = [a.get("aria-label") for _, doc in epub_spine(epub)
                 for a in doc.iterfind(".//x:a[@role='doc-backlink']", XHTML_NS)]
    assert backlinks == [back_1, back_1.replace("1", "2"), back]

    colophon = _doc(epub, "colophon.xhtml")
    lines = [_text(p) for p in colophon.iterfind(".//x:p", XHTML_NS)]
    assert _text(colophon.find(".//x:h2", XHTML_NS)) == credits
    assert {translated, source, subjects, listing, made_with} <= set(lines), lines
    assert not [line for line in lines if ".md" in line], "no file names on the credits page"

    title_page = _text(_doc(epub, "title.xhtml"))
    assert translated in title_page

    summary = epub_opf(epub).find(".//opf:meta[@property='schema:accessibilitySummary']", OPF_NS).text
    assert summary == " ".join((words["summary_structure"], words["summary_notes"], words["summary_no_images"]))

    if language != "en":  # no English sentence is left over (a few words are the same in both languages)
        said = _everything_said(epub)
        english = messages.words("en")
        # a message's English opening, as whole words ("Page", not the "Page" of "printPageNumbers")
        opening = {key: english[key].split("{")[0].strip() for key in english}
        leftovers = [english[key] for key in english if english[key] != words[key] and " " in english[key]
                     and opening[key] and re.search(rf"\b{re.escape(opening[key])}\b", said)]
        assert not leftovers, leftovers


def test_the_language_books_pass_epubcheck(books):
    assert_epubcheck_clean(*books.values())


def test_a_volume_speaks_its_own_language_and_each_text_its_own(tmp_path):
    write_source(tmp_path, "de.md", "---\ntitle: Lohnarbeit\nlanguage: de\ntranslator: Anna\n---\n"
                                    "Text.[^1]\n\n[^1]: Anmerkung.\n")
    write_source(tmp_path, "ru.md", "---\ntitle: Манифест\nlanguage: ru\n---\nТекст.[^1]\n\n[^1]: Примечание.\n")
    manifest = tmp_path / "reader.toml"
    manifest.write_text('title = "A reader"\nlanguage = "en"\neditor = "Ed"\n[[texts]]\nsource = "de.md"\n'
                        '[[texts]]\nsource = "ru.md"\n', encoding="utf-8")
    assert build_into(tmp_path / "out", manifest, formats=("epub",)).ok
    epub = tmp_path / "out" / "reader.epub"
    spine = epub_spine(epub)
    headings = [_text(h) for _, doc in spine
                for h in doc.xpath(".//x:section[@role='doc-endnotes']/*[@class='section-title']", namespaces=XHTML_NS)]
    assert headings == ["Anmerkungen", "Примечания"], "each text's notes are named in its language"
    translator = [_text(p) for _, doc in spine for p in doc.iterfind(".//x:p[@class='text-translator']", XHTML_NS)]
    assert translator == ["Übersetzt von Anna"], "a text's own header speaks its language"
    backlink = [a.get("aria-label") for _, doc in spine for a in doc.iterfind(".//x:a[@role='doc-backlink']", XHTML_NS)]
    assert backlink == ["Zurück zum Text", "Назад к тексту"]
    colophon = dict(spine)["colophon.xhtml"]
    assert _text(colophon.find(".//x:h1", XHTML_NS)) == "Sources and credits", "the volume's own pages are English"
    assert "Translated by Anna" in _text(colophon)
    assert [p.get("lang") for p in colophon.iterfind(".//x:p[@class='credit-title']", XHTML_NS)] == ["de", "ru"]
    assert_epubcheck_clean(epub)


def test_the_catalogue_is_complete_and_its_sentences_keep_their_placeholders():
    english = messages.CATALOGUE["en"]
    fields = {key: {f for _, f, _, _ in string.Formatter().parse(text) if f} for key, text in english.items()}
    assert set(LANGUAGES) <= set(messages.CATALOGUE)
    for language, words in messages.CATALOGUE.items():
        assert set(words) == set(english), (language, set(english) ^ set(words))
        for key, text in words.items():
            assert {f for _, f, _, _ in string.Formatter().parse(text) if f} == fields[key], (language, key)
            assert key == "by" or language == "en" or text.strip(), (language, key)
        if language != "en":
            assert sum(words[k] != english[k] for k in english) > len(english) * 0.8, f"{language} is mostly English"


def test_languages_fall_back_to_their_base_then_to_english():
    assert messages.catalogue_language("de-CH") == "de"
    assert messages.catalogue_language("zh-Hans-CN") == "zh"
    assert messages.catalogue_language("pt-BR") == "en"
    assert messages.words("de_AT")["contents"] == "Inhalt"
    assert messages.words("pl") == messages.CATALOGUE["en"]
    assert messages.words("") == messages.CATALOGUE["en"]


def test_render_keeps_its_interface_for_callers():
    """Other stages and templates read render.UI and render.ui_words; both are the catalogue."""
    assert render.UI is messages.CATALOGUE
    assert render.ui_words("fr")["contents"] == "Table des matières"
    assert render.ui_words("ru-RU") == messages.words("ru")


@pytest.mark.parametrize("tag,direction", [
    ("he", "rtl"), ("ar-EG", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("yi", "rtl"), ("az-Arab", "rtl"),
    ("en", "ltr"), ("ru", "ltr"), ("zh-Hant", "ltr"), ("ar-Latn", "ltr"), ("", "ltr"),
])
def test_direction_of_a_language(tag, direction):
    assert messages.direction(tag) == direction


def test_fill_escapes_text_and_keeps_markup():
    from markupsafe import Markup

    filled = render.fill("Quelle: {url} & {names}", url=Markup('<a href="x">x</a>'), names="<Anna>")
    assert str(filled) == 'Quelle: <a href="x">x</a> &amp; &lt;Anna&gt;'
    assert re.search(r"&amp;", str(render.fill("A & B {n}", n=1)))
