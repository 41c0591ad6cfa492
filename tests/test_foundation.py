"""The foundation: the seed becomes a valid EPUB 3 and a PDF, from one document model."""
from __future__ import annotations

import os
from collections import Counter
import re
import zipfile

from lxml import etree

from conftest import SEED, assert_epubcheck_clean, build_into, run_cli
from octavo.readback import OPF_NS, XHTML_NS, epub_opf, epub_reading_text, epub_spine, read_pdf, words
from pdf_reading import pdf_page_texts

SEED_TOC = [
    "Trotskyism or Leninism?",
    "I. THE FACTS ABOUT THE OCTOBER UPRISING",
    "II. THE PARTY AND THE PREPARATION FOR OCTOBER",
    "III. TROTSKYISM OR LENINISM?",
    "Notes",
    "Sources and credits",
]


def nav_entries(epub):
    docs = dict(epub_spine(epub))
    nav = docs["nav.xhtml"].find(".//x:nav[@epub:type='toc']", XHTML_NS)
    return [("".join(a.itertext()), a.get("href")) for a in nav.iterfind(".//x:a", XHTML_NS)]


def test_seed_epub_passes_epubcheck_with_no_errors_and_no_warnings(seed_build):
    _, epub, _ = seed_build
    assert_epubcheck_clean(epub)


def test_seed_epub_metadata_comes_from_the_front_matter(seed_build):
    _, epub, _ = seed_build
    opf = epub_opf(epub)
    dc = lambda name: [e.text for e in opf.iterfind(f".//dc:{name}", OPF_NS)]  # noqa: E731
    assert dc("title") == ["Trotskyism or Leninism?"]
    assert dc("creator") == ["Joseph Stalin"]
    assert dc("language") == ["en"]
    assert dc("source") == ["https://www.marxists.org/reference/archive/stalin/works/1924/11_19.htm"]
    assert dc("subject") == ["history", "russia", "1924"]
    assert dc("description") == ["Trotskyism or Leninism? | History | Russia"]
    assert dc("identifier")[0].startswith("urn:uuid:")
    modified = opf.find(".//opf:meta[@property='dcterms:modified']", OPF_NS).text
    assert modified.endswith("Z") and len(modified) == 20
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_seed_epub_toc_lists_the_opening_three_chapters_notes_and_credits(seed_build):
    _, epub, _ = seed_build
    assert [title for title, _ in nav_entries(epub)] == SEED_TOC
    with zipfile.ZipFile(epub) as z:
        ncx = etree.fromstring(z.read("EPUB/toc.ncx"))
    labels = [t.text for t in ncx.iterfind(".//{*}navLabel/{*}text")]
    assert labels == SEED_TOC


def test_every_top_level_section_is_its_own_file(seed_build):
    _, epub, _ = seed_build
    hrefs = [href.split("#")[0] for _, href in nav_entries(epub)]
    assert len(set(hrefs)) == len(SEED_TOC)


def test_seed_notes_are_linked_both_ways_across_files(seed_build):
    _, epub, _ = seed_build
    docs = dict(epub_spine(epub))
    ids = {el.get("id"): name for name, doc in docs.items() for el in doc.iter() if el.get("id")}
    refs = [(name, a) for name, doc in docs.items()
            for a in doc.iterfind(".//x:a[@epub:type='noteref']", XHTML_NS)]
    assert [a.text for _, a in refs] == ["1", "2", "3"]
    for name, a in refs:
        file, _, target = a.get("href").partition("#")
        assert ids[target] == file != name, "each reference points into the notes file"
        note = docs[file].find(f".//*[@id='{target}']")
        assert note.get("{http://www.idpf.org/2007/ops}type") == "endnote"
        back = note.find(".//x:a[@role='doc-backlink']", XHTML_NS)
        back_file, _, back_target = back.get("href").partition("#")
        assert back_target == a.get("id") and back_file == name


def test_colophon_attributes_the_source_with_a_clickable_link(seed_build):
    _, epub, _ = seed_build
    colophon = dict(epub_spine(epub))["colophon.xhtml"]
    links = [a.get("href") for a in colophon.iterfind(".//x:a", XHTML_NS)]
    assert "https://www.marxists.org/reference/archive/stalin/works/1924/11_19.htm" in links
    text = " ".join(colophon.itertext())
    assert "Joseph Stalin" in text and "Archive listing: History › Russia" in text


