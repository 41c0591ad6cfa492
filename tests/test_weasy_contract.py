"""The contract between Octavo and WeasyPrint (octavo/weasy.py): the internals Octavo relies on,
pinned on a small document laid out here. When a WeasyPrint release breaks one of these, port
octavo/weasy.py (and only it) until they pass again; the test names say what Octavo needs.

Expected values are written out from the document below (its ids, classes and words), not asked
of the code under test; the written PDF is read back with pikepdf and PDFium."""
from __future__ import annotations

import io
import logging
import os
from pathlib import Path
import subprocess
import sys

import pikepdf
import pypdfium2
import pytest

from octavo import pdf, weasy

CSS = """
@page { size: A6; margin: 12mm; @top-center { content: "Running head"; } }
@page front { @top-center { content: none; } }
.front { page: front; }
body { font-size: 10pt; line-height: 14pt; }
.note { float: footnote; footnote-policy: line; }
.note::footnote-call { content: none; } .note::footnote-marker { content: none; }
.para-num { float: right; margin-right: -10mm; width: 8mm; }
h2 { break-before: page; }
"""

HTML = """<!DOCTYPE html><html lang="en"><head><title>Contract</title></head><body>
<section class="front" id="front"><p id="opening">Front matter.</p></section>
<section id="chapter"><h2 id="ch">Chapter</h2>
<p id="with-call">A paragraph with a call<a class="noteref" id="call-1" href="#note-1">1</a><span class="note"
 data-call="call-1" id="note-1">The note, at the foot of the call's page.</span> and more words.</p>
<p id="numbered"><span class="para-num">7</span>A numbered paragraph.</p>
<p id="linking"><a href="#ch">Back to the chapter</a>.</p>
<table id="t"><caption>A caption</caption><thead><tr><th>Head</th></tr></thead>
<tbody><tr><td>Body</td></tr></tbody></table>
</section></body></html>"""


@pytest.fixture(scope="module")
def document():
    fetcher = weasy.LockedFetcher([])
    fonts = weasy.font_config()
    return weasy.render(HTML, fetcher, [weasy.stylesheet(fonts, fetcher, string=CSS)], fonts, pdf.PDF_VARIANT)


def test_pages_are_a_list_with_a_named_page_type_each(document):
    pages = weasy.pages(document)
    assert len(pages) == 2
    assert [weasy.page_name(page) for page in pages] == ["front", ""]  # "" : the unnamed page


def test_the_root_element_is_the_documents_html_element(document):
    root = weasy.root_element(document)
    assert root.tag == "html" and root.find(".//p[@id='opening']") is not None


def test_anchors_name_the_ids_with_a_box_on_each_page(document):
    front, chapter = weasy.pages(document)
    assert {"front", "opening"} <= set(weasy.anchors(front))
    assert {"chapter", "ch", "with-call", "call-1", "note-1", "t"} <= set(weasy.anchors(chapter))
    assert "ch" not in weasy.anchors(front)


def test_internal_links_give_the_target_id_and_a_rectangle(document):
    links = weasy.internal_links(weasy.pages(document)[1])
    targets = [target for target, _ in links]
    assert "ch" in targets and "note-1" in targets
    x1, y1, x2, y2 = dict(links)["ch"]
    assert x2 > x1 and y2 > y1


def test_a_float_footnote_sits_in_the_footnote_area_of_its_calls_page_named_by_data_call(document):
    front, chapter = weasy.pages(document)
    assert weasy.footnote_calls(front) == []
    assert weasy.footnote_calls(chapter) == ["call-1"]
    box = chapter._page_box
    areas = [child for child in box.children if type(child).__name__ == "FootnoteAreaBox"]
    assert len(areas) == 1 and areas[0].children, "one footnote area, holding the note"
    assert areas[0].children[0].element.get("id") == "note-1"


