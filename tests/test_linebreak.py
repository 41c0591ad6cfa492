"""How the print edition breaks justified lines (octavo/linebreak.py): a line that cannot take its
next word at full width takes it with its word spaces shrunk (to no less than 80 % of a space)
rather than stay loose, and a paragraph has no more than two hyphenated lines in a row.

Each case is built twice with Octavo: justified, as the book is, and ragged (``text-align: left``),
which shows where WeasyPrint's first fit breaks the lines (alignment does not move its breaks, and
the composer leaves ragged text alone). Lines and the gaps between words are read back from the
PDF with PDFium."""
from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium

from conftest import ROOT, build_into, write_source

EM = 10.5  # pt: print.css's type size (html { font-size: 10.5pt })
SPACE = 0.2 * EM  # Literata's word space
HYPHEN = "\u2010"  # what the print edition sets where it breaks a word


@dataclass
class Line:
    text: str
    left: float  # pt, the first letter's left edge
    right: float  # pt, the last letter's right edge
    gaps: list[float]  # pt, between one word's last letter and the next word's first


def read_lines(pdf) -> list[Line]:
    """The PDF's lines with the positions PDFium gives their characters."""
    document = pdfium.PdfDocument(str(pdf))
    lines = []
    try:
        for page in document:
            text = page.get_textpage()
            chars = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
            current: list = []
            for char, box in chars + [("\n", None)]:
                if char in "\r\n":
                    if current:
                        lines.append(_line(current))
                    current = []
                else:
                    current.append((char, box))
    finally:
        document.close()
    return lines


def _line(chars) -> Line:
    letters = [(i, box) for i, (char, box) in enumerate(chars) if not char.isspace()]
    gaps = [box[0] - letters[n - 1][1][2] for n, (i, box) in enumerate(letters)
            if n and i > letters[n - 1][0] + 1]  # a space between this letter and the one before
    return Line("".join(c for c, _ in chars).strip(), letters[0][1][0], letters[-1][1][2], gaps)


def build(tmp_path, name: str, front: str, text: str, css: str) -> list[Line]:
    styles = tmp_path / "styles"
    styles.mkdir(parents=True, exist_ok=True)
    (styles / "print.css").write_text((ROOT / "styles" / "print.css").read_text() + css)
    source = write_source(tmp_path, name, front + text + "\n")
    report = build_into(tmp_path / "out", source, formats=("pdf",), styles=styles)
    assert report.ok
    return paragraph(read_lines(tmp_path / "out" / f"{source.stem}.pdf"), text)


def paragraph(lines: list[Line], text: str) -> list[Line]:
    """The lines that set ``text`` (the title page, heading and credits left out)."""
    start = next(n for n, line in enumerate(lines) if text.startswith(line.text.rstrip(HYPHEN)))
    end = start + 1
    while len(words(lines[start:end])) < len(text.split()):
        end += 1
    return lines[start:end]


def words(lines: list[Line]) -> list[str]:
    """The text's words, a word broken at a line's end joined again."""
    joined = " ".join(line.text[:-1] + "\0" if line.text.endswith(HYPHEN) else line.text for line in lines)
    return joined.replace("\0 ", "").split()


def ladder(lines: list[Line]) -> int:
    """The most hyphenated lines in a row."""
    most = run = 0
    for line in lines:
        run = run + 1 if line.text.endswith(HYPHEN) else 0
        most = max(most, run)
    return most


ENGLISH = "---\ntitle: Letters\nlanguage: en\n---\n\n"
SENTENCE = "It is enough to glance through these two series of letters to be convinced of this."
NARROW = "\np { width: 14em; text-indent: 0; hyphens: manual; }\n"  # no hyphen to help the line


def test_a_justified_line_takes_its_next_word_with_its_spaces_shrunk_rather_than_stay_loose(tmp_path):
    first_fit = build(tmp_path / "ragged", "letters.md", ENGLISH, SENTENCE, NARROW + "p { text-align: left; }\n")
    justified = build(tmp_path / "justified", "letters.md", ENGLISH, SENTENCE, NARROW)
    measure = justified[0].right  # a justified line's last letter ends at the measure
    # first fit: "through" does not fit at full width, and the four spaces of the line without it
    # would each stretch by about an em: a loose line, with gaps a reader sees
    assert first_fit[0].text == "It is enough to glance"
    assert (measure - first_fit[0].right) / 4 > 0.5 * EM
    # the composer's line takes "through", its spaces shrunk by no more than a fifth of a space: the
    # gaps between the same letters as in the ragged line (set with natural spaces) are narrower
    assert justified[0].text == "It is enough to glance through"
    shrunk = [natural - gap for natural, gap in zip(first_fit[0].gaps, justified[0].gaps)]
    assert len(shrunk) == 4 and all(0 < by <= 0.2 * SPACE + 0.05 for by in shrunk), shrunk
    assert words(justified) == words(first_fit) == SENTENCE.split()  # no word lost or doubled
    for line in justified[1:-1]:  # every other line but the last, justified to the measure, is not loose
        assert abs(line.right - measure) < 0.5 and max(line.gaps) < max(first_fit[0].gaps) + 0.5 * EM, line


