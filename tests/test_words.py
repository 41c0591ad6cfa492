"""Every word the author wrote reaches both editions: an oracle that owes nothing to Octavo.

The test reads the source's words itself (front matter dropped, words as runs of letters), the
EPUB's with zipfile and lxml by the spine, and the PDF's with PDFium, a library Octavo never builds
with. The EPUB must hold the source's words in the source's order; the PDF, where notes sit at the
foot of pages and running heads interrupt a word broken across pages, must hold every one of them.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import pypdfium2
from lxml import etree

from conftest import SEED

LETTERS = re.compile(r"[^\W\d_]+")  # digits are left out: note numbers and folios are Octavo's, not the author's
LINE_END_HYPHEN = re.compile(r"[\u00ad\u2010\u2011\x02-]\r?\n")  # a word hyphenated at a line's end
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "div", "section", "aside",
          "blockquote", "pre", "figcaption", "caption", "br", "nav", "header", "footer", "tr", "table"}


def words(text: str, join_hyphenated: bool = True) -> list[str]:
    """Runs of letters, lower-cased; a word hyphenated at a line's end is joined again unless told not
    to (a PDF's line may end a page, and the next line read is a running head)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return [w.lower() for w in LETTERS.findall(LINE_END_HYPHEN.sub("" if join_hyphenated else "\n", text))]


# the one source line the seed's editions leave out on purpose: the archive's byline under its NOTES
# heading, which repeats the author (issue 17; reported as notes.byline at its line)
LEFT_OUT = ("### By J. V. Stalin",)


def source_words(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[1]
    return words("\n".join(line for line in text.split("\n") if line.strip() not in LEFT_OUT))


def epub_words(path: Path) -> list[str]:
    """The words of the EPUB's spine documents in reading order; inline elements join their words
    (a page-break marker inside a word does not split it), block elements separate them."""
    with zipfile.ZipFile(path) as book:
        container = etree.fromstring(book.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(book.read(opf_path))
        folder = opf_path.rpartition("/")[0]
        hrefs = {item.get("id"): item.get("href") for item in opf.iter("{*}item")}
        text = []
        for ref in opf.iter("{*}itemref"):
            doc = etree.fromstring(book.read(f"{folder}/{hrefs[ref.get('idref')]}" if folder else hrefs[ref.get("idref")]))
            body = doc.find("{*}body")
            for element in body.iter("{*}*"):
                if etree.QName(element).localname in BLOCKS:
                    element.tail = "\n" + (element.tail or "")
            text.append("".join(body.itertext()))
    return words("\n".join(text))


def pdf_words(path: Path) -> list[str]:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return words("\n".join(page.get_textpage().get_text_range() for page in document), join_hyphenated=False)
    finally:
        document.close()


def out_of_order(expected: list[str], found: list[str]) -> list[str]:
    """The runs of ``expected`` that ``found`` does not hold in the same order (with what stands there instead)."""
    matcher = difflib.SequenceMatcher(None, expected, found, autojunk=False)
    return [f"{' '.join(expected[i1:i2])!r} -> {' '.join(found[j1:j2])[:80]!r}"
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag in ("delete", "replace")]


def missing_from(expected: list[str], found: list[str]) -> list[str]:
    """Words of ``expected`` that ``found`` holds fewer times; a word hyphenated at a line's or a page's
    end (its halves a few words apart, a running head between them) counts as found."""
    short = Counter(expected) - Counter(found)
    missing = []
    for word, count in short.items():
        halves = sum(1 for i, head in enumerate(found) if 2 <= len(head) < len(word) and word.startswith(head)
                     and word[len(head):] in found[i + 1:i + 40])
        if halves < count:
            missing.append(word)
    return sorted(missing)


def test_the_seed_epub_holds_every_word_of_the_source_in_its_order(seed_build):
    _, epub, _ = seed_build
    expected = source_words(SEED)
    assert len(expected) > 9000, "the test read the source's text"
    assert out_of_order(expected, epub_words(epub)) == []


def test_the_seed_pdf_holds_every_word_of_the_source(seed_build):
    _, _, pdf = seed_build
    expected = source_words(SEED)
    found = pdf_words(pdf)
    assert missing_from(expected, found) == []
    assert "separate" in found and "kamenev" in found  # the last note and the first paragraph


def test_the_oracle_sees_a_word_that_is_missing_or_moved():
    """The comparisons themselves, on a case built to fail."""
    source = words("Comrades, after Kamenev's comprehensive report there is little left to say.")
    assert out_of_order(source, words("Comrades, after Kamenev's report there is little left to say.")) == [
        "'comprehensive' -> ''"]
    assert missing_from(source, words("Comrades, after Kamenev's compre-\nhensive report there is little left.",
                                      join_hyphenated=False)) == ["say", "to"]
    assert missing_from(words("organisational work"),
                        words("organisa\u2010\nII. THE FACTS\ntional work", join_hyphenated=False)) == []