def test_body_texts_leave_out_running_heads_and_footnotes_and_blank_generated_text(document):
    texts = list(weasy.body_texts(weasy.pages(document)[1]))
    words = "".join(text for _, text in texts)
    assert "A paragraph with a call" in words and "Chapter" in words
    assert "Running head" not in words and "The note, at the foot" not in words
    elements = {element.get("id") for element, _ in texts if element is not None}
    assert {"ch", "with-call", "call-1"} <= elements


def test_a_page_view_reads_lines_areas_tables_and_the_notes_top(document):
    view = weasy.page_view(weasy.pages(document)[1])
    areas = {line.area for line in view.lines}
    assert areas == {"body", "footnotes", "margin"}
    assert any("Running head" in line.text for line in view.lines if line.area == "margin")
    assert any("The note" in line.text for line in view.lines if line.area == "footnotes")
    assert view.notes_top is not None and view.body_bottom <= view.notes_top <= view.content_bottom
    assert [part.kind for part in view.tables] == ["caption", "head", "body"]
    assert all(part.table.get("id") == "t" for part in view.tables)
    assert view.calls == ("call-1",) and view.feet == ("call-1",)
    assert [(element.tag, brk) for element, brk in view.opening][-1] == ("h2", "page"), \
        "the page opens with the chapter's h2, which breaks the page before it (break_before)"
    assert all(line.font_size > 0 and line.stretch >= 0 for line in view.lines)


def test_boxes_moved_after_layout_stay_moved(document):
    page = weasy.pages(document)[1]
    box = page._page_box
    number = next(weasy._boxes_of_class(box, "para-num"))
    before = number.position_x
    number.translate(-5)
    assert number.position_x == before - 5
    number.translate(5)


def test_a_copy_of_some_pages_is_a_document_of_those_pages(document):
    pages = weasy.pages(document)
    kept = weasy.copy(document, pages[1:])
    assert len(weasy.pages(kept)) == 1 and weasy.page_name(weasy.pages(kept)[0]) == ""


def test_page_labels_reach_the_pdf_through_the_finisher(document):
    out = io.BytesIO()
    weasy.write_pdf(document, out, pdf.PDF_VARIANT, [(0, "r", 1), (1, "D", 1)])
    with pikepdf.open(io.BytesIO(out.getvalue())) as written:
        nums = written.Root.PageLabels.Nums
        assert [int(nums[0]), str(nums[1].S), int(nums[2]), str(nums[3].S)] == [0, "/r", 1, "/D"]
    text = pypdfium2.PdfDocument(out.getvalue())[1].get_textpage().get_text_range()
    assert "The note, at the foot of the call" in text


def test_variable_fonts_are_instantiated_through_octavo():
    from weasyprint.pdf import fonts as embedded

    assert pdf.STATIC_INSTANCES is not None, "WeasyPrint no longer calls instantiateVariableFont"
    assert embedded.instantiateVariableFont is pdf.STATIC_INSTANCES


def test_a_character_no_font_has_is_logged_as_a_notdef_glyph_with_the_character_as_argument():
    fetcher = weasy.LockedFetcher([])
    fonts = weasy.font_config()
    sheet = weasy.stylesheet(fonts, fetcher, string="body { font-family: serif; }")
    with weasy.captured_warnings() as captured:
        laid = weasy.render("<p>\U0001fbc5</p>", fetcher, [sheet], fonts, pdf.PDF_VARIANT)
        weasy.write_pdf(laid, io.BytesIO(), pdf.PDF_VARIANT, [])
    assert "\U0001fbc5" in captured.missing


def test_the_fetcher_refuses_what_is_outside_the_allowed_folders(tmp_path):
    fetcher = weasy.LockedFetcher([tmp_path / "allowed"])
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/font.woff")
    with pytest.raises(ValueError):
        fetcher.fetch((tmp_path / "elsewhere.css").as_uri())
    assert len(fetcher.refused) == 2
    assert logging.getLogger("weasyprint").propagate, "captured_warnings gives the logger back"


