"""Several inputs in one run: output names, parallel builds."""
from __future__ import annotations

import os

from conftest import build_into, write_source


def test_inputs_whose_names_collide_get_distinct_outputs_with_a_warning(tmp_path):
    one = write_source(tmp_path / "a", "My Essay.md", "---\ntitle: One\n---\n\nOne.\n")
    two = write_source(tmp_path / "b", "my-essay.md", "---\ntitle: Two\n---\n\nTwo.\n")
    report = build_into(tmp_path / "out", one, two, formats=("epub",))
    assert report.ok
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == ["my-essay-2.epub", "my-essay.epub"]
    assert "writing 'my-essay-2' instead" in str(report.results[1].diagnostics[0])


def test_parallel_builds_write_the_same_bytes_as_one_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    sources = [write_source(tmp_path / "src", f"text-{n}.md", f"---\ntitle: Text {n}\n---\n\n# A\n\nBody {n}.[^1]\n\n"
                            f"[^1]: Note {n}.\n") for n in range(4)]
    serial = build_into(tmp_path / "serial", *sources, jobs=1)
    parallel = build_into(tmp_path / "parallel", *sources, jobs=2)
    assert serial.ok and parallel.ok
    assert [r.input for r in parallel.results] == sources, "results keep the order of the inputs"
    for name in sorted(n for n in os.listdir(tmp_path / "serial") if not n.startswith(".")):  # not the cache
        assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "parallel" / name).read_bytes(), name
    assert len([n for n in os.listdir(tmp_path / "parallel") if not n.startswith(".")]) == 8
