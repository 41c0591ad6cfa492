"""The web edition (--format html): a folder per book, read back with lxml as a browser would parse it.

The oracles are the other editions (the EPUB's ids, its page-list) and the HTML itself: every link
inside the folder resolves, nothing is loaded from outside it, the pages forbid inline script.
"""
from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree, html

from conftest import ROOT, SEED, build_into, run_cli, write_source

VOLUME = ROOT / "volumes" / "reader.toml"
XHTML = "{http://www.w3.org/1999/xhtml}"


def pages_of(folder: Path) -> dict[str, html.HtmlElement]:
    return {p.name: html.parse(str(p)).getroot() for p in sorted(folder.glob("*.html"))}


def epub_pages(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as z:
        return {Path(n).name: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


def words(el) -> str:
    """An element's text as a reader sees it, without paragraph numbers, note calls and popovers."""
    parts = []

    def visit(node):
        skip = node is not el and {"para-num", "noteref", "note-pop", "page-mark"} & set((node.get("class") or "").split())
        if not skip:
            parts.append(node.text or "")
            for child in node:
                if isinstance(child.tag, str):
                    visit(child)
        parts.append(node.tail or "")
    visit(el)
    parts[-1] = ""  # the element's own tail is not its text
    return " ".join("".join(parts).split())


def folder_bytes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def handouts(tmp_path_factory):
    """The seed and the reader volume as handouts (numbered paragraphs), EPUB and web edition, the
    print edition laid out for the page-list (not written)."""
    out = tmp_path_factory.mktemp("web-handouts")
    report = build_into(out, SEED, VOLUME, formats=("epub", "html"), profile="handout", paper="A4",
                        page_list=True)
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    return out, report


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """The seed as a book (a long text: a page per section) and the volume, web edition only."""
    out = tmp_path_factory.mktemp("web-books")
    report = build_into(out, SEED, VOLUME, formats=("epub", "html"))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    return out, report


def test_a_long_text_is_a_page_per_section_as_the_epub_splits_it(books):
    out, _ = books
    site = out / f"{SEED.stem}-web"
    epub = epub_pages(out / f"{SEED.stem}.epub")
    chapters = sorted(n for n in epub if n[0] == "c" and n[1:4].isdigit())
    assert chapters == ["c001.xhtml", "c002.xhtml", "c003.xhtml", "c004.xhtml", "c005.xhtml"]
    assert sorted(n for n in pages_of(site) if n != "index.html") == [n.replace(".xhtml", ".html") for n in chapters]
    for name in chapters:  # the same sections, the same ids on each page
        web = pages_of(site)[name.replace(".xhtml", ".html")]
        epub_ids = {el.get("id") for el in epub[name].iter() if isinstance(el.tag, str) and el.get("id")
                    and el.getparent() is not None and el.tag != f"{XHTML}body"}
        web_ids = {el.get("id") for el in web.find("body").iter() if isinstance(el.tag, str) and el.get("id")}
        assert epub_ids <= web_ids, (name, sorted(epub_ids - web_ids)[:5])
    index = pages_of(site)["index.html"]
    assert index.find(".//h1").text_content() == "Trotskyism or Leninism?"
    assert [a.get("href") for a in index.xpath("//nav[@id='toc']//a")][:2] == ["c001.html#s1", "c002.html#s2"]
    assert index.xpath("//section[@id='colophon']"), "the credits are on the index page"
    assert index.xpath("//figure[@class='cover']/img[@src='cover.png']") and (site / "cover.png").is_file()


def test_a_volume_is_one_site_a_page_per_part_and_text_with_previous_next_and_trail(books):
    out, _ = books
    site = out / "reader-web"
    pages = pages_of(site)
    assert sorted(pages) == ["index.html", "part-1.html", "part-2.html", "part-3.html",
                             "text-1.html", "text-2.html", "text-3.html"]
    order, name = [], "index.html"
    while name:
        order.append(name)
        nxt = pages[name].xpath("//nav[@class='pager']/a[@rel='next']/@href")
        name = nxt[0] if nxt else None
    assert order == ["index.html", "part-1.html", "text-1.html", "part-2.html", "text-2.html", "part-3.html",
                     "text-3.html"]
    for before, after in zip(order, order[1:]):
        assert pages[after].xpath("//nav[@class='pager']/a[@rel='prev']/@href") == [before]
    trail = [li.text_content().strip() for li in pages["text-3.html"].xpath("//nav[@class='trail']//li")]
    assert trail == ["Trotskyism or Leninism?", "Part Three: After Reading", "Questions for Discussion"]
    assert pages["text-3.html"].xpath("//nav[@class='trail']//li[last()]/span/@aria-current") == ["page"]


def test_every_link_inside_the_folder_resolves_and_ids_are_unique(books, handouts):
    for out in (books[0], handouts[0]):
        for site in sorted(out.glob("*-web")):
            pages = pages_of(site)
            ids = {}
            for name, root in pages.items():
                found = [el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")]
                assert len(found) == len(set(found)), (site.name, name, [i for i in found if found.count(i) > 1][:3])
                ids[name] = set(found)
            for name, root in pages.items():
                for el in root.iter():
                    for attr in ("href", "src"):
                        url = el.get(attr) if isinstance(el.tag, str) else None
                        if not url or urlsplit(url).scheme:
                            continue
                        parts = urlsplit(url)
                        target = parts.path or name
                        assert (site / target).is_file(), (site.name, name, url)
                        if parts.fragment and target.endswith(".html"):
                            assert parts.fragment in ids[target], (site.name, name, url)


def test_numbered_paragraphs_have_the_epubs_ids_and_text_and_link_to_themselves(handouts):
    out, _ = handouts
    for slug, page, para in ((f"{SEED.stem}-handout", "index.html", "para-12"), ("reader-handout", "text-2.html", "t2-para-12")):
        epub = epub_pages(out / f"{slug}.epub")
        in_epub = [el for tree in epub.values() for el in tree.iter() if isinstance(el.tag, str) and el.get("id") == para]
        web = pages_of(out / f"{slug}-web")[page]
        in_web = web.xpath(f"//*[@id='{para}']")
        assert len(in_epub) == 1 and len(in_web) == 1, (slug, para)
        assert words(in_web[0]) == words(in_epub[0]) and len(words(in_web[0])) > 40
        number = in_web[0].xpath("a[@class='para-num']")
        assert number and number[0].get("href") == f"#{para}" and number[0].text == "12"


def test_a_handout_is_one_page(handouts):
    out, _ = handouts
    assert sorted(pages_of(out / f"{SEED.stem}-handout-web")) == ["index.html"]


def test_notes_open_at_their_calls_as_popovers_and_the_endnotes_remain(books):
    out, _ = books
    epub = epub_pages(out / "reader.epub")
    epub_calls = {el.get("id"): el.get("href").split("#")[1] for tree in epub.values() for el in tree.iter(f"{XHTML}a")
                  if el.get("class") == "noteref"}
    assert epub_calls, "the reader volume has notes"
    pages = pages_of(out / "reader-web")
    calls = {b.get("id"): (name, b) for name, root in pages.items() for b in root.iter("button")
             if "noteref" in (b.get("class") or "")}
    assert set(calls) == set(epub_calls)  # the same calls, with the EPUB's ids
    for call_id, (name, button) in calls.items():
        target = button.get("popovertarget")
        pop = pages[name].xpath(f"//*[@id='{target}']")
        assert len(pop) == 1 and pop[0].get("popover") == "auto", call_id
        assert pop[0].getparent() is button.getparent(), "the note opens where it is called"
        back = pop[0].xpath(".//a[@class='note-number']")
        assert back and back[0].get("href") == f"#{call_id}" and back[0].text == button.text
        assert words(pop[0]).strip(), "the popover holds the note's words"
        note_id = epub_calls[call_id]
        endnote = pages[name].xpath(f"//li[@id='{note_id}']")
        assert endnote and endnote[0].xpath(f".//a[@class='backlink'][@href='#{call_id}']"), "the endnote stays"
        assert words(endnote[0]).startswith(words(pop[0]).split(" ", 1)[1][:30])


def test_pages_load_nothing_from_outside_and_forbid_inline_script_and_style(books):
    out, _ = books
    for site in sorted(out.glob("*-web")):
        for name, root in pages_of(site).items():
            policy = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
            assert len(policy) == 1, name
            rules = dict((d.split()[0], d.split()[1:]) for d in policy[0].split(";") if d.strip())
            assert rules["default-src"] == ["'none'"] and "'unsafe-inline'" not in rules["script-src"] + rules["style-src"]
            assert not root.xpath("//style") and not root.xpath("//*[@style]"), name
            for script in root.iter("script"):
                assert script.get("src") or script.get("type") == "application/ld+json", name
            loads = root.xpath("//script/@src | //img/@src | //link[@rel='stylesheet' or @rel='icon']/@href")
            assert loads and not [u for u in loads if urlsplit(u).scheme or urlsplit(u).netloc], name
            assert not [u for u in loads if not (site / u).is_file()]
        css = (site / "css" / "web.css").read_text()
        assert "url(\"../fonts/Literata.ttf\")" in css and (site / "fonts" / "Literata.ttf").stat().st_size > 100_000
        assert "prefers-color-scheme: dark" in css and "@media print" in css and "hyphens: auto" in css


def test_metadata_title_description_language_open_graph_schema_org_source(books):
    import json

    out, _ = books
    index = pages_of(out / "reader-web")["index.html"]
    assert index.get("lang") == "en"
    assert index.findtext(".//title") == "Trotskyism or Leninism?"
    assert index.xpath("//meta[@name='description']/@content") == [
        "A speech of November 1924 with an introduction and questions for discussion."]
    assert index.xpath("//meta[@property='og:title']/@content") == ["Trotskyism or Leninism?"]
    assert index.xpath("//meta[@property='og:type']/@content") == ["book"]
    data = json.loads(index.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["@type"] == "Book" and data["editor"] == [{"@type": "Person", "name": "Octavo Editors"}]
    assert [part["name"] for part in data["hasPart"]][2] == "Questions for Discussion"
    chapter = pages_of(out / f"{SEED.stem}-web")["c002.html"]
    data = json.loads(chapter.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["@type"] == "Chapter" and data["isPartOf"]["isBasedOn"].startswith("https://www.marxists.org/")
    assert chapter.xpath("//link[@rel='alternate']/@href") == [data["isPartOf"]["isBasedOn"]]


def test_without_the_sites_address_pages_name_no_image_and_no_address_of_their_own(books):
    """Open Graph wants absolute addresses: a relative og:image is worse than none."""
    import json

    out, _ = books
    for folder in ("reader-web", f"{SEED.stem}-web"):
        for name, root in pages_of(out / folder).items():
            assert not root.xpath("//meta[@property='og:image' or @property='og:url'] | //link[@rel='canonical']"), name
            data = json.loads(root.xpath("//script[@type='application/ld+json']")[0].text)
            assert "url" not in data and "image" not in data.get("isPartOf", data), name
    assert pages_of(out / "reader-web")["index.html"].xpath("//link[@rel='icon']/@href") == ["cover.png"]


def test_with_the_sites_address_og_image_and_canonical_links_are_absolute(tmp_path):
    import json

    proc = run_cli(str(VOLUME), "--format", "html", "-o", str(tmp_path), "-q",
                   "--site-url", "https://course.example.org/reading")  # the final slash is added
    assert proc.returncode == 0, proc.stderr
    pages = pages_of(tmp_path / "reader-web")
    folder = "https://course.example.org/reading/reader-web/"
    index, text = pages["index.html"], pages["text-2.html"]
    assert index.xpath("//link[@rel='canonical']/@href") == index.xpath("//meta[@property='og:url']/@content") == [folder]
    assert text.xpath("//link[@rel='canonical']/@href") == [folder + "text-2.html"]
    for root in (index, text):
        assert root.xpath("//meta[@property='og:image']/@content") == [folder + "cover.png"]
    assert (tmp_path / "reader-web" / "cover.png").is_file()
    data = json.loads(text.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["url"] == folder + "text-2.html"
    assert data["isPartOf"]["url"] == folder and data["isPartOf"]["image"] == folder + "cover.png"
    from octavo.web.check import check_site

    assert check_site(tmp_path / "reader-web").ok, check_site(tmp_path / "reader-web").problems
    for wrong in ("reading/", "ftp://example.org/", "https:///x", "https://example.org/?a=1"):
        bad = run_cli(str(VOLUME), "--format", "html", "-o", str(tmp_path), "--site-url", wrong)
        assert bad.returncode == 2 and "--site-url wants" in bad.stderr, wrong


def test_printed_pages_are_marked_as_the_epubs_page_list_marks_them(handouts):
    out, _ = handouts
    slug = f"{SEED.stem}-handout"
    epub = epub_pages(out / f"{slug}.epub")
    page_list = [a.text for tree in epub.values() for nav in tree.iter(f"{XHTML}nav")
                 if nav.get("{http://www.idpf.org/2007/ops}type") == "page-list" for a in nav.iter(f"{XHTML}a")]
    assert len(page_list) > 5
    root = pages_of(out / f"{slug}-web")["index.html"]
    marks = root.xpath("//span[@class='page-mark']")
    assert [m.get("data-label") for m in marks] == page_list
    assert [m.get("id") for m in marks] == [f"page-{n}" for n in page_list]
    # each mark sits in the element whose EPUB marker it matches, before the same words
    epub_marks = {el.get("id"): el for tree in epub.values() for el in tree.iter(f"{XHTML}span")
                  if el.get("{http://www.idpf.org/2007/ops}type") == "pagebreak"}
    for mark in marks[1:6]:
        theirs = epub_marks[mark.get("id")]
        assert (mark.tail or "").split()[:1] == (theirs.tail or "").split()[:1], mark.get("id")


def test_rebuilds_are_byte_identical_and_the_cache_keeps_the_folder(tmp_path):
    first = build_into(tmp_path / "a", SEED, formats=("html",))
    second = build_into(tmp_path / "b", SEED, formats=("html",))
    assert first.ok and second.ok
    a, b = tmp_path / "a" / f"{SEED.stem}-web", tmp_path / "b" / f"{SEED.stem}-web"
    assert folder_bytes(a) == folder_bytes(b) and len(folder_bytes(a)) > 8
    again = build_into(tmp_path / "a", SEED, formats=("html",))
    assert again.results[0].unchanged and again.results[0].outputs == [a / "index.html"]
    (a / "index.html").write_text("changed by hand")
    rebuilt = build_into(tmp_path / "a", SEED, formats=("html",))
    assert not rebuilt.results[0].unchanged and folder_bytes(a) == folder_bytes(b)


def test_live_adds_the_preview_script_to_every_page_and_nothing_else(tmp_path):
    plain = build_into(tmp_path / "plain", VOLUME, formats=("html",))
    live = build_into(tmp_path / "live", VOLUME, formats=("html",), live=True)
    assert plain.ok and live.ok
    for name, root in pages_of(tmp_path / "live" / "reader-web").items():
        scripts = root.xpath("/html/head/script[@src='/_octavo/live.js']")
        assert len(scripts) == 1 and scripts[0].get("defer") is not None, name
        scripts[0].getparent().remove(scripts[0])
        other = pages_of(tmp_path / "plain" / "reader-web")[name]
        assert not other.xpath("//script[contains(@src, 'live.js')]")
        assert html.tostring(root) == html.tostring(other), name


def test_without_pagefind_the_edition_is_complete_without_search(tmp_path, monkeypatch):
    from octavo.web import search

    monkeypatch.setattr(search, "available", lambda: False)
    report = build_into(tmp_path, VOLUME, formats=("html",))
    assert report.ok
    site = tmp_path / "reader-web"
    infos = [d for d in report.results[0].diagnostics if d.code == "web.search"]
    assert len(infos) == 1 and infos[0].level == "info" and "Pagefind" in infos[0].message
    assert not (site / "pagefind").exists() and not (site / "js").exists()
    for name, root in pages_of(site).items():
        assert not root.xpath("//*[@id='search']") and not root.xpath("//script[@src]"), name
        assert "wasm" not in root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert len(pages_of(site)) == 7


def test_with_pagefind_the_index_is_built_in_the_texts_language(books):
    pytest.importorskip("pagefind_bin")
    out, _ = books
    site = out / "reader-web"
    assert (site / "pagefind" / "pagefind-ui.js").is_file() and (site / "js" / "search.js").is_file()
    assert list((site / "pagefind").glob("wasm.en.pagefind")), "indexed as English"
    index = pages_of(site)["index.html"]
    assert index.xpath("//div[@id='search']") and index.xpath("//script[@src='pagefind/pagefind-ui.js']")
    assert not index.xpath("//main/@data-pagefind-body"), "the contents and credits are not searched"
    assert pages_of(site)["text-3.html"].xpath("//main/@data-pagefind-body")


def test_format_takes_a_list_or_all(tmp_path):
    source = write_source(tmp_path, "short.md", """
        ---
        title: A Short Text
        author: Ann Writer
        ---
        One paragraph of a short text, long enough to be a paragraph of its own.
        """)
    proc = run_cli(str(source), "--format", "epub,html", "-o", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [
        "short-web", "short.epub"]
    assert sorted(p.name for p in (tmp_path / "out" / "short-web").glob("*.html")) == ["index.html"]
    bad = run_cli(str(source), "--format", "epub,docx", "-o", str(tmp_path / "out"))
    assert bad.returncode == 2 and "--format wants epub, pdf, html" in bad.stderr
    from octavo.config import parse_formats

    assert parse_formats("all") == ("epub", "pdf", "html") and parse_formats("html,epub") == ("epub", "html")


def test_check_reports_a_broken_link_in_the_folder(books):
    from octavo.web.check import check_site

    out, _ = books
    site = out / "reader-web"
    assert check_site(site).ok, check_site(site).problems
    broken = out / "broken-web"
    import shutil

    shutil.copytree(site, broken)
    (broken / "text-2.html").unlink()
    found = check_site(broken)
    assert not found.ok and any("text-2.html" in p and "names no file" in p for p in found.problems)


def test_images_and_a_text_in_another_language_travel_with_the_folder(tmp_path):
    from PIL import Image

    from octavo.web.check import check_site

    Image.new("RGB", (60, 40), (200, 180, 120)).save(tmp_path / "map.png", "PNG")
    source = write_source(tmp_path, "lettre.md", """
        ---
        title: Une lettre
        author: Anne Autrice
        language: fr
        ---
        Voici la carte dont je vous ai parlé, avec ses chemins et ses rivières.[^1]

        ![La carte des chemins](map.png)

        [^1]: Dessinée de mémoire.
        """)
    report = build_into(tmp_path / "out", source, formats=("html",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    site = tmp_path / "out" / "lettre-web"
    root = pages_of(site)["index.html"]
    assert root.get("lang") == "fr" and root.findtext(".//title") == "Une lettre"
    [img] = root.xpath("//main//img[@alt='La carte des chemins']")
    assert not urlsplit(img.get("src")).scheme and (site / img.get("src")).read_bytes()[:4] == b"\x89PNG"
    assert root.xpath("//nav[@class='pager']/@aria-label") == ["Pages"] and root.xpath("//a[@class='skip']")[0].text == "Aller au texte"
    assert check_site(site).ok, check_site(site).problems


def test_the_web_editions_findings_are_not_replayed_for_an_epub_built_beside_it(tmp_path, monkeypatch):
    from octavo.web import search

    monkeypatch.setattr(search, "available", lambda: False)  # a web.search info line every web build
    assert build_into(tmp_path, SEED, formats=("epub", "html")).ok
    again = build_into(tmp_path, SEED, formats=("epub",))
    assert again.results[0].unchanged
    assert not [d for d in again.results[0].diagnostics if d.code.startswith("web.")]
    both = build_into(tmp_path, SEED, formats=("epub", "html"))
    assert both.results[0].unchanged and [d.code for d in both.results[0].diagnostics].count("web.search") == 1


def test_check_says_in_one_line_that_accessibility_was_not_checked_and_how_to_get_axe(tmp_path):
    """Without Chromium (or Playwright, or axe-core) the web edition's other checks run, and the
    report says which check did not and what to install; the book is 'not fully checked'."""
    source = write_source(tmp_path, "short.md", """
        ---
        title: A Short Text
        author: Ann Author
        ---
        One paragraph of a short text, long enough to be a paragraph of its own.
        """)
    axe = tmp_path / "axe.min.js"  # axe-core present, installed or not (a fresh clone has no tools/axe/node_modules)
    axe.write_text("/* never run: Chromium is missing */\n")
    env = {**os.environ, "OCTAVO_CHROMIUM": str(tmp_path / "no-chromium"), "OCTAVO_AXE": str(axe)}
    proc = run_cli(str(source), "--format", "html", "--check", "-o", str(tmp_path / "out"), env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    [site] = [line for line in lines if "short-web:" in line]
    assert "links resolve, ids unique" in site and site.endswith("axe-core did not run")
    [skipped] = [line for line in lines if line.startswith("  not checked:")]
    assert skipped == ("  not checked: the web edition's accessibility was not checked (axe-core in Chromium): "
                       "Chromium is not installed; install `pip install -e '.[test]'` (Playwright), "
                       "`cd tools/axe && npm ci` (axe-core) and Chromium (Debian: `apt install chromium`)")
    assert lines[-1] == "0 of 1 passed every check, 1 not fully checked (some checks could not run, above)"
    strict = run_cli(str(source), "--format", "html", "--check", "--strict", "-o", str(tmp_path / "out"), env=env)
    assert strict.returncode == 1 and "--strict: a check that could not run fails the run" in strict.stdout


def test_what_the_accessibility_check_lacks_is_named(monkeypatch, tmp_path):
    from octavo.web import axe

    monkeypatch.setattr(axe, "playwright_installed", lambda: False)
    monkeypatch.setenv("OCTAVO_CHROMIUM", str(tmp_path / "none"))
    monkeypatch.setattr(axe, "CHECKOUT_AXE", tmp_path / "not-a-checkout")  # as an installed Octavo sees it
    assert axe.missing() == ("the web edition's accessibility was not checked (axe-core in Chromium): Playwright, "
                             "Chromium and axe-core are not installed; install `pip install playwright` (Octavo "
                             "uses the system's Chromium: Debian `apt install chromium`) and axe-core (`npm install "
                             "axe-core`, then name node_modules/axe-core/axe.min.js in OCTAVO_AXE)")
    monkeypatch.setenv("OCTAVO_AXE", str(tmp_path / "axe.min.js"))
    assert "OCTAVO_AXE names" in axe.missing() and "not a file" in axe.missing()


def two_languages(folder: Path) -> Path:
    """A volume of an English text and a French one (the volume's language is English)."""
    write_source(folder, "weaver.md", """
        ---
        title: The Weaver
        language: en
        ---
        The weaver sat at the loom through the long winter evenings, counting threads.
        """)
    write_source(folder, "tisserand.md", """
        ---
        title: Le Tisserand
        language: fr
        ---
        Le tisserand travaillait au métier pendant les longues soirées d’hiver, comptant les fils de laine écarlate.
        """)
    return write_source(folder, "weavers.toml", """
        title = "Two Weavers"
        language = "en"

        [[texts]]
        source = "weaver.md"

        [[texts]]
        source = "tisserand.md"
        """)


def test_a_text_in_another_language_is_a_page_in_that_language_and_indexed_in_it(tmp_path):
    """Pagefind keeps an index per <html lang>: the French text's page is French, indexed with
    French stems, and its navigation (in the volume's English) says it is English."""
    import gzip
    import json

    report = build_into(tmp_path / "out", two_languages(tmp_path), formats=("html",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    site = tmp_path / "out" / "weavers-web"
    pages = pages_of(site)
    assert {name: root.get("lang") for name, root in pages.items()} == {
        "index.html": "en", "text-1.html": "en", "text-2.html": "fr"}
    french = pages["text-2.html"]
    assert french.xpath("//header[@class='site']/@lang") == french.xpath("//nav[@class='pager']/@lang") == ["en"]
    assert french.xpath("//a[@class='skip']/@lang") == ["en"] and not french.xpath("//main/@lang")
    assert french.xpath("//span[@aria-current='page']/@lang") == ["fr"]
    assert french.xpath("//meta[@property='og:locale']/@content") == ["fr"]
    assert not pages["text-1.html"].xpath("//header[@lang] | //nav[@lang]")
    if not (site / "pagefind").is_dir():
        pytest.skip("Pagefind is not installed")
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert {lang: found["page_count"] for lang, found in entry["languages"].items()} == {"en": 1, "fr": 1}

    def unpacked(kind: str, lang: str) -> list[bytes]:  # Pagefind's files: gzip, then a signature
        return [gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd")
                for p in sorted((site / "pagefind" / kind).glob(f"{lang}_*"))]

    [fr_page] = [json.loads(data) for data in unpacked("fragment", "fr")]
    [en_page] = [json.loads(data) for data in unpacked("fragment", "en")]
    assert (fr_page["url"], en_page["url"]) == ("/text-2.html", "/text-1.html")
    fr_words, en_words = b"".join(unpacked("index", "fr")), b"".join(unpacked("index", "en"))
    # CBOR text keys (0x60 + length): French stems (Snowball: comptant -> compt, écarlate -> ecarlat)
    assert b"\x65compt" in fr_words and b"\x67ecarlat" in fr_words and b"comptant" not in fr_words
    assert b"\x66weaver" in en_words and b"tisserand" not in en_words and b"weaver" not in fr_words


def test_a_right_to_left_text_in_a_left_to_right_volume_reads_right_to_left(tmp_path):
    """An Arabic text's page runs right to left; the volume's English navigation around it does not."""
    write_source(tmp_path, "weaver.md", "---\ntitle: The Weaver\nlanguage: en\n---\nThe weaver sat at the loom.\n")
    write_source(tmp_path, "hayik.md", "---\ntitle: \u0627\u0644\u062d\u0627\u0626\u0643\nlanguage: ar\n---\n"
                 "\u062c\u0644\u0633 \u0627\u0644\u062d\u0627\u0626\u0643 \u0639\u0644\u0649 "
                 "\u0627\u0644\u0646\u0648\u0644.\n")
    volume = write_source(tmp_path, "looms.toml", 'title = "Looms"\nlanguage = "en"\n\n[[texts]]\nsource = "weaver.md"\n'
                          '\n[[texts]]\nsource = "hayik.md"\n')
    report = build_into(tmp_path / "out", volume, formats=("html",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    pages = pages_of(tmp_path / "out" / "looms-web")
    arabic, english = pages["text-2.html"], pages["text-1.html"]
    assert (arabic.get("lang"), arabic.get("dir")) == ("ar", "rtl")
    assert arabic.xpath("//header[@class='site']/@dir") == arabic.xpath("//nav[@class='pager']/@dir") == ["ltr"]
    assert english.get("dir") is None and not english.xpath("//*[@dir]")


def small_texts(folder: Path, count: int) -> list[Path]:
    return [write_source(folder, f"text-{n}.md", f"---\ntitle: Text {n}\n---\n\n# One\n\nBody {n} of a short text, "
                         f"long enough to be a paragraph.[^1]\n\n[^1]: Note {n}.\n") for n in range(count)]


def test_shards_and_worker_processes_build_the_web_edition_as_one_process_does(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    sources = [*small_texts(tmp_path / "src", 3), VOLUME]
    whole = build_into(tmp_path / "whole", *sources, formats=("html",))
    shards = [build_into(tmp_path / "shards", *sources, formats=("html",), shard=(k, 2), jobs=2) for k in (1, 2)]
    assert whole.ok and all(s.ok for s in shards)
    assert [r.input for r in shards[0].results] == sources[0::2]
    assert [r.input for r in shards[1].results] == sources[1::2]
    folders = sorted(p.name for p in (tmp_path / "whole").iterdir() if p.name.endswith("-web"))
    assert folders == ["reader-web", "text-0-web", "text-1-web", "text-2-web"]
    assert sorted(p.name for p in (tmp_path / "shards").iterdir() if p.name.endswith("-web")) == folders
    for name in folders:
        assert folder_bytes(tmp_path / "shards" / name) == folder_bytes(tmp_path / "whole" / name), name
    again = build_into(tmp_path / "shards", *sources, formats=("html",), shard=(2, 2), jobs=2)
    assert all(r.unchanged for r in again.results)  # each shard's cache records are its own


@pytest.mark.slow
def test_a_dask_cluster_builds_the_web_edition_as_one_process_does(tmp_path):
    """A local scheduler and a worker in another working folder build web editions (with their
    search indexes) that are byte-identical to a -j 1 build."""
    pytest.importorskip("distributed")
    from test_executors import dask_cluster

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "SOURCE_DATE_EPOCH": "1700000000"}
    with dask_cluster(tmp_path / "worker", env) as port:
        args = [*map(str, [*small_texts(tmp_path / "src", 2), VOLUME]), "--format", "html"]
        local = run_cli(*args, "-o", str(tmp_path / "local"), "-j", "1", env=env)
        assert local.returncode == 0, local.stderr
        remote = run_cli(*args, "-o", "out", "--executor", f"dask://127.0.0.1:{port}", cwd=tmp_path, env=env)
        assert remote.returncode == 0, remote.stdout + remote.stderr
        assert "3 inputs: 3 built" in remote.stdout
        folders = sorted(p.name for p in (tmp_path / "local").iterdir() if p.name.endswith("-web"))
        assert folders == ["reader-web", "text-0-web", "text-1-web"]
        for name in folders:
            assert folder_bytes(tmp_path / "out" / name) == folder_bytes(tmp_path / "local" / name), name


def pages_text(extra: str = "") -> str:
    paragraphs = "\n\n".join(f"Paragraph {n} of a text long enough to fill three printed pages, its words "
                               "set one after another until the page is full and the next begins. " * 3
                               for n in range(1, 9))
    return f"---\ntitle: Printed Pages\nlanguage: en\n---\n\n# One\n\n{extra}{paragraphs}\n"


def marks(site: Path) -> list[str]:
    return [el.get("id") for root in pages_of(site).values() for el in root.xpath("//*[@class='page-mark']")]


def test_a_web_edition_built_alone_marks_the_pages_of_the_last_pdf_of_the_same_text(tmp_path, monkeypatch):
    """The page-list of a PDF build is kept in the cache: the web edition built alone later marks
    the same pages as one built with the PDF, until the text (or an option of the layout) changes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    source = tmp_path / "printed.md"
    source.write_text(pages_text(), encoding="utf-8")
    together = build_into(tmp_path / "together", source, formats=("pdf", "html"))
    marked = marks(tmp_path / "together" / "printed-web")
    assert together.ok and len(marked) >= 3
    # its printed contents (page ii) is not looked for on a web page of one section, which lists none
    assert not [d for d in together.results[0].diagnostics if d.code == "web.page-marks"]

    out = tmp_path / "out"
    alone = build_into(out, source, formats=("html",))
    [info] = [d for d in alone.results[0].diagnostics if d.code == "web.page-marks"]
    assert info.level == "info" and "marks no printed pages" in info.message and "--format all" in info.message
    assert marks(out / "printed-web") == []
    assert build_into(out, source, formats=("pdf",)).ok
    later = build_into(out, source, formats=("html",))
    assert not later.results[0].unchanged, "a PDF built since: the web edition is built again"
    assert not [d for d in later.results[0].diagnostics if d.code == "web.page-marks"]
    assert folder_bytes(out / "printed-web") == folder_bytes(tmp_path / "together" / "printed-web")
    assert build_into(out, source, formats=("html",)).results[0].unchanged

    from octavo import print_edition

    def no_layout(*args, **kwargs):
        raise AssertionError("the print edition was laid out again")

    with monkeypatch.context() as patched:  # the PDF unchanged, only the web pages rebuilt (--serve's script)
        patched.setattr(print_edition, "lay_out", no_layout)
        live = build_into(tmp_path / "together", source, formats=("pdf", "html"), live=True)
    assert live.ok and [p.suffix for p in live.results[0].outputs] == [".pdf", ".html"]
    assert marks(tmp_path / "together" / "printed-web") == marked
    live_page = pages_of(tmp_path / "together" / "printed-web")["index.html"]
    assert live_page.xpath("//script[@src='/_octavo/live.js']"), "the web pages were built again"

    assert not build_into(out, source, formats=("html",), notes="endnotes").results[0].unchanged
    assert marks(out / "printed-web") == [], "the PDF was laid out with footnotes: not these pages"
    source.write_text(pages_text("A new first paragraph, which moves every page break after it.\n\n"), encoding="utf-8")
    edited = build_into(out, source, formats=("html",))
    assert marks(out / "printed-web") == [] and [d.code for d in edited.results[0].diagnostics].count("web.page-marks") == 1

