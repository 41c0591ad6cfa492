"""Hostile input: a source can never run scripts, read files outside its folders or reach the network.

Whatever is refused is reported, and the text (link text, alt text) stays in the book.
"""
from __future__ import annotations

import secrets
import socket
import struct
import threading
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest

from conftest import assert_epubcheck_clean, build_into, run_cli, write_source
from octavo.readback import OPF_NS, epub_opf, epub_reading_text
from pdf_reading import pdf_page_texts


def png(width: int = 3, height: int = 2, rgb=(200, 30, 30), text: bytes = b"") -> bytes:
    """A tiny valid PNG; ``text`` goes into a tEXt chunk (so a token can ride along)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + (chunk(b"tEXt", b"Comment\x00" + text) if text else b"")
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def diagnostics(report) -> list[str]:
    return [str(d) for r in report.results for d in r.diagnostics]


def epub_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def pdf_streams(path: Path) -> list[bytes]:
    """Every stream of the PDF, decoded (inflated) where pikepdf can, raw otherwise."""
    out = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    out.append(obj.read_bytes())
                except pikepdf.PdfError:
                    out.append(obj.read_raw_bytes())
    return out


def pdf_embeds_nothing(path: Path) -> None:
    with pikepdf.open(path) as pdf:
        assert len(pdf.attachments) == 0, "the PDF has embedded files"
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                assert obj.get("/Type") != "/EmbeddedFile"
                assert obj.get("/Subtype") not in ("/FileAttachment", "/Image"), obj.get("/Subtype")


HOSTILE_HTML = {
    # snippet in the source -> (text that must not reach the book, words of the expected warning)
    "script": ('<script>alert("pwned")</script>', "alert", "<script>"),
    "handler": ('<p onclick="alert(1)" onmouseover="steal()">Click text</p>', "steal()", "event handler"),
    "javascript": ('[a js link](javascript:alert(2))', "javascript:", "javascript: URL"),
    "javascript-raw": ('<a href="JaVaScRiPt:alert(3)">raw js</a>', "alert(3)", "javascript: URL"),
    "iframe": ('<iframe src="https://example.com/frame">frame</iframe>', "example.com/frame", "<iframe>"),
    "object": ('<object data="movie.swf">obj</object>', "movie.swf", "<object>"),
    "embed": ('<embed src="plugin.swf"/>', "plugin.swf", "<embed>"),
    "form": ('<form action="https://example.com/post"><input name="q"/></form>', "example.com/post", "<form>"),
    "style": ("<style>body { display: none; color: #c0ffee }</style>", "#c0ffee", "<style>"),  # our own CSS hides things too
    "link": ('<link rel="stylesheet" href="evil.css"/>', "evil.css", "<link>"),
    "style-attr": ('<span style="color: red">styled words</span>', "color: red", "style="),
    # every attribute that holds a URL is checked, not only href= and src=
    "q-cite": ('<q cite="javascript:alert(4)">quoted words</q>', "alert(4)", "javascript: URL in cite="),
    "blockquote-cite": ('<blockquote cite="vbscript:msgbox(5)">\n<p>Cited words</p>\n</blockquote>', "msgbox(5)",
                        "vbscript: URL in cite="),
    # the scheme is read as a browser reads it: entities decoded, tabs, newlines and controls gone
    "tab-entity": ('Read <a href="java&#x09;script:alert(6)">tabbed js</a> here.', "alert(6)", "javascript: URL in href="),
    "newline-entity": ('Read <a href="java&#10;script:alert(7)">broken js</a> here.', "alert(7)", "javascript: URL in href="),
    "control-first": ('Read <a href="&#x01; javascript:alert(8)">controlled js</a> here.', "alert(8)", "javascript: URL in href="),
    "markdown-entity": ('Read [entity js](java&#x09;script:alert(9)) here.', "alert(9)", "javascript: URL in href="),
}


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    """Every kind of dangerous HTML in one source: (report, epub path, pdf path)."""
    folder = tmp_path_factory.mktemp("hostile")
    body = "\n\n".join(snippet for snippet, _, _ in HOSTILE_HTML.values())
    source = write_source(folder, "hostile.md", "---\ntitle: Hostile\n---\n\nOpening words.\n\n" + body + "\n")
    report = build_into(folder / "out", source)
    return report, folder / "out" / "hostile.epub", folder / "out" / "hostile.pdf"


@pytest.mark.parametrize("case", sorted(HOSTILE_HTML))
def test_dangerous_html_is_removed_with_a_warning(hostile_book, case):
    report, epub, _ = hostile_book
    _, gone, warning = HOSTILE_HTML[case]
    assert report.ok, diagnostics(report)
    assert any(warning in d and "hostile.md:" in d for d in diagnostics(report)), (warning, diagnostics(report))
    for name, data in epub_entries(epub).items():
        assert gone.encode() not in data, f"{gone!r} reached {name}"


def test_the_text_around_removed_html_stays(hostile_book):
    _, epub, pdf = hostile_book
    text = epub_reading_text(epub)
    for words in ("Click text", "a js link", "raw js", "styled words", "quoted words", "Cited words", "tabbed js",
                  "entity js"):
        assert words in text
    assert "styled words" in " ".join(" ".join(pdf_page_texts(pdf)).split())  # a no-break space binds them


# Attributes whose value is a URL, from the HTML Living Standard's attribute index and its obsolete
# features (what a reading system may follow or fetch)
URL_VALUED = {"href", "src", "cite", "action", "formaction", "poster", "data", "longdesc", "background", "srcset",
              "usemap", "ping", "manifest", "codebase", "classid", "archive", "profile", "icon", "itemid", "itemtype"}


def test_no_allowed_attribute_that_holds_a_url_keeps_a_script_url():
    """The allow-list may grow; whatever URL attribute it lets through, a script URL never passes."""
    from octavo.sanitize import ALLOWED_ATTRIBUTES, allowed_attributes

    checked = 0
    for tag, names in ALLOWED_ATTRIBUTES.items():
        for name in names & URL_VALUED:
            heard = []
            kept = allowed_attributes("a" if tag == "*" else tag, [(name, " JavaScript:alert(1)")],
                                      lambda code, message: heard.append(message))
            assert kept == [] and heard == [f"removed javascript: URL in {name}="], (tag, name, kept, heard)
            checked += 1
    assert checked >= 4  # a href, img src, q and blockquote cite


@pytest.mark.parametrize("html", [
    '<a href="java&#x09;script:alert(1)">x</a>',  # a tab inside the scheme (browsers drop tabs and newlines)
    '<a href="java&#10;script:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="jav&#x0D;ascript:alert(1)">x</a>',
    '<a href="&#x01;&#x1f; javascript:alert(1)">x</a>',  # controls and spaces before it
    '<a href="&#106;ava&#x73;cript&colon;alert(1)">x</a>',  # entities for letters and the colon
    '<a href="java&amp;#x09;script:alert(1)">x</a>',  # an entity written as text is decoded too
    '<a href="JAVA\u200bSCRIPT:alert(1)">x</a>',  # an invisible format character
    '<q cite="java&#x09;script:alert(1)">x</q>',
])
def test_a_script_url_is_recognised_however_it_is_written(html):
    from lxml import etree

    from octavo.sanitize import Findings, sanitize_into

    parent, findings = etree.Element("div"), Findings()
    sanitize_into(parent, html, lambda n: n + 1, findings)
    element = parent[0]
    assert element.get("href") is None and element.get("cite") is None, etree.tostring(element)
    assert [message for _, message in findings.seen] == [f"removed javascript: URL in {'cite' if '<q' in html else 'href'}="]


def test_ordinary_urls_keep_their_attributes():
    from lxml import etree

    from octavo.sanitize import Findings, sanitize_into

    parent, findings = etree.Element("div"), Findings()
    sanitize_into(parent, '<a href="https://example.org/a:b">x</a><q cite="notes.html#n1">y</q>'
                  '<a href="mailto:someone@example.org">z</a><a href="#top">t</a>', lambda n: n + 1, findings)
    assert [(el.get("href"), el.get("cite")) for el in parent] == [
        ("https://example.org/a:b", None), (None, "notes.html#n1"), ("mailto:someone@example.org", None), ("#top", None)]
    assert not findings.seen


def test_the_epub_is_never_scripted(hostile_book):
    _, epub, pdf = hostile_book
    opf = epub_opf(epub)
    for item in opf.iterfind(".//opf:manifest/opf:item", OPF_NS):
        assert "scripted" not in (item.get("properties") or "").split()
        assert "javascript" not in item.get("media-type")
    for name, data in epub_entries(epub).items():
        lowered = data.lower()
        assert b"<script" not in lowered and b"onclick" not in lowered and b"onmouseover" not in lowered, name
    pdf_embeds_nothing(pdf)
    with pikepdf.open(pdf) as doc:
        assert "/JavaScript" not in doc.Root.get("/Names", {}) and "/OpenAction" not in doc.Root


# --- images --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pictures_book(tmp_path_factory):
    """Images of every allowed type, from the source folder and an asset folder: (report, epub, pdf)."""
    tmp_path = tmp_path_factory.mktemp("pictures")
    src = tmp_path / "src"
    assets = tmp_path / "shared-images"
    (src / "fig").mkdir(parents=True)
    assets.mkdir()
    (src / "fig" / "red.png").write_bytes(png())
    (src / "copy of red.png").write_bytes(png())
    (assets / "blue.png").write_bytes(png(rgb=(0, 0, 200)))
    from PIL import Image  # WeasyPrint's own dependency

    for ext in ("jpg", "gif", "webp"):
        Image.new("RGB", (4, 3), (10, 200, 30)).save(src / f"photo.{ext}")
    (src / "photo.webp").rename(src / "webp-named.png")  # the type comes from the bytes, not the name
    source = write_source(src, "pictures.md", """\
        ---
        title: Pictures
        ---

        A red square: ![red square](fig/red.png "Red") and again ![the same](copy%20of%20red.png).

        From the asset folder: ![blue square](blue.png)

        Other types: ![jpeg](photo.jpg) ![gif](photo.gif) ![webp](webp-named.png)

        <img src="fig/red.png" alt="raw red" width="40%" height="20">
        """)
    report = build_into(tmp_path / "out", source, assets=(assets,))
    return report, tmp_path / "out" / "pictures.epub", tmp_path / "out" / "pictures.pdf"


def test_images_in_the_source_folder_and_the_asset_folder_are_embedded_once(pictures_book):
    """Allowed images are real assets: one manifest item each (same bytes = one file), right media type."""
    report, epub, pdf = pictures_book
    assert report.ok, diagnostics(report)
    assert not any("image" in d for d in diagnostics(report)), diagnostics(report)
    manifest = {i.get("href"): i.get("media-type") for i in epub_opf(epub).iterfind(".//opf:item", OPF_NS)}
    images = {href: media for href, media in manifest.items() if href.startswith("images/")}
    modes = [m.text for m in epub_opf(epub).iterfind(".//opf:meta[@property='schema:accessMode']", OPF_NS)]
    assert modes == ["textual", "visual"]
    assert sorted(images.values()) == ["image/gif", "image/jpeg", "image/png", "image/png", "image/webp"], images
    assert sorted(h.rsplit(".", 1)[1] for h in images) == ["gif", "jpg", "png", "png", "webp"]
    entries = epub_entries(epub)
    assert {png(), png(rgb=(0, 0, 200))} < {entries["EPUB/" + href] for href in images}
    chapter = b"".join(data for name, data in entries.items() if name.endswith(".xhtml"))
    assert b'width="40%"' not in chapter and b'height="20"' in chapter
    for alt in (b'alt="red square"', b'alt="the same"', b'alt="blue square"', b'alt="raw red"'):
        assert alt in chapter
    with pikepdf.open(pdf) as doc:
        shown = [o for o in doc.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
    assert len(shown) >= 5, "the PDF shows the images"


@pytest.fixture(scope="module")
def not_images_book(tmp_path_factory):
    """An SVG, a text file named .png, a missing, a truncated and a huge image: (report, epub)."""
    tmp_path = tmp_path_factory.mktemp("not-images")
    (tmp_path / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    (tmp_path / "notes.png").write_text("these are not pixels")
    (tmp_path / "broken.png").write_bytes(png()[:40])  # a PNG cut short
    small = png()
    huge = small[:16] + struct.pack(">II", 8000, 6000) + small[24:]  # claims 48 million pixels
    huge = huge[:29] + struct.pack(">I", zlib.crc32(huge[12:29]) & 0xFFFFFFFF) + huge[33:]
    (tmp_path / "huge.png").write_bytes(huge)
    source = write_source(tmp_path, "s.md", """\
        ---
        title: Not images
        ---

        ![a drawing](drawing.svg) and ![fake picture](notes.png) and ![missing one](missing.png)

        ![cut short](broken.png) ![too many pixels](huge.png)
        """)
    report = build_into(tmp_path / "out", source, formats=("epub",))
    return report, tmp_path / "out" / "s.epub"


def test_svg_and_files_that_are_not_images_are_refused_and_keep_their_alt_text(not_images_book):
    report, epub = not_images_book
    found = diagnostics(report)
    assert any("s.md:5:" in d and "SVG" in d and "a drawing" in d for d in found), found
    assert any("s.md:5:" in d and "not a PNG, JPEG, GIF or WebP" in d for d in found), found
    assert any("s.md:5:" in d and "no such file" in d and "missing one" in d for d in found), found
    assert any("s.md:7:" in d and "not a readable image" in d and "cut short" in d for d in found), found
    assert any("s.md:7:" in d and "8000 × 6000 pixels" in d for d in found), found
    assert not any(n.startswith("EPUB/images/") for n in epub_entries(epub))
    text = epub_reading_text(epub)
    for alt in ("a drawing", "fake picture", "missing one", "cut short", "too many pixels"):
        assert alt in text


def test_the_assets_option_must_name_a_folder(tmp_path):
    source = write_source(tmp_path, "s.md", "---\ntitle: T\n---\n\nText.\n")
    proc = run_cli(str(source), "--assets", str(tmp_path / "nope"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2 and "no such folder" in proc.stderr and "Traceback" not in proc.stderr


# --- the canary: nothing outside the allowed folders reaches any output ---------------------------

@pytest.fixture(scope="module")
def canary_book(tmp_path_factory):
    """A source that reaches outside its folder in every way: (report, epub, pdf, token, canary PNG's tail)."""
    tmp_path = tmp_path_factory.mktemp("canary")
    token = secrets.token_hex(16)
    outside = tmp_path / "outside"
    outside.mkdir()
    canary_png = outside / "canary.png"
    canary_png.write_bytes(png(rgb=(1, 2, 3), text=token.encode()))
    canary_txt = outside / "canary.txt"
    canary_txt.write_text(f"secret {token}\n")
    canary_css = outside / "canary.css"
    canary_css.write_text(f'body::before {{ content: "{token}"; }}\n')
    src = tmp_path / "project" / "sources"
    src.mkdir(parents=True)
    (src / "inside-link.png").symlink_to(canary_png)
    (src / "door").symlink_to(outside, target_is_directory=True)
    png_uri, txt_uri, css_uri = canary_png.as_uri(), canary_txt.as_uri(), canary_css.as_uri()
    references = [
        f"![absolute path]({canary_png})",
        f"![file url]({png_uri})",
        "![dot dot](../../outside/canary.png)",
        "![percent dot dot](%2E%2E/%2E%2E/outside/canary.png)",
        "![symlinked file](inside-link.png)",
        "![symlinked folder](door/canary.png)",
        "![reference style][canary]",
        f'<img src="{canary_png}" alt="raw absolute">',
        f'<img src="{png_uri}" alt="raw file url">',
        f'<img src="x.png" srcset="{png_uri} 1x" alt="raw srcset">',
        f'<link rel="attachment" href="{txt_uri}">',
        f'<link rel="stylesheet" href="{css_uri}">',
        f'<a rel="attachment" href="{txt_uri}">attachment link</a>',
        '<a rel="attachment" href="../../outside/canary.txt">relative attachment</a>',
        f'<a href="{txt_uri}">file link</a>',
        f'<p style="background: url({png_uri})">styled paragraph</p>',
        '<span style="background-image: url(\'../../outside/canary.png\')">styled span</span>',
        f'<style>@import url("{css_uri}"); body {{ background: url({png_uri}); }}</style>',
        f'<object data="{txt_uri}">object fallback</object>',
        f'<embed src="{txt_uri}">',
        f'<iframe src="{txt_uri}">frame</iframe>',
        f'<video src="{png_uri}" poster="{png_uri}">video</video>',
        f'<svg><image href="{png_uri}"/></svg>',
    ]
    source = write_source(src, "canary.md", "---\ntitle: Canary\n---\n\nOpening.\n\n"
                          + "\n\n".join(references) + f"\n\n[canary]: {canary_png}\n")
    report = build_into(tmp_path / "project" / "output", source)
    out = tmp_path / "project" / "output"
    return report, out / "canary.epub", out / "canary.pdf", token, canary_png.read_bytes()[-40:]


def test_a_canary_outside_the_project_never_reaches_the_book(canary_book):
    report, epub, pdf, token, canary_tail = canary_book
    assert report.ok, diagnostics(report)
    secrets_ = [token.encode(), canary_tail, b"secret "]
    for name, data in epub_entries(epub).items():
        assert not any(s in data for s in secrets_), f"canary bytes in {name}"
    assert not any(n.startswith("EPUB/images/") for n in epub_entries(epub))
    for stream in pdf_streams(pdf):
        assert token.encode() not in stream
    assert token.encode() not in pdf.read_bytes()
    assert token not in " ".join(pdf_page_texts(pdf))
    pdf_embeds_nothing(pdf)
    refused = [d for d in diagnostics(report) if "[images.missing]" in d]
    assert len(refused) >= 10, refused
    text = epub_reading_text(epub)
    for alt in ("absolute path", "file url", "dot dot", "symlinked file", "symlinked folder", "reference style",
                "raw absolute", "attachment link", "file link", "styled paragraph", "object fallback"):
        assert alt in text, alt


# --- the network: building never opens a connection ----------------------------------------------

class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it receives (bounded lifetime)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def network_book(tmp_path_factory):
    """A source that reaches for a local listener in every way: (report, epub, pdf, base URL, connections)."""
    tmp_path = tmp_path_factory.mktemp("network")
    listener = Listener()
    try:
        base = f"http://127.0.0.1:{listener.port}"
        references = [
            f"![remote image]({base}/a.png)",
            f"![remote https](https://127.0.0.1:{listener.port}/b.png)",
            f"![remote ftp](ftp://127.0.0.1:{listener.port}/c.png)",
            f"![protocol relative](//127.0.0.1:{listener.port}/d.png)",
            "![ref remote][remote]",
            f'<img src="{base}/e.png" alt="raw remote">',
            f'<img src="x.png" srcset="{base}/f.png 2x" alt="srcset remote">',
            f'<link rel="stylesheet" href="{base}/g.css">',
            f'<link rel="attachment" href="{base}/h.txt">',
            f'<a rel="attachment" href="{base}/i.txt">remote attachment</a>',
            f'<p style="background: url({base}/j.png)">styled remote</p>',
            f'<style>@import url("{base}/k.css"); p {{ background: url({base}/l.png) }}</style>',
            f'<iframe src="{base}/m.html">frame</iframe>',
            f'<object data="{base}/n.swf">remote object</object>',
            f'<embed src="{base}/o.swf">',
            f'<video src="{base}/p.mp4" poster="{base}/q.png">video</video>',
            f'<audio src="{base}/r.mp3">audio</audio>',
            f"[an ordinary link]({base}/s.html)",
        ]
        source = write_source(tmp_path, "net.md", f"---\ntitle: Network\noriginalSource: {base}/t.html\n---\n\n"
                              + "\n\n".join(references) + f"\n\n[remote]: {base}/u.png\n")
        report = build_into(tmp_path / "out", source)
    finally:
        listener.close()
    return report, tmp_path / "out" / "net.epub", tmp_path / "out" / "net.pdf", base, listener.connections


def test_building_never_opens_a_network_connection(network_book):
    report, epub, pdf, base, connections = network_book
    assert report.ok, diagnostics(report)
    refused = [d for d in diagnostics(report) if "[images.missing]" in d and "network" in d]
    assert len(refused) >= 5, diagnostics(report)
    assert any("removed ftp: URL" in d for d in diagnostics(report)), diagnostics(report)
    assert connections == 0, "a build opened a connection"
    text = epub_reading_text(epub)
    for words in ("remote image", "remote https", "remote ftp", "protocol relative", "ref remote", "raw remote",
                  "remote attachment", "styled remote", "remote object", "an ordinary link"):
        assert words in text, words
    assert f"{base}/s.html".encode() in epub_entries(epub)["EPUB/c001.xhtml"], "ordinary links stay links"
    pdf_embeds_nothing(pdf)


def test_every_book_built_here_passes_epubcheck(hostile_book, pictures_book, not_images_book, canary_book,
                                                network_book):
    """One EPUBCheck run for every book of this module (each JVM start costs seconds).

    The books are the module's fixtures, so running this test alone builds them all.
    """
    books = (hostile_book, pictures_book, not_images_book, canary_book, network_book)
    assert_epubcheck_clean(*(epub for _, epub, *_ in books))


# --- compiled templates are code: they live where only the user writes ---------------------------

JINJA_MAGIC = b"j2"  # the first bytes of every file Jinja's bytecode cache writes


def jinja_bytecode(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.read_bytes()[:2] == JINJA_MAGIC]


def test_compiled_templates_are_kept_in_the_users_cache_never_in_the_output_folder(tmp_path, monkeypatch):
    """The output folder may be shared (a network drive, a Dask cluster's scratch space): whatever
    another user puts there must never be loaded as code by the next build."""
    monkeypatch.delenv("OCTAVO_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    source = write_source(tmp_path, "short.md", "---\ntitle: Short\n---\n\nA few words.\n")
    report = build_into(tmp_path / "out", source, formats=("epub",))
    assert report.ok, diagnostics(report)
    assert jinja_bytecode(tmp_path / "out") == []
    compiled = jinja_bytecode(tmp_path / "xdg" / "octavo")
    assert compiled, "the templates were compiled once for the next build"
    for folder in {p.parent for p in compiled}:
        assert folder.stat().st_mode & 0o777 == 0o700, oct(folder.stat().st_mode)


def test_the_cache_folder_can_be_chosen_or_turned_off(tmp_path, monkeypatch):
    source = write_source(tmp_path, "short.md", "---\ntitle: Short\n---\n\nA few words.\n")
    monkeypatch.setenv("OCTAVO_CACHE_DIR", str(tmp_path / "mine"))
    assert build_into(tmp_path / "out1", source, formats=("epub",)).ok
    assert jinja_bytecode(tmp_path / "mine")
    monkeypatch.setenv("OCTAVO_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert build_into(tmp_path / "out2", source, formats=("epub",)).ok
    assert not (tmp_path / "xdg").exists() and jinja_bytecode(tmp_path / "out2") == []


def test_a_cache_folder_others_may_write_is_not_used(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("OCTAVO_CACHE_DIR", str(shared))
    source = write_source(tmp_path, "short.md", "---\ntitle: Short\n---\n\nA few words.\n")
    assert build_into(tmp_path / "out", source, formats=("epub",)).ok
    assert jinja_bytecode(shared) == [], "compiled templates were left where anyone may replace them"