def test_footnotes_moved_to_the_next_page_are_laid_out_there_in_the_documents_order():
    from weasyprint.layout import LayoutContext
    from weasyprint.layout import page as paging

    assert getattr(paging.make_page, "octavo_route", False), "weasy.keep_moved_footnotes_in_order is installed"
    assert paging.make_page.__code__.co_varnames[0] == "context"
    for name in ("layout_footnote", "report_footnote", "unlayout_footnote"):
        assert callable(getattr(LayoutContext, name)), name
    fetcher = weasy.LockedFetcher([])
    fonts = weasy.font_config()
    long = " ".join(["Words of a note that runs on."] * 40)
    html = ('<p>Call<span class="note" style="float: footnote; footnote-policy: auto" data-order="1">First '
            + long + '</span><span class="note" style="float: footnote; footnote-policy: auto" data-order="2">'
            'Second note.</span> text.</p>')
    laid = weasy.render(html, fetcher, [weasy.stylesheet(fonts, fetcher, string=CSS)], fonts, pdf.PDF_VARIANT)
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pypdfium2.PdfDocument(
        _written(laid)))
    assert text.index("First Words") < text.index("Second note."), "the moved notes keep their order"


def _written(document) -> bytes:
    out = io.BytesIO()
    weasy.write_pdf(document, out, pdf.PDF_VARIANT, [])
    return out.getvalue()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library search runs programs on Linux only")
def test_weasyprint_is_imported_without_running_a_program_to_find_its_libraries():
    # ctypes.util.find_library runs ldconfig, gcc and ld for each name WeasyPrint tries (about 40
    # processes); the loader finds the libraries by WeasyPrint's own .so.0 names, the same files
    check = (
        "import subprocess\n"
        "ran = []\n"
        "real = subprocess.Popen.__init__\n"
        "def watched(self, args, *rest, **options):\n"
        "    ran.append(args[0] if isinstance(args, (list, tuple)) else args)\n"
        "    real(self, args, *rest, **options)\n"
        "subprocess.Popen.__init__ = watched\n"
        "from octavo import weasy\n"
        "from weasyprint.text import ffi\n"
        "import ctypes.util\n"
        "print(ran, ffi.pango is not None, ffi.harfbuzz is not None, ctypes.util.find_library.__module__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert proc.stdout.splitlines()[-1] == "[] True True ctypes.util", proc.stdout + proc.stderr


def test_arrays_of_glyph_ids_are_the_same_arrays_asked_for_without_their_length():
    # WeasyPrint 70 asks for f"hb_codepoint_t[{n}]" with n items (pdf/fonts.py); cffi's in-line FFI
    # (WeasyPrint's where its declarations cannot be kept) parsed a new declaration for each n (6 ms
    # each): weasy.py asks it for "hb_codepoint_t[]" with the same items
    import cffi
    from weasyprint.pdf import fonts as embedded

    assert "ffi.new(f'hb_codepoint_t[{len(" in Path(embedded.__file__).read_text()
    ffi = cffi.FFI()
    ffi.cdef("typedef uint32_t hb_codepoint_t;")
    weasy._arrays_without_parsing(ffi)
    array = ffi.new("hb_codepoint_t[5]", (7, 1, 4, 0, 9))
    assert list(array) == [7, 1, 4, 0, 9] and ffi.sizeof(array) == 5 * ffi.sizeof("hb_codepoint_t")
    assert "hb_codepoint_t[5]" not in ffi._parsed_types  # asked for as hb_codepoint_t[]
    assert list(ffi.new("unsigned int[3]", [1, 2])) == [1, 2, 0]  # fewer items than its length: as written
    assert len(ffi.new("char[4]")) == 4


def test_weasyprints_c_declarations_are_made_once_and_kept_not_parsed_at_every_start(tmp_path):
    # WeasyPrint 70 declares Pango, HarfBuzz and fontconfig with one cffi.FFI() and one cdef in
    # weasyprint/text/ffi.py; cffi_cache.py keeps them built, so a second start imports no pycparser
    from weasyprint.text import ffi as declared

    source = Path(declared.__file__).read_text()
    assert source.count("cffi.FFI()") == 1 and source.count("ffi.cdef(") == 1
    check = "\n".join([
        "import sys",
        "from octavo import weasy",
        "import weasyprint.text.ffi, weasyprint.text.line_break, weasyprint.pdf.fonts",
        "ffi = weasyprint.text.ffi.ffi",
        "same = ffi is weasyprint.text.line_break.ffi is weasyprint.pdf.fonts.ffi",
        "rect = ffi.new('PangoRectangle *')",
        "print(type(ffi).__module__, same, 'pycparser' in sys.modules, rect.width,"
        " weasyprint.text.ffi.pango.pango_units_from_double(1))",
    ])
    environment = {**os.environ, "OCTAVO_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120,
                           env=environment).stdout.splitlines()[-1:] for _ in range(2)]
    assert runs == [["_cffi_backend True True 0 1024"], ["_cffi_backend True False 0 1024"]], runs
    assert len(list((tmp_path / "cache").rglob("cffi/*.marshal"))) == 1


