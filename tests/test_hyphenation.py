"""Hyphenation a proofreader accepts: English words are broken at their syllables ("deroga-tory", not
"derogat-ory"), each word at one place only ("Petro-grad" wherever it is broken, never
"Pet-rograd"), and Russian text is hyphenated with its own patterns. The words are set in columns
far too narrow for them, so that each is broken wherever the print edition allows, and the breaks
are read back from the PDF with PDFium."""
from __future__ import annotations

import subprocess
import sys

import pypdfium2 as pdfium

from conftest import CORPUS, ROOT, build_into, needs_corpus, write_source

# Each word in a paragraph of its own, in a column a letter wide: a word is broken at its one
# hyphenation point (WeasyPrint takes the shortest first part when none fits), or not at all.
NARROW = "\np { width: 1em; text-align: left; text-indent: 0; }\n"

# (word, its lines as the PDF must show them), written out from a dictionary's syllables
ENGLISH = [
    ("derogatory", ["deroga\u2010", "tory"]),  # the British patterns: "derogat-ory"
    ("evident", ["evi\u2010", "dent"]),  # "evid-ent"
    ("result", ["result"]),  # "res-ult"
    ("destroy", ["destroy"]),  # "des-troy"
    ("theory", ["theory"]),  # "the-ory": too short to break well
    ("Petrograd", ["Petro\u2010", "grad"]),  # never "Pet-rograd"
    ("Petrograd\u2019s", ["Petro\u2010", "grad\u2019s"]),  # the same word
    ("proletariat", ["prole\u2010", "tariat"]),  # the British patterns: "prolet-ariat"
    ("revolution", ["revolu\u2010", "tion"]),
]


def pdf_lines(pdf) -> list[str]:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [line.strip() for page in document for line in page.get_textpage().get_text_range().splitlines()]
    finally:
        document.close()


def narrow_build(tmp_path, name: str, front: str, words: list[str]) -> list[str]:
    styles = tmp_path / "styles"
    styles.mkdir(exist_ok=True)
    (styles / "print.css").write_text((ROOT / "styles" / "print.css").read_text() + NARROW)
    source = write_source(tmp_path, name, front + "\n\n".join(words) + "\n")
    report = build_into(tmp_path / "out", source, formats=("pdf",), styles=styles)
    assert report.ok
    return pdf_lines(tmp_path / "out" / f"{source.stem}.pdf")


def test_english_words_break_at_their_syllables_and_each_at_one_place(tmp_path):
    # each word twice: a word the book has more than once keeps one break (a word found once cannot
    # be broken two ways, and keeps every break the American patterns allow)
    lines = narrow_build(tmp_path, "words.md", "---\ntitle: Words\nlanguage: en-GB\n---\n\n",
                         [word for word, _ in ENGLISH] * 2)
    for word, expected in ENGLISH:
        assert set_as(word, lines) == [expected, expected], word


def set_as(word: str, lines: list[str]) -> list[list[str]]:
    """The runs of lines that spell ``word``, its pieces hyphenated at the lines' ends."""
    runs = []
    for start in range(len(lines)):
        for end in range(start + 1, min(start + 6, len(lines)) + 1):
            pieces = lines[start:end]
            if all(p.endswith("\u2010") for p in pieces[:-1]) and "".join(p.rstrip("\u2010") for p in pieces) == word:
                runs.append(pieces)
    return runs


def test_russian_breaks_with_two_letters_on_each_side(tmp_path):
    # Russian typographic rules allow two letters before or after a break, never one
    lines = narrow_build(tmp_path, "ru.md", "---\ntitle: Слова\nlanguage: ru\n---\n\n", ["противопоставить"])
    assert set_as("противопоставить", lines) == [["про\u2010", "ти\u2010", "во\u2010", "по\u2010", "ста\u2010", "вить"]]


def test_german_breaks_with_two_letters_on_each_side(tmp_path):
    lines = narrow_build(tmp_path, "de.md", "---\ntitle: Wörter\nlanguage: de\n---\n\n", ["Arbeiter"])
    assert set_as("Arbeiter", lines) == [["Ar\u2010", "bei\u2010", "ter"]]  # with three letters: "Arbei-ter"


def test_the_opening_of_the_russian_manifesto_is_justified_without_loose_lines(tmp_path):
    # with three letters on each side of a break, and its short last words bound to the word before,
    # three of these six paragraphs had a line whose spaces were stretched beyond the preflight's limit
    needs_corpus()
    opening = (CORPUS / "marx-engels-manifest-ru.md").read_text(encoding="utf-8").splitlines()[19:30]
    assert opening[0].startswith("Призрак бродит по Европе") and opening[-1].startswith("С этой целью")
    source = write_source(tmp_path, "ru.md", "---\ntitle: Манифест\nlanguage: ru\n---\n\n" + "\n".join(opening) + "\n")
    report = build_into(tmp_path / "out", source, formats=("pdf",), preflight=True)
    assert report.ok
    [result] = report.results
    assert not [d for d in result.diagnostics if d.code == "preflight.loose-line"]


