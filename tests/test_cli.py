"""The command line: lines and summary, -q and -v, --strict, mistakes in templates and styles at
their file and line, --watch, and what an EPUB-only build imports."""
from __future__ import annotations

import io
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEED, assert_epubcheck_clean, ctrl_c_default, interrupt, run_cli, write_source
from octavo.console import Display
from octavo.pipeline import Report, Result

GOOD = "---\ntitle: Good\nauthor: Ann Author\n---\n# One\n\nText.[^1]\n\n[^1]: A note.\n"
WARNED = "---\ntitle: Warned\nauthor: Ann Author\n---\n# One\n\nText with a marker [^9] and no note.\n"


def test_one_line_per_output_written_then_a_summary(tmp_path):
    good = write_source(tmp_path, "good.md", GOOD)
    proc = run_cli(str(good), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"wrote {tmp_path / 'out' / 'good.epub'}", f"wrote {tmp_path / 'out' / 'good.pdf'}",
                                        "1 input: 1 built, 0 unchanged, 0 failed, 0 warnings"]
    again = run_cli(str(good), "-o", str(tmp_path / "out"))
    assert again.stdout.splitlines() == ["1 input: 0 built, 1 unchanged, 0 failed, 0 warnings"]
    verbose = run_cli(str(good), "-o", str(tmp_path / "out"), "-v")
    assert f"unchanged {tmp_path / 'out' / 'good.pdf'}" in verbose.stdout.splitlines()


def test_quiet_prints_errors_and_the_summary_only(tmp_path):
    warned = write_source(tmp_path, "warned.md", WARNED)
    broken = write_source(tmp_path, "broken.md", "---\ntitle: [unclosed\n---\n\nText.\n")
    proc = run_cli(str(warned), str(broken), "-o", str(tmp_path / "out"), "--format", "epub", "-q")
    assert proc.returncode == 1
    assert "warning" not in proc.stderr and f"{broken}:" in proc.stderr and ": error: " in proc.stderr
    assert proc.stdout.splitlines()[-1] == "2 inputs: 1 built, 0 unchanged, 1 failed, 1 warnings"
    assert "wrote" not in proc.stdout


def test_strict_makes_warnings_fail_the_build(tmp_path):
    warned = write_source(tmp_path, "warned.md", WARNED)
    good = write_source(tmp_path, "good.md", GOOD)
    assert run_cli(str(warned), "-o", str(tmp_path / "out"), "--format", "epub").returncode == 0
    strict = run_cli(str(warned), str(good), "-o", str(tmp_path / "out"), "--format", "epub", "--strict")
    assert strict.returncode == 1
    assert f"{warned}: error: 1 warning(s) and --strict: this input fails" in strict.stderr
    assert "2 inputs: 1 built, 0 unchanged, 1 failed, 1 warnings" in strict.stdout  # warned.epub was unchanged
    assert run_cli(str(good), "-o", str(tmp_path / "out"), "--format", "epub", "--strict").returncode == 0


