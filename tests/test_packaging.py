"""The installable tool: a wheel carries the templates, styles and the EPUBCheck runner, installs an
``octavo`` command, and builds books from any folder."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SEED, assert_epubcheck_clean
from octavo import __version__


def project_copy(dest: Path) -> Path:
    """What the wheel is built from (a copy: building writes build/ and *.egg-info into the tree)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("octavo", "templates", "styles"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    return dest


@pytest.mark.slow
def test_the_wheel_installs_a_tool_that_builds_from_another_folder(tmp_path):
    src = project_copy(tmp_path / "src")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOURCE_DATE_EPOCH")}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(src)],
                   check=True, env=env, timeout=600)
    wheel = next((tmp_path / "dist").glob("octavo-*.whl"))
    assert wheel.name.startswith(f"octavo-{__version__}-")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        entry_points = z.read(f"octavo-{__version__}.dist-info/entry_points.txt").decode()
    shipped = {f"octavo/templates/{p.relative_to(ROOT / 'templates')}" for p in (ROOT / "templates").rglob("*") if p.is_file()}
    shipped |= {f"octavo/styles/{p.name}" for p in (ROOT / "styles").glob("*.css")}
    assert shipped and shipped <= names, sorted(shipped - names)
    assert "octavo/EpubcheckBatch.java" in names
    assert "octavo = octavo.cli:main" in entry_points

    venv = tmp_path / "venv"  # system packages stand in for the dependencies: no downloads
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    python, octavo = venv / "bin" / "python", venv / "bin" / "octavo"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index", str(wheel)], check=True, env=env,
                   timeout=600)
    where = subprocess.run([str(python), "-c", "import octavo.resources as r, octavo.validate as v; "
                            "print(r.TEMPLATES); print(r.STYLES); print(v.BATCH_LAUNCHER.is_file())"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert where[0].startswith(str(venv)) and where[1].startswith(str(venv)) and where[2] == "True", where

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(SEED, elsewhere / "essay.md")
    proc = subprocess.run([str(octavo), "essay.md", "-o", "books", "-q"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 input: 1 built" in proc.stdout
    assert (elsewhere / "books" / "essay.pdf").stat().st_size > 10_000
    assert_epubcheck_clean(elsewhere / "books" / "essay.epub")
    version = subprocess.run([str(octavo), "--version"], env=env, capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"octavo {__version__}"
