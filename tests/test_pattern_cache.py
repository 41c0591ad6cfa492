"""Expressions made from kept programs (octavo/pattern_cache.py) are those re makes, and a second
process compiles none of them again."""
from __future__ import annotations

from conftest import probe_process

PROBE = r"""
import json, re, warnings
import octavo.pattern_cache as kept
import octavo.sources, octavo.dialect  # their libraries and modules compile as a build does
PATTERNS = [
    (r"(?P<word>\w+)\s+(?P=word)", 0),
    (r"caf[eé]", re.IGNORECASE),
    (r"(?<=\s)'(?=[^\W\d_])", 0),
    (r" a  b  # spaced\n | c ", re.VERBOSE),
    (r"^[\u0400-\u04ff\u00c0-\u024f]+$", re.MULTILINE),
    (rb"(?P<n>[0-9]+)\.(?P<m>\w*)", 0),
    (r"(a)(b)?(?:c|d)*\2", re.ASCII | re.DOTALL),
]
made = [re.compile(p, f) for p, f in PATTERNS]
theirs = kept._cache.compile_ if kept._cache else re._compiler.compile
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    re.compile(r"[[a]b]")
print(json.dumps({
    "kept": kept._cache is not None,
    "compiled": kept._cache.new if kept._cache else None,
    "same": [m == theirs(p, f) and m.flags == theirs(p, f).flags for m, (p, f) in zip(made, PATTERNS)],
    "groups": [[m.groups, sorted(m.groupindex.items())] for m in made],
    "work": [made[0].sub(r"\g<word>", "the the cat"), bool(made[1].search("CAFÉ")), made[5].match(b"12.ab").group("m").decode()],
    "warned": [str(w.category.__name__) for w in caught],
}))
"""


def probe(cache: str) -> dict:
    return probe_process(PROBE, cache)


def test_expressions_from_kept_programs_are_those_re_makes_and_compiled_once(tmp_path):
    cache = tmp_path / "cache"
    first, second, without = probe(str(cache)), probe(str(cache)), probe("")
    assert len(list(cache.glob("*/code/patterns-*.kept"))) == 1
    assert first["kept"] and first["compiled"] > 50  # PyYAML's, Python-Markdown's, ...
    assert second["kept"] and second["compiled"] == 0
    assert not without["kept"]
    for run in (first, second, without):
        assert run["same"] == [True] * 7  # re.Pattern equality compares the engine's program
        assert run["groups"] == [[1, [["word", 1]]], [0, []], [0, []], [0, []], [0, []], [2, [["m", 2], ["n", 1]]],
                                 [2, []]]
        assert run["work"] == ["the cat", True, "ab"]
        assert run["warned"] == ["FutureWarning"]  # a possible nested set: warned every time, never kept


def test_a_damaged_kept_file_is_not_used(tmp_path):
    cache = tmp_path / "cache"
    probe(str(cache))
    (kept,) = cache.glob("*/code/patterns-*.kept")
    kept.write_bytes(kept.read_bytes()[:-10] + b"0123456789")
    again = probe(str(cache))
    assert again["compiled"] > 50 and again["same"] == [True] * 7