def test_page_references_are_made_again_only_when_a_page_is_added():
    # WeasyPrint's PDF/UA tags read pydyf's PDF.page_references once per tagged element; pydyf made
    # the tuple of every page's reference on each read (pages x elements): weasy.py keeps it
    import pydyf

    assert pdf.PAGE_REFERENCES and pydyf.PDF.page_references.fget.octavo_route
    document = pydyf.PDF()
    for _ in range(2):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = document.page_references
    assert first == tuple(f"{number} 0 R".encode() for number in document.pages["Kids"][::3]) and len(first) == 2
    assert document.page_references is first  # read again: the same tuple, not made again
    document.add_page(pydyf.Dictionary({"Type": "/Page"}))
    third = document.pages["Kids"][-3]
    assert document.page_references == (*first, f"{third} 0 R".encode())


NOTES_CSS = ("@page { size: 300px 120px; margin: 0 } html { font: 10px/10px serif } p { margin: 0 }"
             ".note { float: footnote; footnote-policy: line; font: 10px/10px serif }"
             "::footnote-call { content: none } ::footnote-marker { content: none }")


def _pages_of(html: str) -> list[str]:
    fetcher = weasy.LockedFetcher([])
    fonts = weasy.font_config()
    laid = weasy.render(html, fetcher, [weasy.stylesheet(fonts, fetcher, string=NOTES_CSS)], fonts, pdf.PDF_VARIANT)
    return [" ".join(page.get_textpage().get_text_range().split()) for page in pypdfium2.PdfDocument(_written(laid))]


def test_a_footnote_stays_with_its_call_when_the_next_paragraphs_first_lines_want_its_room():
    """WeasyPrint 70 moves the page's last footnote on, away from its call, so that the next
    paragraph's first two lines may end the page (Kozea/WeasyPrint#2437; Capital ch. 15, the Russian
    manifesto's note 3). weasy.keep_footnotes_with_their_calls sends the paragraph on instead. A
    page of nine lines: seven, the seventh with the call, its one-line note, then a paragraph of five
    lines whose second has no room (WeasyPrint 70 alone: next1 and next2 end the page, the note on
    the next)."""
    from weasyprint.layout import block

    assert getattr(block._linebox_layout, "octavo_route", False), "the guard is installed"
    lines = "<br>".join(f"line{k}" for k in range(1, 7))
    pages = _pages_of(f'<p>{lines}<br>line7 the call<span class="note">NOTETEXT under its call.</span></p>'
                      "<p>" + "<br>".join(f"next{k}" for k in range(1, 6)) + "</p>")
    [call_page] = [n for n, text in enumerate(pages) if "line7" in text]
    assert [n for n, text in enumerate(pages) if "NOTETEXT" in text] == [call_page], pages
    assert "next1" not in pages[call_page], "the paragraph's first line went on with its second"
    assert " ".join(pages).count("next") == 5, "no line lost"


