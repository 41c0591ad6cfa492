"""Outputs are written atomically: a build killed at any moment leaves the previous complete file or
none, never a partial one, and the next run cleans up the temporary files it left."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, SEED, build_into, write_source
from octavo.atomic import TMP_MARK, atomic_output, clean_stale
from octavo.cache import FOLDER as CACHE


def is_temporary(path: Path) -> bool:
    return TMP_MARK in path.name


def assert_complete(path: Path) -> None:
    """A complete EPUB is a zip with mimetype and an OPF; a complete PDF ends with %%EOF and opens."""
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            assert names[0] == "mimetype" and z.read("mimetype") == b"application/epub+zip"
            assert any(n.endswith(".opf") for n in names)
            assert z.testzip() is None
    elif path.suffix == ".pdf":
        assert path.read_bytes().rstrip().endswith(b"%%EOF"), f"{path.name} is cut short"
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) > 0
    else:
        pytest.fail(f"unexpected file in output/: {path.name}")


def finished_outputs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not is_temporary(p) and p.name != CACHE) if folder.is_dir() else []


def make_project(root: Path) -> Path:
    sources = root / "sources"
    sources.mkdir(parents=True)
    shutil.copy(SEED, sources / SEED.name)
    for n in range(1, 5):
        paragraphs = "\n\n".join(f"Paragraph {i} of text {n}, long enough to fill a line or two. " * 3
                                 for i in range(40))
        write_source(sources, f"text-{n}.md", f"---\ntitle: Text {n}\n---\n\n# Part one\n\n{paragraphs}\n")
    return root


def start_build(project: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-q", "--force"], cwd=project,  # write again
                            start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_build(project: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "-q"], cwd=project, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def file_states(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each file in the folder with what a write changes: (inode, size, modification time)."""
    states = {}
    for entry in os.scandir(folder) if folder.is_dir() else ():
        if entry.name == CACHE:
            continue
        try:
            stat = entry.stat()
        except FileNotFoundError:  # a temporary file renamed or removed since the listing
            continue
        states[entry.name] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    return states


def kill_at_nth_write(project: Path, n: int) -> bool:
    """Start a build and kill it, workers included, the moment it has touched n files in output/.

    A file is touched when it appears or changes: a temporary file being written, or an output
    renamed into place (or written in place, if atomic writing were broken). Returns whether the
    kill landed while an output was being written, that is, whether a temporary file of this build
    survived it: a write that finishes renames its temporary file and one that fails removes it.
    """
    output = project / "output"
    before = file_states(output)
    proc = start_build(project)
    touched: set[str] = set()
    while len(touched) < n and proc.poll() is None:
        touched |= {name for name, state in file_states(output).items() if before.get(name) != state}
        time.sleep(0.002)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the build and the worker processes it started
    except ProcessLookupError:  # the build ended before its n-th write
        pass
    proc.wait(timeout=60)
    return any(is_temporary(Path(name)) and name not in before for name in file_states(output))


@pytest.mark.slow
def test_a_build_killed_while_writing_never_leaves_a_partial_file(tmp_path):
    """Builds of 5 texts (10 outputs) are killed just as they write, early and late in the build.

    Each kill must leave every output complete or absent (none built yet), or complete and still
    there (after a full build). At least one kill in each case must land mid-write, or the test
    proved nothing; a build that wrote outputs in place would leave a partial one here.
    """
    project = make_project(tmp_path / "project")
    output = project / "output"

    landed = []
    for n in (1, 4, 9):  # with nothing built yet: each file is complete or absent
        landed.append(kill_at_nth_write(project, n))
        for path in finished_outputs(output):
            assert_complete(path)
    assert any(landed), "no kill landed while an output was being written"

    run_build(project)
    expected = finished_outputs(output)
    assert len(expected) == 10
    landed = []
    for n in (1, 2, 6, 12):  # after a complete build: each file is still there and complete
        landed.append(kill_at_nth_write(project, n))
        assert finished_outputs(output) == expected
        for path in expected:
            assert_complete(path)
    assert any(landed), "no kill landed while an output was being written over a previous one"

    # The next run removes whatever temporary files the killed builds left.
    run_build(project)
    assert not [p for p in output.iterdir() if is_temporary(p)]
    for path in finished_outputs(output):
        assert_complete(path)