def test_pdf_outline_matches_the_toc(seed_build):
    _, _, pdf = seed_build
    report = read_pdf(pdf)
    assert [title for title, _ in report.outline] == SEED_TOC


def test_pdf_metadata_language_and_fonts(seed_build):
    _, _, pdf = seed_build
    report = read_pdf(pdf)
    assert report.metadata["/Title"] == "Trotskyism or Leninism?"
    assert report.metadata["/Author"] == "Joseph Stalin"
    assert report.metadata["/Subject"] == "Trotskyism or Leninism? | History | Russia"
    assert report.metadata["/Keywords"] == "history, russia, 1924"
    assert report.language == "en"
    assert report.fonts and all(report.fonts.values()), report.fonts


def test_pdf_links_resolve_and_the_source_is_clickable(seed_build):
    _, _, pdf = seed_build
    report = read_pdf(pdf)
    assert not report.broken_links
    assert "https://www.marxists.org/reference/archive/stalin/works/1924/11_19.htm" in report.uris
    # 6 TOC entries + 3 note references + 3 links back
    assert report.internal_links >= 12


def test_pdf_has_a_printed_toc_with_page_numbers(seed_build):
    _, _, pdf = seed_build
    texts = pdf_page_texts(pdf)
    toc_page = next(t for t in texts if "Contents" in t)
    for title in SEED_TOC[1:4]:
        line = next(line for line in toc_page.splitlines() if title.split()[-1] in line)
        assert line.rstrip()[-1].isdigit(), line


def test_epub_and_pdf_carry_the_same_words(seed_build):
    """Body and notes agree word for word: the body in order, the notes wherever they print (at the
    foot of their calls' pages in the PDF, after the text in the EPUB).

    Tolerance: the PDF also carries running heads and page numbers, and note numbers as list
    markers; hyphenation at line ends is undone before comparing, but a compound hyphenated
    exactly at its own hyphen is then glued ("March-April"), so we accept up to 0.5% of words
    differing and require every EPUB word sequence to be found in order (difflib ratio >= 0.99).
    """
    import difflib

    _, epub, pdf = seed_build
    epub_words = words(epub_reading_text(epub))
    texts = pdf_page_texts(pdf)
    body_pages = [t for t in texts[2:] if "This edition was made with Octavo" not in t]
    runheads = set(words(" ".join(SEED_TOC)))  # running heads repeat the section titles
    pdf_words = words("\n".join(body_pages))
    matcher = difflib.SequenceMatcher(None, epub_words, pdf_words, autojunk=False)
    missing = [w for tag, i1, i2, _, _ in matcher.get_opcodes() if tag in ("delete", "replace")
               for w in epub_words[i1:i2]]
    extra = [w for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("insert", "replace")
             for w in pdf_words[j1:j2]]
    moved = Counter(missing) & Counter(extra)  # footnotes: out of the EPUB's order, not missing
    missing_count = len(missing) - sum(moved.values())
    assert missing_count <= 0.005 * len(epub_words), (Counter(missing) - moved).most_common(20)
    extra = list((Counter(extra) - moved).elements())
    unexplained = [w for w in extra if not w.isdigit() and w not in runheads and len(w) > 2]
    assert len(unexplained) <= 0.005 * len(epub_words), unexplained[:40]
    assert len(epub_words) > 9000  # the whole essay and its notes, not a fragment


def test_rebuilds_are_byte_identical(tmp_path):
    env_epoch = {"SOURCE_DATE_EPOCH": "1700000000"}
    old = {k: os.environ.get(k) for k in env_epoch}
    os.environ.update(env_epoch)
    try:
        first = build_into(tmp_path / "a", SEED)
        second = build_into(tmp_path / "b", SEED)
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    assert first.ok and second.ok
    for ext in ("epub", "pdf"):
        a = (tmp_path / "a" / f"{SEED.stem}.{ext}").read_bytes()
        b = (tmp_path / "b" / f"{SEED.stem}.{ext}").read_bytes()
        assert a == b, f"{ext} differs between two builds"
    with zipfile.ZipFile(tmp_path / "a" / f"{SEED.stem}.epub") as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}