def test_in_the_seed_every_word_is_broken_at_one_place_and_at_its_syllables(tmp_path):
    # the book: "Petro-grad" and "Pet-rograd", "derogat-ory", "des-troy", "the-ory"
    from conftest import SEED

    report = build_into(tmp_path, SEED, formats=("pdf",))
    assert report.ok
    lines = pdf_lines(tmp_path / f"{SEED.stem}.pdf")
    breaks: dict[str, set[str]] = {}
    for line, following in zip(lines, lines[1:]):
        if line.endswith("\u2010") and following:
            first = line.split()[-1].rstrip("\u2010").lstrip("“‘(")
            rest = following.split()[0].rstrip(".,;:!?”’)")
            if first.isalpha() and rest.isalpha():
                breaks.setdefault((first + rest).lower(), set()).add(f"{first}-{rest}".lower())
    assert len(breaks) > 50  # the seed is hyphenated
    assert {word: ways for word, ways in breaks.items() if len(ways) > 1} == {}
    assert breaks["petrograd"] == {"petro-grad"}
    assert not {"derogat-ory", "des-troy", "the-ory", "prolet-ariat", "prolet-arian", "perman-ent"} & {
        way for ways in breaks.values() for way in ways}


def test_english_patterns_are_read_once_and_only_when_a_language_asks_for_them():
    # reading a pattern file takes a seventh of a second: en, en-GB and en-US share one dictionary
    # (the American patterns: "deroga-to-ry", not "derogat-ory"), read when the first of them is
    # asked for, not before every layout; a German book reads only the German patterns
    check = (
        "import pyphen\n"
        "from octavo import hyphenation\n"
        "hyphenation.install()\n"
        "german = pyphen.Pyphen(lang='de')\n"
        "print(sorted(p.name for p in dict.keys(pyphen.hdcache)))  # the files read so far\n"
        "en, gb, us = (pyphen.Pyphen(lang=tag) for tag in ('en', 'en-GB', 'en-US'))\n"
        "print(en.hd is gb.hd is us.hd, en.inserted('derogatory'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.stdout.splitlines() == ["['hyph_de_AT.dic']", "True deroga-to-ry"], proc.stdout + proc.stderr


def _counting_dictionary():
    import pyphen

    class Counting(pyphen.HyphDict):
        parsed = 0

        def __init__(self, path):
            Counting.parsed += 1
            super().__init__(path)

    return Counting


def test_a_parsed_pattern_file_is_kept_and_a_damaged_foreign_or_stale_one_is_parsed_again(tmp_path, monkeypatch):
    # parsing German patterns takes over a second: the parse is kept in the user's cache folder,
    # and used only when its checksum holds, it loads as a parse, and the pattern file is the same
    import pyphen

    from octavo import hyphenation

    monkeypatch.setenv("OCTAVO_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "hyph_ru_RU.dic"
    source.write_bytes(pyphen.LANGUAGES["ru"].read_bytes())
    words = ["пролетариат", "революция", "коммунистической", "буржуазия"]
    expected = {word: pyphen.HyphDict(source).positions(word) for word in words}

    kind = _counting_dictionary()
    first = hyphenation.read(kind, source)
    [kept] = list((tmp_path / "cache").rglob("*.pickle"))
    again = hyphenation.read(kind, source)
    assert kind.parsed == 1 and type(again) is kind
    assert {word: again.positions(word) for word in words} == expected == {w: first.positions(w) for w in words}

    kept.write_bytes(kept.read_bytes()[:-100])  # cut short, as by a full disk: its checksum fails
    assert {word: hyphenation.read(kind, source).positions(word) for word in words} == expected
    assert kind.parsed == 2

    import hashlib
    import pickle

    foreign = pickle.dumps(["not", "a", "parse"])
    kept.write_bytes(hashlib.sha256(foreign).digest() + foreign)  # checks out, but is no parse
    assert {word: hyphenation.read(kind, source).positions(word) for word in words} == expected
    assert kind.parsed == 3

    source.write_text(source.read_text("utf-8").replace("\n", "\n1п1р1о1л1е1т1\n", 1), "utf-8")  # new patterns
    changed = hyphenation.read(kind, source)
    assert kind.parsed == 4 and changed.positions("пролетариат") == pyphen.HyphDict(source).positions("пролетариат")
    assert changed.positions("пролетариат") != expected["пролетариат"]
