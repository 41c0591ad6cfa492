"""Archive texts Octavo used to read wrongly (issue 19), each on a small source built to show it:
the header block's fields in the EPUB's package metadata, a byline inside the block quotation that
frames a whole page, a title repeated as the text's first heading in a volume, a title split over
two headings, and BOOK and CHAPTER headings written at one rank. The EPUBs are read back with
zipfile and lxml, and checked by EPUBCheck."""
from __future__ import annotations

import textwrap
import zipfile
from pathlib import Path

from lxml import etree

from conftest import assert_epubcheck_clean, build_into, load, write_source

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML = {"x": "http://www.w3.org/1999/xhtml"}

LENIN_HEADER = textwrap.dedent("""\
    ## V. I. Lenin

    ### Draft Theses on

    # National and Colonial Questions

    ------------------------------------------------------------------------

    [Written:]{.info style="text-indent: 0%"} 5 June, 1920\\
    [First Published:]{.info} Published in June, 1920; Published according
    to the manuscript\\
    [Source:]{.info} Lenin's *Collected Works*, Progress Publishers, Moscow, 1965, Volume 31\\
    [Translated:]{.info} Julius Katzer\\
    [Transcription\\\\HTML Markup:]{.info} David Walters & R. Cymbala\\
    [Copyleft:]{.info} V. I. Lenin Internet Archive (www.marx.org) 2002.

    ------------------------------------------------------------------------

    In submitting for discussion by the Second Congress the following draft theses.
    """)


def package(epub: Path):
    with zipfile.ZipFile(epub) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        return etree.fromstring(z.read(container.find(".//{*}rootfile").get("full-path")))


def spine_texts(epub: Path) -> list[str]:
    """Every spine document's body text, one string each, in reading order."""
    with zipfile.ZipFile(epub) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        base = opf_path.rsplit("/", 1)[0] + "/"
        items = {i.get("id"): i.get("href") for i in opf.iter("{*}item")}
        bodies = [etree.fromstring(z.read(base + items[r.get("idref")])).find("x:body", XHTML)
                  for r in opf.iter("{*}itemref")]
        return [" ".join("".join(body.itertext()).split()) for body in bodies]


def nav_titles(epub: Path) -> list:
    """The EPUB's contents as nested lists: [title, [children...]] per entry, read from nav.xhtml."""
    with zipfile.ZipFile(epub) as z:
        name = next(n for n in z.namelist() if n.endswith("nav.xhtml"))
        nav = etree.fromstring(z.read(name))
    toc = next(n for n in nav.iter("{*}nav") if "toc" in (n.get("{http://www.idpf.org/2007/ops}type") or ""))

    def entries(ol):
        out = []
        for li in ol.findall("x:li", XHTML):
            a = li.find("x:a", XHTML)
            inner = li.find("x:ol", XHTML)
            out.append([" ".join("".join(a.itertext()).split()), entries(inner) if inner is not None else []])
        return out
    return entries(toc.find("x:ol", XHTML))


def test_the_archive_header_fills_the_package_metadata(tmp_path):
    """Source -> dc:source, First Published -> dc:date (the front matter gives no date), Translated
    -> dc:contributor with the MARC role trl, and the translator on the title page."""
    source = write_source(tmp_path, "lenin.md", "---\nlayout: default\ntitle:\n---\n" + LENIN_HEADER)
    build_into(tmp_path / "out", source, formats=("epub",))
    epub = tmp_path / "out" / "lenin.epub"
    assert_epubcheck_clean(epub)
    opf = package(epub)
    assert opf.xpath("//dc:source/text()", namespaces=OPF) == [
        "Lenin\u2019s Collected Works, Progress Publishers, Moscow, 1965, Volume 31"]
    assert opf.xpath("//dc:date/text()", namespaces=OPF) == ["1920-06"]
    assert opf.xpath("//dc:creator/text()", namespaces=OPF) == ["V. I. Lenin"]
    contributor = opf.xpath("//dc:contributor", namespaces=OPF)
    assert [c.text for c in contributor] == ["Julius Katzer"]
    role = opf.xpath(f"//opf:meta[@refines='#{contributor[0].get('id')}'][@property='role']", namespaces=OPF)
    assert [(r.text, r.get("scheme")) for r in role] == [("trl", "marc:relators")]
    texts = spine_texts(epub)
    assert any("Translated by Julius Katzer" in t for t in texts[:2]), "the title page names the translator"
    body = next(t for t in texts if t.startswith("Draft Theses on National and Colonial Questions"))
    assert "Written:" not in body and "Copyleft" not in body, "the header is not paragraph 1"
    credits = next(t for t in texts if "Copyleft: V. I. Lenin Internet Archive" in t)
    assert "Transcription\\HTML Markup: David Walters & R. Cymbala" in credits