def test_a_cut_notes_run_over_lines_still_make_room_for_the_next_paragraphs_first_lines():
    """footsplit.py's pieces (``footnote-policy: auto``) are meant to go on: the orphans rule may
    still move them, and only them. The page's whole note stays; the piece after it goes on."""
    lines = "<br>".join(f"line{k}" for k in range(1, 6))
    pages = _pages_of(f'<p>{lines}<br>line6 the call<span class="note">WHOLENOTE stays.</span>'
                      '<span class="note" style="footnote-policy: auto">RUNOVER moves on.</span></p>'
                      "<p>" + "<br>".join(f"next{k}" for k in range(1, 6)) + "</p>")
    [call_page] = [n for n, text in enumerate(pages) if "line6" in text]
    assert "WHOLENOTE" in pages[call_page] and "next2" in pages[call_page], pages
    assert [n for n, text in enumerate(pages) if "RUNOVER" in text] == [call_page + 1], pages


def test_no_room_is_made_for_a_line_that_calls_a_footnote_itself():
    """The line for which WeasyPrint 70's orphans rule moves notes on is kept without its own
    footnotes being laid out: a note called in it was printed nowhere (Kollontai's note 8). With
    the guard that line goes on to the next page, its note with it. The page's last note is a cut
    note's run-over piece (which may move); the next paragraph's second line, which has no room,
    calls a note."""
    lines = "<br>".join(f"line{k}" for k in range(1, 6))
    pages = _pages_of(f'<p>{lines}<br>line6 the call<span class="note">WHOLENOTE stays.</span>'
                      '<span class="note" style="footnote-policy: auto">RUNOVER moves on.</span></p>'
                      '<p>next1<br>next2 calls<span class="note">SECONDNOTE is printed.</span><br>next3<br>next4</p>')
    assert " ".join(pages).count("SECONDNOTE") == 1, pages
    [call_page] = [n for n, text in enumerate(pages) if "next2" in text]
    assert "SECONDNOTE" in pages[call_page], pages


def test_a_page_view_measures_the_first_two_lines_of_the_notes_called_in_its_opening_piece():
    """The preflight excuses a short page when the next page opens with a piece that may not be
    divided and the first two lines of the notes it calls (footsplit.HEAD_LINES: they always stand
    with the call) need more than the room left: ``kept_notes`` is their height with the
    footnote area's opening space. Page 2 opens with the last two lines of a paragraph (widows),
    the second calling a note of four lines."""
    lines = "<br>".join(f"line{k}" for k in range(1, 9))
    note = "<br>".join(f"NOTE{k}" for k in range(1, 5))
    html = (f'<p style="widows: 2">{lines}<br>line9<br>line10 calls<span class="note" data-call="c1">{note}</span>'
            '<a class="noteref" id="c1">1</a></p>')
    fetcher = weasy.LockedFetcher([])
    fonts = weasy.font_config()
    laid = weasy.render(html, fetcher, [weasy.stylesheet(fonts, fetcher, string=NOTES_CSS)], fonts, pdf.PDF_VARIANT)
    views = [weasy.page_view(page) for page in weasy.pages(laid)]
    [view] = [v for v in views if any("line10" in line.text for line in v.lines)]
    assert view.kept_bottom is not None and view.notes_top is not None
    notes = [line for line in view.lines if line.area == "footnotes" and line.text.strip()]
    assert [line.text.strip() for line in notes][:2] == ["NOTE1", "NOTE2"]
    assert abs(view.kept_notes - (notes[1].bottom - view.notes_top)) < 0.5

# --- the line composer (octavo/linebreak.py) ------------------------------------------------------------

