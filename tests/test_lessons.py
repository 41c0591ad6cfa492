"""Lessons and exercise sheets (issue 22): the boxes people write in Markdown, exercises and their
solutions (--solutions inline|end|omit), command and output blocks, and prose written one clause
per line, which is prose and not verse.

Each syntax has a positive and a negative fixture: a block quotation that is not a callout stays a
quotation, a div whose class names no box keeps its content without a box. The Carpentries'
"Pipes and Filters" episode, in its Workbench and its Jekyll form (../shared/lessons), is the
end-to-end case (slow)."""
from __future__ import annotations

import re
import textwrap
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from octavo import model as m
from pdf_reading import pdf_page_texts
from tests.conftest import CORPUS, assert_epubcheck_clean, build_into, load, needs_corpus, run_cli, write_source

LESSONS = CORPUS.parent / "lessons"
XHTML = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


def boxes(text: m.Text) -> list[m.Callout]:
    return [b for s in text.sections for b in m.walk_blocks(s.blocks) if isinstance(b, m.Callout)]


def title(box: m.Callout) -> str:
    return m.plain_text(box.title)


def words(blocks) -> str:
    return " ".join(m.plain_text(b.inlines) for b in m.walk_blocks(blocks) if isinstance(b, (m.Paragraph, m.Plain)))


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


# --- the four syntaxes ---------------------------------------------------------------------------

def test_pandoc_fenced_divs_are_boxes_nested_to_any_depth(tmp_path):
    text, diagnostics = load(write_source(tmp_path, "divs.md", """
        ---
        title: Divs
        author: Ann Author
        ---
        Before.

        :::::: callout
        ## Why Isn't It Doing Anything? {#waiting}

        It waits for input.

        ::::: challenge
        ## Count the lines

        What does `wc -l` print?

        ```bash
        $ wc -l *.pdb
        :::
        ```

        ::: solution
        The number of lines.
        :::
        :::::
        ::::::

        ::: {.callout-warning title="Data loss"}
        `>` overwrites the file.
        :::

        ::: {.columns}
        A div of no box: its text stays, in place.
        :::

        After: see [the box](#waiting).
        """))
    found = boxes(text)
    assert [(b.kind, title(b)) for b in found] == [
        ("callout", "Why Isn’t It Doing Anything?"), ("exercise", "Count the lines"), ("solution", ""),
        ("warning", "Data loss")]
    callout, exercise, solution, warning = found
    assert exercise in callout.blocks and solution in exercise.blocks  # nested as written
    code = next(b for b in m.walk_blocks(exercise.blocks) if isinstance(b, m.CodeBlock))
    assert code.text == "$ wc -l *.pdb\n:::\n"  # a fence line inside code is code
    assert words(solution.blocks) == "The number of lines."
    assert (solution.blocks[0].where.line, warning.where.line, code.where.line) == (23, 28, 17)  # file lines (the author on line 3)
    body = [b for s in text.sections for b in s.blocks]
    assert [words((b,)) for b in body if isinstance(b, m.Paragraph)] == [
        "Before.", "A div of no box: its text stays, in place.", "After: see the box."]
    link = next(i for b in body if isinstance(b, m.Paragraph) for i in b.inlines if isinstance(i, m.Link))
    assert link.target == callout.id  # the title's {#id} names its box
    assert not any("::" in words((b,)) for b in body if isinstance(b, m.Paragraph))
    assert not [d for d in diagnostics if d.level != "info"], diagnostics


def test_a_fenced_div_never_closed_runs_to_the_end_with_a_warning(tmp_path):
    text, diagnostics = load(write_source(tmp_path, "open.md", """
        ---
        title: Open
        ---
        ::: callout
        Inside.

        Still inside.
        """))
    [box] = boxes(text)
    assert words(box.blocks) == "Inside. Still inside."
    [warning] = [d for d in diagnostics if d.code == "markup.div"]
    assert warning.location.line == 4


