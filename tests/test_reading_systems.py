"""How the EPUB reads in a reading system: measured in a real browser engine (headless Chromium, the
engine of foliate-js, Thorium and most Android readers) at a phone's width.

Each check loads one content document of a built EPUB into an iframe of a small harness page and
reads computed styles and layout boxes back: the paragraph alignment, the face, a note as a pop-up
shows it, the note call's tap area, a wide table that scrolls, a verse line that turns over, a
right-to-left text. Chromium comes with Ace's requirements (CI installs it); without it the tests
are skipped, and in CI (CI=true) they fail.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile

import pytest

from conftest import SEED, build_into, write_source
from octavo.readback import OPF_NS, epub_opf

PHONE = 390  # CSS pixels, the width epub-client's phone uses
CHROMIUM = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or next(
    (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)

LAYOUT = """---
title: Layout sampler
language: en
---

## Tables and verse

The table below is wider than a phone's page.[^1]

| Year | Cotton spindles | Power-looms | Hands employed | Weekly wages | Hours a day | Children under 13 |
|------|-----------------|-------------|----------------|--------------|-------------|-------------------|
| 1835 | 9,333,000 | 116,801 | 220,134 | 10s. 6d. | 12 | 56,455 |

From fairest creatures we desire increase,
That thereby beauty's rose might never die,
But thou contracted to thine own bright eyes,
Feed'st thy light's flame with self-substantial fuel,

[^1]: Reports of the Inspectors of Factories.

    A second paragraph of the note.
"""
HEBREW = """---
title: "שיר השירים"
language: he
---

## פרק א

שִׁיר הַשִּׁירִים אֲשֶׁר לִשְׁלֹמֹה. יִשָּׁקֵנִי מִנְּשִׁיקוֹת פִּיהוּ כִּי טוֹבִים דֹּדֶיךָ מִיָּיִן, לְרֵיחַ שְׁמָנֶיךָ טוֹבִים.[^1]

