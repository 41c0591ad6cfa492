"""CSS selectors' compiled tests kept (octavo/selector_cache.py): a second process compiles none, and
each test matches what cssselect2's own compiling makes match."""
from __future__ import annotations

from conftest import probe_process

PROBE = """
import json
from octavo import weasy  # installs the route before WeasyPrint compiles its user-agent stylesheets
import octavo.selector_cache as kept
import cssselect2
from lxml import etree
root = etree.fromstring('<html><body><p class="a b" lang="de-CH">x</p><p>y</p><em/></body></html>')
selectors = ["p.b", "body > p:first-child", "p[lang^=de]", "p + p", ":not(p)", "p:nth-child(2n)", "[lang|=de]"]
matched = {}
for selector in selectors:
    matcher = cssselect2.Matcher()
    for compiled in cssselect2.compile_selector_list(selector):
        matcher.add_selector(compiled, selector)
    matched[selector] = [element.etree_element.tag + str(i) for i, element in
                         enumerate(cssselect2.ElementWrapper.from_xml_root(root).iter_subtree())
                         if matcher.match(element)]
print(json.dumps({"kept": kept._cache is not None, "compiled": kept._cache.new if kept._cache else None,
                  "texts": len(kept._cache.known) if kept._cache else 0, "matched": matched}))
"""


def probe(cache: str) -> dict:
    return probe_process(PROBE, cache)


def test_a_second_process_compiles_no_selector_again_and_they_match_as_cssselect2s(tmp_path):
    first, second, uncached = probe(str(tmp_path / "cache")), probe(str(tmp_path / "cache")), probe("")
    assert first["kept"] and first["compiled"] > 200  # WeasyPrint's user-agent sheet and the probe's
    assert second["compiled"] == 0 and second["texts"] == first["texts"]
    assert not uncached["kept"]
    expected = {"p.b": ["p2"], "body > p:first-child": ["p2"], "p[lang^=de]": ["p2"], "p + p": ["p3"],
                ":not(p)": ["html0", "body1", "em4"], "p:nth-child(2n)": ["p3"], "[lang|=de]": ["p2"]}
    assert first["matched"] == second["matched"] == uncached["matched"] == expected
    kept = list((tmp_path / "cache").rglob("code/*.selectors"))
    assert len(kept) == 1


def test_a_damaged_kept_file_is_compiled_again(tmp_path):
    probe(str(tmp_path / "cache"))
    kept = next((tmp_path / "cache").rglob("code/*.selectors"))
    kept.write_bytes(b"\0" * 64 + kept.read_bytes()[64:])
    again = probe(str(tmp_path / "cache"))
    assert again["kept"] and again["compiled"] > 200
    assert probe(str(tmp_path / "cache"))["compiled"] == 0
