"""The web edition in a real browser: Playwright (PyPI) driving the system's Chromium (never a
downloaded one), the folders served over HTTP on 127.0.0.1 as a web server would serve them.

The seed, the reader volume and the seed's handout open with no console error and no request
leaving the folder; a note opens at its call and closes; ``#para-12`` and ``#page-5`` scroll to
their places; search finds a word of the volume's third text; axe-core (tools/axe, ``npm ci``)
reports no violation. Without Chromium, Playwright or axe-core the tests are skipped (and fail in CI).
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from conftest import ROOT, SEED, build_into
from test_web import two_languages

pytestmark = pytest.mark.slow

VOLUME = ROOT / "volumes" / "reader.toml"
AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("OCTAVO_CHROMIUM") or next(
    (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)


def _missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The three sites built with their print editions (pages marked), served from one folder."""
    if CHROMIUM is None:
        _missing("Chromium is not installed (apt-get install chromium)")
    out = tmp_path_factory.mktemp("web-browser")
    assert build_into(out, SEED, VOLUME, formats=("pdf", "html")).ok
    assert build_into(out, SEED, formats=("pdf", "html"), profile="handout", paper="A4").ok
    assert build_into(out, two_languages(tmp_path_factory.mktemp("weavers")), formats=("html",)).ok
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser(sites):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, sites):
    """A fresh page that records console errors and every request outside the served folders."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    tab = context.new_page()
    tab.errors, tab.outside = [], []
    tab.on("console", lambda message: tab.errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("request", lambda request: None if request.url.startswith((sites, "data:")) else tab.outside.append(request.url))
    yield tab
    context.close()


SITES = [(f"{SEED.stem}-web", ["index.html", "c001.html", "c002.html", "c005.html"]),
         ("reader-web", ["index.html", "part-1.html", "text-1.html", "text-2.html", "text-3.html"]),
         (f"{SEED.stem}-handout-web", ["index.html"]),
         ("weavers-web", ["index.html", "text-2.html"])]  # a French text in an English volume


@pytest.mark.parametrize("site,names", SITES, ids=[s for s, _ in SITES])
def test_pages_open_without_errors_or_requests_leaving_the_folder(page, sites, site, names):
    for name in names:
        page.goto(f"{sites}{site}/{name}", wait_until="networkidle")
        assert page.evaluate("document.fonts.check('16px Literata')"), "the book's face is loaded"
    assert page.errors == [] and page.outside == []


@pytest.mark.parametrize("site,names", SITES, ids=[s for s, _ in SITES])
def test_axe_finds_no_violations(page, sites, site, names):
    if not AXE.is_file():
        _missing("axe-core is not installed (cd tools/axe && npm ci)")
    for name in names:
        page.goto(f"{sites}{site}/{name}", wait_until="networkidle")
        page.evaluate(AXE.read_text(encoding="utf-8"))  # injected by the test: the page's CSP is for the page's own
        violations = page.evaluate("""async () => (await axe.run(document)).violations.map(
            v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))""")
        assert violations == [], (name, violations)


def test_a_note_opens_at_its_call_and_closes(page, sites):
    page.goto(f"{sites}reader-web/text-1.html", wait_until="networkidle")
    call = page.locator("button.noteref").first
    note = page.locator(f"#{call.get_attribute('popovertarget')}")
    assert not note.is_visible()
    call.click()
    assert note.is_visible() and note.evaluate("el => el.matches(':popover-open')")
    assert "calendar" in note.inner_text()
    if page.evaluate("CSS.supports('position-area', 'bottom')"):  # anchored to its call: right under it
        call_box, note_box = call.bounding_box(), note.bounding_box()
        assert 0 <= note_box["y"] - (call_box["y"] + call_box["height"]) < 40, (call_box, note_box)
    page.keyboard.press("Escape")
    assert not note.is_visible()
    assert page.errors == []


@pytest.mark.parametrize("anchor", ["para-12", "page-5"])
def test_an_anchor_scrolls_to_its_place(page, sites, anchor):
    page.goto(f"{sites}{SEED.stem}-handout-web/index.html#{anchor}", wait_until="networkidle")
    top = page.evaluate(f"document.getElementById('{anchor}').getBoundingClientRect().top")
    assert 0 <= top < 200, top  # at the top of the window, not where the page opened
    assert page.evaluate("window.scrollY") > 1000


def test_search_finds_a_word_of_the_third_text_of_a_volume(page, sites):
    pytest.importorskip("pagefind_bin")
    page.goto(f"{sites}reader-web/index.html", wait_until="networkidle")
    page.fill("#search input", "verdicts")  # only in "Questions for Discussion", the volume's third text
    results = page.locator(".pagefind-ui__result-link")
    results.first.wait_for(timeout=10_000)
    assert [Path(h).name for h in results.evaluate_all("links => links.map(a => a.getAttribute('href'))")] == [
        "text-3.html"]
    assert page.errors == [] and page.outside == []


def test_search_on_a_texts_page_finds_its_words_in_its_language(page, sites):
    """A volume of an English and a French text: each page searches the index of its language
    (Pagefind's, by <html lang>), so the French page finds an inflected French word by its stem."""
    pytest.importorskip("pagefind_bin")

    def found(name: str, word: str) -> list[str]:
        page.goto(f"{sites}weavers-web/{name}", wait_until="networkidle")
        page.fill("#search input", word)
        results = page.locator(".pagefind-ui__result-link")
        results.first.wait_for(timeout=10_000)
        return [Path(h).name for h in results.evaluate_all("links => links.map(a => a.getAttribute('href'))")]

    assert found("text-2.html", "écarlates") == ["text-2.html"]  # the text has "écarlate": French stemming
    assert found("text-2.html", "comptait") == ["text-2.html"]  # "comptant", the same stem
    assert found("text-1.html", "weavers") == ["text-1.html"]
    assert page.errors == [] and page.outside == []


def test_the_measure_stays_under_75_characters_and_print_leaves_the_navigation_out(page, sites):
    page.set_viewport_size({"width": 1800, "height": 900})
    page.goto(f"{sites}{SEED.stem}-web/c002.html", wait_until="networkidle")
    per_line = page.evaluate("""() => {
        const p = document.querySelector('main p');
        const probe = document.createElement('span');
        probe.textContent = 'the October uprising and the Central Committee of the Party, comrades; ';
        p.appendChild(probe);
        const average = probe.getBoundingClientRect().width / probe.textContent.length;
        probe.remove();
        return p.getBoundingClientRect().width / average;
    }""")
    assert 55 <= per_line <= 78, per_line
    assert page.evaluate("getComputedStyle(document.querySelector('main p')).hyphens") == "auto"
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('nav.pager')).display") == "none"
    page.emulate_media(media="screen", color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    page.emulate_media(color_scheme="light")
    assert dark != page.evaluate("getComputedStyle(document.documentElement).backgroundColor")


def test_check_runs_axe_on_every_page_and_names_each_element_in_violation(tmp_path):
    """--check's accessibility check in a real browser: the volume passes; a copy with a page
    whose language was taken away and an image without a text alternative fails, and the report
    names the page, the rule and the element."""
    from lxml import etree, html

    from octavo.web import axe
    from octavo.web.check import check_sites

    if axe.missing():
        _missing(axe.missing())
    assert build_into(tmp_path, VOLUME, formats=("html",)).ok
    site = tmp_path / "reader-web"
    [clean], skipped = check_sites([site / "index.html"])
    assert skipped == [] and clean.accessibility == [] and clean.passed, clean.lines()
    assert clean.lines()[0].endswith("axe-core 0 violations")

    broken = tmp_path / "broken-web"
    shutil.copytree(site, broken)
    page = html.parse(str(broken / "text-2.html")).getroot()
    del page.attrib["lang"]
    paragraph = page.xpath("//main//p")[0]
    paragraph.append(etree.Element("img", {"src": "cover.png", "class": "unnamed"}))
    (broken / "text-2.html").write_bytes(b"<!DOCTYPE html>\n" + html.tostring(page, encoding="utf-8"))
    [found], _ = check_sites([broken / "index.html"])
    assert not found.ok and found.problems == []  # the links and ids still hold
    rules = {line.split(":")[1].split()[0]: line for line in found.accessibility}
    assert set(rules) == {"html-has-lang", "image-alt"}, found.accessibility
    assert rules["html-has-lang"].startswith("text-2.html: html-has-lang (serious): ") and ": html <html>" in rules["html-has-lang"]
    assert rules["image-alt"].startswith("text-2.html: image-alt (critical): ") and rules["image-alt"].endswith(
        ': img <img src="cover.png" class="unnamed">')
    assert any(line.startswith("    axe: text-2.html: image-alt") for line in found.lines())
