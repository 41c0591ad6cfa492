"""A volume's metadata is read as a text's is: the manifest's fields mean what the same front matter
fields mean (tags, metaDescription with description as its other name), and the translators (a
text's field) and the tags the manifest does not give come from its texts, as the authors do."""
from __future__ import annotations

import textwrap
import zipfile

from lxml import etree

from conftest import assert_epubcheck_clean, build_into, write_source
from octavo.readback import OPF_NS, XHTML_NS, epub_opf

DC = "{http://purl.org/dc/elements/1.1/}"


def _texts(folder):
    write_source(folder, "one.md", """
        ---
        title: "One"
        author: "Anna Author"
        translator: "Tom Translator"
        tags: [history, labour]
        ---

        The first text.
        """)
    write_source(folder, "two.md", """
        ---
        title: "Two"
        author: "Bela Author"
        translator: "Tina Translator"
        tags: [labour, 1848]
        ---

        The second text.
        """)


def _opf_values(epub, name: str) -> list[str]:
    return [el.text for el in epub_opf(epub).iterfind(f".//opf:metadata/dc:{name}", OPF_NS)]


def _title_page(epub) -> str:
    """The words of the EPUB's title page (the section marked epub:type="titlepage")."""
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            if name.endswith(".xhtml"):
                section = etree.fromstring(z.read(name)).find(".//x:section[@epub:type='titlepage']", XHTML_NS)
                if section is not None:
                    return " ".join("".join(section.itertext()).split())
    raise AssertionError("no title page in the EPUB")


def _build(folder, manifest: str, *more):
    """The two texts and a manifest (its top-level fields as given, then both texts) built as EPUBs."""
    _texts(folder)
    path = folder / "v.toml"
    path.write_text(textwrap.dedent(manifest).lstrip("\n") + '[[texts]]\nsource = "one.md"\n[[texts]]\n'
                    'source = "two.md"\n', encoding="utf-8")
    report = build_into(folder / "out", path, *more, formats=("epub",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    return folder / "out" / "v.epub"


def test_a_manifest_gives_the_volume_tags_and_a_meta_description(tmp_path):
    epub = _build(tmp_path, """
        title = "Volume"
        tags = ["anthology"]
        metaDescription = "Two texts, read together."
        """)
    assert_epubcheck_clean(epub)
    assert _opf_values(epub, "description") == ["Two texts, read together."]
    assert _opf_values(epub, "subject") == ["anthology", "history", "labour", "1848"]


def test_without_them_the_volume_takes_its_texts_translators_and_tags(tmp_path):
    epub = _build(tmp_path, """
        title = "Volume"
        description = "Said with the other name."
        """)
    assert _opf_values(epub, "description") == ["Said with the other name."]
    assert _opf_values(epub, "subject") == ["history", "labour", "1848"]
    assert "Translated by Tom Translator, Tina Translator" in _title_page(epub)


def test_meta_description_wins_over_description_in_a_manifest_as_in_front_matter(tmp_path):
    text = write_source(tmp_path, "t.md", """
        ---
        title: "T"
        description: "The other name."
        metaDescription: "The field itself."
        ---

        Text.
        """)
    epub = _build(tmp_path, """
        title = "Volume"
        description = "The other name."
        metaDescription = "The field itself."
        """, text)
    assert _opf_values(tmp_path / "out" / "t.epub", "description") == ["The field itself."]
    assert _opf_values(epub, "description") == ["The field itself."]


def _nav_entries(epub) -> list[str]:
    """The EPUB's navigation entries as read (the toc nav's link texts)."""
    with zipfile.ZipFile(epub) as z:
        [nav] = [n for n in z.namelist() if n.endswith("nav.xhtml")]
        toc = etree.fromstring(z.read(nav)).find(".//x:nav[@epub:type='toc']", XHTML_NS)
        return [" ".join("".join(a.itertext()).split()) for a in toc.iter("{http://www.w3.org/1999/xhtml}a")]


def test_a_manifests_part_titles_text_titles_and_names_are_set_as_front_matter_is(tmp_path):
    """Typed straight in the manifest, they read as a typesetter sets them: the part title and the
    corrected text title with curly apostrophes and an en dash, the name with a curly apostrophe."""
    _texts(tmp_path)
    path = tmp_path / "v.toml"
    path.write_text('title = "Volume"\n[[texts]]\nsource = "one.md"\npart = "The Workers\' Party - Programme"\n'
                    'title = "Women\'s Day - 1920"\nauthor = "Flann O\'Brien"\n'
                    '[[texts]]\nsource = "two.md"\npart = "The Workers\' Party - Programme"\n', encoding="utf-8")
    report = build_into(tmp_path / "out", path, formats=("epub",))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics]
    epub = tmp_path / "out" / "v.epub"
    assert_epubcheck_clean(epub)
    entries = _nav_entries(epub)
    assert "The Workers\u2019 Party \u2013 Programme" in entries
    assert "Women\u2019s Day \u2013 1920" in entries
    assert "Flann O\u2019Brien" in _opf_values(epub, "creator")
    assert not [e for e in entries if "'" in e or " - " in e]
