"""The book face's static instances (octavo/static_fonts.py, StaticInstances; octavo/weasy.py routes WeasyPrint to it): WeasyPrint makes one of the
variable font per (weight, size) with fontTools on every PDF it writes; Octavo keeps each one, in
the process and in the user's cache folder, and a kept instance must be the very file fontTools
makes, or the PDF would change."""
from __future__ import annotations

import io

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

from octavo import pdf, static_fonts
from octavo.fonts import book_face

from conftest import SEED, build_into


def _variable_subset() -> bytes:
    """Literata's upright variable font cut down to a few glyphs, axes and variations kept (as
    WeasyPrint's subset keeps them)."""
    path = next(f.path for f in book_face() if "Italic" not in f.path.name)
    options = subset.Options(retain_gids=True, passthrough_tables=True, ignore_missing_glyphs=True)
    font = TTFont(path)
    assert "fvar" in font and "gvar" in font
    cutter = subset.Subsetter(options)
    cutter.populate(text="Octavo, 1924")
    cutter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _saved(font) -> bytes:
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@pytest.fixture
def variable(monkeypatch, tmp_path):
    monkeypatch.setenv("OCTAVO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return _variable_subset()


def _counting():
    calls = []

    def instantiate(font, variations, **options):
        calls.append(dict(variations))
        return instantiateVariableFont(font, variations, **options)
    return instantiate, calls


def test_a_kept_instance_is_the_file_fonttools_makes_and_is_made_once(variable, tmp_path):
    expected = _saved(instantiateVariableFont(TTFont(io.BytesIO(variable)), {"wght": 600, "opsz": 14.0}, static=True))
    instantiate, calls = _counting()
    keep = static_fonts.StaticInstances(instantiate)
    first = _saved(keep(TTFont(io.BytesIO(variable)), {"wght": 600, "opsz": 14.0}, static=True))
    again = _saved(keep(TTFont(io.BytesIO(variable)), {"opsz": 14.0, "wght": 600}, static=True))
    assert first == expected and again == expected
    assert calls == [{"wght": 600, "opsz": 14.0}]
    # another size is another instance (opsz follows the font size: the glyphs differ)
    other = _saved(keep(TTFont(io.BytesIO(variable)), {"wght": 600, "opsz": 28.0}, static=True))
    assert other != expected and len(calls) == 2
    # the next process finds it in the cache folder
    instantiate, calls = _counting()
    later = static_fonts.StaticInstances(instantiate)
    assert _saved(later(TTFont(io.BytesIO(variable)), {"wght": 600, "opsz": 14.0}, static=True)) == expected
    assert calls == []


def test_a_damaged_cache_file_is_not_used(variable, tmp_path):
    expected = _saved(instantiateVariableFont(TTFont(io.BytesIO(variable)), {"wght": 400, "opsz": 12.0}, static=True))
    static_fonts.StaticInstances(instantiateVariableFont)(TTFont(io.BytesIO(variable)), {"wght": 400, "opsz": 12.0}, static=True)
    [kept] = list((tmp_path / "cache").rglob("*.ttf"))
    data = kept.read_bytes()
    kept.write_bytes(data[:-100])  # cut short, as by a full disk
    instantiate, calls = _counting()
    got = _saved(static_fonts.StaticInstances(instantiate)(TTFont(io.BytesIO(variable)), {"wght": 400, "opsz": 12.0},
                                                   static=True))
    assert got == expected and len(calls) == 1


def test_without_source_date_epoch_nothing_is_kept(variable, monkeypatch, tmp_path):
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    instantiate, calls = _counting()
    keep = static_fonts.StaticInstances(instantiate)
    for _ in range(2):
        keep(TTFont(io.BytesIO(variable)), {"wght": 400, "opsz": 12.0}, static=True)
    assert len(calls) == 2 and not list((tmp_path / "cache").rglob("*.ttf"))


def test_weasyprint_makes_its_instances_through_octavo():
    from weasyprint.pdf import fonts as embedded

    assert embedded.instantiateVariableFont is pdf.STATIC_INSTANCES


@pytest.mark.slow
def test_the_seed_pdf_is_byte_identical_with_instances_made_or_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("OCTAVO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    keep = pdf.STATIC_INSTANCES
    monkeypatch.setattr(keep, "kept", {})
    monkeypatch.setattr(keep, "_folder", False)
    made = keep.made
    build_into(tmp_path / "cold", SEED, formats=("pdf",))
    assert keep.made > made  # made and written to the cache folder
    monkeypatch.setattr(keep, "kept", {})  # as a new process: only the folder remembers
    made, reused = keep.made, keep.reused
    build_into(tmp_path / "warm", SEED, formats=("pdf",))
    assert keep.made == made and keep.reused > reused
    assert (tmp_path / "cold" / f"{SEED.stem}.pdf").read_bytes() == (tmp_path / "warm" / f"{SEED.stem}.pdf").read_bytes()
