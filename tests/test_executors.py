"""Where inputs are built: local worker processes (a crash fails only its input), shards, a Dask cluster."""
from __future__ import annotations

import contextlib

import faulthandler
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, assert_epubcheck_clean, build_into, needs_corpus, run_cli, write_source
from octavo.pipeline import Events, build
from octavo.config import Config


def small_sources(folder: Path, count: int) -> list[Path]:
    return [write_source(folder, f"text-{n}.md", f"---\ntitle: Text {n}\n---\n\n# One\n\nBody {n}.[^1]\n\n"
                         f"[^1]: Note {n}.\n") for n in range(count)]


def big_source(folder: Path) -> Path:
    paragraphs = "\n\n".join(f"Paragraph {i}, long enough to be a real paragraph of a real text. " * 4
                             for i in range(3000))
    return write_source(folder, "big.md", f"---\ntitle: Big\n---\n\n# Big\n\n{paragraphs}\n")


@pytest.fixture
def quiet_faults():
    """Workers forked without pytest's fault handler: the SIGSEGV this test sends on purpose would
    otherwise print "Fatal Python error: Segmentation fault" and a stack into the log, which reads
    like a real crash of the suite. (Octavo itself installs no fault handler.)"""
    enabled = faulthandler.is_enabled()
    faulthandler.disable()
    yield
    if enabled:
        faulthandler.enable()


@pytest.mark.parametrize("sig", [pytest.param(signal.SIGKILL, marks=pytest.mark.slow), signal.SIGSEGV])
def test_a_worker_that_dies_fails_only_its_input(tmp_path, sig, quiet_faults):
    """The worker given the largest input (scheduled first) is killed as it starts on it: that input
    fails with build.crashed, naming the signal; a fresh worker builds every other input."""
    small = small_sources(tmp_path / "src", 5)
    big = big_source(tmp_path / "src")
    killed = []

    def started(path: Path, pid: int | None) -> None:
        assert pid is not None, "local workers report their process"
        if path == big and not killed:
            os.kill(pid, sig)
            killed.append(pid)

    config = Config(inputs=(*small, big), output=tmp_path / "out", formats=("epub",), jobs=2)
    report = build(config, Events(started=started))
    assert killed
    by_input = {r.input: r for r in report.results}
    crashed = by_input[big]
    assert not crashed.ok and [d.code for d in crashed.diagnostics] == ["build.crashed"]
    assert signal.Signals(sig).name in crashed.diagnostics[0].message
    assert all(by_input[p].ok for p in small), [str(d) for r in report.results for d in r.diagnostics]
    assert [r.input for r in report.results] == [*small, big], "results keep the order of the inputs"
    assert_epubcheck_clean(*(tmp_path / "out" / f"{p.stem}.epub" for p in small))
    assert not (tmp_path / "out" / "big.epub").exists()


def test_the_largest_inputs_are_built_first(tmp_path):
    small = small_sources(tmp_path / "src", 3)
    big = big_source(tmp_path / "src")
    order = []
    build(Config(inputs=(*small, big), output=tmp_path / "out", formats=("epub",), jobs=1),
          Events(started=lambda path, pid: order.append(path)))
    assert order[0] == big and sorted(order) == sorted([*small, big])


def test_shards_build_every_nth_input_and_together_build_all(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    sources = small_sources(tmp_path / "src", 5)
    whole = build_into(tmp_path / "whole", *sources, formats=("epub",))
    shards = [build_into(tmp_path / "shards", *sources, formats=("epub",), shard=(k, 2)) for k in (1, 2)]
    assert [r.input for r in shards[0].results] == sources[0::2]
    assert [r.input for r in shards[1].results] == sources[1::2]
    for source in sources:
        name = f"{source.stem}.epub"
        assert (tmp_path / "shards" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    assert whole.ok and all(s.ok for s in shards)


def test_shard_and_executor_are_checked_on_the_command_line(tmp_path):
    source = small_sources(tmp_path, 1)[0]
    for bad in (["--shard", "3/2"], ["--shard", "0/2"], ["--shard", "x"], ["--executor", "localhost:8786"]):
        proc = run_cli(str(source), "-o", str(tmp_path / "out"), *bad)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, bad


def test_an_unreachable_cluster_fails_the_inputs_with_a_diagnostic(tmp_path):
    pytest.importorskip("distributed")
    source = small_sources(tmp_path, 1)[0]
    proc = run_cli(str(source), "-o", str(tmp_path / "out"), "--executor", f"dask://127.0.0.1:{_free_port()}")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "error: not built: cannot reach the Dask scheduler at dask://127.0.0.1:" in proc.stderr
    assert "[build.executor]" in proc.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the scheduler died"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail("the Dask scheduler did not start")


@contextlib.contextmanager
def dask_cluster(workdir: Path, env: dict, workers: int = 1):
    """A local Dask scheduler and ``workers`` workers (separate processes working in ``workdir``):
    yields the scheduler's port; stopped, and killed if need be, afterwards."""
    dask = shutil.which("dask") or str(Path(sys.executable).with_name("dask"))
    port = _free_port()
    workdir.mkdir(exist_ok=True)
    cluster = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                 "--no-dashboard"], cwd=workdir, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        _wait_for_port(port, cluster[0])
        for n in range(workers):
            cluster.append(subprocess.Popen([dask, "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1",
                                             "--no-dashboard", "--local-directory", str(workdir / f"w{n}")],
                                            cwd=workdir, env=env, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
        yield port
    finally:
        for proc in reversed(cluster):
            proc.terminate()
        for proc in cluster:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.mark.slow
def test_a_dask_cluster_builds_what_one_process_builds(tmp_path):
    """A local scheduler and two workers (separate processes, another working folder) build part of
    the corpus plus a volume; the books are byte-identical to a -j 1 build."""
    pytest.importorskip("distributed")
    needs_corpus()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "SOURCE_DATE_EPOCH": "1700000000"}
    with dask_cluster(tmp_path / "workers", env, workers=2) as port:
        inputs = [CORPUS / name for name in ("marx-capital-v1-ch26.md", "marx-capital-v1-ch01.md",
                                             "dickinson-poems-three-series.md")]
        inputs.append(ROOT / "volumes" / "reader.toml")
        args = [*map(str, inputs), "--format", "epub"]
        local = subprocess.run([sys.executable, str(ROOT / "build.py"), *args, "-o", str(tmp_path / "local"),
                                "-j", "1"], env=env, capture_output=True, text=True, timeout=600)
        assert local.returncode == 0, local.stderr
        remote = subprocess.run([sys.executable, str(ROOT / "build.py"), *args, "-o", "out",
                                 "--executor", f"dask://127.0.0.1:{port}"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=600)
        assert remote.returncode == 0, remote.stdout + remote.stderr
        books = sorted(p.name for p in (tmp_path / "local").glob("*.epub"))
        assert len(books) == len(inputs)
        for name in books:
            assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
        assert "4 inputs: 4 built" in remote.stdout
