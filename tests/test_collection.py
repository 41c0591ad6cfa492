"""The cycle collector in a build process (octavo/collection.py): a one-shot build collects every
100,000 new objects instead of every 700 (its start makes long-lived objects, not garbage), a
layout collects as usual (WeasyPrint makes cycles by the thousand), and whoever called ``main`` in
the same process gets its own thresholds back."""
from __future__ import annotations

import gc

import pytest

from conftest import assert_epubcheck_clean, write_source
from octavo import cli, epub, print_edition

SOURCE = "---\ntitle: Short\n---\n\n# One\n\nText.[^1]\n\n[^1]: A note.\n"


@pytest.fixture
def usual():
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def test_an_epub_build_collects_every_100000_objects_and_gives_the_thresholds_back(tmp_path, monkeypatch, usual):
    seen = []
    real = epub.write_epub
    monkeypatch.setattr(epub, "write_epub", lambda *a, **k: seen.append(gc.get_threshold()) or real(*a, **k))
    source = write_source(tmp_path, "short.md", SOURCE)
    assert cli.main([str(source), "-o", str(tmp_path / "out"), "--format", "epub", "-j", "1", "-q"]) == 0
    assert seen == [(100_000, *usual[1:])]
    assert gc.get_threshold() == usual
    assert_epubcheck_clean(tmp_path / "out" / "short.epub")


def test_a_layout_collects_as_usual(tmp_path, monkeypatch, usual):
    seen = []
    real = print_edition.write_pdf
    monkeypatch.setattr(print_edition, "write_pdf", lambda *a, **k: seen.append(gc.get_threshold()) or real(*a, **k))
    source = write_source(tmp_path, "short.md", SOURCE)
    assert cli.main([str(source), "-o", str(tmp_path / "out"), "--format", "pdf", "-j", "1", "-q"]) == 0
    assert seen == [usual]


def test_a_one_shot_layout_freezes_what_lives_before_it_and_main_thaws_it(tmp_path, monkeypatch, usual):
    """The objects alive when the layout starts (modules, templates, the model) are frozen, so the
    layout's collections do not visit them again and again; ``main`` thaws them at its end."""
    assert gc.get_freeze_count() == 0
    seen = []
    real = print_edition.write_pdf
    monkeypatch.setattr(print_edition, "write_pdf", lambda *a, **k: seen.append(gc.get_freeze_count()) or real(*a, **k))
    source = write_source(tmp_path, "short.md", SOURCE)
    assert cli.main([str(source), "-o", str(tmp_path / "out"), "--format", "pdf", "-j", "1", "-q"]) == 0
    assert len(seen) == 1 and seen[0] > 10_000  # at least the modules' objects
    assert gc.get_freeze_count() == 0