def test_the_front_matter_date_and_translator_win_over_the_header(tmp_path):
    source = write_source(tmp_path, "lenin.md", "---\ntitle: Draft Theses\ndate: 1920-06-05\n"
                          "translator: Another Translator\n---\n" + LENIN_HEADER)
    build_into(tmp_path / "out", source, formats=("epub",))
    epub = tmp_path / "out" / "lenin.epub"
    assert_epubcheck_clean(epub)
    opf = package(epub)
    assert opf.xpath("//dc:date/text()", namespaces=OPF) == ["1920-06-05"]
    assert opf.xpath("//dc:contributor/text()", namespaces=OPF) == ["Another Translator"]


def test_a_header_without_dates_or_names_maps_only_what_it_gives(tmp_path):
    """Zetkin's "Published:" is the 1984 edition, not the first publication: no dc:date from it;
    Korsch's "Proofed and corrected:" is a header label too."""
    source = write_source(tmp_path, "korsch.md", """\
        ---
        title: Marxism and Philosophy
        ---
        [Source]{.info}: *Marxism and Philosophy*, Monthly Review Press, 1970,
        reproduced in its entirety;\\
        [Published]{.info}: Selected Writings, International Publishers, 1984.\\
        [Translated]{.info}: from the German by the editors\\
        [Proofed and corrected]{.info}: by Chris Clayton 2006.

        The text.
        """)
    text, diagnostics = load(source)
    assert text.metadata.source_citation == "Marxism and Philosophy, Monthly Review Press, 1970, reproduced in its entirety"
    assert text.metadata.first_published is None and text.metadata.translators == ()
    assert [label for label, _ in text.metadata.archive] == ["Source", "Published", "Translated",
                                                            "Proofed and corrected"]


KOLLONTAI = """\
    ---
    layout: default
    title:
    ---
    > Alexandra Kollontai 1920
    >
    > ::: border
    > ### International Women's Day
    >
    > ![Alexandra Kollontai](../pics/kollontai-alexandra.jpg){align="left"}
    >
    > ## \\* \\* \\*
    >
    > [First Published:]{.info} *Mezhdunarodnyi den' rabotnitz*, Moscow
    > 1920;\\
    > [Translated:]{.info} Alix Holt 1972;\\
    > [Transcribed:]{.info} Tom Condit for marx.org, 1997;
    >
    > ## \\* \\* \\*
    >
    > #### A Militant Celebration
    >
    > Women's Day is a day of international solidarity.[\\[1\\]](#n1){#f1}
    >
    > ### How and Why was Women's Day Organised?
    >
    > Not very long ago.
    >
    > ### The First International Women's Day
    >
    > In 1910, at the Second International Conference.
    >
    > ### Notes
    >
    > [1.](#f1){#n1} The 8th of March, by the new calendar.
    """