def test_kramdown_quotations_with_a_lesson_class_are_boxes_other_quotations_stay_quotations(tmp_path):
    text, diagnostics = load(write_source(tmp_path, "jekyll.md", """
        ---
        title: Jekyll
        ---
        > ## Pipe Construction
        >
        > What does this print?
        >
        > ~~~
        > $ cut -d , -f 2 animals.txt
        > ~~~
        > {: .language-bash}
        >
        > > ## Solution
        > > ~~~
        > > deer
        > > rabbit
        > > ~~~
        > > {: .output}
        > {: .solution}
        {: .challenge}

        > A quotation, written by someone.
        {: .epigraph}

        Between.

        > A plain quotation.
        """))
    [exercise, solution] = boxes(text)
    assert (exercise.kind, title(exercise), solution.kind) == ("exercise", "Pipe Construction", "solution")
    assert solution in exercise.blocks
    command, output = [b for b in m.walk_blocks(exercise.blocks) if isinstance(b, m.CodeBlock)]
    assert (command.role, command.language, command.text) == ("command", "bash", "$ cut -d , -f 2 animals.txt\n")
    assert (output.role, output.text) == ("output", "deer\nrabbit\n")
    quotations = [b for s in text.sections for b in s.blocks if isinstance(b, m.Quotation)]
    assert [words(q.blocks) for q in quotations] == ["A quotation, written by someone.", "A plain quotation."]
    # the classes the parser reads are not warned about; the decoration it cannot use still is
    assert [d.location.line for d in diagnostics if d.code == "dialect.kramdown"] == [23]


@pytest.mark.parametrize("marker,kind", [("NOTE", "note"), ("TIP", "tip"), ("IMPORTANT", "important"),
                                         ("WARNING", "warning"), ("CAUTION", "caution")])
def test_github_alerts_are_boxes(tmp_path, marker, kind):
    text, _ = load(write_source(tmp_path, "alert.md", f"""
        ---
        title: Alerts
        ---
        > [!{marker}]
        > Useful information.

        Between.

        > [!{marker}] is what GitHub reads only alone on its line.

        Between.

        > [!UNKNOWN]
        > Not an alert.
        """))
    [box] = boxes(text)
    assert box.kind == kind and title(box) == "" and words(box.blocks) == "Useful information."
    quotations = [b for s in text.sections for b in s.blocks if isinstance(b, m.Quotation)]
    assert len(quotations) == 2


def test_admonitions_and_collapsible_details_are_boxes(tmp_path):
    text, _ = load(write_source(tmp_path, "admonitions.md", """
        ---
        title: Admonitions
        ---
        !!! note "Before you start"
            Open a terminal.

            Then type.

        ??? tip
            Press Tab to complete.

        ???+ danger "Careful"
            `rm` does not ask.

        Wow!!! note this line: it is prose.
        """))
    assert [(b.kind, title(b), words(b.blocks)) for b in boxes(text)] == [
        ("note", "Before you start", "Open a terminal. Then type."), ("tip", "", "Press Tab to complete."),
        ("warning", "Careful", "rm does not ask.")]
    assert words(text.sections[0].blocks[-1:]) == "Wow!!! note this line: it is prose."


def test_front_matter_lists_of_lessons_are_boxes_at_the_start_and_the_end(tmp_path):
    text, diagnostics = load(write_source(tmp_path, "lesson.md", """
        ---
        title: "Pipes"
        author: Ann Author
        teaching: 25
        exercises: 10
        questions:
        - "How can I combine existing commands?"
        objectives:
        - "Redirect a command's output to a file."
        - "Construct command pipelines."
        keypoints:
        - "`wc` counts lines, words, and characters."
        ---
        The text.
        """))
    blocks = [b for s in text.sections for b in s.blocks]
    assert [b.kind for b in blocks if isinstance(b, m.Callout)] == ["objectives", "questions", "keypoints"]
    assert isinstance(blocks[0], m.Callout) and isinstance(blocks[-1], m.Callout)
    assert words(blocks[0].blocks) == "Redirect a command’s output to a file. Construct command pipelines."
    assert words(blocks[-1].blocks) == "wc counts lines, words, and characters."
    assert not [d for d in diagnostics if d.code.startswith("frontmatter")], diagnostics


# --- exercises and solutions ---------------------------------------------------------------------

