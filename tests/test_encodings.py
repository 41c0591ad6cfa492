"""Encodings: what a source file's bytes are read as.

UTF-8 (with or without a byte-order mark) is read quietly. Anything else is read with a warning
that names the encoding used: UTF-16/32 with a byte-order mark, UTF-16 without one (detected),
UTF-8 with stray Windows-1252 bytes, a non-Latin legacy code page (detected), else Windows-1252.
"""
from __future__ import annotations

import random

import pytest

from conftest import build_into
from octavo.sources import read_source
from octavo.readback import OPF_NS, epub_opf, epub_reading_text

SOURCE = "---\ntitle: Überschrift\nauthor: Jean Jaurès\n---\n\nFirst line.\nA café crème — “quoted”.\n"
RUSSIAN = ("---\ntitle: Манифест\n---\n\nПризрак бродит по Европе — призрак коммунизма. Все силы старой Европы "
           "объединились для священной травли этого призрака.\n")
GREEK = ("---\ntitle: Πολιτεία\n---\n\nΚατέβην χθες εις Πειραιά μετά Γλαύκωνος του Αρίστωνος προσευξόμενός τε τη θεώ "
         "και άμα την εορτήν βουλόμενος θεάσασθαι τίνα τρόπον ποιήσουσιν άτε νυν πρώτον άγοντες. Καλή μεν ουν μοι "
         "και η των επιχωρίων πομπή έδοξεν είναι, ου μέντοι ήττον εφαίνετο πρέπειν ην οι Θράκες έπεμπον.\n")
JAPANESE = "---\ntitle: 吾輩は猫である\n---\n\n吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。\n"
CHINESE = "---\ntitle: 一件小事\n---\n\n我从乡下跑到京城里，一转眼已经六年了。其间耳闻目睹的所谓国家大事，算起来也很不少。\n"


def read(tmp_path, raw: bytes, name: str = "s.md"):
    path = tmp_path / name
    path.write_bytes(raw)
    return read_source(path)


def messages(source) -> list[str]:
    return [str(d) for d in source.diagnostics.items]


def assert_read_as(source, text: str, warning: str | None) -> None:
    assert source.fields["title"] == text.split("title: ")[1].split("\n")[0]
    assert source.body.strip() == text.split("---\n\n")[1].strip()
    assert messages(source) == ([f"{source.path}:{warning}"] if warning else [])


@pytest.mark.parametrize("codec, name", [("utf-16-le", "UTF-16 little-endian"), ("utf-16-be", "UTF-16 big-endian"),
                                         ("utf-32-le", "UTF-32 little-endian"), ("utf-32-be", "UTF-32 big-endian")])
def test_utf16_and_utf32_with_a_byte_order_mark_are_decoded(tmp_path, codec, name):
    source = read(tmp_path, ("\ufeff" + SOURCE.replace("\n", "\r\n")).encode(codec))
    assert_read_as(source, SOURCE,
                   f"1: warning: read as {name} (it starts with a byte-order mark), not UTF-8 [source.encoding]")


@pytest.mark.parametrize("text", [SOURCE, RUSSIAN, CHINESE, "---\ntitle: Hi\n---\n\nText.\n"])
@pytest.mark.parametrize("codec, name", [("utf-16-le", "UTF-16 little-endian"), ("utf-16-be", "UTF-16 big-endian")])
def test_utf16_without_a_byte_order_mark_is_detected(tmp_path, text, codec, name):
    source = read(tmp_path, text.encode(codec))
    assert_read_as(source, text,
                   f"1: warning: read as {name} (detected; it has no byte-order mark), not UTF-8 [source.encoding]")


def test_utf16_cut_in_the_middle_of_a_character_keeps_the_rest_with_a_warning(tmp_path):
    source = read(tmp_path, ("\ufeff" + SOURCE).encode("utf-16-le") + b"x")
    assert source.body.endswith("\ufffd")
    assert messages(source)[1] == (f"{source.path}:8: warning: not valid UTF-16 little-endian; undecodable bytes "
                                   "replaced with U+FFFD [source.encoding]")


