"""A long book's PDF laid out in chunks and stitched (octavo/stitch.py) is the one-piece PDF again:
the same pages with the same text, outline, contents numbers, links that resolve, page labels, one
structure tree, and the same bytes for any -j."""
from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from lxml import html as lxml_html

from octavo import stitch
from octavo.config import Config
from octavo.pipeline import Result, load_book
from octavo.render import Renderer, stylesheet_paths

from conftest import SEED, build_into

CHUNK = 60_000  # small chunks, so the seed's body four times is cut several times


def long_source(folder: Path, times: int = 4) -> Path:
    head, _, body = SEED.read_text(encoding="utf-8").partition("\n---\n")
    path = folder / "long-seed.md"
    path.write_text(head + "\n---\n" + "\n\n".join([body] * times), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """The long book in one piece, stitched with -j 1 and stitched with -j 2: (html, {name: path})."""
    from octavo.pdf import footnote_room, write_pdf
    from octavo.print_edition import flavour as print_flavour

    folder = tmp_path_factory.mktemp("long")
    source = long_source(folder)
    book = load_book(source, Config(inputs=(source,), output=folder), Result(source))
    renderer = Renderer(None, folder / "templates")
    flavour = print_flavour(book, Config(), footnote_room("A5"))  # as a build makes it: footnotes
    toc, html = renderer.toc(book, flavour), renderer.print_html(book, "book", None, flavour)
    sheets = stylesheet_paths(None, "print")
    paths = {name: folder / f"{name}.pdf" for name in ("one", "j1", "j2")}
    with paths["one"].open("wb") as handle:
        write_pdf(book, html, toc, sheets, handle)
    for name, jobs in (("j1", 1), ("j2", 2)):
        with paths[name].open("wb") as handle:
            stitch.write_pdf(book, html, toc, sheets, handle, jobs=jobs, chunk_chars=CHUNK)
    return html, paths


def page_texts(path: Path) -> list[str]:
    """Each page's text, hyphens and spacing aside: a font's glyph maps back to the first character
    it drew, so the same hyphen glyph reads as U+2010 in one PDF and "-" in another."""
    document = pypdfium2.PdfDocument(str(path))
    texts = [re.sub(r"[\s\-\u2010\u2011\u00ad\ufffe]", "", document[i].get_textpage().get_text_range())
             for i in range(len(document))]
    document.close()
    return texts


def outline(path: Path) -> list[tuple[int, str, int]]:
    """(depth, title, page index of its destination) of every outline item."""
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
        names = named_destinations(pdf)
        with pdf.open_outline() as tree:
            def walk(items, depth):
                for item in items:
                    dest = item.destination
                    dest = names[str(dest)] if isinstance(dest, pikepdf.String) else dest
                    yield depth, item.title, pages[dest[0].objgen]
                    yield from walk(item.children, depth + 1)
            return list(walk(tree.root, 0))


def named_destinations(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Array]:
    flat = pdf.Root.Names.Dests.Names
    return {str(name): dest for name, dest in zip(flat[::2], flat[1::2])}


@pytest.mark.slow
def test_the_long_book_is_cut_into_several_chunks(editions):
    html, _ = editions
    front, bodies = stitch.split(html, CHUNK)
    assert len(bodies) >= 3


@pytest.mark.slow
def test_stitched_pages_carry_the_one_piece_text_page_for_page(editions):
    _, paths = editions
    one, stitched = page_texts(paths["one"]), page_texts(paths["j1"])
    assert len(stitched) == len(one) > 100
    assert [n for n, (a, b) in enumerate(zip(one, stitched)) if a != b] == []


@pytest.mark.slow
def test_the_same_bytes_for_any_number_of_jobs(editions):
    _, paths = editions
    assert paths["j1"].read_bytes() == paths["j2"].read_bytes()


@pytest.mark.slow
def test_one_outline_with_the_one_piece_titles_and_pages(editions):
    _, paths = editions
    assert outline(paths["j1"]) == outline(paths["one"])
    assert len(outline(paths["j1"])) > 10


@pytest.mark.slow
def test_contents_numbers_are_the_printed_folios_of_their_targets(editions):
    _, paths = editions
    with pikepdf.open(paths["j1"]) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
        starts = dict(zip(pdf.Root.PageLabels.Nums[::2], pdf.Root.PageLabels.Nums[1::2]))
        body = max(int(k) for k in starts)  # the body's range starts last: arabic from 1
        assert starts[body].S == "/D" and int(starts[body].St) == 1
        targets = {name: pages[dest[0].objgen] for name, dest in named_destinations(pdf).items()}
    contents = pypdfium2.PdfDocument(str(paths["j1"]))[1].get_textpage().get_text_range()
    printed = re.findall(r"(\S[^\n]*?)[ .]*?(\d+)\s*$", contents, re.M)
    assert len(printed) > 10
    toc_links = list(dict.fromkeys(links_of(paths["j1"], 1)))  # a contents line is links on a few boxes
    assert [int(number) for _, number in printed] == [targets[t] - body + 1 for t in toc_links]


def links_of(path: Path, index: int) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(a.Dest) for a in pdf.pages[index].obj.get("/Annots", []) if "/Dest" in a]  # internal links


@pytest.mark.slow
def test_every_link_resolves_including_links_into_other_chunks(editions):
    _, paths = editions
    with pikepdf.open(paths["j1"]) as pdf:
        names = named_destinations(pdf)
        count = len(pdf.pages)
    links = [target for n in range(count) for target in links_of(paths["j1"], n)]
    assert links and all(target in names for target in links)
    assert len(links) == sum(len(links_of(paths["one"], n)) for n in range(count))