def test_cli_builds_the_seed_and_reports_warnings_with_file_and_line(tmp_path):
    proc = run_cli(str(SEED), "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / f"{SEED.stem}.epub").is_file() and (tmp_path / f"{SEED.stem}.pdf").is_file()
    assert "stalin-trotskyism-or-leninism-1924.md:62: warning: note markers [1]...[9] have no note" in proc.stderr
    assert "1 input: 1 built" in proc.stdout


def test_cli_format_option_builds_only_that_edition(tmp_path):
    proc = run_cli(str(SEED), "-o", str(tmp_path), "--format", "epub")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.suffix for p in tmp_path.iterdir() if not p.name.startswith(".")) == [".epub"]


def test_cli_usage_errors_exit_2_and_help_documents_the_options():
    assert run_cli("--format", "docx").returncode == 2
    helped = run_cli("--help")
    assert helped.returncode == 0
    for option in ("--output", "--format", "INPUT", "exit status"):
        assert option in helped.stdout


def test_cli_missing_input_fails_with_exit_1_naming_it(tmp_path):
    proc = run_cli(str(tmp_path / "nope.md"), "-o", str(tmp_path))
    assert proc.returncode == 1
    assert "nope.md: error: no such file" in proc.stderr


def test_cli_without_arguments_builds_every_source(tmp_path):
    project = tmp_path / "project"
    (project / "sources").mkdir(parents=True)
    (project / "sources" / "one.md").write_text("---\ntitle: One\n---\n\nText one.\n")
    (project / "sources" / "two.md").write_text("---\ntitle: Two\n---\n\nText two.\n")
    proc = run_cli("--format", "epub", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (project / "output").iterdir() if not p.name.startswith(".")) == ["one.epub", "two.epub"]


def test_printed_toc_numbers_are_the_pages_the_outline_opens(seed_build):
    """Front matter is numbered in roman, the text in arabic from 1; TOC and outline agree (the
    outline opens with the text's opening words under its title, which the printed contents leave
    to the title page)."""
    from pdf_reading import outline_pages

    _, _, pdf = seed_build
    texts = pdf_page_texts(pdf)
    toc_lines = [line for line in next(t for t in texts if "Contents" in t).splitlines() if "..." in line]
    printed = [int(re.search(r"(\d+)\s*$", line).group(1)) for line in toc_lines]
    first_body_page = outline_pages(pdf)[0][1]
    assert texts[first_body_page - 1].strip().endswith("ii"), "the contents page is numbered ii"
    assert printed == [index - first_body_page + 1 for _, index in outline_pages(pdf)[1:]]
    assert outline_pages(pdf)[0][0] == "Trotskyism or Leninism?" and printed[0] >= 1


def test_pdf_notes_link_both_ways(seed_build):
    """Each reference jumps to its note and each note jumps back, as in the EPUB."""
    import pikepdf

    from octavo.readback import named_destinations

    _, _, pdf = seed_build
    with pikepdf.open(pdf) as doc:
        names = named_destinations(doc)
        targets = set()
        for page in doc.pages:
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                dest = annot.get("/Dest") if action is None else action.get("/D")
                if dest is not None and not isinstance(dest, pikepdf.Array):
                    targets.add(str(dest).lstrip("/"))
    for n in (1, 2, 3):
        assert {f"note-{n}", f"noteref-{n}"} <= names
        assert {f"note-{n}", f"noteref-{n}"} <= targets


def test_pdf_body_pages_carry_a_running_head_with_the_section_title(seed_build):
    _, _, pdf = seed_build
    texts = pdf_page_texts(pdf)
    from pdf_reading import outline_pages

    starts = dict(outline_pages(pdf))
    second_page_of_chapter_one = texts[starts[SEED_TOC[1]] + 1]
    assert SEED_TOC[1] in [line.strip() for line in second_page_of_chapter_one.splitlines()]


def test_word_differences_are_found_in_order_and_in_linear_time():
    """The parity check's aligner: what one side lacks, what the other adds."""
    from octavo.validate import _differences

    assert _differences(list("abcdefghij"), list("abcdefghij")) == ([], [])
    assert _differences(list("abcdefghij"), list("abXcdefYghij")) == ([], ["X", "Y"])
    assert _differences(list("abcdefghijk"), list("abdefghik")) == (["c", "j"], [])
    long = [f"w{n % 997}" for n in range(300_000)]
    assert _differences(long, long[:1000] + ["odd"] + long[1000:]) == ([], ["odd"])
