"""Dataclasses defined with kept compiled code (octavo/code_cache.py) are the classes dataclasses
makes, and a second process compiles none of their methods again."""
from __future__ import annotations

from conftest import probe_process

PROBE = """
import dataclasses, json, sys
import octavo.code_cache as kept
from octavo import model as m
run = m.Run("a")
span = m.Span("emphasis", (run,), attrs=(("lang", "de"),))
try:
    run.text = "b"
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
print(json.dumps({
    "kept": kept._cache is not None,
    "compiled": kept._cache.new if kept._cache else None,
    "repr": repr(span),
    "equal": m.Run("a") == run and m.Run("a") != m.Run("b") and m.Run("a") != ("a",),
    "hash": hash(run) == hash(("a",)),
    "frozen": frozen,
    "replaced": repr(dataclasses.replace(span, kind="strong")),
    "fields": [f.name for f in dataclasses.fields(m.Span)],
    "kept_texts": len(kept._cache.known) if kept._cache else None,
    "theirs": repr(dataclasses.make_dataclass("Theirs", ["x"], namespace={"__module__": "elsewhere"})(1)),
    "kept_after_theirs": len(kept._cache.known) if kept._cache else None,
}))
"""


def probe(cache: str) -> dict:
    return probe_process(PROBE, cache)


def test_model_classes_from_kept_code_are_dataclasses_as_before_and_compiled_once(tmp_path):
    cache = tmp_path / "cache"
    first, second, without = probe(str(cache)), probe(str(cache)), probe("")
    kept = list(cache.glob("*/code/dataclasses-*.marshal"))
    assert len(kept) == 1
    assert first["kept"] and first["compiled"] > 100  # the model's 30 classes: ~190 methods
    assert second["kept"] and second["compiled"] == 0
    assert not without["kept"]
    for run in (first, second, without):
        assert run["repr"] == "Span(kind='emphasis', children=(Run(text='a'),), id=None, attrs=(('lang', 'de'),))"
        assert run["replaced"] == "Span(kind='strong', children=(Run(text='a'),), id=None, attrs=(('lang', 'de'),))"
        assert run["equal"] and run["hash"] and run["frozen"]
        assert run["fields"] == ["kind", "children", "id", "attrs"]


def test_a_damaged_kept_file_is_not_trusted(tmp_path):
    cache = tmp_path / "cache"
    probe(str(cache))
    kept = next(cache.glob("*/code/dataclasses-*.marshal"))
    data = kept.read_bytes()
    kept.write_bytes(data[:-20] + b"\x00" * 20)
    again = probe(str(cache))
    assert again["kept"] and again["compiled"] > 100  # compiled again, and kept again
    assert probe(str(cache))["compiled"] == 0


def test_another_packages_dataclasses_are_compiled_as_before_and_not_kept(tmp_path):
    run = probe(str(tmp_path / "cache"))
    assert run["theirs"] == "Theirs(x=1)"
    assert run["kept_after_theirs"] == run["kept_texts"]
