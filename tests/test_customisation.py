"""Users customise the editions with their own templates, styles and paper size."""
from __future__ import annotations

import zipfile

from conftest import build_into, write_source
from octavo.readback import epub_spine
from pdf_reading import pdf_page_texts


def test_a_user_template_overrides_the_built_in_one_of_the_same_name(tmp_path):
    source = write_source(tmp_path, "t.md", "---\ntitle: Custom\n---\n\nText.\n")
    templates = tmp_path / "my-templates" / "partials"
    templates.mkdir(parents=True)
    (templates / "titlepage.html").write_text(
        '<section class="titlepage" id="titlepage" epub:type="titlepage">'
        '<h1 class="book-title">{{ meta.title }}</h1><p>Printed for Class 4B</p></section>\n', encoding="utf-8")
    report = build_into(tmp_path / "out", source, templates=tmp_path / "my-templates")
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    title = dict(epub_spine(tmp_path / "out" / "t.epub"))["title.xhtml"]
    assert "Printed for Class 4B" in " ".join(title.itertext())
    assert "Printed for Class 4B" in pdf_page_texts(tmp_path / "out" / "t.pdf")[0]


def test_user_styles_override_file_by_file(tmp_path):
    source = write_source(tmp_path, "t.md", "---\ntitle: Styled\n---\n\nText.\n")
    styles = tmp_path / "my-styles"
    styles.mkdir()
    (styles / "epub.css").write_text("/* class handout */ body { margin: 0 5%; }\n", encoding="utf-8")
    report = build_into(tmp_path / "out", source, styles=styles, formats=("epub",))
    assert report.ok
    with zipfile.ZipFile(tmp_path / "out" / "t.epub") as z:
        assert b"class handout" in z.read("EPUB/css/epub.css")
        assert b"text-indent" in z.read("EPUB/css/common.css"), "files not overridden stay built-in"


def test_paper_size_sets_the_pdf_page_size(tmp_path):
    import pikepdf

    source = write_source(tmp_path, "t.md", "---\ntitle: Paper\n---\n\nText.\n")
    build_into(tmp_path / "a4", source, formats=("pdf",), paper="A4")
    build_into(tmp_path / "letter", source, formats=("pdf",), paper="letter")
    with pikepdf.open(tmp_path / "a4" / "t-a4.pdf") as pdf:
        assert [round(float(v)) for v in pdf.pages[0].mediabox][2:] == [595, 842]
    with pikepdf.open(tmp_path / "letter" / "t-letter.pdf") as pdf:
        assert [round(float(v)) for v in pdf.pages[0].mediabox][2:] == [612, 792]
