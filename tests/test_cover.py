"""Covers: every book gets one, generated in its face or the image its 'cover' field names.

Checked in the EPUB package (cover-image item, the EPUB 2 meta, the cover page first in the spine
and in the landmarks), in the image itself (size, ground and ink where the title and byline
belong, the same bytes every time), and in the PDF with --cover (a full-bleed first page that
leaves the page numbers alone).
"""
from __future__ import annotations

import io
import os
from pathlib import Path
import shutil
import subprocess
import sys
import zipfile

import pytest
from PIL import Image

from conftest import ROOT, SEED, assert_epubcheck_clean, build_into, run_cli, write_source
from octavo.validate import pdf_problems
from octavo.readback import OPF_NS, XHTML_NS, epub_opf, epub_spine
from pdf_reading import pdf_page_texts


def picture(colour=(30, 90, 160), size=(300, 480), kind="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


def cover_of(epub) -> tuple[str, str, bytes]:
    """(href, media type, bytes) of the item the package calls its cover image."""
    opf = epub_opf(epub)
    item = opf.find(".//opf:manifest/opf:item[@properties='cover-image']", OPF_NS)
    meta = opf.find(".//opf:metadata/opf:meta[@name='cover']", OPF_NS)
    assert item is not None and meta is not None and meta.get("content") == item.get("id")
    with zipfile.ZipFile(epub) as z:
        return item.get("href"), item.get("media-type"), z.read(f"EPUB/{item.get('href')}")


def ink_rows(png: bytes) -> list[int]:
    """Rows (as a share of the height, in per cent) whose middle 60 % holds ink: text and rules,
    not the frame."""
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    ground = image.getpixel((width // 2, height // 2 + 300 if height > 2000 else height // 2))
    rows = set()
    pixels = image.load()
    for y in range(0, height, 8):
        if any(abs(pixels[x, y] - ground) > 60 for x in range(int(width * 0.2), int(width * 0.8), 4)):
            rows.add(round(100 * y / height))
    return sorted(rows)


@pytest.fixture(scope="module")
def seed_epub(tmp_path_factory):
    out = tmp_path_factory.mktemp("cover")
    assert build_into(out, SEED, formats=("epub",)).ok
    return out / f"{SEED.stem}.epub"


def test_the_generated_cover_is_in_the_package_first_in_the_spine_and_in_the_landmarks(seed_epub):
    href, media_type, data = cover_of(seed_epub)
    assert (href, media_type) == ("cover.png", "image/png")
    assert Image.open(io.BytesIO(data)).size == (1600, 2560)
    spine = epub_spine(seed_epub)
    name, first = spine[0]
    assert name == "cover.xhtml"
    img = first.find(".//x:section[@id='cover']/x:img", XHTML_NS)
    assert img.get("src") == "cover.png"
    assert img.get("alt") == "Cover: Trotskyism or Leninism? — Joseph Stalin"
    nav = dict(spine)["nav.xhtml"]
    landmark = nav.find(".//x:nav[@id='landmarks']//x:a", XHTML_NS)
    assert landmark.get("{http://www.idpf.org/2007/ops}type") == "cover"
    assert landmark.get("href") == "cover.xhtml#cover"


def test_the_generated_cover_sets_the_title_high_and_the_author_low(seed_epub, tmp_path):
    rows = ink_rows(cover_of(seed_epub)[2])
    assert any(30 <= r <= 45 for r in rows), "the title sits in the upper middle"
    assert any(78 <= r <= 86 for r in rows), "the author sits above the foot"
    assert not any(55 <= r <= 70 for r in rows), "nothing between"
    # without an author, nothing is set above the foot
    source = write_source(tmp_path, "anon.md", "---\ntitle: Anonymous pamphlet\n---\nText.\n")
    assert build_into(tmp_path / "out", source, formats=("epub",)).ok
    rows = ink_rows(cover_of(tmp_path / "out" / "anon.epub")[2])
    assert any(30 <= r <= 45 for r in rows) and not any(70 <= r <= 90 for r in rows)


def test_the_cover_is_the_same_bytes_every_time_and_differs_between_books(seed_epub, tmp_path):
    assert build_into(tmp_path / "again", SEED, formats=("epub",)).ok
    again = tmp_path / "again" / f"{SEED.stem}.epub"
    assert cover_of(again)[2] == cover_of(seed_epub)[2]
    assert again.read_bytes() == seed_epub.read_bytes()
    other = write_source(tmp_path, "other.md", "---\ntitle: Another title\nauthor: Someone Else\n---\nText.\n")
    assert build_into(tmp_path / "other", other, formats=("epub",)).ok
    assert cover_of(tmp_path / "other" / "other.epub")[2] != cover_of(seed_epub)[2]


def test_a_volume_cover_names_its_editors(tmp_path):
    assert build_into(tmp_path, ROOT / "volumes" / "reader.toml", formats=("epub",)).ok
    epub = tmp_path / "reader.epub"
    alt = dict(epub_spine(epub))["cover.xhtml"].find(".//x:img", XHTML_NS).get("alt")
    assert alt == "Cover: Trotskyism or Leninism? — A course reader — Edited by Octavo Editors"
    assert cover_of(epub)[0] == "cover.png"


def test_a_cover_field_names_the_users_image_instead(tmp_path):
    (tmp_path / "art").mkdir()
    (tmp_path / "art" / "front.jpg").write_bytes(picture())
    source = write_source(tmp_path, "own.md", "---\ntitle: Own cover\nauthor: Ann Author\ncover: art/front.jpg\n---\nText.\n")
    report = build_into(tmp_path / "out", source, formats=("epub",))
    assert report.ok and not report.results[0].diagnostics
    href, media_type, data = cover_of(tmp_path / "out" / "own.epub")
    assert (href, media_type) == ("cover.jpg", "image/jpeg")
    assert data == (tmp_path / "art" / "front.jpg").read_bytes()
    assert dict(epub_spine(tmp_path / "out" / "own.epub"))["cover.xhtml"].find(".//x:img", XHTML_NS).get(
        "src") == "cover.jpg"


def test_a_volume_manifest_names_its_cover_relative_to_itself_and_a_texts_own_cover_is_not_the_volumes(tmp_path):
    (tmp_path / "vol").mkdir()
    (tmp_path / "vol" / "front.png").write_bytes(picture(kind="PNG"))
    (tmp_path / "own.png").write_bytes(picture(colour=(200, 0, 0), kind="PNG"))
    write_source(tmp_path, "text.md", "---\ntitle: A text\ncover: own.png\n---\nText.\n")
    manifest = tmp_path / "vol" / "v.toml"
    manifest.write_text('title = "V"\ncover = "front.png"\n[[texts]]\nsource = "../text.md"\n', encoding="utf-8")
    assert build_into(tmp_path / "out", manifest, formats=("epub",)).ok
    assert cover_of(tmp_path / "out" / "v.epub")[2] == (tmp_path / "vol" / "front.png").read_bytes()


@pytest.mark.parametrize("written,why", [
    ("../outside.png", "outside the source's folder"),
    ("notes.txt", "not a PNG, JPEG, GIF or WebP image"),
    ("https://example.org/cover.jpg", "remote resources are never downloaded"),
    ("missing.png", "no such file"),
])
def test_an_unusable_cover_image_is_reported_at_its_line_and_the_book_gets_a_generated_cover(tmp_path, written, why):
    folder = tmp_path / "src"
    folder.mkdir()
    (tmp_path / "outside.png").write_bytes(picture(kind="PNG"))
    (folder / "notes.txt").write_text("not an image", encoding="utf-8")
    source = write_source(folder, "bad.md", f"---\ntitle: Bad cover\nauthor: A\ncover: \"{written}\"\n---\nText.\n")
    report = build_into(tmp_path / "out", source, formats=("epub",))
    assert report.ok
    [warning] = [d for d in report.results[0].diagnostics if d.code == "cover.image"]
    assert warning.location.path == source and warning.location.line == 4
    assert why in warning.message and "generated cover" in warning.message
    assert cover_of(tmp_path / "out" / "bad.epub")[:2] == ("cover.png", "image/png")


def test_a_manifest_cover_problem_names_the_manifest_line(tmp_path):
    write_source(tmp_path, "text.md", "---\ntitle: T\n---\nText.\n")
    manifest = tmp_path / "v.toml"
    manifest.write_text('title = "V"\n\ncover = "nope.png"\n[[texts]]\nsource = "text.md"\n', encoding="utf-8")
    report = build_into(tmp_path / "out", manifest, formats=("epub",))
    [warning] = [d for d in report.results[0].diagnostics if d.code == "cover.image"]
    assert (warning.location.path, warning.location.line) == (manifest, 3)


def test_scripts_the_face_lacks_are_set_in_an_installed_font_or_reported(tmp_path):
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    from octavo import cover

    chinese = write_source(tmp_path, "zh.md", "---\ntitle: 一件小事\nauthor: 鲁迅\nlanguage: zh\n---\n正文。\n")
    hebrew = write_source(tmp_path, "he.md", "---\ntitle: שיר השירים\nlanguage: he\n---\nטקסט.\n")
    nowhere = write_source(tmp_path, "egypt.md", "---\ntitle: \"Hieroglyph \U00013000\"\n---\nText.\n")
    report = build_into(tmp_path / "out", chinese, hebrew, nowhere, formats=("epub",))
    codes = {r.input.name: [d for d in r.diagnostics if d.code == "cover.font"] for r in report.results}
    has_cjk = cover._system_font(frozenset("一件小事"), 600) is not None
    assert codes["zh.md"] == [] or not has_cjk
    if cover._system_font(frozenset("\U00013000"), 600) is None:
        [warning] = codes["egypt.md"]
        assert "\U00013000" in warning.message and "Egyptian" in warning.message
    assert_epubcheck_clean(*(tmp_path / "out" / f"{n}.epub" for n in ("zh", "he", "egypt")))


def test_the_face_comes_from_fonts_py_and_another_face_can_replace_it(tmp_path, monkeypatch):
    """The cover is set in fonts.py's face (Literata's variable files, an instance per weight); a
    switch of that face changes the cover."""
    from octavo import cover, fonts
    from octavo.fonts import FontFile

    face = fonts.book_face()
    if not face:
        pytest.skip("fontpkg-literata is not installed")
    assert {(f.path.name, f.weight, f.style, dict(f.axes)["wght"]) for f in face} >= {
        ("Literata[opsz,wght].ttf", 600, "normal", 600), ("Literata-Italic[opsz,wght].ttf", 400, "italic", 400)}
    other = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not other.is_file():
        pytest.skip("no second face to switch to")
    source = write_source(tmp_path, "t.md", "---\ntitle: The same title\nauthor: A. Author\n---\nText.\n")
    assert build_into(tmp_path / "a", source, formats=("epub",)).ok
    monkeypatch.setattr(fonts, "book_face", lambda: (FontFile(other, 400, "normal"), FontFile(other, 600, "normal")))
    monkeypatch.setattr(cover, "face_file", fonts.face_file)
    assert build_into(tmp_path / "b", source, formats=("epub",)).ok
    assert cover_of(tmp_path / "a" / "t.epub")[2] != cover_of(tmp_path / "b" / "t.epub")[2]


def test_covers_pass_epubcheck(seed_epub, tmp_path):
    (tmp_path / "c.gif").write_bytes(picture(kind="GIF"))
    source = write_source(tmp_path, "g.md", "---\ntitle: GIF cover\ncover: c.gif\n---\nText.\n")
    assert build_into(tmp_path / "out", source, formats=("epub",)).ok
    assert cover_of(tmp_path / "out" / "g.epub")[:2] == ("cover.gif", "image/gif")
    assert_epubcheck_clean(seed_epub, tmp_path / "out" / "g.epub")


# --- the PDF with --cover ----------------------------------------------------------------------

def test_pdf_cover_is_a_full_bleed_first_page_with_a_blank_back_and_leaves_the_book_alone(seed_build, tmp_path):
    _, _, plain = seed_build
    proc = run_cli(str(SEED), "--format", "pdf", "--cover", "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    covered = tmp_path / f"{SEED.stem}.pdf"
    with_cover, without = pdf_page_texts(covered), pdf_page_texts(plain)
    assert len(with_cover) == len(without) + 2
    assert with_cover[0].strip() == with_cover[1].strip() == "", "the cover and its blank back have no text or folio"
    assert [t.strip() for t in with_cover[2:]] == [t.strip() for t in without], \
        "every page of the book is unchanged: same text, same folio, same side (left or right running head)"
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(str(covered))[0].render(scale=0.5).to_pil().convert("RGB")
    width, height = page.size
    corners = [page.getpixel((x, y)) for x in (1, width - 2) for y in (1, height - 2)]
    assert all(sum(c) < 400 for c in corners), f"the dark ground reaches the page edges: {corners}"
    assert pdf_problems(covered) == []


def _cover_build(source: Path, out: Path, cache: str) -> tuple[bytes, list[str]]:
    """An EPUB of ``source`` in a process of its own with ``cache`` as the user's cache folder: its
    cover's bytes, and the Pillow modules the build imported."""
    check = (
        "import sys\n"
        "from octavo.cli import main\n"
        f"status = main([{str(source)!r}, '-o', {str(out)!r}, '--format', 'epub', '-j', '1', '-q', '--force'])\n"
        "print(status, sorted(m for m in sys.modules if m.startswith('PIL.')))\n"
    )
    env = {**os.environ, "OCTAVO_CACHE_DIR": cache}
    proc = subprocess.run([sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    status, modules = proc.stdout.splitlines()[-1].split(" ", 1)
    assert status == "0", proc.stdout + proc.stderr
    return cover_of(out / f"{source.stem}.epub")[2], eval(modules)  # noqa: S307 - a list of names we printed


def test_a_kept_cover_is_the_same_bytes_without_drawing_and_a_changed_title_is_drawn_again(tmp_path):
    text = "---\ntitle: {title}\nsubtitle: A subtitle in italics\nauthor: A. Author\n---\nText.\n"
    source = write_source(tmp_path, "kept.md", text.format(title="The first title"))
    cache = tmp_path / "cache"
    drawn, imported = _cover_build(source, tmp_path / "a", str(cache))
    assert "PIL.ImageDraw" in imported
    kept = sorted(cache.glob("*/covers/*.png"))
    assert len(kept) == 1
    again, imported = _cover_build(source, tmp_path / "b", str(cache))
    assert again == drawn and "PIL.ImageDraw" not in imported and "PIL.Image" not in imported
    assert (tmp_path / "b" / "kept.epub").read_bytes() == (tmp_path / "a" / "kept.epub").read_bytes()
    assert _cover_build(source, tmp_path / "c", "")[0] == drawn  # no cache folder: drawn, the same bytes
    kept[0].write_bytes(kept[0].read_bytes()[:-10] + b"0123456789")  # damaged: not trusted, drawn again
    repaired, imported = _cover_build(source, tmp_path / "d", str(cache))
    assert repaired == drawn and "PIL.ImageDraw" in imported
    source.write_text(text.format(title="Another title"), encoding="utf-8")
    other, imported = _cover_build(source, tmp_path / "e", str(cache))
    assert other != drawn and "PIL.ImageDraw" in imported
    assert len(list(cache.glob("*/covers/*.png"))) == 2
    assert Image.open(io.BytesIO(other)).size == Image.open(io.BytesIO(drawn)).size == (1600, 2560)
