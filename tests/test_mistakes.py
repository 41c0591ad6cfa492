"""The mistakes people make, and what Octavo says about them: errors that are the user's (a full
disk, an output folder that cannot be written, a folder given as input, an empty source, an
unquoted colon in YAML) are said as what they are, never as Octavo's bug."""
from __future__ import annotations

import errno
import io
from pathlib import Path

import pytest

from conftest import assert_epubcheck_clean, build_into, ctrl_c_default, interrupt, run_cli, write_source
from octavo import atomic, pipeline

GOOD = "---\ntitle: Good\nauthor: Ann Author\n---\n\n# One\n\nText.\n"


def _diagnostics(report) -> list[str]:
    return [str(d) for r in report.results for d in r.diagnostics] + [str(d) for d in report.problems]


# --- a full disk ------------------------------------------------------------------------------------

class _FullDisk(io.BufferedWriter):
    """A file on a disk with no space left: every write fails as the kernel says it."""

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_is_said_as_such_naming_the_file_and_the_previous_file_is_kept(tmp_path, monkeypatch):
    source = write_source(tmp_path, "good.md", GOOD)
    out = tmp_path / "out"
    out.mkdir()
    (out / "good.epub").write_bytes(b"the previous edition")
    monkeypatch.setattr(atomic, "_open", lambda path: _FullDisk(io.FileIO(path, "wb")))
    report = build_into(out, source, formats=("epub",))
    assert not report.ok
    said = _diagnostics(report)
    assert said == [f"{source}: error: cannot write {out / 'good.epub'}: the disk is full (no space left on device); "
                    "the previous good.epub is left as it was [output.write]"]
    assert (out / "good.epub").read_bytes() == b"the previous edition"
    assert [p.name for p in out.iterdir() if atomic.TMP_MARK in p.name] == []


def test_a_full_disk_with_no_previous_file_says_nothing_was_written(tmp_path, monkeypatch):
    source = write_source(tmp_path, "good.md", GOOD)
    out = tmp_path / "out"
    monkeypatch.setattr(atomic, "_open", lambda path: _FullDisk(io.FileIO(path, "wb")))
    report = build_into(out, source, formats=("epub",))
    assert _diagnostics(report) == [f"{source}: error: cannot write {out / 'good.epub'}: the disk is full (no space "
                                    "left on device); nothing was written there [output.write]"]
    assert not (out / "good.epub").exists()


def test_a_folder_where_an_output_goes_is_said_as_such(tmp_path):
    source = write_source(tmp_path, "good.md", GOOD)
    (tmp_path / "out" / "good.epub").mkdir(parents=True)
    report = build_into(tmp_path / "out", source, formats=("epub",))
    assert _diagnostics(report) == [f"{source}: error: cannot write {tmp_path / 'out' / 'good.epub'}: a folder of "
                                    "that name is in the way; nothing was written there [output.write]"]


# --- an output folder that cannot be written ---------------------------------------------------------

def _no_layout(monkeypatch):
    def laid_out(*args, **kwargs):
        raise AssertionError("the book was laid out although its folder cannot be written")
    monkeypatch.setattr(pipeline, "write_book", laid_out)


def test_an_output_folder_the_user_may_not_write_in_is_found_before_layout(tmp_path, monkeypatch):
    source = write_source(tmp_path, "good.md", GOOD)
    out = tmp_path / "out"

    def refused(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))
    monkeypatch.setattr(atomic, "_open", refused)
    _no_layout(monkeypatch)
    report = build_into(out, source)
    assert [str(d) for d in report.problems] == [
        f"{out}: error: cannot write the books into this folder: permission denied (choose another with -o DIR) "
        "[output.folder]"]
    assert [(r.input, [d.code for d in r.diagnostics]) for r in report.results] == [(source, ["build.skipped"])]
    assert report.results[0].diagnostics[0].message == "not built: the output folder cannot be written (above)"