def test_a_rebuild_puts_a_new_file_in_place_of_each_output_and_never_writes_over_the_old_one(tmp_path):
    """A reader still holding the previous book (here: a hard link to it) keeps it whole and unchanged.

    Writing an output in place, or copying a finished file over it, would change the held book.
    """
    source = write_source(tmp_path, "book.md", "---\ntitle: Book\n---\n\nThe first edition.\n")
    output = tmp_path / "output"
    assert build_into(output, source).ok
    held = {}
    for path in finished_outputs(output):
        link = tmp_path / f"held-{path.name}"
        os.link(path, link)
        held[path] = (link, path.read_bytes())
    assert sorted(path.name for path in held) == ["book.epub", "book.pdf"]
    source.write_text("---\ntitle: Book\n---\n\nThe second edition, longer than the first.\n", encoding="utf-8")
    assert build_into(output, source).ok
    for path, (link, previous) in held.items():
        assert link.read_bytes() == previous, f"{path.name} was written over in place"
        assert path.read_bytes() != previous, f"{path.name} was not rebuilt"
        assert_complete(path)


KILLED_MID_WRITE = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, sys.argv[2])
    from pathlib import Path
    from octavo.atomic import atomic_output
    with atomic_output(Path(sys.argv[1])) as handle:
        handle.write(b"%PDF-1.7 the first half of a new book")
        handle.flush()
        os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_process_killed_while_writing_keeps_the_previous_file_and_the_next_build_cleans_up(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    previous = output / "book.pdf"
    previous.write_bytes(b"the previous complete book")
    proc = subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, str(previous), str(ROOT)], timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert previous.read_bytes() == b"the previous complete book"
    leftovers = [p for p in output.iterdir() if is_temporary(p)]
    assert len(leftovers) == 1 and leftovers[0].read_bytes().startswith(b"%PDF-1.7 the first half")
    source = write_source(tmp_path, "book.md", "---\ntitle: Book\n---\n\nText.\n")
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), str(source), "--format", "epub", "-o", str(output)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in output.iterdir() if p.name != CACHE) == ["book.epub", "book.pdf"]


def test_an_interrupted_write_leaves_the_previous_file_and_no_temporary_file(tmp_path):
    dest = tmp_path / "book.epub"
    dest.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_output(dest) as handle:
            handle.write(b"half")
            raise KeyboardInterrupt
    assert dest.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.epub"]


STILL_WRITING = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[2])
    from pathlib import Path
    from octavo.atomic import atomic_output
    with atomic_output(Path(sys.argv[1])) as handle:
        handle.write(b"being written")
        handle.flush()
        print("writing", flush=True)
        time.sleep(60)
""")


def test_cleaning_up_spares_the_temporary_file_of_a_build_still_writing(tmp_path):
    dead = tmp_path / f".old.pdf{TMP_MARK}1"  # left by a killed build: nobody holds its lock
    dead.write_bytes(b"left behind")
    writer = subprocess.Popen([sys.executable, "-c", STILL_WRITING, str(tmp_path / "new.pdf"), str(ROOT)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline() == "writing\n"
        live = tmp_path / f".new.pdf{TMP_MARK}{writer.pid}"
        assert clean_stale(tmp_path) == [dead]
        assert live.read_bytes() == b"being written"
    finally:
        writer.kill()
        writer.wait()
    assert clean_stale(tmp_path) == [live], "a killed writer's lock is gone with it"
    assert not os.listdir(tmp_path)