SHEET = """
    ---
    title: Sheet
    author: Ann Author
    ---
    ## Pipes

    ::: challenge
    ## First

    Sort it.

    ::: solution
    `sort`
    :::
    :::

    ::: challenge
    ## Second

    Count it.
    :::

    ::: solution
    `wc -l`, written after its exercise.
    :::

    The end.
    """


def test_exercises_are_numbered_and_each_solution_takes_its_exercise_number(tmp_path):
    text, _ = load(write_source(tmp_path, "sheet.md", SHEET), solutions="inline")
    assert [(b.kind, b.number, b.see) for b in boxes(text)] == [
        ("exercise", 1, ()), ("solution", 1, ()), ("exercise", 2, ()), ("solution", 2, ())]
    assert [s.kind for s in text.sections] == ["chapter"]


def test_solutions_at_the_end_are_linked_to_their_exercises_both_ways(tmp_path):
    text, _ = load(write_source(tmp_path, "sheet.md", SHEET), solutions="end")
    assert [s.kind for s in text.sections] == ["chapter", "solutions"]
    chapter, solutions = text.sections
    exercises = [b for b in m.walk_blocks(chapter.blocks) if isinstance(b, m.Callout)]
    assert [b.kind for b in exercises] == ["exercise", "exercise"]
    answers = list(solutions.blocks)
    assert [(a.kind, a.number) for a in answers] == [("solution", 1), ("solution", 2)]
    assert [e.see for e in exercises] == [(answers[0].id,), (answers[1].id,)]
    assert [a.see for a in answers] == [(exercises[0].id,), (exercises[1].id,)]
    assert solutions.title is None  # an interface word, in the text's language
    assert [e.title for e in text.toc()] == ["Pipes", None]


def test_solutions_left_out_are_counted_for_the_build_summary(tmp_path):
    text, diagnostics = load(write_source(tmp_path, "sheet.md", SHEET), solutions="omit")
    assert [b.kind for b in boxes(text)] == ["exercise", "exercise"]
    [info] = [d for d in diagnostics if d.code == "solutions.omitted"]
    assert info.level == "info" and info.message.startswith("2 solutions left out")


def test_the_handout_profile_gathers_solutions_at_the_end_and_a_book_keeps_them_in_place(tmp_path):
    source = write_source(tmp_path, "sheet.md", SHEET)
    assert [s.kind for s in load(source, profile="handout")[0].sections] == ["chapter", "solutions"]
    assert [s.kind for s in load(source)[0].sections] == ["chapter"]


# --- code ----------------------------------------------------------------------------------------

def test_commands_output_and_code_are_told_apart_and_kept_byte_for_byte(tmp_path):
    text, diagnostics = load(write_source(tmp_path, "code.md", """
        ---
        title: Code
        author: Ann Author
        ---
        ```bash
        $ wc -l *.pdb  |   sort -n
        ```

        ```output
          20  cubane.pdb
           9  methane.pdb
        ```

        ~~~
        cubane.pdb    ethane.pdb    methane.pdb
        octane.pdb    pentane.pdb   propane.pdb
        ~~~
        {: .output}

        ~~~
        $ ls molecules
        ~~~

        ```python
        print("x")   # a comment
        ```

        ```make
        all:
        \tcc -o a a.c\t# a tab, kept
        ```
        """))
    found = [b for s in text.sections for b in m.walk_blocks(s.blocks) if isinstance(b, m.CodeBlock)]
    assert [(b.role, b.language) for b in found] == [
        ("command", "bash"), ("output", None), ("output", None), ("command", "bash"), ("code", "python"),
        ("code", "make")]
    assert [b.text for b in found] == [
        "$ wc -l *.pdb  |   sort -n\n", "  20  cubane.pdb\n   9  methane.pdb\n",
        "cubane.pdb    ethane.pdb    methane.pdb\noctane.pdb    pentane.pdb   propane.pdb\n",
        "$ ls molecules\n", 'print("x")   # a comment\n', "all:\n\tcc -o a a.c\t# a tab, kept\n"]
    assert not any(isinstance(b, m.Verse) for s in text.sections for b in m.walk_blocks(s.blocks))
    assert not diagnostics, diagnostics