def _line_boxes(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.LineBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _line_boxes(child)


def test_line_layout_calls_the_functions_the_composer_wraps_by_their_module_names():
    # linebreak.install() replaces these module globals of weasyprint.layout.inline: each must be
    # called through that name by the function that uses it, with the arguments the wrapper takes
    import inspect

    from weasyprint.layout import inline
    from weasyprint.layout import LayoutContext

    calls = {"iter_line_boxes": {"get_next_linebox"},
             "get_next_linebox": {"split_inline_box", "remove_last_whitespace", "text_align",
                                  "skip_first_whitespace"},  # and the composer's look-ahead, as it does
             "split_text_box": {"split_first_line"},
             "text_align": {"justify_line"},
             "justify_line": {"count_expandable_spaces", "add_word_spacing"}}
    from octavo import linebreak

    def own(name):  # WeasyPrint's function, whether or not the composer is installed in this process
        return linebreak._original.get(name, getattr(inline, name))

    for caller, names in calls.items():
        assert names <= set(own(caller).__code__.co_names), caller
    assert list(inspect.signature(own("split_inline_box")).parameters) == [
        "context", "box", "position_x", "max_x", "bottom_space", "skip_stack", "containing_block", "absolute_boxes",
        "fixed_boxes", "line_placeholders", "waiting_floats", "line_children", "first_letter_style", "first_line_style"]
    assert list(inspect.signature(own("get_next_linebox")).parameters)[:5] == [
        "context", "linebox", "position_y", "bottom_space", "skip_stack"]
    assert list(inspect.signature(own("split_first_line")).parameters)[:3] == ["text", "style", "context"]
    assert list(inspect.signature(own("text_align")).parameters) == ["context", "line", "available_width", "last"]
    assert list(inspect.signature(inline.skip_first_whitespace).parameters) == ["box", "skip_stack"]
    assert isinstance(LayoutContext.excluded_shapes, property), "the floats a line avoids: a list, read for its length"
    assert not hasattr(LayoutContext, "__slots__"), "the composer keeps its per-layout tables on the context"


def test_a_justified_line_as_wide_as_its_measure_is_left_alone_by_text_align(document):
    # so the composer justifies a line it set wider than the measure itself (linebreak._align)
    from weasyprint.layout import inline

    from octavo import linebreak

    text_align = linebreak._original.get("text_align", inline.text_align)
    line = next(_line_boxes(weasy.pages(document)[1]._page_box))
    width = line.width
    assert text_align(None, line, width - 1, last=False) == 0 and line.width == width


def test_justify_line_with_a_negative_width_shrinks_the_word_spaces_as_written():
    # WeasyPrint stretches spaces with a Pango letter-spacing on each; a negative width narrows them
    # the same way, in the laid-out boxes and in the written PDF, the words unchanged
    from weasyprint.layout import inline

    def first_line(document):
        text = pypdfium2.PdfDocument(_written(document))[1].get_textpage()
        chars = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
        start = "".join(c for c, _ in chars).index("A paragraph with")
        end = next(i for i in range(start, len(chars)) if chars[i][0] in "\r\n")
        return "".join(c for c, _ in chars[start:end]), chars[end - 1][1][2]

    fetcher = weasy.LockedFetcher([])
    fonts = weasy.font_config()
    laid = weasy.render(HTML, fetcher, [weasy.stylesheet(fonts, fetcher, string=CSS)], fonts, pdf.PDF_VARIANT)
    text, before = first_line(laid)
    line = next(line for line in _line_boxes(weasy.pages(laid)[1]._page_box)
                if "A paragraph" in "".join(getattr(b, "text", "") for b in line.descendants()))
    spaces, width = inline.count_expandable_spaces(line), line.width
    assert spaces >= 3
    inline.justify_line(None, line, -0.5 * spaces)  # half a CSS px off each space
    assert abs(line.width - (width - 0.5 * spaces)) < 0.01
    shrunk, after = first_line(laid)
    assert shrunk == text
    assert 0.5 * (spaces - 1) * 0.75 <= before - after <= 0.5 * (spaces + 1) * 0.75, (before, after)  # px -> pt


def test_a_hyphenated_lines_text_ends_with_the_hyphenate_character_and_lines_resume_at_a_skip_stack():
    # linebreak.py counts a line ending with style["hyphenate_character"] as hyphenated, and compares
    # where lines end by their skip stacks ({child index: {... byte offset: None}})
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    fetcher = weasy.LockedFetcher([])
    fonts = weasy.font_config()
    css = "p { width: 4em; hyphens: auto; hyphenate-character: '\u2010'; text-align: justify; }"
    laid = weasy.render('<p lang="en">internationalization <em>representatives</em> extraordinary</p>', fetcher,
                        [weasy.stylesheet(fonts, fetcher, string=css)], fonts, pdf.PDF_VARIANT)
    lines = list(_line_boxes(laid.pages[0]._page_box))
    texts = [[b.text for b in line.descendants() if isinstance(b, boxes.TextBox)] for line in lines]
    assert any(t and t[-1].endswith("\u2010") for t in texts), texts
    for line in lines[:-1]:
        stack = line.resume_at
        while stack is not None:
            assert isinstance(stack, dict) and len(stack) == 1
            (index, stack), = stack.items()
            assert isinstance(index, int)
    assert callable(inline.remove_last_whitespace) and callable(inline.count_expandable_spaces)


def test_a_computed_style_copies_and_takes_a_new_hyphens_value(document):
    # linebreak.py sets a line again without hyphenating through a copy of its style
    line = next(_line_boxes(weasy.pages(document)[1]._page_box))
    copy = line.style.copy()
    copy["hyphens"] = "none"
    assert copy["hyphens"] == "none" and line.style["hyphens"] == "manual"
    assert copy["font_size"] == line.style["font_size"]


def test_a_words_width_is_measured_with_a_layout_made_once_and_given_new_text(document):
    from weasyprint.text.line_break import create_layout, line_size

    style = next(_line_boxes(weasy.pages(document)[1]._page_box)).style
    layout = create_layout("word", style, None, None, 0)
    one = line_size(layout.get_first_line()[0], style)[0]
    layout.set_text("word word")
    two = line_size(layout.get_first_line()[0], style)[0]
    assert one > 0 and two > 2 * one


def test_fonttools_subset_and_instancer_are_imported_only_when_used(tmp_path):
    # WeasyPrint 70's pdf/fonts.py imports fontTools.subset (its fallback where HarfBuzz cannot
    # subset) and the variable-font instancer (static_fonts.py keeps its instances) at its start;
    # weasy.py defers both. Used, they are the real modules, and the instancer gets fontTools.subset
    # imported for its side effects (GSUB's prune_lookups)
    from weasyprint.pdf import fonts as embedded

    source = Path(embedded.__file__).read_text()
    assert "from fontTools import subset\n" in source
    assert "from fontTools.varLib.instancer import instantiateVariableFont\n" in source
    check = "\n".join([
        "import sys",
        "from octavo import weasy",
        "from weasyprint.pdf import fonts",
        "started = sorted(n for n in ('fontTools.subset', 'fontTools.varLib') if n in sys.modules)",
        "options = fonts.subset.Options(retain_gids=True)",
        "import fontTools.subset, fontTools.varLib.instancer as instancer",
        "from fontTools.ttLib import getTableClass",
        "print(started, options.retain_gids, type(fonts.subset).__name__ == 'module',"
        " hasattr(getTableClass('GSUB'), 'prune_lookups'), instancer.__file__.endswith('__init__.py'))",
    ])
    run = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "OCTAVO_CACHE_DIR": str(tmp_path / "cache")})
    assert run.stdout.splitlines()[-1:] == ["[] True False True True"], run.stdout + run.stderr


