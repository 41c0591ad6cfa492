"""Characters no installed font covers fail the build, once per text, naming the characters, their
script, where they first occur and what to install; nothing is written (a PDF of empty boxes is not
a book). Chinese and Japanese print in their Song/Ming-style face with its own punctuation."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from conftest import CORPUS, build_into, needs_corpus, run_cli, write_source
from octavo.glyphs import advice, script_of

HIEROGLYPHS = "\U00013000\U00013001"  # Egyptian hieroglyphs: in no font this project installs


def font_covers(codepoint: int) -> bool:
    if not shutil.which("fc-list"):
        pytest.skip("fontconfig's fc-list is not installed")
    found = subprocess.run(["fc-list", f":charset={codepoint:x}", "family"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def warnings_of(report, code="pdf.glyphs"):
    return [d for r in report.results for d in r.diagnostics if d.code == code]


def test_scripts_are_named_as_readers_know_them():
    assert script_of("\u4e00") == "Han"
    assert script_of("\u3042") == "Japanese kana"
    assert script_of("\u0416") == "Cyrillic"
    assert script_of("\U00010000") == "Linear B"
    assert script_of("\U00013000") == "Egyptian hieroglyphs"
    assert "fonts-noto-cjk" in advice({"Han"})
    assert "fonts-noto" in advice({"Egyptian hieroglyphs"})


def test_characters_no_font_has_fail_the_build_at_their_first_line(tmp_path):
    if font_covers(0x13000):
        pytest.skip("this machine has a font for Egyptian hieroglyphs")
    source = write_source(tmp_path, "signs.md", f"""
        ---
        title: Signs
        ---

        A plain paragraph.

        The sign {HIEROGLYPHS[0]} is old.

        So is {HIEROGLYPHS[1]}, and {HIEROGLYPHS[0]} again.
        """)
    report = build_into(tmp_path / "out", source)
    assert not report.ok
    assert not (tmp_path / "out" / "signs.pdf").exists() and not (tmp_path / "out" / "signs.epub").exists()
    [error] = warnings_of(report)
    assert error.level == "error"
    assert error.location.path == source and error.location.line == 7
    assert "2 characters" in error.message and "Egyptian hieroglyphs" in error.message
    assert "U+13000" in error.message and "U+13001" in error.message
    assert not [d for d in warnings_of(report, "pdf.render") if "notdef" in d.message]  # said once, not per glyph


def test_an_epub_alone_needs_no_font_for_its_text(tmp_path):
    """The EPUB's reading system brings its own fonts: only the generated cover is concerned."""
    source = write_source(tmp_path, "signs.md", f"---\ntitle: Signs\n---\n\nThe sign {HIEROGLYPHS[0]} is old.\n")
    report = build_into(tmp_path / "out", source, formats=("epub",))
    assert report.ok and (tmp_path / "out" / "signs.epub").is_file()
    assert not warnings_of(report)


def test_each_text_of_a_volume_is_told_about_its_own_characters(tmp_path):
    if font_covers(0x13000):
        pytest.skip("this machine has a font for Egyptian hieroglyphs")
    first = write_source(tmp_path, "one.md", f"---\ntitle: One\n---\n\nA sign: {HIEROGLYPHS[0]}.\n")
    second = write_source(tmp_path, "two.md", "---\ntitle: Two\n---\n\nNothing unusual.\n")
    third = write_source(tmp_path, "three.md", f"---\ntitle: Three\n---\n\nBoth: {HIEROGLYPHS}.\n")
    manifest = tmp_path / "signs.toml"
    manifest.write_text('title = "Signs"\n' + "".join(f'[[texts]]\nsource = "{p.name}"\n' for p in (first, second, third)))
    report = build_into(tmp_path / "out", manifest, formats=("pdf",))
    assert not report.ok and not (tmp_path / "out" / "signs.pdf").exists()
    by_file = {w.location.path.name: w.message for w in warnings_of(report)}
    assert set(by_file) == {"one.md", "three.md"}
    assert "1 character " in by_file["one.md"] and "2 characters" in by_file["three.md"]


