"""bench/run.py --compare: the same build on another git ref, in a temporary worktree, stage by stage.

Only the plumbing is tested (one run of the seed's EPUB, no Pandoc); no figure is asserted: speed
lives in bench/, never in tests."""
from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _worktrees() -> set[str]:
    listed = subprocess.run(["git", "worktree", "list", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout
    return {line.split(" ", 1)[1] for line in listed.splitlines() if line.startswith("worktree ")}


@pytest.mark.slow
def test_compare_builds_on_both_trees_and_leaves_no_worktree_behind():
    bench = _bench()
    before = _worktrees()
    results = bench.compare("HEAD", ["seed-epub"], repeat=1, scale=False, peer=False)
    assert _worktrees() == before  # the ref's temporary worktree is gone, the current tree untouched
    [seed] = results["measures"]
    assert seed["name"] == "seed-epub" and seed["runs"] == 1
    for who in ("this", "ref"):
        run = seed[who]
        assert run["cpu_seconds"] > 0
        stages = run["stages"]
        # the EPUB's stages ran; no PDF was laid out for an EPUB-only build
        for stage in ("read", "dialect", "parse", "resolve", "render", "write EPUB"):
            assert stages[stage] > 0, (who, stage)
        assert stages["layout"] == 0 and stages["write PDF"] == 0
        # exclusive times: the stages and the rest add up to the process's own CPU time
        assert sum(v for k, v in stages.items() if k != "children") <= run["cpu_seconds"] + 0.01
    assert isinstance(seed["same_bytes"], bool)
    text = bench.compare_tables(results)
    assert "| seed EPUB |" in text and "| parse |" in text


def test_the_repeated_seed_has_one_front_matter_and_the_body_n_times(tmp_path):
    bench = _bench()
    source = bench.repeated_seed(tmp_path, 3, "seed-x3")
    text, seed = source.read_text(encoding="utf-8"), bench.SEED.read_text(encoding="utf-8")
    body = seed.partition("\n---\n")[2]
    assert source.name == "seed-x3.md"
    assert text.count(body.strip()[:200]) == 3
    assert text.startswith(seed.partition("\n---\n")[0] + "\n---\n")