GLYPHS_HTML = """<!DOCTYPE html><html lang="en"><head><title>Glyphs</title></head><body>
<p style="text-align: justify">AVAST Wave, “quoted” ﬁne office — kerning pairs To Ty Yo and a line long enough to be
justified, with word spacing stretched across the whole measure of the page.</p>
<p>Combining: e\u0301 a\u0323\u0302; Cyrillic: Съезд; Greek: λόγος; none: \u0378\U0001D400; tab\there.</p>
<p style="text-overflow: ellipsis; overflow: hidden; white-space: nowrap">A line cut by an ellipsis because it
is far too long to stand in the page's width.</p>
<p lang="de" style="font-variant: small-caps; text-decoration: underline">Straße und Fluß, unterstrichen.</p>
<p lang="he" dir="rtl">שלום עולם and <span lang="ru">Съезд</span> and <span style="font-feature-settings: 'onum'">1924</span>.</p>
<svg width="120" height="20"><text x="2" y="15" font-size="10">SVG text AV</text></svg>
<p style="text-align: justify; text-decoration: underline; letter-spacing: 0.5pt">Underlined and letter-spaced,
a justified paragraph long enough for <i>two lines</i> and <b>more words</b> in its boxes.</p>
<p lang="he" dir="rtl" style="text-align: justify; word-spacing: 2pt">שלום עולם שלום עולם שלום עולם שלום
עולם שלום עולם שלום עולם שלום עולם</p>
</body></html>"""