def test_a_byline_inside_the_quotation_framing_the_page_is_the_author(tmp_path):
    """Kollontai's page is one block quotation (a bordered box): byline, title, header and text.
    The byline is the author, the title is printed once, the header goes to the credits, and the
    text is not a quotation."""
    source = write_source(tmp_path, "kollontai.md", KOLLONTAI)
    text, diagnostics = load(source)
    assert text.metadata.title == "International Women\u2019s Day"
    assert text.metadata.authors == ("Alexandra Kollontai",)
    assert text.metadata.translators == ("Alix Holt",) and text.metadata.first_published == "1920"
    assert [str(d) for d in diagnostics if d.code in ("dialect.frame", "frontmatter.author", "dialect.rule")] == [
        f"{source}:5: warning: the whole text is inside one block quotation (the web page's frame); it is read as "
        "the text itself, not as a quotation [dialect.frame]",
        f"{source}:12: warning: set 2 headings of only signs ('* * *') as thematic breaks (lines 12, 19) "
        "[dialect.rule]",
        f"{source}:5: warning: no author in front matter; using the byline 'Alexandra Kollontai 1920' above the "
        "title (line 5) [frontmatter.author]"]
    build_into(tmp_path / "out", source, formats=("epub",))
    epub = tmp_path / "out" / "kollontai.epub"
    assert_epubcheck_clean(epub)
    with zipfile.ZipFile(epub) as z:
        chapters = [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.split("/")[-1].startswith("c0")]
    first = chapters[0]
    assert not first.xpath("//x:blockquote", namespaces=XHTML)
    assert [" ".join("".join(h.itertext()).split()) for h in first.xpath("//x:h1|//x:h2|//x:h3", namespaces=XHTML)
            ] == ["International Women\u2019s Day", "A Militant Celebration"]
    assert [" ".join("".join(p.itertext()).split()) for p in first.xpath("//x:section//x:p", namespaces=XHTML)] == [
        "[Alexandra Kollontai]", "Women\u2019s Day is a day of international solidarity.1"]
    assert not first.xpath("//x:hr", namespaces=XHTML)
    # the heading in the text's opening is listed under the opening's entry (the title)
    assert nav_titles(epub)[:3] == [["International Women\u2019s Day", [["A Militant Celebration", []]]],
                                    ["How and Why was Women\u2019s Day Organised?", []],
                                    ["The First International Women\u2019s Day", []]]
    assert "Alexandra Kollontai" in " ".join(package(epub).xpath("//dc:creator/text()", namespaces=OPF))
    assert [title for title, _ in nav_titles(epub)][3:] == ["Notes", "Sources and credits"], \
        "the source's own Notes heading is the notes section, listed once"


def test_a_quotation_with_headings_among_other_text_stays_a_quotation(tmp_path):
    body_text = ("---\ntitle: Letters\n---\nThe letter reads:\n\n> ### Dear friend\n>\n> Come soon.\n>\n"
                 "> ### Postscript\n>\n> Bring the book.\n")
    text, diagnostics = load(write_source(tmp_path, "letters.md", body_text))
    assert "dialect.frame" not in [d.code for d in diagnostics]
    assert [type(b).__name__ for s in text.sections for b in s.blocks] == ["Paragraph", "Quotation"]


def test_a_byline_that_disagrees_with_the_front_matter_is_reported_and_kept(tmp_path):
    source = write_source(tmp_path, "kollontai.md", KOLLONTAI.replace("    title:\n", "    title:\n    author: Clara Zetkin\n"))
    text, diagnostics = load(source)
    assert text.metadata.authors == ("Clara Zetkin",)
    assert [str(d) for d in diagnostics if d.code == "frontmatter.author"] == [
        f"{source}:6: warning: the byline 'Alexandra Kollontai 1920' above the title names Alexandra Kollontai, "
        "not the front matter's author Clara Zetkin; the front matter's is used and the byline is printed as "
        "written [frontmatter.author]"]


LUXEMBURG = """\
    ---
    layout: default
    title:
    ---
    #### [Rosa Luxemburg]{.small} The Mass Strike

    ------------------------------------------------------------------------

    # VI. Co-operation of Organised and Unorganised Workers Necessary for Victory

    In connection with this, the question of organisation assumes a different aspect.

    ## The Trade-Unions

    The attitude of many trade-union leaders.
    """


def test_a_title_read_from_the_first_heading_is_printed_once_in_a_volume(tmp_path):
    """Luxemburg's chapter: its title is its first heading. The volume's contents list the text once,
    with its own sections under it, and the text prints the title once."""
    write_source(tmp_path, "lux.md", LUXEMBURG)
    write_source(tmp_path, "other.md", "---\ntitle: Another Text\n---\nWords.\n")
    manifest = write_source(tmp_path, "volume.toml", """\
        title = "Two Texts"
        language = "en"
        [[texts]]
        source = "lux.md"
        [[texts]]
        source = "other.md"
        """)
    build_into(tmp_path / "out", manifest, formats=("epub",))
    epub = tmp_path / "out" / "volume.epub"
    assert_epubcheck_clean(epub)
    title = "VI. Co-operation of Organised and Unorganised Workers Necessary for Victory"
    assert nav_titles(epub)[0] == [title, [["The Trade-Unions", []]]]
    lux = next(t for t in spine_texts(epub) if "In connection with this" in t)
    assert lux.count(title) == 1, lux