def test_an_output_folder_that_is_a_file_is_said_once_on_the_command_line(tmp_path):
    source = write_source(tmp_path, "good.md", GOOD)
    taken = write_source(tmp_path, "notes.txt", "a file, not a folder\n")
    proc = run_cli(str(source), "-o", str(taken / "books"), "--format", "epub", "-j", "1")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"{taken / 'books'}: error: cannot write the books into this folder: a file "
                                        "stands in its path (choose another with -o DIR) [output.folder]"]
    assert proc.stdout.splitlines() == [f"FAILED {source}: not built: the output folder cannot be written (above)",
                                        "1 input: 0 built, 0 unchanged, 1 failed, 0 warnings"]
    assert "Traceback" not in proc.stderr and "please report" not in proc.stderr


# --- a folder as input --------------------------------------------------------------------------------

def test_a_folder_given_as_input_builds_its_sources_and_volumes(tmp_path):
    folder = tmp_path / "texts"
    write_source(folder, "alone.md", GOOD.replace("Good", "Alone"))
    write_source(folder, "chapter.md", GOOD.replace("Good", "Chapter"))
    write_source(folder, "reader.toml", 'title = "Reader"\n[[texts]]\nsource = "chapter.md"\n')
    out = tmp_path / "out"
    proc = run_cli(str(folder), "-o", str(out), "--format", "epub", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    # chapter.md is a text of reader.toml: it is built as part of the volume, not as a book of its own
    assert sorted(p.name for p in out.glob("*.epub")) == ["alone.epub", "reader.epub"]


def test_a_folder_with_nothing_to_build_says_it_is_a_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_cli(str(empty), "-o", str(tmp_path / "out"), "--format", "epub", "-j", "1")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"{empty}: error: this is a folder with no Markdown source (.md) or volume "
                                        "manifest (.toml) in it [input.folder]"]


# --- empty sources, colons in YAML ----------------------------------------------------------------------

