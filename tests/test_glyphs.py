"""Characters no installed font covers are reported once per text, naming the characters, their
script, where they first occur and what to install; the build still writes the PDF."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import CORPUS, build_into, needs_corpus, write_source
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


def test_characters_no_font_has_are_reported_at_their_first_line(tmp_path):
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
    report = build_into(tmp_path / "out", source, formats=("pdf",))
    assert report.ok and (tmp_path / "out" / "signs.pdf").is_file()
    [warning] = warnings_of(report)
    assert warning.location.path == source and warning.location.line == 7
    assert "2 characters" in warning.message and "Egyptian hieroglyphs" in warning.message
    assert "U+13000" in warning.message and "U+13001" in warning.message
    assert not [d for d in warnings_of(report, "pdf.render") if "notdef" in d.message]  # said once, not per glyph


def test_each_text_of_a_volume_is_told_about_its_own_characters(tmp_path):
    if font_covers(0x13000):
        pytest.skip("this machine has a font for Egyptian hieroglyphs")
    first = write_source(tmp_path, "one.md", f"---\ntitle: One\n---\n\nA sign: {HIEROGLYPHS[0]}.\n")
    second = write_source(tmp_path, "two.md", "---\ntitle: Two\n---\n\nNothing unusual.\n")
    third = write_source(tmp_path, "three.md", f"---\ntitle: Three\n---\n\nBoth: {HIEROGLYPHS}.\n")
    manifest = tmp_path / "signs.toml"
    manifest.write_text('title = "Signs"\n' + "".join(f'[[texts]]\nsource = "{p.name}"\n' for p in (first, second, third)))
    report = build_into(tmp_path / "out", manifest, formats=("pdf",))
    assert report.ok
    by_file = {w.location.path.name: w.message for w in warnings_of(report)}
    assert set(by_file) == {"one.md", "three.md"}
    assert "1 character " in by_file["one.md"] and "2 characters" in by_file["three.md"]


def test_a_chinese_text_prints_without_warnings_when_a_cjk_font_is_installed(tmp_path):
    if not font_covers(0x4E00):
        pytest.skip("no CJK font installed (CI installs fonts-wqy-microhei)")
    needs_corpus()
    report = build_into(tmp_path, CORPUS / "luxun-yijian-xiaoshi.md", formats=("pdf",))
    assert report.ok
    assert not warnings_of(report)