SMITH = """\
    # Title: The Wealth of Nations

    ## Author: Adam Smith

    -------

    ##  INTRODUCTION AND PLAN OF THE WORK.

    The annual labour of every nation.

    ##  BOOK I.

    Of the causes of improvement.

    ##  CHAPTER I. OF THE DIVISION OF LABOUR.

    The greatest improvement.

    ##  CHAPTER II. OF THE PRINCIPLE WHICH GIVES OCCASION TO THE DIVISION OF LABOUR.

    This division of labour.

    ##  BOOK II. OF THE NATURE, ACCUMULATION, AND EMPLOYMENT OF STOCK.

    ##  INTRODUCTION.

    In that rude state of society.

    ##  CHAPTER I. OF THE DIVISION OF STOCK.

    When the stock which a man possesses.
    """


def test_chapters_written_at_the_rank_of_their_books_nest_under_them(tmp_path):
    """The Wealth of Nations writes BOOK and CHAPTER headings at one rank: the contents nest each
    chapter (and a book's own introduction) under its book; the work's introduction stays above."""
    source = write_source(tmp_path, "smith.md", SMITH)
    text, diagnostics = load(source)
    assert [str(d) for d in diagnostics if d.code == "dialect.ranks"] == [
        f"{source}:11: warning: CHAPTER headings are written at the rank of the BOOK headings (from line 11); they, "
        "and what is under them, are set one rank down, so each chapter is part of its book [dialect.ranks]"]
    build_into(tmp_path / "out", source, formats=("epub",))
    epub = tmp_path / "out" / "smith.epub"
    assert_epubcheck_clean(epub)
    assert nav_titles(epub)[:3] == [
        ["INTRODUCTION AND PLAN OF THE WORK", []],
        ["BOOK I", [["CHAPTER I. OF THE DIVISION OF LABOUR", []],
                     ["CHAPTER II. OF THE PRINCIPLE WHICH GIVES OCCASION TO THE DIVISION OF LABOUR", []]]],
        ["BOOK II. OF THE NATURE, ACCUMULATION, AND EMPLOYMENT OF STOCK",
         [["INTRODUCTION", []], ["CHAPTER I. OF THE DIVISION OF STOCK", []]]]]
    chapters = [t for t in spine_texts(epub) if t.startswith("CHAPTER I. OF THE DIVISION OF LABOUR.")]
    assert chapters == ["CHAPTER I. OF THE DIVISION OF LABOUR. The greatest improvement."], \
        "a chapter is still a document of its own (one file, one page in print), only listed under its book"
    with zipfile.ZipFile(epub) as z:
        ranks = [h.tag.split("}")[1] + " " + " ".join("".join(h.itertext()).split())
                 for n in sorted(z.namelist()) if n.split("/")[-1].startswith("c0")
                 for h in etree.fromstring(z.read(n)).iter("{*}h2", "{*}h3")]
    assert ranks[:4] == ["h2 INTRODUCTION AND PLAN OF THE WORK.", "h2 BOOK I.", "h3 CHAPTER I. OF THE DIVISION OF LABOUR.",
                         "h3 CHAPTER II. OF THE PRINCIPLE WHICH GIVES OCCASION TO THE DIVISION OF LABOUR."]