RUSSIAN = "---\ntitle: Манифест\nlanguage: ru\n---\n\n"
PARAGRAPH = ("Буржуазия показала, что грубое проявление силы в средние века, вызывающее такое восхищение у "
             "реакционеров, находило себе естественное дополнение в лени и неподвижности. Она впервые показала, "
             "чего может достигнуть человеческая деятельность. Она создала чудеса искусства, но совсем иного рода, "
             "чем египетские пирамиды, римские водопроводы и готические соборы; она совершила совсем иные походы, "
             "чем переселение народов и крестовые походы.")
WIDE = "\np { width: 24em; text-indent: 0; }\n"


def test_no_more_than_two_hyphenated_lines_in_a_row(tmp_path):
    first_fit = build(tmp_path / "ragged", "manifest.md", RUSSIAN, PARAGRAPH, WIDE + "p { text-align: left; }\n")
    justified = build(tmp_path / "justified", "manifest.md", RUSSIAN, PARAGRAPH, WIDE)
    # first fit: "восхи-", "есте-", "неподвижно-", "достиг-": four hyphenated lines in a row
    assert [line.text.split()[-1] for line in first_fit[1:5]] == ["восхи‐", "есте‐", "неподвижно‐", "достиг‐"]
    assert ladder(first_fit) >= 3
    assert ladder(justified) <= 2
    assert words(justified) == words(first_fit) == PARAGRAPH.split()


def test_a_second_hyphenated_line_keeps_its_word_whole_when_the_third_could_not_do_without_its_hyphen(tmp_path):
    justified = build(tmp_path, "manifest.md", RUSSIAN, PARAGRAPH, "\np { width: 27.5em; text-indent: 0; }\n")
    # set one line at a time, the paragraph ran "Она со‐" / "здала чудеса искусства, но совсем иного
    # рода, чем еги‐" / "петские пирамиды, римские водопроводы и готиче‐": the third hyphen kept
    # because its line without it ("... водопроводы и") would have been loose. The second line takes
    # its last word whole instead, its spaces stretched but not loose, and no third hyphen follows.
    assert "здала чудеса искусства, но совсем иного рода, чем" in [line.text for line in justified]
    assert ladder(justified) <= 2
    measure = max(line.right for line in justified)
    for line in justified[:-1]:  # justified to the measure, no word space stretched beyond 0.5 em
        assert abs(line.right - measure) < 0.5 and max(line.gaps) <= SPACE + 0.5 * EM + 0.1, line
    assert words(justified) == PARAGRAPH.split()


def test_a_line_set_again_with_the_same_text_and_measure_is_the_line_set_before(tmp_path, monkeypatch):
    """The composer's look ahead sets the next line aside, and WeasyPrint then sets that line in its
    turn: the second setting is answered from the lines kept (linebreak.LINES_KEPT), and the PDF is
    the same bytes as when every line is set anew."""
    from octavo import linebreak

    linebreak.install()
    calls = []
    real = linebreak._original["split_first_line"]
    monkeypatch.setitem(linebreak._original, "split_first_line", lambda *a, **k: calls.append(1) or real(*a, **k))
    css = "\np { width: 20em; text-indent: 0; }\n"  # four lines set aside by the look ahead come next as they were
    source = write_source(tmp_path, "manifest.md", RUSSIAN + PARAGRAPH + "\n")
    pdfs = []
    for kept in (0, linebreak.LINES_KEPT):
        monkeypatch.setattr(linebreak, "LINES_KEPT", kept)
        styles = tmp_path / f"styles{kept}"
        styles.mkdir()
        (styles / "print.css").write_text((ROOT / "styles" / "print.css").read_text() + css)
        calls.clear()
        assert build_into(tmp_path / f"out{kept}", source, formats=("pdf",), styles=styles).ok
        pdfs.append(((tmp_path / f"out{kept}" / "manifest.pdf").read_bytes(), len(calls)))
    (anew, set_anew), (again, set_again) = pdfs
    assert set_again < set_anew  # lines were answered from those kept
    assert again == anew