[^1]: הערה.
"""


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    if CHROMIUM is None:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("reading")
    layout = write_source(folder, "layout.md", LAYOUT)
    hebrew = write_source(folder, "hebrew.md", HEBREW)
    assert build_into(folder / "out", SEED, layout, hebrew, formats=("epub",)).ok
    unpacked = {}
    for epub in (folder / "out").glob("*.epub"):
        target = folder / "unpacked" / epub.stem
        with zipfile.ZipFile(epub) as z:
            z.extractall(target)
        unpacked[epub.stem] = target / "EPUB"
    return folder, unpacked


def measure(folder, document, script: str, width: int = PHONE, height: int = 844):
    """Load ``document`` in an iframe ``width`` x ``height`` CSS pixels wide and return what ``script``
    (the body of a function of ``doc``, the frame's document, and ``win``, its window) returns."""
    harness = folder / f"harness-{abs(hash((str(document), script)))}.html"
    harness.write_text(f"""<!DOCTYPE html><html><body style="margin:0">
<pre id="out">no result</pre>
<iframe id="frame" src="{document.as_uri()}" style="border:0;width:{width}px;height:{height}px"></iframe>
<script>
const frame = document.getElementById('frame');
frame.addEventListener('load', () => {{
  let result;
  try {{
    result = (function (doc, win) {{ {script} }})(frame.contentDocument, frame.contentWindow);
  }} catch (e) {{ result = {{error: String(e)}}; }}
  document.getElementById('out').textContent = JSON.stringify(result);
}});
</script></body></html>""", encoding="utf-8")
    proc = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                           "--virtual-time-budget=10000", "--dump-dom", harness.as_uri()],
                          capture_output=True, text=True, timeout=120)
    start = proc.stdout.index('<pre id="out">') + len('<pre id="out">')
    raw = proc.stdout[start:proc.stdout.index("</pre>", start)]
    result = json.loads(raw.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&"))
    assert not (isinstance(result, dict) and "error" in result), result
    return result


def test_text_is_start_aligned_in_the_readers_serif_without_a_wide_fallback(books):
    folder, unpacked = books
    found = measure(folder, unpacked[SEED.stem] / "c002.xhtml", """
        const ps = [...doc.querySelectorAll('section.section p')];
        return {aligns: [...new Set(ps.map(p => win.getComputedStyle(p).textAlign))],
                face: win.getComputedStyle(ps[0]).fontFamily, count: ps.length};""")
    assert found["count"] > 3
    assert found["aligns"] == ["start"], "no justification a reader cannot hyphenate"
    assert found["face"] == 'Literata, serif', "the book's face or the reader's serif, nothing wider"


def test_a_note_as_a_pop_up_shows_it_has_no_indent_and_no_backlink(books):
    """foliate-js moves the note's content into the page body and shows that page in a pop-up."""
    folder, unpacked = books
    found = measure(folder, unpacked["layout"] / "c002.xhtml", """
        const note = doc.querySelector('li[epub\\\\:type="endnote"], li.note');
        const range = doc.createRange();
        range.selectNodeContents(note);
        const fragment = range.extractContents();
        doc.body.replaceChildren();
        doc.body.appendChild(fragment);
        const ps = [...doc.body.querySelectorAll('p')];
        const back = doc.body.querySelector('a[role="doc-backlink"]');
        return {indent: win.getComputedStyle(ps[0]).textIndent, align: win.getComputedStyle(ps[0]).textAlign,
                paragraphs: ps.length, backlink: back ? win.getComputedStyle(back).display : 'missing',
                text: doc.body.innerText.trim()};""")
    assert found["paragraphs"] == 2
    assert found["indent"] == "0px" and found["align"] == "start"
    assert found["backlink"] == "none", "the ↩ is not in the pop-up"
    assert "\u21a9" not in found["text"] and found["text"].startswith("Reports of the Inspectors")


def test_the_backlink_stays_in_the_notes_section(books):
    folder, unpacked = books
    found = measure(folder, unpacked["layout"] / "c002.xhtml", """
        const back = doc.querySelector('section.notes a[role="doc-backlink"]');
        const box = back.getBoundingClientRect();
        return {display: win.getComputedStyle(back).display, width: box.width, height: box.height};""")
    assert found["display"] != "none" and found["width"] > 5 and found["height"] > 5


def test_note_calls_are_big_enough_to_tap_and_do_not_move_the_text(books):
    folder, unpacked = books
    found = measure(folder, unpacked["layout"] / "c001.xhtml", """
        const a = doc.querySelector('a.noteref');
        const box = a.getBoundingClientRect();
        const range = doc.createRange();
        range.selectNodeContents(a);
        const glyphs = range.getBoundingClientRect();
        const before = doc.createRange();
        before.setStart(a.previousSibling, a.previousSibling.length - 1);
        before.setEnd(a.previousSibling, a.previousSibling.length);
        return {width: box.width, height: box.height, gap: glyphs.left - before.getBoundingClientRect().right};""")
    assert found["width"] >= 24 and found["height"] >= 24, f"tap area {found['width']} x {found['height']} px"
    assert abs(found["gap"]) < 2, "the number follows its word as if there were no padding"


def test_a_wide_table_is_set_row_by_row_on_a_phone_in_a_box_that_scrolls(books):
    """The sampler's wide table, too wide for a phone side by side, is set row by row there (each
    figure beside its column's head, epub.css), inside the box that scrolls a table wider than
    the screen (a wider screen, a narrower table): no figure runs past the screen's edge."""
    folder, unpacked = books
    found = measure(folder, unpacked["layout"] / "c001.xhtml", """
        const box = doc.querySelector('div.table-wrap');
        const table = box.querySelector('table');
        const right = Math.max(...[...table.querySelectorAll('td')].map(td => {
            const range = doc.createRange(); range.selectNodeContents(td); return range.getBoundingClientRect().right; }));
        return {overflow: win.getComputedStyle(box).overflowX, page: doc.documentElement.clientWidth,
                wide: table.classList.contains('wide'), rows: win.getComputedStyle(table.querySelector('tr')).display,
                right: right, boxRight: box.getBoundingClientRect().right, focusable: box.tabIndex};""")
    assert found["wide"], "the sampler's table is too wide for a phone side by side"
    assert found["rows"] == "block", "set row by row"
    assert found["right"] <= min(found["boxRight"], found["page"]) + 0.5, "no figure runs past the screen's edge"
    assert found["overflow"] == "auto" and found["focusable"] == 0, "a wider table scrolls, by keyboard too"


def test_verse_turnovers_hang(books):
    folder, unpacked = books
    found = measure(folder, unpacked["layout"] / "c001.xhtml", """
        const lines = [...doc.querySelectorAll('p.verse > .verse-line')];
        const long = lines.find(l => l.textContent.includes('self-substantial'));
        const range = doc.createRange();
        range.selectNodeContents(long);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        const first = lines[0].getBoundingClientRect();
        return {lines: lines.length, starts: rects.map(r => Math.round(r.left)), verseLeft: Math.round(first.left),
                tops: [...new Set(rects.map(r => Math.round(r.top)))].length};""", width=300)
    assert found["lines"] == 4
    assert found["tops"] >= 2, "the long line turns over at this width"
    starts = found["starts"]
    assert starts[0] == min(starts) and max(starts) - starts[0] >= 20, f"turnover hangs: {starts}"


def test_a_right_to_left_text_runs_right_to_left(books):
    folder, unpacked = books
    found = measure(folder, unpacked["hebrew"] / "c001.xhtml", """
        const p = doc.querySelector('section.section p');
        const range = doc.createRange();
        range.selectNodeContents(p);
        const rects = [...range.getClientRects()];
        return {dir: doc.documentElement.dir, direction: win.getComputedStyle(p).direction,
                right: Math.round(p.getBoundingClientRect().right), firstRight: Math.round(rects[0].right)};""")
    assert found["dir"] == "rtl" and found["direction"] == "rtl"
    assert abs(found["right"] - found["firstRight"]) <= 2, "lines start at the right edge"
    spine = epub_opf(books[0] / "out" / "hebrew.epub").find(".//opf:spine", OPF_NS)
    assert spine.get("page-progression-direction") == "rtl"


def test_the_cover_page_fits_the_screen(books):
    folder, unpacked = books
    found = measure(folder, unpacked[SEED.stem] / "cover.xhtml", """
        const img = doc.querySelector('img');
        const box = img.getBoundingClientRect();
        return {complete: img.complete && img.naturalWidth, width: box.width, height: box.height,
                viewport: [win.innerWidth, win.innerHeight]};""")
    assert found["complete"] == 1600
    assert 0 < found["width"] <= found["viewport"][0] and 0 < found["height"] <= found["viewport"][1]
    assert found["height"] >= 0.9 * found["viewport"][1] or found["width"] >= 0.9 * found["viewport"][0]