def test_a_code_block_renders_highlighted_with_its_text_unchanged(tmp_path):
    from octavo.render import PRINT, blocks_markup

    text, _ = load(write_source(tmp_path, "code.md", """
        ---
        title: Code
        ---
        ```python
        def f(x):  # <&>
            return "a"   if x else 'b'
        ```
        """))
    for flavour_markup in (str(blocks_markup(text.sections[0].blocks)),
                           str(blocks_markup(text.sections[0].blocks, flavour=PRINT))):
        pre = etree.fromstring(flavour_markup)
        assert pre.get("class") == "code"
        assert pre.find("code").get("class") == "language-python"
        assert pre.find(".//span[@class='k']").text == "def"  # a keyword, highlighted
        lines = pre.findall(".//span[@class='line']")
        written = "\n".join("".join(line.itertext()) for line in lines) + "\n" if lines else "".join(pre.itertext())
        assert written == 'def f(x):  # <&>\n    return "a"   if x else \'b\'\n'


# --- prose with semantic line breaks is prose --------------------------------------------------------

def test_prose_written_one_clause_per_line_is_prose_and_a_poem_stays_verse(tmp_path):
    text, _ = load(write_source(tmp_path, "lines.md", """
        ---
        title: Lines
        ---
        If we check the status of our project again,
        Git tells us that it's noticed the new file:

        It's a very bad idea to try redirecting
        the output of a command that operates on a file
        to the same file.

        If we run `wc -l` instead of just `wc`,
        the output shows only the number of lines per file:

        Shall I compare thee to a summer's day?
        Thou art more lovely and more temperate:
        Rough winds do shake the darling buds of May,
        And summer's lease hath all too short a date;

        Once upon a midnight dreary,
        while I pondered, weak and weary,
        """))
    blocks = [b for s in text.sections for b in s.blocks]
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Paragraph", "Paragraph", "Verse", "Verse"]


@pytest.mark.slow
def test_every_verse_text_of_the_corpus_stays_verse_and_no_lesson_paragraph_becomes_verse():
    needs_corpus()
    poems = {"shakespeare-sonnets.md": 150, "dickinson-poems-three-series.md": 1000,
             "baudelaire-flowers-of-evil-scott.md": 200, "boileau-art-poetique.md": 80,
             "french-poems-anthology.md": 70, "epic-of-gilgamesh.md": 15}
    for name, at_least in poems.items():
        text, _ = load(CORPUS / name)
        stanzas = sum(isinstance(b, m.Verse) for s in text.sections for b in m.walk_blocks(s.blocks))
        assert stanzas >= at_least, (name, stanzas)
    for lesson in sorted(LESSONS.glob("*.md")):
        text, _ = load(lesson)
        assert not any(isinstance(b, m.Verse) for s in text.sections for b in m.walk_blocks(s.blocks)), lesson


# --- the editions ----------------------------------------------------------------------------------

def test_a_box_is_an_aside_opened_by_its_label_in_the_texts_language(tmp_path):
    from octavo.render import blocks_markup, ui_words

    text, _ = load(write_source(tmp_path, "fr.md", """
        ---
        title: Feuille
        language: fr
        ---
        ::: challenge
        ## Compter les lignes

        Que fait `wc -l` ?
        :::

        > [!WARNING]
        > Attention aux fichiers.
        """), solutions="inline")
    markup = str(blocks_markup(text.sections[0].blocks, ui_words("fr")))
    holder = etree.fromstring(f"<div>{markup}</div>")
    exercise, warning = holder.findall("aside")
    assert exercise.get("role") == "note" and exercise.get("aria-labelledby") == exercise[0].get("id")
    # without styles, a reader sees the label and the title first
    assert "".join(exercise[0].itertext()) == "Exercice 1: Compter les lignes"
    assert "".join(warning[0].itertext()) == "Avertissement"


