"""Reproducible by default: the date in a book comes from the inputs, never from file times."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, build_into, write_source

COMMITTED = "2021-03-04T05:06:07+00:00"
ESSAY = "---\ntitle: An Essay\nauthor: Someone\n---\n\n# One\n\nText.[^1]\n\n[^1]: A note.\n\n# Two\n\nMore.\n"


@pytest.fixture(autouse=True)
def no_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def modified(epub: Path) -> str:
    with zipfile.ZipFile(epub) as z:
        opf = next(z.read(n).decode() for n in z.namelist() if n.endswith(".opf"))
    return re.search(r'<meta property="dcterms:modified">([^<]+)</meta>', opf)[1]


def git(*args: str, cwd: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": COMMITTED, "GIT_COMMITTER_DATE": COMMITTED,
           "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def touch_all(folder: Path, when: int) -> None:
    for path in folder.rglob("*"):
        os.utime(path, (when, when))


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_two_fresh_clones_build_byte_identical_books_dated_by_the_last_commit(tmp_path):
    origin = tmp_path / "origin"
    write_source(origin / "sources", "essay.md", ESSAY)
    write_source(origin / "volumes", "reader.toml", 'title = "Reader"\n\n[[texts]]\nsource = "../sources/essay.md"\n')
    git("init", "-q", cwd=origin)
    git("add", ".", cwd=origin)
    git("commit", "-q", "-m", "texts", cwd=origin)
    clones = []
    for n, when in ((1, 1_000_000_000), (2, 1_600_000_000)):  # checked out at different times
        clone = tmp_path / f"clone-{n}"
        git("clone", "-q", str(origin), str(clone), cwd=tmp_path)
        touch_all(clone, when)
        proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "-q"], cwd=clone, capture_output=True,
                              text=True, timeout=600, env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        clones.append(clone / "output")
    names = sorted(p.name for p in clones[0].iterdir() if not p.name.startswith("."))
    assert names == ["essay.epub", "essay.pdf", "reader.epub", "reader.pdf"]
    for name in names:
        assert (clones[0] / name).read_bytes() == (clones[1] / name).read_bytes(), name
    assert modified(clones[0] / "essay.epub") == "2021-03-04T05:06:07Z"
    assert modified(clones[0] / "reader.epub") == "2021-03-04T05:06:07Z"


def test_outside_git_the_front_matter_date_is_used_and_file_times_never(tmp_path):
    epubs = []
    for n, when in ((1, 1_000_000_000), (2, 1_600_000_000)):
        source = write_source(tmp_path / f"copy-{n}", "essay.md", ESSAY.replace("author:", "date: 1867-09-14\nauthor:"))
        touch_all(tmp_path / f"copy-{n}", when)
        assert build_into(tmp_path / f"out-{n}", source, formats=("epub",)).ok
        epubs.append(tmp_path / f"out-{n}" / "essay.epub")
    assert epubs[0].read_bytes() == epubs[1].read_bytes()
    assert modified(epubs[0]) == "1867-09-14T00:00:00Z"


@pytest.mark.parametrize("written, expected", [
    ("1848", "1848-01-01T00:00:00Z"),
    ("February 1848", "1848-01-01T00:00:00Z"),
    ("1917-11", "1917-11-01T00:00:00Z"),
    ("Spring, no year", "1980-01-01T00:00:00Z"),  # the documented fixed date
    (None, "1980-01-01T00:00:00Z"),
])
def test_dates_as_written_and_the_fixed_date(tmp_path, written, expected):
    text = ESSAY if written is None else ESSAY.replace("author:", f'date: "{written}"\nauthor:')
    source = write_source(tmp_path, "essay.md", text)
    assert build_into(tmp_path / "out", source, formats=("epub",)).ok
    assert modified(tmp_path / "out" / "essay.epub") == expected


def test_a_volume_takes_the_newest_date_of_its_manifest_and_texts(tmp_path):
    write_source(tmp_path, "a.md", ESSAY.replace("author:", "date: 1848\nauthor:"))
    write_source(tmp_path, "b.md", ESSAY.replace("author:", "date: 1867-09-14\nauthor:"))
    volume = write_source(tmp_path, "v.toml", 'title = "V"\n\n[[texts]]\nsource = "a.md"\n\n[[texts]]\nsource = "b.md"\n')
    assert build_into(tmp_path / "out", volume, formats=("epub",)).ok
    assert modified(tmp_path / "out" / "v.epub") == "1867-09-14T00:00:00Z"


def test_source_date_epoch_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    source = write_source(tmp_path, "essay.md", ESSAY.replace("author:", "date: 1848\nauthor:"))
    assert build_into(tmp_path / "out", source, formats=("epub",)).ok
    assert modified(tmp_path / "out" / "essay.epub") == "2023-11-14T22:13:20Z"