@pytest.mark.slow
def test_page_labels_are_roman_then_arabic_from_one(editions):
    _, paths = editions
    with pikepdf.open(paths["j1"]) as pdf:
        nums = pdf.Root.PageLabels.Nums
        ranges = [(int(k), str(v.get("/S")), int(v.get("/St", 1))) for k, v in zip(nums[::2], nums[1::2])]
    assert ranges == [(0, "/r", 1), (ranges[1][0], "/D", 1)] and ranges[1][0] >= 2


@pytest.mark.slow
def test_one_structure_tree_reaching_every_page(editions):
    _, paths = editions
    with pikepdf.open(paths["j1"]) as pdf:
        root = pdf.Root.StructTreeRoot
        keys = [int(k) for k in root.ParentTree.Nums[::2]]
        assert len(keys) == len(set(keys))
        assert all(int(page.obj.StructParents) in keys for page in pdf.pages)
        document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
        reached = {pdf.pages.index(pikepdf.Page(kid.Pg)) for kid in document.K if "/Pg" in kid}
        assert len(pdf.pages) - 1 in reached or max(reached) > len(pdf.pages) // 2


# --- cutting, without WeasyPrint -----------------------------------------------------------------

PRINT_HTML = """<!DOCTYPE html><html><head><style>@page :nth(3) {}</style></head><body>
<nav class="toc" id="toc"><ol><li><a href="#s1">One</a></li></ol></nav>
<div class="body-pages"><main class="bodymatter">
<article class="text long" id="t1" data-running="T"><header class="text-header" id="top">T</header>
<section class="section opening" id="s1">a</section><section class="section opening" id="s2">b</section>
<section class="section chapter" id="s3">c</section><section class="section notes" id="notes">d</section>
</article></main><section class="colophon" id="colophon">e</section></div></body></html>"""


def ids(markup: str) -> list[str]:
    return [e.get("id") for e in lxml_html.document_fromstring(markup).iter() if e.get("id")]


def test_cut_only_where_print_css_breaks_the_page():
    _, bodies = stitch.split(PRINT_HTML, 1)  # every unit its own chunk
    assert [ids(b.markup()) for b in bodies] == [["t1", "top", "s1", "s2"], ["s3"], ["notes"], ["colophon"]]


def test_the_chapters_and_notes_of_a_text_whose_chapters_run_on_are_no_place_to_cut():
    """print.css breaks the page before a chapter or the notes only in a long text (article.long), and
    not before the first chapter after a short opening: a collection of short poems is one piece."""
    _, bodies = stitch.split(PRINT_HTML.replace('class="text long"', 'class="text"'), 1)
    assert [ids(b.markup()) for b in bodies] == [["t1", "top", "s1", "s2", "s3", "notes"], ["colophon"]]
    short_opening = PRINT_HTML.replace('class="text long"', 'class="text long short-opening"').replace(
        '<section class="section opening" id="s2">b</section>', '')
    _, bodies = stitch.split(short_opening, 1)
    assert [ids(b.markup()) for b in bodies] == [["t1", "top", "s1", "s3"], ["notes"], ["colophon"]]


def test_a_chunk_keeps_its_text_s_running_head_and_starts_at_its_folio():
    _, bodies = stitch.split(PRINT_HTML, 1)
    chunk = lxml_html.document_fromstring(bodies[1].markup(folio=41, pad=True, opening=False))
    article = chunk.find(".//article")
    assert article.get("data-running") == "T" and article.get("id") is None
    assert chunk.find(".//div[@class='octavo-pad']") is not None
    styles = [s.text for s in chunk.iter("style")]
    # print.css adds one on every body page, after the reset; only the body's first chunk opens on a recto
    assert styles == ["@page :nth(1 of body) { counter-reset: page 40 !important; }\n"
                      ".body-pages { break-before: auto !important; }\n"
                      "div.octavo-pad { break-after: page; }"]  # the cover's page rules are gone


def test_the_front_matter_prints_the_numbers_it_is_given():
    front, _ = stitch.split(PRINT_HTML, 1)
    markup = lxml_html.document_fromstring(front.markup(numbers={"s1": "7"}))
    assert markup.find(".//main") is None
    assert markup.find(".//nav//a").get("data-page") == "7"


def test_a_document_without_one_body_group_is_not_stitched():
    with pytest.raises(stitch.Unstitchable):
        stitch.split("<html><body><p>x</p></body></html>", 1)


@pytest.mark.slow
def test_the_pipeline_stitches_a_long_book(tmp_path, monkeypatch, editions):
    _, paths = editions
    monkeypatch.setattr(stitch, "LONG", 100_000)  # the seed's body four times counts as long
    source = long_source(tmp_path)
    report = build_into(tmp_path / "out", source, formats=("pdf",), jobs=2)
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    built = tmp_path / "out" / "long-seed.pdf"
    with pikepdf.open(built) as pdf:
        assert "/PageLabels" in pdf.Root  # written by the stitcher
    assert page_texts(built) == page_texts(paths["one"])


@pytest.mark.slow
def test_the_read_back_checks_find_nothing_the_one_piece_pdf_does_not(editions):
    from octavo.validate import pdf_problems
    from pdf_reading import outline_pages

    _, paths = editions
    assert pdf_problems(paths["j1"]) == pdf_problems(paths["one"]) == []
    assert outline_pages(paths["j1"]) == outline_pages(paths["one"])


def test_a_short_books_pdf_does_not_load_pikepdf():
    # every PDF build imports stitch.py to ask whether to stitch; pikepdf (0.05 s) loads only when a
    # stitched book uses it
    import subprocess
    import sys

    check = ("import sys; from octavo import stitch; loaded = 'pikepdf._core' in sys.modules; "
             "print(loaded, stitch.pikepdf.Array([1]) == [1], 'pikepdf._core' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert run.stdout.split() == ["False", "True", "True"], run.stdout + run.stderr