def _epub_pages(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


def _fenced_blocks(source: str) -> list[str]:
    """Every fenced code block of a Markdown source, as its lines say (an oracle independent of
    Octavo: quotation marks and list indents are taken off the fence's own column)."""
    blocks, inside, fence, prefix = [], None, None, ""
    for line in source.split("\n"):
        if inside is None:
            found = re.match(r"^((?:\s*>)*\s*)(`{3,}|~{3,})\w*\s*$", line)
            if found:
                inside, fence, prefix = [], found.group(2), found.group(1)
            continue
        body = line[len(prefix):] if line.startswith(prefix) else re.sub(r"^(?:\s*>)*\s?", "", line)
        if body.strip() == fence:
            blocks.append("".join(f"{t}\n" for t in inside))
            inside = None
        else:
            inside.append(body)
    return blocks


@pytest.mark.slow
@pytest.mark.parametrize("form", ["workbench", "jekyll"])
def test_pipes_and_filters_builds_into_a_handout_a_student_copy_and_one_with_solutions_at_the_end(tmp_path, form):
    needs_corpus()
    source = LESSONS / f"swc-shell-pipefilter-{form}.md"
    written = source.read_text(encoding="utf-8")
    exercises = len(re.findall(r"^(?::{3,}\s*challenge|\{: \.challenge\})\s*$", written, re.MULTILINE))
    solutions = len(re.findall(r"^(?::{3,}\s*solution|(?:> ?)*\{: \.solution\})\s*$", written, re.MULTILINE))
    assert exercises >= 8 and solutions >= 8
    epubs = []
    for mode in ("inline", "end", "omit"):
        out = tmp_path / mode
        report = build_into(out, source, profile="handout", paper="A4", solutions=mode)
        result = report.results[0]
        assert result.ok, [str(d) for d in result.diagnostics]
        # (an episode names no author: frontmatter.author says so, rightly)
        assert not [d for d in result.diagnostics if d.code.startswith(("dialect.kramdown", "frontmatter"))
                    and d.code != "frontmatter.author"]
        epub = out / f"{source.stem}-handout.epub"  # a handout's own names (README: Command line)
        epubs.append(epub)
        pages = _epub_pages(epub)
        asides = [a for page in pages.values() for a in page.iterfind(".//x:aside", XHTML)]
        labels = ["".join(a.find("x:p/x:strong", XHTML).itertext()) for a in asides]  # a page marker may stand inside
        assert all(labels), "every box opens with its label"
        assert sum(label.startswith("Exercise ") for label in labels) == exercises
        assert sum(label.startswith("Solution") for label in labels) == (0 if mode == "omit" else solutions)
        assert {"Objectives", "Key points"} <= set(labels)
        nav = next(p for n, p in pages.items() if n.endswith("nav.xhtml"))
        contents = ["".join(a.itertext()) for a in nav.iterfind(".//x:nav[@epub:type='toc']//x:a", XHTML)]
        box_titles = {"".join(a.find("x:p", XHTML).itertext()).split(": ", 1)[-1] for a in asides}
        assert not box_titles & set(contents), box_titles & set(contents)
        assert ("Solutions" in contents) == (mode == "end")
        if mode == "end":  # each solution links to its exercise, and each exercise to its solution
            ids = {el.get("id") for page in pages.values() for el in page.iter() if el.get("id")}
            links = [a.get("href").split("#")[1] for page in pages.values()
                     for a in page.iterfind(".//x:p[@class='box-see']/x:a", XHTML)]
            assert len(links) >= 2 * solutions and set(links) <= ids
        if mode == "omit":
            info = [d for d in result.diagnostics if d.code == "solutions.omitted"]
            assert info and info[0].message.startswith(f"{solutions} solution")
        shown = [p for page in pages.values() for p in page.iterfind(".//x:pre", XHTML)]
        if mode == "inline":
            assert ["".join(p.itertext()) for p in shown] == _fenced_blocks(written)
        assert not [p for page in pages.values() for p in page.iterfind(".//x:p[@class='verse']", XHTML)]
    assert_epubcheck_clean(*epubs)


def test_the_summary_line_adds_up_the_solutions_left_out():
    from octavo.console import summary_line, tally
    from octavo.diagnostics import Diagnostic, Location
    from octavo.pipeline import Report, Result

    # the count is the finding's, not a number read out of its wording
    left_out = [Result(Path(name), diagnostics=[Diagnostic("info", "solutions.omitted", "a student copy: solutions "
                                                           "left out", Location(Path(name), 3), count=n)])
                for name, n in (("a.md", 3), ("b.md", 4))]
    line = summary_line(tally(Report(left_out + [Result(Path("c.md"))])))
    assert line == "3 inputs: 3 built, 0 unchanged, 0 failed, 0 warnings, 7 solutions left out"
    assert summary_line(tally(Report([Result(Path("c.md"))]))) == "1 input: 1 built, 0 unchanged, 0 failed, 0 warnings"


def test_a_student_copy_built_again_unchanged_still_counts_its_solutions_left_out(tmp_path):
    sheet = write_source(tmp_path, "sheet.md", SHEET)
    args = (str(sheet), "-o", str(tmp_path / "out"), "--format", "epub", "--solutions", "omit", "-q")
    first, again = run_cli(*args), run_cli(*args)
    assert first.stdout.splitlines()[-1] == "1 input: 1 built, 0 unchanged, 0 failed, 0 warnings, 2 solutions left out"
    assert again.stdout.splitlines()[-1] == "1 input: 0 built, 1 unchanged, 0 failed, 0 warnings, 2 solutions left out"
    assert_epubcheck_clean(tmp_path / "out" / "sheet.epub")


# --- the lesson handout on paper (issue 17) ------------------------------------------------------

def _text_colours(pdf) -> set[tuple[int, int, int]]:
    """The fill colours of every text object of the PDF, read by PDFium (not Octavo's preflight)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    found = set()
    document = pdfium.PdfDocument(str(pdf))
    for page in document:
        for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=8):
            r, g, b, a = (ctypes.c_uint() for _ in range(4))
            raw.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a)
            found.add((r.value, g.value, b.value))
    document.close()
    return found


LONG_EXERCISE = """
    ---
    title: Long Exercise
    author: Ann Author
    ---
    ## Sorting

    {paragraphs}

    ::: challenge
    ## What Does sort -n Do?

    The file numbers.txt contains the following lines:

    ```
    {numbers}
    ```

    If we run `sort` on this file, the output is:

    ```
    {numbers}
    ```

    If we run `sort -n` on the same file, we get this instead:

    ```
    {numbers}
    ```

    Explain the output of this pipeline:

    ```bash
    $ sort -n numbers.txt | head -n 1 > 42.txt
    ```

    ::: solution
    The -n option sorts numerically.
    :::
    :::
    """


def test_a_lesson_handout_prints_code_black_splits_a_long_box_and_has_no_way_back_on_paper(tmp_path):
    # the shell lesson's handout: numbers in code printed #4a3000, "Back to exercise 1" printed on
    # paper, and pages ending 40 % early because a half-page exercise box moved whole to the next page
    paragraphs = "\n\n".join(["We sort the lengths of the files to find the shortest one, and we keep the "
                              "sorted list in a file of its own so that we can read it again later."] * 5)
    source = write_source(tmp_path, "long.md", textwrap.dedent(LONG_EXERCISE).format(
        paragraphs=paragraphs, numbers="\n".join(str(n) for n in range(10, 19))))
    report = build_into(tmp_path / "out", source, profile="handout", solutions="end")
    assert report.ok
    pdf, epub = tmp_path / "out" / "long-handout.pdf", tmp_path / "out" / "long-handout.epub"
    pages = pdf_page_texts(pdf)
    assert "Exercise 1" in pages[0], "the box starts on the page its text leaves room on"
    assert "Explain the output" not in pages[0] and "Explain the output" in pages[1], "... and goes on on the next"
    assert not [c for c in _text_colours(pdf) if max(c) - min(c) > 8], "every text is black or a grey"
    assert "Back to exercise" not in " ".join(pages)
    with zipfile.ZipFile(epub) as z:
        links = [a for name in z.namelist() if name.endswith(".xhtml")
                 for a in etree.fromstring(z.read(name)).iter("{http://www.w3.org/1999/xhtml}a")]
    back = [a for a in links if a.get("role") == "doc-backlink" and "exercise" in "".join(a.itertext())]
    assert [("".join(a.itertext()), "#" in a.get("href")) for a in back] == [("Back to exercise 1", True)], \
        "the EPUB keeps its way back"
    assert_epubcheck_clean(epub)