def _page_streams(html: str) -> list[bytes]:
    fetcher = weasy.LockedFetcher([])
    fonts = weasy.font_config()
    css = weasy.stylesheet(fonts, fetcher, string="@page { size: 90mm 70mm; margin: 5mm } body { font: 9pt serif }")
    written = _written(weasy.render(GLYPHS_HTML, fetcher, [css], fonts, pdf.PDF_VARIANT))
    with pikepdf.open(io.BytesIO(written)) as document:
        return [b"".join(part.read_bytes() for part in ([page.Contents] if isinstance(page.Contents, pikepdf.Stream)
                                                        else page.Contents)) for page in document.pages]


def test_text_is_laid_out_and_drawn_with_less_work_into_the_same_content_stream(monkeypatch):
    # weasy_text.py compiles WeasyPrint's draw_first_line again with each run's glyph array
    # unpacked by one cffi call, and sets Pango layouts up with the contexts and font descriptions
    # kept; the pages' content streams are those WeasyPrint's own functions make
    from weasyprint.draw import text
    from weasyprint.text import line_break

    # and gives justified text boxes the layout WeasyPrint's add_word_spacing makes and drops at once
    # without making it (its Python attributes only)
    from weasyprint.layout import inline

    assert pdf.TEXT_ROUTES and text.draw_first_line.octavo_route and line_break.Layout.setup.octavo_route
    assert inline.create_layout.octavo_route
    bulk = _page_streams(GLYPHS_HTML)
    monkeypatch.setattr(text, "draw_first_line", text.draw_first_line.octavo_original)
    monkeypatch.setattr(line_break.Layout, "setup", line_break.Layout.setup.octavo_original)
    monkeypatch.setattr(inline, "create_layout", line_break.create_layout)
    own = _page_streams(GLYPHS_HTML)
    assert b" TJ" in own[0] and len(own) == len(bulk)
    assert bulk == own


def test_a_justified_text_box_gets_the_attributes_weasyprints_dropped_layout_leaves():
    # weasy_text's create_layout for add_word_spacing: the deactivated layout's Python attributes,
    # the same as WeasyPrint's create_layout + deactivate leave, for each kind of text box
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    fonts = weasy.font_config()
    css = weasy.stylesheet(fonts, weasy.LockedFetcher([]), string="body { font: 9pt serif }")
    html = ('<p>plain words here</p><p style="text-decoration: underline">under lined</p>'
            '<p style="word-spacing: 3pt"> </p><p style="white-space: pre">two\nlines</p>'
            '<p dir="rtl" lang="he">שלום עולם</p><p style="letter-spacing: 1pt">spaced out</p>')
    document = weasy.render(f"<html><body>{html}</body></html>", weasy.LockedFetcher([]), [css], fonts,
                            pdf.PDF_VARIANT)
    styles = [box.style for page in document.pages for box in page._page_box.descendants()
              if isinstance(box, weasy.boxes.TextBox)]
    assert len(styles) >= 6
    for style in styles:
        for text in ("plain words here", " ", "two\nlines", "שלום עולם", ""):
            made = [create(text, style, None, None, 1.5) for create in (inline.create_layout, line_break.create_layout)]
            for layout in made:
                layout.deactivate()
            ours, own = (layout.__dict__ for layout in made)
            assert ours == own, (text, style["text_decoration_line"])
