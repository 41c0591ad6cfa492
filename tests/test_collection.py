"""The cycle collector in a build process (octavo/collection.py): a one-shot build collects every
100,000 new objects instead of every 700 (its start makes long-lived objects, not garbage), a
layout collects as usual (WeasyPrint makes cycles by the thousand), and whoever called ``main`` in
the same process gets its own thresholds back."""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, assert_epubcheck_clean, write_source
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


def test_main_leaves_a_caller_that_goes_on_its_collector(tmp_path):
    frozen = gc.get_freeze_count()
    source = write_source(tmp_path, "short.md", SOURCE)
    assert cli.main([str(source), "-o", str(tmp_path / "out"), "--format", "epub", "-j", "1", "-q"]) == 0
    assert gc.get_freeze_count() == frozen  # objects of a test or of --serve's builds are still collected


COMMAND = """
import gc, json, sys
from octavo import cli
sys.argv = ["octavo", sys.argv[1], "-o", sys.argv[2], "--format", "epub", "-j", "1"]
status = cli.command()
print(json.dumps({"status": status, "frozen": gc.get_freeze_count(), "objects": len(gc.get_objects())}))
"""


def test_the_command_leaves_its_objects_to_the_os_and_ends_as_usual(tmp_path):
    """``octavo`` and build.py freeze what is alive when the build is done, so that the shutdown's
    collections skip it; the shutdown still runs atexit (the kept caches are written then), flushes
    the report and exits with the build's status; the book is the one ``main`` writes in a test."""
    source = write_source(tmp_path, "short.md", SOURCE)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OCTAVO_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    probe = subprocess.run([sys.executable, "-c", COMMAND, str(source), str(tmp_path / "process")], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr
    report = json.loads(probe.stdout.splitlines()[-1])
    assert report["status"] == 0 and report["frozen"] >= report["objects"] // 2
    assert "1 input: 1 built" in probe.stdout  # the display's summary, written before the freeze
    kept = [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert any(name.startswith("dataclasses-") for name in kept), kept  # atexit ran after the freeze

    ended = subprocess.run([sys.executable, str(ROOT / "build.py"), str(source), "-o", str(tmp_path / "build.py"),
                            "--format", "epub", "-j", "1", "--definitely-not-an-option"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert ended.returncode == 2 and "unrecognized arguments" in ended.stderr  # usage errors exit as before
    ended = subprocess.run([sys.executable, str(ROOT / "build.py"), str(source), "-o", str(tmp_path / "build.py"),
                            "--format", "epub", "-j", "1"], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=300)
    assert ended.returncode == 0 and "1 input: 1 built" in ended.stdout

    assert cli.main([str(source), "-o", str(tmp_path / "in-process"), "--format", "epub", "-j", "1", "-q"]) == 0
    book = (tmp_path / "in-process" / "short.epub").read_bytes()
    assert (tmp_path / "process" / "short.epub").read_bytes() == book
    assert (tmp_path / "build.py" / "short.epub").read_bytes() == book
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