def test_an_empty_source_and_one_with_front_matter_only_are_warnings_that_name_them(tmp_path):
    empty = write_source(tmp_path, "empty.md", "")
    bare = write_source(tmp_path, "bare.md", "---\ntitle: Only a title\n---\n\n   \n")
    proc = run_cli(str(empty), str(bare), "-o", str(tmp_path / "out"), "--format", "epub", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert f"{empty}: warning: this source has no text: the file is empty; the book has a title page and nothing " \
           "else [source.empty]" in lines
    assert f"{bare}: warning: this source has no text: it has front matter but no text after it; the book has a " \
           "title page and nothing else [source.empty]" in lines
    full = run_cli(str(write_source(tmp_path, "full.md", GOOD)), "-o", str(tmp_path / "out"), "--format", "epub")
    assert "source.empty" not in full.stderr


@pytest.mark.parametrize("line, quoted", [
    ("title: Capital: A Critique", 'title: "Capital: A Critique"'),
    ('subtitle: Book One: "The Process"', 'subtitle: "Book One: \\"The Process\\""'),
])
def test_an_unquoted_colon_in_a_yaml_value_suggests_quoting_it_at_its_line(tmp_path, line, quoted):
    source = write_source(tmp_path, "colon.md", f"---\nauthor: Karl Marx\n{line}\n---\n\nText.\n")
    report = build_into(tmp_path / "out", source, formats=("epub",))
    assert _diagnostics(report) == [f"{source}:3: error: front matter is not valid YAML: mapping values are not "
                                    f"allowed here; a value with ': ' in it must be quoted: {quoted} "
                                    "[frontmatter.yaml]"]


# --- noise a user cannot act on ---------------------------------------------------------------------------

SEED_BYLINE = ("sources/stalin-trotskyism-or-leninism-1924.md:251: warning: removed the byline 'By J. V. Stalin' "
               "under the notes heading: it repeats the author's name, which the title page prints [notes.byline]")
SEED_MARKERS = ("sources/stalin-trotskyism-or-leninism-1924.md:62: warning: note markers [1]...[9] have no note; "
                "kept as written: lines 62, 64, 66, 89, 102, 128, 132 [notes.undefined]")


def test_the_seeds_nine_markers_are_one_line_printed_once_for_the_text_and_its_volume(tmp_path):
    proc = run_cli("sources/stalin-trotskyism-or-leninism-1924.md", "volumes/reader.toml", "-o", str(tmp_path),
                   "--format", "epub", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [SEED_MARKERS, SEED_BYLINE]
    assert proc.stdout.splitlines()[-1] == "2 inputs: 2 built, 0 unchanged, 0 failed, 10 warnings"


def test_verbose_lists_each_finding(tmp_path):
    proc = run_cli("sources/stalin-trotskyism-or-leninism-1924.md", "-o", str(tmp_path), "--format", "epub", "-v")
    lines = proc.stderr.splitlines()
    assert len(lines) == 10 and lines[-1] == SEED_BYLINE
    lines = lines[:-1]
    assert lines[0] == ("sources/stalin-trotskyism-or-leninism-1924.md:62: warning: note marker [1] has no note; "
                        "kept as written [notes.undefined]")
    assert lines[-1] == ("sources/stalin-trotskyism-or-leninism-1924.md:132: warning: note marker [9] has no note; "
                         "kept as written [notes.undefined]")


def test_korschs_links_outside_the_book_are_one_line(tmp_path):
    from conftest import CORPUS, needs_corpus

    needs_corpus()
    korsch = CORPUS / "korsch-marxism-and-philosophy-1923.md"
    proc = run_cli(str(korsch), "-o", str(tmp_path), "--format", "epub")
    outside = [line for line in proc.stderr.splitlines() if line.endswith("[links.outside]")]
    # (the archive header's link at line 13, "Andy Blunden", goes to the credits with its header, as text)
    assert outside == [f"{korsch}:25: warning: 24 links point outside the book and no originalSource is known to "
                       "resolve them; their link texts are kept: lines 25, 30, 44, 46, 199, 412, 569, 605, 614, "
                       "952, 1186, 1373, ... [links.outside]"]


def test_findings_of_one_input_print_in_line_order_and_unlike_findings_stay_apart(tmp_path):
    source = write_source(tmp_path, "order.md", """\
        ---
        title: Order
        author: Ann Author
        ---
        A link to [nowhere](#nowhere) comes first.

        A second [dead end](#dead-end).

        Then a marker [1] with no note, and another [2].
        """)
    proc = run_cli(str(source), "-o", str(tmp_path / "out"), "--format", "epub")
    assert proc.stderr.splitlines() == [
        f"{source}:5: warning: link to '#nowhere' has no target in this text; the link text is kept; and 1 more "
        "like it, line 7 [links.broken]",
        f"{source}:9: warning: note markers [1], [2] have no note; kept as written: line 9 [notes.undefined]",
    ]


# --- a pipe or a log --------------------------------------------------------------------------------------

def test_in_a_log_a_long_book_prints_a_line_now_and_then_until_it_finishes():
    import re
    import time

    from octavo.console import Display
    from octavo.pipeline import Result

    out = io.StringIO()
    display = Display(out=out, err=io.StringIO(), terminal=False, heartbeat=0.2)
    display.started(Path("long.md"), None)
    time.sleep(1.0)
    display.finished(Result(Path("long.md")))
    said = out.getvalue().splitlines()
    time.sleep(0.5)
    display.close()
    assert out.getvalue().splitlines() == said, "lines after the book finished"
    beats = [line for line in said if line.startswith("still building")]
    assert len(beats) >= 2 and all(re.fullmatch(r"still building long\.md \(\d+ s\)", line) for line in beats), said


@pytest.mark.slow
def test_in_a_pipe_each_books_result_is_printed_as_it_finishes(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT, SEED

    small = write_source(tmp_path, "small.md", GOOD)
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), str(SEED), str(small), "-o", str(tmp_path / "out"),
                             "-j", "2"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        first = proc.stdout.readline().rstrip("\n")
        running = proc.poll() is None  # the seed's PDF takes seconds more
    finally:
        rest = proc.communicate(timeout=600)[0]
    assert first == f"wrote {tmp_path / 'out' / 'small.epub'}" and running, first + rest


# --- editions built into one folder ------------------------------------------------------------------------

def test_each_profile_and_paper_has_its_own_names_so_no_edition_overwrites_another(tmp_path):
    source = write_source(tmp_path, "essay.md", GOOD)
    out = tmp_path / "same"
    book = build_into(out, source, formats=("epub",))
    assert [p.name for p in book.results[0].outputs] == ["essay.epub"]
    kept = (out / "essay.epub").read_bytes()
    handout = build_into(out, source, formats=("epub",), profile="handout", paper="A4")
    assert [p.name for p in handout.results[0].outputs] == ["essay-handout.epub"]
    letter = build_into(out, source, formats=("epub",), profile="handout", paper="letter")
    assert [p.name for p in letter.results[0].outputs] == ["essay-handout-letter.epub"]
    a4 = build_into(out, source, formats=("epub",), paper="A4")
    assert [p.name for p in a4.results[0].outputs] == ["essay-a4.epub"]
    assert (out / "essay.epub").read_bytes() == kept, "the book's EPUB was overwritten"
    assert b"para-1" in b"".join(__import__("zipfile").ZipFile(out / "essay-handout.epub").read(n)
                                 for n in __import__("zipfile").ZipFile(out / "essay-handout.epub").namelist())


# --- options that say what they do ------------------------------------------------------------------------

def test_the_styles_help_names_every_style_sheet_a_user_may_override():
    from conftest import ROOT

    helped = " ".join(run_cli("--help").stdout.split())
    sheets = sorted(p.name for p in (ROOT / "styles").glob("*.css"))
    assert {"handout.css", "booklet.css", "print.css"} <= set(sheets)
    assert f"file by file: {', '.join(sheets)}" in helped


def test_a_booklet_of_an_epub_only_build_says_there_is_nothing_to_impose(tmp_path):
    source = write_source(tmp_path, "essay.md", GOOD)
    proc = run_cli(str(source), "--booklet", "--format", "epub", "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == ("build.py: error: --booklet imposes the PDF's pages on sheets; with "
                                            "--format epub there is nothing to impose (use --format pdf or all)")
    assert not (tmp_path / "out").exists()


# --- a volume manifest corrects what an archive download got wrong -----------------------------------------

WRONG = """---
title: "MIA: Chapter 1 (Wrong Title)"
author: Unknown
date: 2001
---

# First section

{body}
"""


def _volume(tmp_path, fields: str) -> Path:
    body = "\n\n".join(f"Paragraph {n} of the text, with enough words in it to fill a line or two of the page. " * 3
                       for n in range(40))
    write_source(tmp_path, "chapter.md", WRONG.format(body=body))
    write_source(tmp_path, "other.md", "---\ntitle: Other\nauthor: Rosa Luxemburg\n---\n\nText.\n")
    return write_source(tmp_path, "reader.toml", f'title = "Reader"\neditors = ["Ann Editor", "Bob Editor"]\n'
                                                 f'[[texts]]\nsource = "chapter.md"\n{fields}\n'
                                                 '[[texts]]\nsource = "other.md"\n')


CORRECTIONS = 'title = "The Right Title"\nauthor = "Karl Marx"\ntranslator = ["Samuel Moore", "Edward Aveling"]\n' \
              'date = "1867"'


def test_a_manifests_title_author_translator_and_date_win_over_the_texts_own(tmp_path):
    import zipfile

    from lxml import etree

    from octavo.readback import OPF_NS, XHTML_NS, epub_opf

    report = build_into(tmp_path / "out", _volume(tmp_path, CORRECTIONS), formats=("epub",))
    assert report.ok, _diagnostics(report)
    epub = tmp_path / "out" / "reader.epub"
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        contents = [" ".join("".join(a.itertext()).split()) for a in nav.iterfind(".//x:nav//x:a", XHTML_NS)]
        credits = " ".join(" ".join(etree.fromstring(z.read("EPUB/colophon.xhtml")).itertext()).split())
        header = " ".join(" ".join(etree.fromstring(z.read("EPUB/c001.xhtml")).itertext()).split())
    assert "The Right Title" in contents and not any("Wrong" in c for c in contents)
    for words in ("The Right Title", "Karl Marx", "Samuel Moore", "Edward Aveling", "1867"):
        assert words in credits and words in header, words
    assert "Wrong" not in credits + header and "Unknown" not in credits + header and "2001" not in credits
    opf = epub_opf(epub)
    creators = [(e.text, e.get("id")) for e in opf.iterfind(".//dc:creator", OPF_NS)]
    assert [name for name, _ in creators] == ["Ann Editor", "Bob Editor"]
    contributors = [e.text for e in opf.iterfind(".//dc:contributor", OPF_NS)]
    assert {"Karl Marx", "Samuel Moore", "Edward Aveling", "Rosa Luxemburg"} <= set(contributors)
    assert "Unknown" not in contributors


@pytest.mark.slow
def test_a_manifests_title_is_the_running_head_of_its_text_in_print_and_the_epub_passes_epubcheck(tmp_path):
    import pypdfium2 as pdfium

    report = build_into(tmp_path / "out", _volume(tmp_path, CORRECTIONS), jobs=1)
    assert report.ok, _diagnostics(report)
    assert_epubcheck_clean(tmp_path / "out" / "reader.epub")
    doc = pdfium.PdfDocument(str(tmp_path / "out" / "reader.pdf"))
    heads, pages = [], []
    for page in doc:
        width, height = page.get_size()
        text = page.get_textpage()
        pages.append(text.get_text_range())
        heads.append(" ".join(text.get_text_bounded(0, height * 0.93, width, height).split()))  # the top band
    assert heads.count("THE RIGHT TITLE") >= 3, heads  # the running heads (small capitals: read back in capitals)
    assert not any("Wrong" in text for text in pages)


@pytest.mark.parametrize("manifest, said", [
    ('title = "R"\n[[texts]]\nsource = "a.md"\ntitel = "X"\n',
     "4: error: unknown key 'titel' in [[texts]]; did you mean 'title'? (known: source, part, title, author, "
     "translator, date) [manifest.unknown]"),
    ('title = "R"\n[[text]]\nsource = "a.md"\n',
     "2: error: unknown key 'text'; did you mean 'texts'? (known: title, subtitle, language, identifier, publisher, "
     "rights, date, metaDescription, description, cover, editor, editors, tags, texts) [manifest.unknown]"),
    ('title = "R"\nedtior = "Ann"\n[[texts]]\nsource = "a.md"\n',
     "2: error: unknown key 'edtior'; did you mean 'editor'? (known: title, subtitle, language, identifier, "
     "publisher, rights, date, metaDescription, description, cover, editor, editors, tags, texts) "
     "[manifest.unknown]"),
    ('title = "R"\ntranslator = "Ann"\n[[texts]]\nsource = "a.md"\n',
     "2: error: unknown key 'translator'; 'translator' is a text's: write it in that text's [[texts]] table (known: "
     "title, subtitle, language, identifier, publisher, rights, date, metaDescription, description, cover, editor, "
     "editors, tags, texts) [manifest.unknown]"),
    ('title = "R"\n[[texts]]\nsource = "a.md"\nauthor = { name = "A" }\n',
     "4: error: 'author' must be a name or a list of names, not a table [manifest.type]"),
])
def test_every_unknown_manifest_key_gets_a_suggestion(tmp_path, manifest, said):
    write_source(tmp_path, "a.md", GOOD)
    path = write_source(tmp_path, "r.toml", manifest)
    report = build_into(tmp_path / "out", path, formats=("epub",))
    assert f"{path}:{said}" in _diagnostics(report)


# --- --watch watches what the build reads ------------------------------------------------------------------

def test_watch_reacts_to_what_the_build_reads_and_to_nothing_else(tmp_path):
    from test_safety import png
    from watchfiles import Change

    from octavo.config import Config
    from octavo.pipeline import build
    from octavo.watch import watched

    src = tmp_path / "src"
    essay = write_source(src, "essay.md", "---\ntitle: Essay\ncover: front.png\n---\n\n![a figure](fig/a.png) and "
                                          "![lost](lost.png)\n")
    (src / "fig").mkdir()
    (src / "fig" / "a.png").write_bytes(png())
    broken = write_source(src, "broken.md", "---\ntitle: [unclosed\n---\n\nText.\n")
    volume = write_source(tmp_path / "vol", "v.toml", 'title = "V"\n[[texts]]\nsource = "../src/broken.md"\n')
    templates, styles = tmp_path / "templates", tmp_path / "styles"
    templates.mkdir(), styles.mkdir()
    config = Config(inputs=(essay, volume), output=src / "out", formats=("epub",), templates=templates, styles=styles)
    report = build(config)
    assert [r.ok for r in report.results] == [True, False]
    what = watched(config, report)

    def sees(path: Path) -> bool:
        return what(Change.modified, str(path))

    for path in (essay, src / "fig" / "a.png", src / "lost.png", src / "front.png", volume, broken, templates / "epub" / "base.xhtml",
                 styles / "epub.css"):
        assert sees(path), f"{path} is read by the build"
    for path in (src / "build.log", src / "notes.txt", src / "other.png", src / "fig" / "b.png",
                 src / ".#essay.md", src / "essay.md~", src / ".essay.md.swp", src / "4913", src / "new.md",
                 src / "out" / "essay.epub", src / "out" / ".octavo-cache" / "essay.epub.json",
                 src / f".essay.epub{atomic.TMP_MARK}12", styles / "README.txt"):
        assert not sees(path), f"{path} is not read by the build"
    assert what.folders() == sorted({src, src / "fig", tmp_path / "vol", templates, styles} - {src / "fig"})


def test_with_no_input_a_new_source_or_manifest_is_seen_but_not_an_editors_files(tmp_path):
    from watchfiles import Change

    from octavo.config import Config
    from octavo.watch import watched

    (tmp_path / "sources").mkdir()
    (tmp_path / "volumes").mkdir()
    what = watched(Config(project=tmp_path, output=tmp_path / "output"))
    assert what(Change.added, str(tmp_path / "sources" / "new.md"))
    assert what(Change.added, str(tmp_path / "volumes" / "new.toml"))
    assert not what(Change.added, str(tmp_path / "sources" / ".#new.md"))
    assert not what(Change.added, str(tmp_path / "sources" / "build.log"))
    assert not what(Change.added, str(tmp_path / "output" / "new.epub"))


@pytest.mark.slow
def test_watch_with_its_log_in_the_watched_folder_builds_once_and_ctrl_c_ends_it_with_status_0(tmp_path):
    import subprocess
    import sys
    import time

    from conftest import ROOT

    src = tmp_path / "src"
    essay = write_source(src, "essay.md", GOOD.replace("Text.", "Text. ![lost](lost.png)"))
    log = src / "build.log"
    with open(log, "w") as handle:
        proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), str(essay), "-o", str(src / "out"),
                                 "--format", "epub", "-j", "1", "--watch"], stdout=handle, stderr=subprocess.STDOUT,
                                preexec_fn=ctrl_c_default)

    def said() -> str:
        return log.read_text()

    def wait_for(text: str, count: int = 1, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while said().count(text) < count:
            assert time.monotonic() < deadline, f"no {count} x '{text}' in:\n{said()}"
            assert proc.poll() is None, said()
            time.sleep(0.2)

    try:
        wait_for("watching")
        time.sleep(3)  # the log has been written to many times by now
        for name in (".#essay.md", "essay.md~", "notes.txt", "other.png"):
            (src / name).write_text("an editor's or another program's file")
        time.sleep(3)
        assert said().count("1 input:") == 1, f"rebuilt for files the build does not read:\n{said()}"
        essay.write_text(GOOD.replace("Text.", "Text, changed."))
        wait_for("1 input: 1 built", count=2)
    finally:
        interrupt(proc)
    assert proc.returncode == 0, said()
    assert "Traceback" not in said() and "KeyboardInterrupt" not in said()