def test_parts_after_a_chapter_of_a_book_divide_that_chapter(tmp_path):
    """Smith's BOOK IV, CHAPTER III., then "Part I -- ..." and "PART II -- ...", all at one rank:
    the parts are the chapter's divisions (inside its file), and the next chapter is the book's."""
    source = write_source(tmp_path, "parts.md", """\
        # Title: The Wealth of Nations

        ##  BOOK IV. OF SYSTEMS OF POLITICAL ECONOMY.

        ##  CHAPTER III.

        *OF THE EXTRAORDINARY RESTRAINTS.*

        ##  Part I -- Of the Unreasonableness of those Restraints.

        To lay extraordinary restraints.

        ##  PART II -- Of the Unreasonableness upon other Principles.

        Though the encouragement.

        ##  CHAPTER IV. OF DRAWBACKS.

        Merchants and manufacturers.

        ##  BOOK V. OF THE REVENUE OF THE SOVEREIGN.

        ##  CHAPTER I. OF THE EXPENSES OF THE SOVEREIGN.

        ### PART I. Of the Expense of Defence.

        The first duty of the sovereign.

        ##  PART II. Of the Expense of Justice

        The second duty.
        """)
    text, diagnostics = load(source)
    assert [str(d) for d in diagnostics if d.code == "dialect.ranks"][1] == (
        f"{source}:9: warning: PART headings after a CHAPTER of the same BOOK (from line 9) divide that chapter: "
        "they are set under it [dialect.ranks]")
    build_into(tmp_path / "out", source, formats=("epub",))
    epub = tmp_path / "out" / "parts.epub"
    assert_epubcheck_clean(epub)
    assert nav_titles(epub)[:2] == [
        ["BOOK IV. OF SYSTEMS OF POLITICAL ECONOMY", [
            ["CHAPTER III", [["Part I \u2014 Of the Unreasonableness of those Restraints", []],
                              ["PART II \u2014 Of the Unreasonableness upon other Principles", []]]],
            ["CHAPTER IV. OF DRAWBACKS", []]]],
        ["BOOK V. OF THE REVENUE OF THE SOVEREIGN", [
            ["CHAPTER I. OF THE EXPENSES OF THE SOVEREIGN", [["PART I. Of the Expense of Defence", []],
                                                             ["PART II. Of the Expense of Justice", []]]]]]]
    chapter = [t for t in spine_texts(epub) if t.startswith("CHAPTER III.")]
    assert len(chapter) == 1 and "To lay extraordinary restraints." in chapter[0] and \
        "Though the encouragement." in chapter[0], "the parts are inside their chapter's file"


def test_numbered_chapters_without_books_keep_their_rank(tmp_path):
    source = write_source(tmp_path, "chapters.md", "---\ntitle: T\n---\n## Chapter 1\n\nA.\n\n## Chapter 2\n\nB.\n\n"
                          "## Part of the Problem\n\nC.\n")
    text, diagnostics = load(source)
    assert "dialect.ranks" not in [d.code for d in diagnostics]
    assert [s.title for s in text.sections] == ["Chapter 1", "Chapter 2", "Part of the Problem"]


# --- a site's masthead above a chapter's title (Trotsky's and Luxemburg's pages) ----------------------------

TROTSKY_MASTHEAD = """\
    ---
    title:
    ---
    ### Leon Trotsky

    ## The First Five Years of the Communist International

    #### Volume 1

    ------------------------------------------------------------------------

    # On *l'Humanité*, the Central Organ

    DEAR COMRADE, in accordance with your desire.
    """


def test_a_masthead_names_the_author_and_the_work_and_is_no_heading_of_the_text(tmp_path):
    source = write_source(tmp_path, "trotsky.md", TROTSKY_MASTHEAD)
    report = build_into(tmp_path / "out", source, formats=("epub",))
    epub = tmp_path / "out" / "trotsky.epub"
    assert_epubcheck_clean(epub)
    texts = spine_texts(epub)
    with zipfile.ZipFile(epub) as z:
        title_page = etree.fromstring(z.read(next(n for n in z.namelist() if n.endswith("title.xhtml"))))
    assert [" ".join("".join(el.itertext()).split()) for el in title_page.iter("{*}h1", "{*}p")] == [
        "On l\u2019Humanit\u00e9, the Central Organ", "Leon Trotsky",
        "From The First Five Years of the Communist International, Volume 1"]
    chapter = next(t for t in texts if "DEAR COMRADE" in t)
    assert chapter == "On l\u2019Humanit\u00e9, the Central Organ DEAR COMRADE, in accordance with your desire."
    assert nav_titles(epub)[0] == ["On l\u2019Humanit\u00e9, the Central Organ", []]
    opf = package(epub)
    assert opf.xpath("//dc:creator/text()", namespaces=OPF) == ["Leon Trotsky"]
    assert opf.xpath("//opf:meta[@property='belongs-to-collection']/text()", namespaces=OPF) == [
        "The First Five Years of the Communist International, Volume 1"]
    credits = texts[-1]
    assert "From The First Five Years of the Communist International, Volume 1" in credits
    codes = [(d.code, d.location.line) for r in report.results for d in r.diagnostics if d.code == "dialect.masthead"]
    assert codes == [("dialect.masthead", 4)]