def test_junk_that_starts_like_a_byte_order_mark_is_a_binary_file(tmp_path):
    source = read(tmp_path, b"\xff\xfe" + random.Random(1).randbytes(4000))
    assert messages(source) == [f"{source.path}: error: this looks like a binary file, not Markdown text [source.binary]"]


def test_utf8_with_a_byte_order_mark_is_read_quietly(tmp_path):
    assert_read_as(read(tmp_path, b"\xef\xbb\xbf" + SOURCE.encode()), SOURCE, None)


def test_a_few_windows_1252_bytes_in_utf8_text_are_read_as_windows_1252_and_the_rest_as_utf8(tmp_path):
    raw = SOURCE.encode() + b"It\x92s \x93here\x94.\n"
    source = read(tmp_path, raw)
    assert source.fields["title"] == "Überschrift"
    assert source.body.endswith("A café crème — “quoted”.\nIt’s “here”.\n")
    assert messages(source) == [f"{source.path}:8: warning: not valid UTF-8 (byte 0x92 at column 3); 3 stray byte(s) "
                                "read as Windows-1252, the rest as UTF-8 [source.encoding]"]


@pytest.mark.parametrize("text, codec, name", [
    (RUSSIAN, "cp1251", "Windows-1251"), (RUSSIAN.replace("—", "-"), "koi8-r", "koi8-r"),
    (CHINESE, "gbk", "gb18030"), (GREEK, "cp1253", "Windows-1253"),
    (JAPANESE, "shift_jis", "cp932"), (JAPANESE, "euc-jp", "euc-jp"),
])
def test_a_non_latin_legacy_encoding_is_detected_and_named(tmp_path, text, codec, name):
    source = read(tmp_path, text.encode(codec))
    assert source.fields["title"] == text.split("title: ")[1].split("\n")[0]
    assert source.body.strip() == text.split("---\n\n", 1)[1].strip()
    [warning] = messages(source)
    assert warning.startswith(f"{source.path}:2: warning: not valid UTF-8 (byte 0x")
    assert f"; read as {name}, the encoding detected (" in warning


def test_latin_text_that_is_not_utf8_is_read_as_windows_1252_as_before(tmp_path):
    source = read(tmp_path, SOURCE.encode("cp1252"))
    assert_read_as(source, SOURCE, "2: warning: not valid UTF-8 (byte 0xdc at column 8); read as Windows-1252 "
                                   "instead [source.encoding]")


def test_curly_quotes_in_english_windows_1252_text_are_not_taken_for_chinese(tmp_path):
    text = "---\ntitle: Notes\n---\n\n" + "It’s a “test”, isn’t it? " * 40 + "\n"
    assert_read_as(read(tmp_path, text.encode("cp1252")), text,
                   "5: warning: not valid UTF-8 (byte 0x92 at column 3); read as Windows-1252 instead [source.encoding]")


def test_a_utf16_source_builds_with_its_metadata_and_the_warning_names_file_and_line(tmp_path):
    path = tmp_path / "wide.md"
    path.write_bytes(("\ufeff" + SOURCE.replace("\n", "\r\n")).encode("utf-16-le"))
    legacy = tmp_path / "legacy.md"
    legacy.write_bytes(RUSSIAN.encode("cp1251"))
    report = build_into(tmp_path / "out", path, legacy, formats=("epub",))
    assert report.ok
    found = [str(d) for r in report.results for d in r.diagnostics]
    assert (f"{path}:1: warning: read as UTF-16 little-endian (it starts with a byte-order mark), not UTF-8 "
            "[source.encoding]") in found
    assert any(m.startswith(f"{legacy}:2: warning: not valid UTF-8") and "read as Windows-1251" in m for m in found)
    opf = epub_opf(tmp_path / "out" / "wide.epub")
    assert [e.text for e in opf.iterfind(".//dc:creator", OPF_NS)] == ["Jean Jaurès"]
    assert [e.text for e in opf.iterfind(".//dc:title", OPF_NS)] == ["Überschrift"]
    assert "A café crème — “quoted”." in epub_reading_text(tmp_path / "out" / "wide.epub")
    assert [e.text for e in epub_opf(tmp_path / "out" / "legacy.epub").iterfind(".//dc:title", OPF_NS)] == ["Манифест"]
