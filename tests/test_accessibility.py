"""Accessibility: DAISY Ace finds no issue in the books Octavo makes.

Ace needs Node.js packages (`npm ci` in tools/ace) and a Chromium; CI installs both. Elsewhere
the test is skipped when they are missing; in CI (CI=true) a missing tool is a failure, so a
lost install step cannot hide behind a skip.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT

ACE = ROOT / "tools" / "ace" / "node_modules" / ".bin" / "ace-cli"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def ace_issues(epub, out) -> list[str]:
    if not (ACE.exists() and CHROMIUM):
        message = "DAISY Ace is not installed (run `npm ci` in tools/ace, and install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    proc = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(out), str(epub)],
                          capture_output=True, text=True, env=env, timeout=600)
    report = out / "report.json"
    assert report.exists(), proc.stdout + proc.stderr
    data = json.loads(report.read_text())
    issues = []
    for doc in data.get("assertions", []):
        for check in doc.get("assertions", []):
            result = check["earl:result"]
            issues.append(f"{doc['earl:testSubject']['url']}: {check['earl:test']['dct:title']}: "
                          f"{result.get('dct:description', '')[:200]}")
    return issues


@pytest.mark.slow
def test_seed_epub_has_no_accessibility_issues(seed_build, tmp_path):
    _, epub, _ = seed_build
    assert ace_issues(epub, tmp_path / "ace") == []


ACE_SAMPLER = [  # tables, headings with notes, a text inside a quote, verse, Chinese, grid tables, French verse, Russian
    "marx-capital-v1-ch10.md", "lenin-theses-national-colonial-1920.md",
    "kollontai-international-womens-day-1920.md", "dickinson-poems-three-series.md", "luxun-yijian-xiaoshi.md",
    "mia-selected-marxists-index.md", "boileau-art-poetique.md", "marx-engels-manifest-ru.md",
]


@pytest.mark.slow
def test_corpus_sampler_volume_has_no_accessibility_issues(tmp_path):
    """One volume of the corpus's hardest structures, so one Ace run covers them all."""
    from conftest import CORPUS, build_into

    if not CORPUS.is_dir():
        pytest.skip("no corpus at ../shared/corpus")
    manifest = tmp_path / "sampler.toml"
    manifest.write_text('title = "Accessibility sampler"\nlanguage = "en"\n' + "".join(
        f'[[texts]]\nsource = "{(CORPUS / name).as_posix()}"\n' for name in ACE_SAMPLER), encoding="utf-8")
    report = build_into(tmp_path / "out", manifest, formats=("epub",))
    assert report.ok, [str(d) for d in report.results[0].diagnostics if d.level == "error"]
    assert ace_issues(tmp_path / "out" / "sampler.epub", tmp_path / "ace") == []