def test_an_author_set_small_in_the_masthead_heading_is_its_own_line(tmp_path):
    source = write_source(tmp_path, "luxemburg.md", """\
        ---
        title:
        ---
        #### [Rosa Luxemburg]{.small} The Mass Strike

        ------------------------------------------------------------------------

        # VI. Co-operation of Organised and Unorganised Workers

        In connection with this, the question of organisation.
        """)
    build_into(tmp_path / "out", source, formats=("epub",))
    epub = tmp_path / "out" / "luxemburg.epub"
    assert_epubcheck_clean(epub)
    opf = package(epub)
    assert opf.xpath("//dc:creator/text()", namespaces=OPF) == ["Rosa Luxemburg"]
    assert opf.xpath("//opf:meta[@property='belongs-to-collection']/text()", namespaces=OPF) == ["The Mass Strike"]
    chapter = next(t for t in spine_texts(epub) if "In connection" in t)
    assert "Luxemburg" not in chapter and "Mass Strike" not in chapter


def test_a_heading_alone_over_the_title_is_no_masthead(tmp_path):
    """No byline among the headings above the title: they may be the text's own (a kicker, a part)."""
    source = write_source(tmp_path, "kicker.md", """\
        ## Speech at the Congress

        ### Volume 1

        # The Tasks

        Text.
        """)
    build_into(tmp_path / "out", source, formats=("epub",))
    epub = tmp_path / "out" / "kicker.epub"
    assert not package(epub).xpath("//opf:meta[@property='belongs-to-collection']", namespaces=OPF)
    assert any("Speech at the Congress" in t and "Text." in t for t in spine_texts(epub))


def test_the_headings_of_a_texts_opening_are_listed_under_its_title(tmp_path):
    """Text before the first chapter heading is the opening; its own headings reach the contents,
    ranked one under the title (h2 under the title's h1, no level skipped)."""
    source = write_source(tmp_path, "opening.md", """\
        ---
        title: Women’s Day
        ---
        #### A Militant Celebration

        Women's Day is a day of solidarity.

        ### How Was It Organised?

        It was decided in 1910.
        """)
    build_into(tmp_path / "out", source, formats=("epub",))
    epub = tmp_path / "out" / "opening.epub"
    assert_epubcheck_clean(epub)
    assert nav_titles(epub)[:2] == [["Women\u2019s Day", [["A Militant Celebration", []]]],
                                    ["How Was It Organised?", []]]
    with zipfile.ZipFile(epub) as z:
        first = etree.fromstring(z.read(next(n for n in sorted(z.namelist()) if n.endswith("c001.xhtml"))))
    assert [h.tag.split("}")[1] for h in first.iter("{*}h1", "{*}h2", "{*}h3")] == ["h1", "h2"]


def test_a_rule_closing_the_text_above_its_notes_is_not_printed(tmp_path):
    """Capital's pages end with ``* * *`` over their footnotes: it separates nothing in a book. A rule
    between paragraphs stays."""
    source = write_source(tmp_path, "rules.md", """\
        ---
        title: Rules
        ---
        First part.[^1]

        * * *

        Second part.

        * * *

        ## Footnotes

        [^1]: A note.
        """)
    build_into(tmp_path / "out", source, formats=("epub",))
    with zipfile.ZipFile(tmp_path / "out" / "rules.epub") as z:
        chapter = etree.fromstring(z.read("EPUB/c001.xhtml"))
    blocks = [el.tag.split("}")[1] for el in chapter.iter("{*}p", "{*}hr")]
    assert blocks == ["p", "hr", "p"]
