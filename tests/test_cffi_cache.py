"""C declarations built once and kept (octavo/cffi_cache.py): the FFI made from the kept form has the
declarations' types and functions, and a kept file that is damaged, is not a built form, or was built
from other declarations is never used. The expected sizes are C's, written out."""
from __future__ import annotations

import hashlib
import marshal

import pytest

from octavo import cffi_cache

DECLARATIONS = ["typedef struct { int x; double y; } pair_t;", "int abs(int);"]


@pytest.fixture
def cache(monkeypatch, tmp_path):
    monkeypatch.setenv("OCTAVO_CACHE_DIR", str(tmp_path / "cache"))
    builds = []
    build = cffi_cache._build
    monkeypatch.setattr(cffi_cache, "_build", lambda sources: builds.append(sources) or build(sources))
    return tmp_path / "cache", builds


def _works(ffi) -> bool:
    pair = ffi.new("pair_t *", {"x": 3, "y": 0.5})
    return (type(ffi).__module__ == "_cffi_backend" and ffi.sizeof("pair_t") == 16
            and (pair.x, pair.y) == (3, 0.5) and ffi.dlopen(None).abs(-7) == 7)


def test_declarations_are_built_once_then_loaded_from_the_kept_file(cache):
    folder, builds = cache
    assert _works(cffi_cache.built(DECLARATIONS))
    [kept] = list(folder.rglob("*.marshal"))
    assert _works(cffi_cache.built(DECLARATIONS))
    assert len(builds) == 1 and list(folder.rglob("*.marshal")) == [kept]


def test_a_damaged_or_foreign_kept_file_is_built_again(cache):
    folder, builds = cache
    cffi_cache.built(DECLARATIONS)
    [kept] = list(folder.rglob("*.marshal"))
    kept.write_bytes(kept.read_bytes()[:-50])  # cut short, as by a full disk: its checksum fails
    assert _works(cffi_cache.built(DECLARATIONS)) and len(builds) == 2
    foreign = marshal.dumps(["not", "declarations"])
    kept.write_bytes(hashlib.sha256(foreign).digest() + foreign)  # checks out, but is no built form
    assert _works(cffi_cache.built(DECLARATIONS)) and len(builds) == 3
    elsewhere = marshal.dumps({"declarations": "0" * 64, "fields": {"_types": b"", "_version": 0x2601}})
    kept.write_bytes(hashlib.sha256(elsewhere).digest() + elsewhere)  # another's form (a file moved)
    assert _works(cffi_cache.built(DECLARATIONS)) and len(builds) == 4


def test_other_declarations_are_never_given_the_kept_form_of_the_first(cache):
    folder, builds = cache
    cffi_cache.built(DECLARATIONS)
    wider = cffi_cache.built(["typedef struct { int x; double y; double z; } pair_t;", "int abs(int);"])
    assert wider.sizeof("pair_t") == 24 and len(builds) == 2 and len(list(folder.rglob("*.marshal"))) == 2


def test_without_a_cache_folder_nothing_is_built_and_cffi_parses_as_before(cache, monkeypatch):
    folder, builds = cache
    monkeypatch.setenv("OCTAVO_CACHE_DIR", "")  # caching turned off: building each time would cost more
    assert cffi_cache.built(DECLARATIONS) is None and builds == [] and not folder.exists()
    with cffi_cache.declarations_kept(__name__) as made:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef(DECLARATIONS[0])
        assert ffi.sizeof("pair_t") == 16 and made[0]._ffi is not None and hasattr(made[0]._ffi, "_parsed_types")
