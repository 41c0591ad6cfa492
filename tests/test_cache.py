"""Incremental builds: an unchanged input is not built again; a change rebuilds exactly what depends on it."""
from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path

import pytest

from conftest import assert_epubcheck_clean, write_source
from octavo.cache import FOLDER, Cache
from octavo.config import Config
from octavo.pipeline import Events, build
from test_safety import png


def project(root: Path) -> dict[str, Path]:
    """Two sources (one with an image, one with a missing image) and a volume holding the first."""
    (root / "src" / "fig").mkdir(parents=True)
    (root / "src" / "fig" / "red.png").write_bytes(png())
    paths = {
        "plain": write_source(root / "src", "plain.md", "---\ntitle: Plain\n---\n\n# One\n\nText.[^1]\n\n[^1]: A note.\n"),
        "picture": write_source(root / "src", "picture.md", "---\ntitle: Picture\n---\n\n# One\n\n![red](fig/red.png)\n"),
        "missing": write_source(root / "src", "missing.md", "---\ntitle: Missing\nauthor: Ann Author\n---\n# One\n\n![blue](blue.png)\n"),
    }
    paths["volume"] = write_source(root / "vol", "volume.toml", 'title = "Volume"\n\n[[texts]]\nsource = "../src/plain.md"\n')
    return paths


def run(root: Path, paths: dict[str, Path], **options):
    """Build everything (EPUB); returns ({name: status}, [names of inputs actually built])."""
    started = []
    config = Config(inputs=tuple(paths.values()), output=root / "out", formats=("epub",), **options)
    report = build(config, Events(started=lambda path, pid: started.append(path)))
    assert report.ok, [str(d) for r in report.results for d in r.diagnostics if d.level == "error"]
    names = {p: n for n, p in paths.items()}
    return {names[r.input]: r.status for r in report.results}, sorted(names[p] for p in started)


@pytest.fixture
def built(tmp_path):
    paths = project(tmp_path)
    statuses, started = run(tmp_path, paths)
    assert set(statuses.values()) == {"built"} and len(started) == 4
    return tmp_path, paths


def test_a_second_build_with_nothing_changed_builds_nothing(built):
    root, paths = built
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (root / "out").glob("*.epub")}
    statuses, started = run(root, paths)
    assert started == [] and set(statuses.values()) == {"unchanged"}
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (root / "out").glob("*.epub")} == before
    assert_epubcheck_clean(*(root / "out").glob("*.epub"))


def test_an_unchanged_build_reports_the_same_warnings_and_strict_still_fails(built):
    root, paths = built
    config = Config(inputs=(paths["missing"],), output=root / "out", formats=("epub",))
    report = build(config)
    assert report.results[0].status == "unchanged"
    assert [d.code for d in report.results[0].diagnostics] == ["images.missing"]
    strict = build(replace(config, strict=True))
    assert not strict.ok and strict.results[0].diagnostics[-1].code == "build.strict"


@pytest.mark.parametrize("change, rebuilt", [
    ("plain", ["plain", "volume"]),  # a text: itself and the volume holding it
    ("image", ["picture"]),  # an image: the book showing it (not the book whose missing image has another name)
    ("manifest", ["volume"]),
    ("missing image appears", ["missing"]),  # a new file where a missing image was looked up
])
def test_a_change_rebuilds_exactly_what_depends_on_it(built, change, rebuilt):
    root, paths = built
    if change == "plain":
        paths["plain"].write_text(paths["plain"].read_text() + "\nMore text.\n")
    elif change == "image":
        (root / "src" / "fig" / "red.png").write_bytes(png(rgb=(0, 200, 0)))
    elif change == "manifest":
        paths["volume"].write_text(paths["volume"].read_text().replace('"Volume"', '"Another title"'))
    else:
        (root / "src" / "blue.png").write_bytes(png(rgb=(0, 0, 200)))
    statuses, started = run(root, paths)
    assert started == rebuilt
    assert sorted(n for n, s in statuses.items() if s == "built") == rebuilt
    assert_epubcheck_clean(*(root / "out").glob("*.epub"))


def test_templates_styles_and_options_rebuild_everything(built, tmp_path):
    root, paths = built
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "epub.css").write_text("p { text-indent: 1em; }\n")
    statuses, started = run(root, paths, styles=styles)
    assert len(started) == 4
    assert run(root, paths, styles=styles)[1] == []
    (styles / "epub.css").write_text("p { text-indent: 2em; }\n")  # same folder, new content
    assert len(run(root, paths, styles=styles)[1]) == 4


def test_force_rebuilds_everything(built):
    root, paths = built
    statuses, started = run(root, paths, force=True)
    assert len(started) == 4 and set(statuses.values()) == {"built"}


def test_an_output_that_was_removed_or_changed_is_built_again(built):
    root, paths = built
    (root / "out" / "plain.epub").unlink()
    (root / "out" / "picture.epub").write_bytes(b"not a book")
    assert run(root, paths)[1] == ["picture", "plain"]
    assert_epubcheck_clean(root / "out" / "plain.epub", root / "out" / "picture.epub")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "tampered", "empty"])
def test_a_damaged_cache_is_rebuilt_never_trusted(built, damage):
    root, paths = built
    record = root / "out" / FOLDER / "plain.epub.json"
    text = record.read_text()
    if damage == "garbage":
        record.write_bytes(b"\x00\xff not json")
    elif damage == "truncated":
        record.write_text(text[: len(text) // 2])
    elif damage == "tampered":  # valid JSON claiming the output is fine whatever the source says
        data = json.loads(text)
        data["reads"] = {k: "0" * 64 for k in data["reads"]}
        record.write_text(json.dumps(data))
    else:
        record.write_text("")
    paths["plain"].write_text(paths["plain"].read_text() + "\nChanged.\n")
    statuses, started = run(root, paths)
    assert "plain" in started and statuses["plain"] == "built"
    assert json.loads(record.read_text())["checksum"], "the record is written anew"
    assert run(root, paths)[1] == []


def test_every_config_field_that_changes_output_is_part_of_the_key(tmp_path):
    """New options (added by anyone) invalidate the cache without touching cache.py."""
    config = Config(output=tmp_path)
    base = Cache(config).key("epub")
    output_fields = [f.name for f in fields(Config) if not f.metadata.get("run")]
    assert {"templates", "styles", "assets", "paper", "source_date_epoch"} <= set(output_fields)
    for name in output_fields:
        changed = Cache(replace(config, **{name: "something else"}))
        if name in ("live", "site_url"):  # the preview's script tag, the pages' own address: web pages only
            assert changed.key("epub") == base and changed.key("html") != Cache(config).key("html")
            continue
        assert changed.key("epub") != base, name
    for name in ("jobs", "debug", "strict", "force", "executor", "shard", "inputs", "formats"):
        assert Cache(replace(config, **{name: None})).key("epub") == base, name
    assert Cache(replace(config, output=tmp_path / "elsewhere")).key("epub") == base
    assert Cache(config).key("pdf") != base