def test_a_template_syntax_error_is_reported_once_at_its_file_and_line(tmp_path):
    templates = tmp_path / "templates" / "epub"
    templates.mkdir(parents=True)
    broken = templates / "section.xhtml"
    broken.write_text((ROOT / "templates" / "epub" / "section.xhtml").read_text().replace("{%", "{% if %}{%", 1))
    line = next(n for n, text in enumerate(broken.read_text().splitlines(), 1) if "{% if %}" in text)
    sources = [write_source(tmp_path, f"s{n}.md", GOOD) for n in range(3)]
    proc = run_cli(*map(str, sources), "-o", str(tmp_path / "out"), "--format", "epub", "--templates",
                   str(tmp_path / "templates"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "internal" not in proc.stderr
    errors = [l for l in proc.stderr.splitlines() if ": error: " in l]
    assert errors == [f"{broken}:{line}: error: template syntax error: Expected an expression, got 'end of "
                      "statement block' [template.syntax]"]
    assert "3 inputs: 0 built, 0 unchanged, 3 failed" in proc.stdout


def test_a_template_error_while_rendering_names_the_template_line(tmp_path):
    templates = tmp_path / "templates" / "epub"
    templates.mkdir(parents=True)
    (templates / "titlepage.xhtml").write_text('{% extends "epub/base.xhtml" %}\n{% block content %}\n'
                                               "<p>{{ meta.no_such_field.upper() }}</p>\n{% endblock %}\n")
    source = write_source(tmp_path, "s.md", GOOD)
    proc = run_cli(str(source), "-o", str(tmp_path / "out"), "--format", "epub", "--templates", str(tmp_path / "templates"))
    assert proc.returncode == 1 and "internal" not in proc.stderr
    assert re.search(rf"^{re.escape(str(templates / 'titlepage.xhtml'))}:3: error: template error: .*no_such_field.* "
                     r"\[template.error\]$", proc.stderr, re.M), proc.stderr


def test_a_stylesheet_syntax_error_is_reported_at_its_file_and_line(tmp_path):
    """EPUBCheck rejects a book whose stylesheet does not parse: the build stops before writing one."""
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "epub.css").write_text("p { text-indent: 1em; }\n\nh1 { color: red;\n}\n}\nh2 { margin: 0 }\n")
    source = write_source(tmp_path, "s.md", GOOD)
    proc = run_cli(str(source), "-o", str(tmp_path / "out"), "--format", "epub", "--styles", str(styles))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert [l for l in proc.stderr.splitlines() if ": error: " in l] == [
        f"{styles / 'epub.css'}:5: error: CSS syntax error: Unmatched }} [style.syntax]"]
    assert not (tmp_path / "out" / "s.epub").exists()
    (styles / "epub.css").write_text("p { text-indent: 1em; }\n")
    fixed = run_cli(str(source), "-o", str(tmp_path / "out"), "--format", "epub", "--styles", str(styles))
    assert fixed.returncode == 0, fixed.stderr
    assert_epubcheck_clean(tmp_path / "out" / "s.epub")


def test_the_summary_is_a_table_on_a_terminal():
    out = io.StringIO()
    display = Display(out=out, err=io.StringIO(), terminal=True)
    report = Report([Result(Path("a.md")), Result(Path("b.md"), unchanged=True), Result(Path("c.md"))])
    display.summary(report)
    lines = out.getvalue().splitlines()
    header = next(l for l in lines if "built" in l)
    assert re.findall(r"\w+", header) == ["built", "unchanged", "failed", "warnings"]
    assert re.findall(r"\d+", lines[lines.index(header) + 2]) == ["2", "1", "0", "0"]


def test_version_and_console_command_name():
    from octavo import __version__

    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"build.py {__version__}"


def test_an_epub_only_build_never_imports_weasyprint_or_its_font_stack(tmp_path):
    check = (
        "import sys\n"
        "from octavo.cli import main\n"
        f"status = main([{str(SEED)!r}, '-o', {str(tmp_path)!r}, '--format', 'epub', '-j', '1', '-q'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'weasyprint', 'pydyf', 'fontTools', 'tinycss2', 'cssselect2', 'pyphen', 'tinyhtml5', 'cffi'})\n"
        "print(status, heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.stdout.splitlines()[-1] == "0 []", proc.stdout + proc.stderr


@pytest.mark.slow
def test_watch_rebuilds_on_change_and_keeps_running_through_errors(tmp_path):
    source = write_source(tmp_path / "src", "essay.md", GOOD)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), str(source), "-o", str(out), "--format", "epub",
                             "-j", "1", "--watch"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=ctrl_c_default)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l.rstrip("\n")) for l in proc.stdout], daemon=True).start()
    seen: list[str] = []

    def wait_for(text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert proc.poll() is None, "watch stopped:\n" + "\n".join(seen)
                continue
            seen.append(line)
            if text in line:
                return
        pytest.fail(f"no '{text}' in:\n" + "\n".join(seen))

    def edit_until(text: str, expected: str) -> None:
        """Write the source (again, should the watcher not have been listening yet) until the build says so."""
        for _ in range(30):
            source.write_text(text)
            try:
                wait_for(expected, timeout=4)
                return
            except pytest.fail.Exception:
                continue
        pytest.fail(f"no '{expected}' after editing:\n" + "\n".join(seen))

    try:
        wait_for("1 input: 1 built")
        wait_for("watching")
        edit_until(GOOD.replace("Text.", "Text, changed."), "1 input: 1 built")
        edit_until("---\ntitle: [unclosed\n---\n\nText.\n", "1 input: 0 built, 0 unchanged, 1 failed")
        edit_until(GOOD.replace("Text.", "Text, fixed."), "1 input: 1 built")
        assert b"Text, fixed." in b"".join(__import__("zipfile").ZipFile(out / "essay.epub").read(n)
                                            for n in __import__("zipfile").ZipFile(out / "essay.epub").namelist())
    finally:
        interrupt(proc)
    assert proc.returncode is not None and "Traceback" not in "\n".join(seen)


def codes_used() -> set[str]:
    """Every diagnostic code written in octavo/: the code argument of warn/error/add/_report calls
    and of Diagnostic(level, code, ...), and the preflight's Finding(code, ...)."""
    import ast

    pattern = re.compile(r"^[a-z]+(\.[a-z][a-z-]*)+$|^internal$")
    found = set()
    for path in (ROOT / "octavo").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            position = {"warn": 0, "error": 0, "info": 0, "add": 0, "_report": 0, "Diagnostic": 1, "Finding": 0}.get(name)
            if position is None or len(node.args) <= position:
                continue
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and pattern.match(arg.value):
                found.add(arg.value)
    return found


def test_every_diagnostic_code_is_documented():
    documented = set(re.findall(r"^\| `([a-z.-]+)` \|", (ROOT / "docs" / "diagnostics.md").read_text(), re.M))
    used = codes_used()
    assert len(used) > 40, "the scan finds the codes"
    assert not used - documented, f"codes missing from docs/diagnostics.md: {sorted(used - documented)}"
    assert not documented - used, f"docs/diagnostics.md lists codes Octavo no longer uses: {sorted(documented - used)}"
    assert "docs/diagnostics.md" in (ROOT / "README.md").read_text()
