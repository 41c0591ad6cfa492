"""Volumes: a TOML manifest bundles several texts into one EPUB and one PDF that keep every text's identity."""
from __future__ import annotations

import os
import re
import time
import tomllib
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from lxml import etree

from conftest import CORPUS, ROOT, SEED, assert_epubcheck_clean, build_into, needs_corpus, run_cli, write_source
from octavo.config import Config
from octavo.pipeline import Result, load_book
from octavo.readback import OPF_NS, XHTML_NS, epub_opf, epub_spine, read_pdf
from pdf_reading import pdf_page_texts
from octavo.volume import read_manifest

EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
READER = ROOT / "volumes" / "reader.toml"
CAPITAL = ["dedication", "preface-1872", "afterword-1873", "ch01", "ch10", "ch15", "ch26", "ch33"]
MIXED = ["marx-engels-manifest-de.md", "marx-engels-manifest-ru.md", "boileau-art-poetique.md",
         "luxun-yijian-xiaoshi.md"]


def write_manifest(folder: Path, name: str, text: str) -> Path:
    return write_source(folder, name, text)


def messages(report) -> list[str]:
    return [str(d) for r in report.results for d in r.diagnostics]


# --- reading the fixtures (expected values never come from Octavo's own readers) ------------------

def front_matter(path: Path) -> dict:
    """A source's YAML front matter as PyYAML reads it; {} for a source that has none."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    head, end, _ = text[4:].partition("\n---\n")
    return (yaml.safe_load(head) or {}) if end else {}


def names(value) -> list[str]:
    """A front-matter name field (author, translator) as a list: one name, a list of names, or none."""
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def headings(path: Path) -> set[str]:
    """The text of every ATX heading (``## Title``) in a source's body."""
    return set(re.findall(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", path.read_text(encoding="utf-8"), re.MULTILINE))


SEED_FIELDS = front_matter(SEED)
READER_MANIFEST = tomllib.loads(READER.read_text(encoding="utf-8"))
READER_SOURCES = [READER.parent / entry["source"] for entry in READER_MANIFEST["texts"]]


def reader_contents() -> list[tuple[str, list[str]]]:
    """The reader's parts in order, each with the titles of its texts: from reader.toml and front matter."""
    contents: list[tuple[str, list[str]]] = []
    for entry, source in zip(READER_MANIFEST["texts"], READER_SOURCES):
        title = front_matter(source)["title"]
        if contents and contents[-1][0] == entry["part"]:
            contents[-1][1].append(title)
        else:
            contents.append((entry["part"], [title]))
    return contents


# --- reading the books back ----------------------------------------------------------------------

def nav_tree(epub: Path) -> list:
    """The EPUB nav's TOC as nested [(title, href, [children]), ...]."""
    nav = dict(epub_spine(epub))["nav.xhtml"].find(".//x:nav[@epub:type='toc']", XHTML_NS)

    def walk(ol):
        out = []
        for li in ol.iterfind("x:li", XHTML_NS):
            a = li.find("x:a", XHTML_NS)
            sub = li.find("x:ol", XHTML_NS)
            out.append(("".join(a.itertext()), a.get("href"), walk(sub) if sub is not None else []))
        return out

    return walk(nav.find("x:ol", XHTML_NS))


def ncx_tree(epub: Path) -> list:
    with zipfile.ZipFile(epub) as z:
        ncx = etree.fromstring(z.read("EPUB/toc.ncx"))

    def walk(parent):
        return [(point.find("{*}navLabel/{*}text").text, point.find("{*}content").get("src"),
                 walk(point)) for point in parent.iterfind("{*}navPoint")]

    return walk(ncx.find("{*}navMap"))


def titles(tree: list) -> list:
    """Just the nesting of titles: [(title, [children]), ...] — comparable with the PDF outline."""
    return [(entry[0], titles(entry[-1])) for entry in tree]


def printed(tree: list, pdf: Path) -> list:
    """The nav as the PDF's outline has it: without the notes sections the print edition left out
    (their notes all went to the foot of their pages, so their ids are not in the PDF)."""
    import pikepdf

    from octavo.readback import named_destinations

    with pikepdf.open(pdf) as doc:
        kept = named_destinations(doc)
    left_out = [entry for entry in tree if entry[1].partition("#")[2] not in kept and entry[0] == "Notes"]
    return [(*entry[:-1], printed(entry[-1], pdf)) for entry in tree if entry not in left_out]


def all_ids(epub: Path) -> list[tuple[str, str]]:
    return [(el.get("id"), name) for name, doc in epub_spine(epub) for el in doc.iter() if el.get("id")]


def assert_notes_link_within_their_text(epub: Path) -> int:
    """Every note reference points at a note of its own text (same id prefix), and the note links back."""
    docs = dict(epub_spine(epub))
    where = dict(all_ids(epub))
    count = 0
    for name, doc in docs.items():
        for ref in doc.iterfind(".//x:a[@role='doc-noteref']", XHTML_NS):
            count += 1
            prefix = re.match(r"t\d+-", ref.get("id")).group()
            file, _, target = ref.get("href").partition("#")
            file = file or name
            assert target.startswith(prefix), f"{ref.get('id')} in {name} points at another text's note {target}"
            assert where[target] == file
            note = docs[file].find(f".//*[@id='{target}']")
            assert note.get(EPUB_TYPE) == "endnote"
            backs = [a.get("href") for a in note.iterfind(".//x:a[@role='doc-backlink']", XHTML_NS)]
            assert f"{name}#{ref.get('id')}" in backs or (file == name and f"#{ref.get('id')}" in backs)
    return count


def assert_pdf_notes_link_within_their_text(pdf: Path) -> int:
    """In the PDF, every link to a note (or back to its reference) sits on a page of that note's text."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        page_of = {page.objgen: n for n, page in enumerate(doc.pages)}
        dests = {}
        for name, value in pikepdf.NameTree(doc.Root.Names.Dests).items():
            target = value if isinstance(value, pikepdf.Array) else value.get("/D")
            dests[str(name)] = page_of[target[0].objgen]
        starts = sorted((page, int(m.group(1))) for name, page in dests.items()
                        if (m := re.fullmatch(r"t(\d+)-top", name)))
        starts.append((dests["colophon"], None))
        count = 0
        for n, page in enumerate(doc.pages):
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                dest = action.get("/D") if action is not None and action.get("/S") == "/GoTo" else annot.get("/Dest")
                match = re.match(r"t(\d+)-note(ref)?-", str(dest)) if dest is not None else None
                if not match:
                    continue
                count += 1
                text = next(t for (start, t), (end, _) in zip(starts, starts[1:]) if start <= n < end)
                assert text == int(match.group(1)), f"page {n + 1} of text {text} links to {dest}"
        return count


def running_heads(pdf: Path, band_mm: float = 14) -> dict[int, str | None]:
    """Page number -> the running head printed on it, in the top margin (None: the page has none)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        heads = {}
        for number, page in enumerate(document, 1):
            width, height = page.get_size()
            text = " ".join(page.get_textpage().get_text_bounded(0, height - band_mm * 72 / 25.4, width, height).split())
            heads[number] = text or None
        return heads
    finally:
        document.close()


# --- the manifest ----------------------------------------------------------------------------------

def test_unknown_key_is_an_error_naming_the_manifest_and_line(tmp_path):
    write_source(tmp_path, "a.md", "---\ntitle: A\n---\n\nText.\n")
    path = write_manifest(tmp_path, "v.toml", """
        title = "V"
        colour = "red"
        [[texts]]
        source = "a.md"
        sauce = "b.md"
        """)
    found = [str(d) for d in read_manifest(path).diagnostics.items]
    assert any(f"{path}:2: error: unknown key 'colour'" in m for m in found), found
    assert any(f"{path}:5: error: unknown key 'sauce' in [[texts]]" in m for m in found), found


def test_wrong_types_are_errors_naming_the_manifest_and_line(tmp_path):
    write_source(tmp_path, "a.md", "---\ntitle: A\n---\n\nText.\n")
    path = write_manifest(tmp_path, "v.toml", """
        title = ["A", "B"]
        editor = { name = "E" }
        texts = "a.md"
        """)
    found = [str(d) for d in read_manifest(path).diagnostics.items]
    assert any(f"{path}:1: error: 'title' must be text, not a list" in m for m in found), found
    assert any(f"{path}:2: error: 'editor' must be a name or a list of names" in m for m in found), found
    assert any(f"{path}:3: error: 'texts' must be a list of tables" in m for m in found), found


def test_wrong_type_inside_a_texts_table_names_its_line(tmp_path):
    path = write_manifest(tmp_path, "v.toml", """
        title = "V"

        [[texts]]
        source = 42
        part = "One"
        """)
    found = [str(d) for d in read_manifest(path).diagnostics.items]
    assert any(f"{path}:4: error: 'source' must be a file path, not int" in m for m in found), found


def test_missing_source_file_is_an_error_on_its_line(tmp_path):
    write_source(tmp_path, "a.md", "---\ntitle: A\n---\n\nText.\n")
    path = write_manifest(tmp_path, "v.toml", """
        title = "V"
        [[texts]]
        source = "a.md"
        [[texts]]
        # a comment line
        source = "nowhere/b.md"
        """)
    found = [str(d) for d in read_manifest(path).diagnostics.items]
    assert any(f"{path}:6: error: source 'nowhere/b.md' does not exist" in m for m in found), found


def test_toml_syntax_error_is_reported_with_its_line(tmp_path):
    path = write_manifest(tmp_path, "v.toml", """
        title = "V"
        language = "en"
        editor = 
        [[texts]]
        source = "a.md"
        """)
    found = [str(d) for d in read_manifest(path).diagnostics.items]
    assert len(found) == 1 and found[0].startswith(f"{path}:3: error: not valid TOML: "), found


def test_unterminated_string_is_reported_at_the_end_of_the_file(tmp_path):
    path = write_manifest(tmp_path, "v.toml", 'title = "V"\n[[texts]]\nsource = "a.md\n')
    found = [str(d) for d in read_manifest(path).diagnostics.items]
    assert len(found) == 1 and found[0].startswith(f"{path}:3: error: not valid TOML"), found


def test_a_manifest_without_texts_or_title_is_an_error(tmp_path):
    path = write_manifest(tmp_path, "v.toml", 'language = "en"\n')
    found = [str(d) for d in read_manifest(path).diagnostics.items]
    assert any("needs a 'title'" in m for m in found) and any("lists no texts" in m for m in found), found
    blank = write_manifest(tmp_path, "blank.toml", 'language = "en"\ntitle = "   "\ntexts = []\n')
    found = [str(d) for d in read_manifest(blank).diagnostics.items]
    assert f"{blank}:2: error: the manifest needs a 'title' for the volume [manifest.title]" in found, found
    assert f"{blank}:3: error: the manifest lists no texts [manifest.texts]" in found, found


def test_manifest_errors_fail_the_volume_and_the_cli_prints_file_and_line(tmp_path):
    write_source(tmp_path, "a.md", "---\ntitle: A\n---\n\nText.\n")
    path = write_manifest(tmp_path, "v.toml", 'title = "V"\n[[texts]]\nsource = "a.md"\npart = 7\n')
    proc = run_cli(str(path), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert f"{path}:4: error: 'part' must be a heading text, not int [manifest.type]" in proc.stderr
    assert not (tmp_path / "out" / "v.epub").exists()


# --- building volumes --------------------------------------------------------------------------------

TWIN_A = """
    ---
    title: "First Essay"
    author: "Ann Author"
    originalSource: "https://example.org/first"
    ---

    The first essay opens with a claim.[^1] It also uses an archive marker. *

    ## Background

    Some background, noted again.[^1]

    ## Notes

    [^1]: The first essay's note one.

    [*] The first essay's starred note.
    """
TWIN_B = """
    ---
    title: "Second Essay"
    author: "Ben Author"
    translator: "Tom Translator"
    language: "de"
    originalSource: "https://example.org/second"
    ---

    Der zweite Essay beginnt mit einer Behauptung.[^1] Auch hier ein Zeichen. *

    ## Background

    Hintergrund.[^2]

    [^1]: Die erste Anmerkung des zweiten Essays.

    [^2]: Die zweite Anmerkung.

    ## Notes

    [*] Die Sternchen-Anmerkung des zweiten Essays.
    """


@pytest.fixture(scope="module")
def small_volumes(tmp_path_factory):
    """Two essays with the same note labels and heading names, and a reader that returns to the seed."""
    folder = tmp_path_factory.mktemp("volumes")
    write_source(folder, "texts/first.md", TWIN_A)
    write_source(folder, "texts/second.md", TWIN_B)
    twins = write_manifest(folder, "twins.toml", """
        title = "Two Essays"
        editor = ["Ed Itor", "Second Editor"]
        language = "en"
        publisher = "Example Press"

        [[texts]]
        source = "texts/first.md"
        part = "Part One"

        [[texts]]
        source = "texts/second.md"
        part = "Part One"

        [[texts]]
        source = "texts/first.md"
        """)
    returns = write_manifest(folder, "returns.toml", f"""
        title = "A Reader That Returns"
        [[texts]]
        source = "{SEED}"
        [[texts]]
        source = "texts/first.md"
        [[texts]]
        source = "{SEED}"
        """)
    out = folder / "out"
    report = build_into(out, twins, returns, formats=("epub",))
    assert report.ok, messages(report)
    return report, out / "twins.epub", out / "returns.epub"


def test_volumes_pass_epubcheck(small_volumes, reader_build):
    _, twins, returns = small_volumes
    assert_epubcheck_clean(twins, returns, reader_build[0])


def test_a_source_listed_twice_warns_on_its_line_and_still_builds(small_volumes):
    report, twins, returns = small_volumes
    found = messages(report)
    assert any(m.startswith(str(twins.parent.parent / "returns.toml") + ":7: warning: source") and
               "listed twice (first on line 3)" in m for m in found), found
    assert any("twins.toml:15: warning: source 'texts/first.md' is listed twice" in m for m in found), found
    assert [e[0] for e in nav_tree(returns)] == [
        SEED_FIELDS["title"], "First Essay", SEED_FIELDS["title"], "Sources and credits"]


def test_the_same_text_twice_yields_unique_ids_across_the_whole_book(small_volumes):
    _, twins, returns = small_volumes
    for epub in (twins, returns):
        ids = [i for i, _ in all_ids(epub)]
        duplicates = {i for i in ids if ids.count(i) > 1}
        assert not duplicates, duplicates
    prefixes = [e[1].split("#")[1] for e in nav_tree(returns)[:3]]
    assert prefixes == ["t1-top", "t2-top", "t3-top"]


def test_the_same_text_twice_reports_its_own_warnings_once(small_volumes):
    report, _, _ = small_volumes
    found = [m for m in messages(report) if "stalin-trotskyism-or-leninism-1924.md:62: warning: note marker [1]" in m]
    assert len(found) == 1, found


def test_notes_are_numbered_per_text_and_link_within_it(small_volumes):
    """Both essays use [^1], * and a "Background" heading: ids never collide, each text counts from 1."""
    _, twins, returns = small_volumes
    assert assert_notes_link_within_their_text(twins) == 9  # 3 + 3 in the essays, 3 in the repeated first
    assert assert_notes_link_within_their_text(returns) >= 9
    docs = epub_spine(twins)
    numbers: dict[str, list[str]] = {}
    for _, doc in docs:
        for ref in doc.iterfind(".//x:a[@role='doc-noteref']", XHTML_NS):
            numbers.setdefault(ref.get("id")[:3], []).append(ref.text)
    assert numbers == {"t1-": ["1", "2", "1"], "t2-": ["1", "2", "3"], "t3-": ["1", "2", "1"]}


def test_consecutive_texts_of_one_part_share_one_part_heading(small_volumes):
    _, twins, _ = small_volumes
    assert titles(nav_tree(twins)) == [
        ("Part One", [("First Essay", [("Background", []), ("Notes", [])]),
                      ("Second Essay", [("Background", []), ("Anmerkungen", [])])]),
        ("First Essay", [("Background", []), ("Notes", [])]),
        ("Sources and credits", []),
    ]
    parts = [name for name, doc in epub_spine(twins) if doc.find(".//x:section[@class='part']", XHTML_NS) is not None]
    assert parts == ["part-1.xhtml"]


def test_a_part_that_returns_after_another_starts_again_with_a_warning(tmp_path):
    write_source(tmp_path, "a.md", "---\ntitle: A\nlanguage: de\n---\n\nText.\n")
    write_source(tmp_path, "b.md", "---\ntitle: B\n---\n\nText.\n")
    path = write_manifest(tmp_path, "v.toml", """
        title = "V"
        [[texts]]
        source = "a.md"
        part = "One"
        [[texts]]
        source = "b.md"
        part = "Two"
        [[texts]]
        source = "b.md"
        part = "One"
        """)
    report = build_into(tmp_path / "out", path, formats=("epub",))
    assert report.ok
    assert any(f"{path}:9: warning: part 'One' was already used" in m for m in messages(report)), messages(report)
    assert [title for title, _ in titles(nav_tree(tmp_path / "out" / "v.epub"))] == [
        "One", "Two", "One", "Quellen und Nachweise"], "the volume speaks its first text's language, German"
    opf = epub_opf(tmp_path / "out" / "v.epub")
    languages = [e.text for e in opf.iterfind(".//dc:language", OPF_NS)]
    assert languages == ["de", "en"], "no language in the manifest: the first text's comes first"


def test_nav_and_ncx_agree(small_volumes):
    _, twins, returns = small_volumes
    for epub in (twins, returns):
        assert ncx_tree(epub) == nav_tree(epub)


def test_each_text_opens_with_its_own_title_author_and_translator(small_volumes):
    _, twins, _ = small_volumes
    docs = dict(epub_spine(twins))
    header = next(doc.find(".//*[@id='t2-top']", XHTML_NS) for doc in docs.values()
                  if doc.find(".//*[@id='t2-top']", XHTML_NS) is not None)
    text = " ".join("".join(header.itertext()).split())
    assert "Second Essay" in text and "Ben Author" in text and "Tom Translator" in text
    body = next(doc for doc in docs.values() if doc.find(".//*[@id='t2-top']", XHTML_NS) is not None)
    assert body.find("x:body", XHTML_NS).get("lang") == "de", "a text in another language says so"


def test_opf_names_the_editors_as_creators_and_every_author_as_contributor(small_volumes):
    _, twins, _ = small_volumes
    opf = epub_opf(twins)
    dc = lambda name: [e.text for e in opf.iterfind(f".//dc:{name}", OPF_NS)]  # noqa: E731
    assert dc("title") == ["Two Essays"]
    assert dc("creator") == ["Ed Itor", "Second Editor"]
    assert dc("contributor") == ["Ann Author", "Ben Author", "Tom Translator"]
    roles = {opf.find(f".//*[@id='{e.get('id')}']", OPF_NS).text:
             opf.find(f".//opf:meta[@refines='#{e.get('id')}']", OPF_NS).text
             for e in opf.iterfind(".//dc:creator", OPF_NS)}
    assert roles == {"Ed Itor": "edt", "Second Editor": "edt"}
    assert dc("source") == ["https://example.org/first", "https://example.org/second", "https://example.org/first"]
    assert dc("publisher") == ["Example Press"]
    assert dc("language") == ["en", "de"], "the volume's language first, then its texts' other languages"


def test_without_an_editor_the_authors_are_the_creators(small_volumes):
    _, _, returns = small_volumes
    opf = epub_opf(returns)
    assert [e.text for e in opf.iterfind(".//dc:creator", OPF_NS)] == [*names(SEED_FIELDS["author"]), "Ann Author"]
    assert not list(opf.iterfind(".//dc:contributor", OPF_NS))


def test_sources_and_credits_list_every_text_with_a_clickable_source(small_volumes):
    _, twins, _ = small_volumes
    colophon = dict(epub_spine(twins))["colophon.xhtml"]
    text = " ".join(" ".join(colophon.itertext()).split())
    for words in ("Sources and credits", "First Essay", "Ann Author", "Second Essay", "Ben Author",
                  "Tom Translator", "This edition was made with Octavo."):
        assert words in text
    assert "twins.toml" not in text and ".md" not in text  # build files mean nothing to a reader
    links = [a.get("href") for a in colophon.iterfind(".//x:a", XHTML_NS)]
    assert links == ["https://example.org/first", "https://example.org/second", "https://example.org/first"]


def test_default_identifier_is_stable_and_follows_title_and_sources(tmp_path):
    write_source(tmp_path, "a.md", "---\ntitle: A\n---\n\nText.\n")
    write_source(tmp_path, "b.md", "---\ntitle: B\n---\n\nText.\n")

    def identifier(name, body):
        path = write_manifest(tmp_path, name, body)
        book = load_book(path, Config(), Result(path))
        return book.metadata.identifier

    ab = 'title = "V"\n[[texts]]\nsource = "a.md"\n[[texts]]\nsource = "b.md"\n'
    first, again = identifier("one.toml", ab), identifier("two.toml", ab)
    assert first == again and first.startswith("urn:uuid:")
    assert identifier("three.toml", ab.replace('"b.md"', '"a.md"')) != first
    assert identifier("four.toml", ab.replace('"V"', '"W"')) != first
    assert identifier("five.toml", 'identifier = "isbn:123"\n' + ab) == "isbn:123"


def test_the_modification_date_follows_the_newest_text_of_the_volume_never_file_times(tmp_path, monkeypatch):
    write_source(tmp_path, "a.md", "---\ntitle: A\ndate: 1917-11-07\n---\n\nText.\n")
    older = write_source(tmp_path, "b.md", "---\ntitle: B\ndate: 1848\n---\n\nText.\n")
    path = write_manifest(tmp_path, "v.toml", 'title = "V"\n[[texts]]\nsource = "a.md"\n[[texts]]\nsource = "b.md"\n')
    future = int(time.time()) + 10 * 86400
    os.utime(older, (future, future))  # a file time says nothing (see tests/test_reproducible.py)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    book = load_book(path, Config(), Result(path))
    assert book.modified == datetime(1917, 11, 7)


def test_a_broken_text_fails_its_volume_with_the_texts_diagnostics_and_others_still_build(tmp_path):
    write_source(tmp_path, "good.md", "---\ntitle: Good\n---\n\nText.\n")
    write_source(tmp_path, "bad.md", "---\ntitle: Bad\ntags: history\n---\n\nText.\n")
    volume = write_manifest(tmp_path, "v.toml", 'title = "V"\n[[texts]]\nsource = "good.md"\n'
                                                '[[texts]]\nsource = "bad.md"\n')
    proc = run_cli(str(volume), str(tmp_path / "good.md"), "-o", str(tmp_path / "out"), "--format", "epub")
    assert proc.returncode == 1
    assert f"{tmp_path / 'bad.md'}:3: error: 'tags' must be a list" in proc.stderr
    assert f"{volume}:5: error: text 'bad.md' has errors" in proc.stderr
    assert "2 inputs: 1 built, 0 unchanged, 1 failed" in proc.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == ["good.epub"]


def test_cli_without_arguments_builds_every_source_and_every_volume(tmp_path):
    project = tmp_path / "project"
    write_source(project / "sources", "one.md", "---\ntitle: One\n---\n\nText one.\n")
    write_source(project / "volumes", "texts/two.md", "---\ntitle: Two\n---\n\nText two.\n")
    write_manifest(project / "volumes", "My Reader.toml", 'title = "R"\n[[texts]]\nsource = "../sources/one.md"\n'
                                                         '[[texts]]\nsource = "texts/two.md"\n')
    proc = run_cli("--format", "epub", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (project / "output").iterdir() if not p.name.startswith(".")) == ["my-reader.epub", "one.epub"]


# --- the example volume ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reader_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("reader")
    proc = run_cli(str(READER.relative_to(ROOT)), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out / "reader.epub", out / "reader.pdf"


def test_the_example_reader_builds_from_the_repository(reader_build):
    """Its contents are the manifest's parts holding its texts, titled by their front matter."""
    epub, pdf = reader_build
    assert not read_manifest(READER).diagnostics.items
    tree = nav_tree(epub)
    assert [(part[0], [text[0] for text in part[2]]) for part in tree[:-1]] == reader_contents()
    assert tree[-1][0] == "Sources and credits"
    assert titles(tree) == titles(ncx_tree(epub))
    assert titles(printed(tree, pdf)) == read_pdf(pdf).outline
    assert assert_notes_link_within_their_text(epub) > 0
    assert assert_pdf_notes_link_within_their_text(pdf) > 0


def test_the_volume_title_page_printed_toc_and_pdf_metadata(reader_build):
    _, pdf = reader_build
    volume = READER_MANIFEST
    pages = pdf_page_texts(pdf)
    title_page = " ".join(pages[0].split())
    assert volume["title"] in title_page and volume["subtitle"] in title_page
    assert f"Edited by {volume['editor']}" in title_page
    toc_page = next(p for p in pages if "Contents" in p)
    for part, texts in reader_contents():
        for name in [part, *texts]:
            line = next((line for line in toc_page.splitlines() if line.startswith(name)), None)
            assert line is not None and line.rstrip()[-1].isdigit(), (name, line)
    meta = read_pdf(pdf).metadata
    assert meta["/Title"] == volume["title"] and meta["/Author"] == volume["editor"]


def test_volume_running_heads_name_the_text_on_left_pages_and_the_section_on_right_pages(reader_build):
    """Texts, parts and sections as the reader's sources name them (a notes section is "Notes")."""
    _, pdf = reader_build
    contents = reader_contents()
    # running heads are set in small capitals drawn from capitals: the PDF reads them in capitals
    texts = {title.upper() for _, titles in contents for title in titles}
    parts = {part for part, _ in contents}
    sections = {title.upper() for title in set().union(*map(headings, READER_SOURCES)) | {"Notes"}}
    credits = "SOURCES AND CREDITS"
    heads = running_heads(pdf)
    body = {n: h for n, h in heads.items() if h is not None and n > 2}
    left = {h for n, h in body.items() if n % 2 == 0}
    right = {h for n, h in body.items() if n % 2 == 1}
    assert left == texts | {credits} or left == texts, left
    assert right - texts - {credits} <= sections and right & sections, right
    # a left page after "I. THE FACTS ..." names the speech, not the section
    facts = next(n for n, h in body.items() if h.startswith("I. THE FACTS") and n % 2 == 1)
    assert body[facts + 1] == SEED_FIELDS["title"].upper()
    texts_by_page = pdf_page_texts(pdf)
    for n, text in enumerate(texts_by_page, 1):
        if text.strip().splitlines()[:1] and text.strip().splitlines()[0] in parts:  # blank pages have no lines
            assert heads[n] is None, f"part page {n} carries a running head"


# --- the two CI volumes of the issue ----------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_volumes(tmp_path_factory):
    needs_corpus()
    folder = tmp_path_factory.mktemp("corpus-volumes")
    capital = [CORPUS / f"marx-capital-v1-{name}.md" for name in CAPITAL]
    lines = ['title = "Capital, Volume I: Selections"', 'editor = "Course Editor"', 'language = "en"']
    for path in capital:
        lines += ["[[texts]]", f'source = "{os.path.relpath(path, folder)}"']
        if path.stem.endswith(("dedication", "1872", "1873")):
            lines.append('part = "Prefaces and Afterwords"')
    capital_toml = folder / "capital.toml"
    capital_toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mixed = [SEED] + [CORPUS / name for name in MIXED]
    lines = ['title = "Manifestos, Speeches and Poems"', 'language = "en"']
    for n, path in enumerate(mixed):
        lines += ["[[texts]]", f'source = "{path}"']
        if n in (1, 2):
            lines.append('part = "The Manifesto in Two Languages"')
    mixed_toml = folder / "mixed.toml"
    mixed_toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = folder / "out"
    report = build_into(out, capital_toml, mixed_toml)
    assert report.ok, [m for m in messages(report) if ": error:" in m]
    return {"capital": (capital, out / "capital.epub", out / "capital.pdf"),
            "mixed": (mixed, out / "mixed.epub", out / "mixed.pdf")}


@pytest.mark.slow
def test_corpus_volumes_pass_epubcheck(corpus_volumes):
    assert_epubcheck_clean(*(epub for _, epub, _ in corpus_volumes.values()))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["capital", "mixed"])
def test_corpus_volume_nav_ncx_and_pdf_outline_have_the_same_nesting(corpus_volumes, name):
    sources, epub, pdf = corpus_volumes[name]
    nav = nav_tree(epub)
    assert titles(nav) == titles(ncx_tree(epub))
    assert titles(printed(nav, pdf)) == read_pdf(pdf).outline
    assert not read_pdf(pdf).broken_links


@pytest.mark.slow
def test_capital_volume_keeps_book_order_with_the_prefaces_as_one_part(corpus_volumes):
    sources, epub, _ = corpus_volumes["capital"]
    nav = nav_tree(epub)
    assert [entry[0] for entry in nav][0] == "Prefaces and Afterwords"
    assert nav[-1][0] == "Sources and credits" and len(nav) == 1 + 5 + 1
    texts = nav[0][2] + nav[1:-1]
    assert [t[1].split("#")[1] for t in texts] == [f"t{n}-top" for n in range(1, 9)]
    # (the front matter's "Capital Vol. I - Dedication" is set with an en dash: a typed spaced hyphen)
    assert [t[0] for t in texts] == [front_matter(path)["title"].replace(" - ", " \u2013 ") for path in sources]
    for text in texts:  # every section entry of a text points into that text
        prefix = text[1].split("#")[1][:-3]
        for section in text[2]:
            assert section[1].split("#")[1].startswith(prefix)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["capital", "mixed"])
def test_corpus_volume_notes_link_within_the_right_text(corpus_volumes, name):
    _, epub, pdf = corpus_volumes[name]
    assert assert_notes_link_within_their_text(epub) > 0
    assert assert_pdf_notes_link_within_their_text(pdf) > 0


@pytest.mark.slow
def test_mixed_volume_credits_every_text_and_author(corpus_volumes):
    """Authors, translators and source URLs as the texts' front matter gives them, in order, each once.

    Three of the texts have no front matter (two start with a heading, one with a Pandoc title
    block without an author line): they link nowhere, and credit only the names of the byline
    under their title (the two manifestos: line 5 of each) or in brackets ending their title
    (Boileau's "Art poétique (Nicolas Boileau)").
    """
    sources, epub, _ = corpus_volumes["mixed"]
    fields = [front_matter(path) for path in sources]
    assert [path.name for path, f in zip(sources, fields) if not f] == MIXED[:3]
    bylines = {"marx-engels-manifest-de.md": ("Karl Marx", "Friedrich Engels"),
               "marx-engels-manifest-ru.md": ("Карл Маркс", "Фридрих Энгельс")}
    for name, names_written in bylines.items():
        line = (CORPUS / name).read_text(encoding="utf-8").split("\n")[4]
        assert all(n in line for n in names_written), (name, line)
    title_line = (CORPUS / "boileau-art-poetique.md").read_text(encoding="utf-8").split("\n")[0]
    assert title_line.endswith("(Nicolas Boileau)"), title_line
    bylines["boileau-art-poetique.md"] = ("Nicolas Boileau",)
    opf = epub_opf(epub)
    credited = [e.text for e in opf.iterfind(".//dc:creator", OPF_NS)] + \
               [e.text for e in opf.iterfind(".//dc:contributor", OPF_NS)]
    authors = list(dict.fromkeys(name for path, f in zip(sources, fields)
                                 for name in (*(names(f.get("author")) or bylines.get(path.name, ())),
                                              *names(f.get("translator")))))
    assert authors and credited == authors
    def source(path, f):  # the front matter's, else the address of a copy tracker's first "Read more at"
        found = re.search(r"^Read more at (\S+?)(?:#\S*)?$", path.read_text(encoding="utf-8"), re.M)
        return f.get("originalSource") or (found and found.group(1))

    urls = [url for path, f in zip(sources, fields) if (url := source(path, f))]
    assert len(urls) == len([f for f in fields if f.get("originalSource")]) + 1  # Boileau's
    assert [e.text for e in opf.iterfind(".//dc:source", OPF_NS)] == urls
    colophon = dict(epub_spine(epub))["colophon.xhtml"]
    credits = colophon.findall(".//x:div[@class='credit']", XHTML_NS)
    assert len(credits) == len(sources)
    assert [a.get("href") for a in colophon.iterfind(".//x:a", XHTML_NS)] == urls


@pytest.mark.slow
def test_the_example_volume_has_no_accessibility_issues(reader_build, tmp_path):
    """DAISY Ace on a volume: part pages, text headers and per-text notes included."""
    from test_accessibility import ace_issues

    epub, _ = reader_build
    assert ace_issues(epub, tmp_path / "ace") == []


def test_a_text_without_author_is_reported_unless_the_manifest_names_one(tmp_path):
    write_source(tmp_path, "anonymous.md", "---\ntitle: A\nauthor:\n---\n\nText.\n")
    write_source(tmp_path, "named.md", "---\ntitle: B\n---\n\nText.\n")
    path = write_manifest(tmp_path, "v.toml", 'title = "V"\n[[texts]]\nsource = "anonymous.md"\n'
                          '[[texts]]\nsource = "named.md"\nauthor = "Karl Marx"\n')
    result = Result(path)
    book = load_book(path, Config(), result)
    assert [t.metadata.authors for t in book.texts] == [(), ("Karl Marx",)]
    assert [(d.location.path.name, d.location.line) for d in result.diagnostics if d.code == "frontmatter.author"] == [
        ("anonymous.md", 3)]


def test_the_example_reader_and_the_seed_name_their_authors(tmp_path):
    for path in (READER, SEED):
        result = Result(path)
        assert load_book(path, Config(), result) is not None
        assert [str(d) for d in result.diagnostics if d.code == "frontmatter.author"] == [], path.name