def fonts_of(pdf: Path, chars: str) -> dict[str, set[str]]:
    """Each of ``chars`` -> the names of the fonts the PDF draws it in (PDFium's text page)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    found: dict[str, set[str]] = {}
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for page in pdfium.PdfDocument(pdf):
        text = page.get_textpage()
        for i in range(text.count_chars()):
            char = chr(raw.FPDFText_GetUnicode(text, i))
            if char in chars:
                raw.FPDFText_GetFontInfo(text, i, name, len(name), ctypes.byref(flags))
                found.setdefault(char, set()).add(name.value.decode().split("+")[-1])
    return found


def needs_cjk_serif():
    if not shutil.which("fc-list") or "Noto Serif CJK SC" not in subprocess.run(
            ["fc-list", "--format", "%{family}\n"], capture_output=True, text=True).stdout:
        pytest.skip("Noto Serif CJK is not installed (Debian's fonts-noto-cjk; CI installs it)")


def test_chinese_and_japanese_print_in_a_song_face_with_its_own_punctuation(tmp_path):
    needs_cjk_serif()
    chinese = write_source(tmp_path, "zh.md", """
        ---
        title: 一件小事
        language: zh
        ---

        我便对他说，“没有什么的。走你的罢！”他说，“请你给他……”风全住了。

        *S门* and “Latin” words.
        """)
    japanese = write_source(tmp_path, "ja.md", "---\ntitle: 羅生門\nlanguage: ja\n---\n\n下人は「ある日の暮方の事である。」と言った……\n")
    english = write_source(tmp_path, "en.md", "---\ntitle: Quoted\n---\n\nHe wrote \u201c我\u201d \u2026 and left.\n")
    report = build_into(tmp_path / "out", chinese, japanese, english, formats=("pdf",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    zh = fonts_of(tmp_path / "out" / "zh.pdf", "我“”…门L")
    assert zh == {c: {"Noto-Serif-CJK-SC"} for c in "我“”…门L"}  # the Latin words too: one face, upright
    ja = fonts_of(tmp_path / "out" / "ja.pdf", "下「」…")
    assert ja == {c: {"Noto-Serif-CJK-JP"} for c in "下「」…"}
    en = fonts_of(tmp_path / "out" / "en.pdf", "我“…H")
    assert en["我"] == {"Noto-Serif-CJK-SC"}  # a Chinese word in an English text: the serif, not a sans
    assert en["“"] == en["…"] == en["H"] == {"Literata"}


def test_the_lu_xun_story_is_set_in_noto_serif_cjk_without_slanted_or_sans_faces(tmp_path):
    needs_cjk_serif()
    needs_corpus()
    report = build_into(tmp_path, CORPUS / "luxun-yijian-xiaoshi.md", formats=("pdf",))
    assert report.ok
    assert not warnings_of(report) and not warnings_of(report, "pdf.script-face")
    with pikepdf.open(tmp_path / "luxun-yijian-xiaoshi.pdf") as pdf:
        faces = {str(font.BaseFont).split("+")[-1] for page in pdf.pages
                 for font in page.Resources.get("/Font", {}).values()}
    assert {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"} <= faces
    assert not [f for f in faces if "Sans" in f or "Oblique" in f or "Italic" in f], faces  # no sans, no faux italic
    assert fonts_of(tmp_path / "luxun-yijian-xiaoshi.pdf", "“…")["…"] == {"Noto-Serif-CJK-SC"}


def without_cjk_fonts(tmp_path: Path) -> dict[str, str]:
    """An environment whose fontconfig knows only DejaVu: a machine with no CJK font."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir() or not shutil.which("fc-list"):
        pytest.skip("needs fontconfig and Debian's fonts-dejavu-core to make a font set without CJK")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{dejavu}</dir><cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>
""", encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    covers = subprocess.run(["fc-list", ":charset=4e00", "family"], capture_output=True, text=True, env=env)
    assert covers.stdout.strip() == "", "the simulated machine still has a CJK font"
    return env


def test_without_a_cjk_face_the_lu_xun_story_fails_naming_what_to_install(tmp_path):
    needs_corpus()
    env = without_cjk_fonts(tmp_path)
    story = CORPUS / "luxun-yijian-xiaoshi.md"
    built = run_cli(str(story), "-o", str(tmp_path / "out"), "-j", "1", env=env)
    assert built.returncode == 1
    first = next(n for n, line in enumerate(story.read_text(encoding="utf-8").splitlines(), 1) if "我" in line)
    [error] = [line for line in built.stderr.splitlines() if "[pdf.glyphs]" in line]
    assert error.startswith(f"{story}:{first}: error: ") and "fonts-noto-cjk" in error and "Han" in error
    assert not list((tmp_path / "out").glob("*.pdf")) and not list((tmp_path / "out").glob("*.epub"))


def test_a_generated_cover_never_draws_a_character_no_font_has(tmp_path):
    """Without a CJK font, the cover of a Chinese title leaves the title out (it is in the EPUB's
    text and the cover's description) and says so; all that is drawn between the frame is the rule."""
    env = without_cjk_fonts(tmp_path)
    source = write_source(tmp_path, "zh.md", "---\ntitle: 一件小事\nlanguage: zh\n---\n\n我从乡下跑到京城里。\n")
    built = run_cli(str(source), "-o", str(tmp_path / "out"), "--format", "epub", env=env)
    assert built.returncode == 0, built.stderr
    assert "[cover.font]" in built.stderr and "一" in built.stderr
    with zipfile.ZipFile(tmp_path / "out" / "zh.epub") as epub:
        [name] = [n for n in epub.namelist() if n.endswith("cover.png")]
        cover = Image.open(io.BytesIO(epub.read(name))).convert("RGB")
    ground = cover.getpixel((cover.width // 2, 200))
    inside = cover.crop((200, 200, cover.width - 200, cover.height - 200))
    ink = ImageChops.difference(inside, Image.new("RGB", inside.size, ground))  # black where the ground is
    left, top, right, bottom = ink.getbbox()
    assert bottom - top <= 6 and right - left <= 230  # the 220 x 5 pixel rule under the (absent) title
