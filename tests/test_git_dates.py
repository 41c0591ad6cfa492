"""A book's git date is kept (octavo/dates.py) and is the date `git log` gives, whatever happened to
the checkout since: commits that touch the text, commits that do not, a branch switched."""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from octavo import dates

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo: Path, *args: str, when: str = "2021-03-04T05:06:07Z") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def commit(repo: Path, name: str, text: str, when: str) -> None:
    (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", name, when=when)


class Asked:
    """Counts the times git is run."""

    def __init__(self, monkeypatch):
        self.times = 0
        real = dates._git_log

        def counted(folder, names):
            self.times += 1
            return real(folder, names)

        monkeypatch.setattr(dates, "_git_log", counted)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv("OCTAVO_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "essay.md", "one", "2021-03-04T05:06:07Z")
    commit(repo, "other.md", "two", "2022-01-01T00:00:00Z")
    return repo


def test_the_date_is_kept_and_git_is_not_run_again_for_the_same_commit(repo, monkeypatch):
    asked = Asked(monkeypatch)
    essay = [repo / "essay.md"]
    assert dates.git_date(essay) == datetime(2021, 3, 4, 5, 6, 7)
    assert dates.git_date(essay) == datetime(2021, 3, 4, 5, 6, 7)
    assert asked.times == 1
    assert dates.git_date([repo / "essay.md", repo / "other.md"]) == datetime(2022, 1, 1)
    assert asked.times == 2


def test_new_commits_and_another_branch_give_gits_date_again(repo, monkeypatch):
    asked = Asked(monkeypatch)
    essay = [repo / "essay.md"]
    assert dates.git_date(essay) == datetime(2021, 3, 4, 5, 6, 7)
    commit(repo, "other.md", "three", "2023-05-05T00:00:00Z")  # not the essay: same date, asked again
    assert dates.git_date(essay) == datetime(2021, 3, 4, 5, 6, 7)
    commit(repo, "essay.md", "four", "2024-06-06T00:00:00Z")
    assert dates.git_date(essay) == datetime(2024, 6, 6)
    git(repo, "checkout", "-q", "-b", "old", "HEAD~2")
    assert dates.git_date(essay) == datetime(2021, 3, 4, 5, 6, 7)
    git(repo, "pack-refs", "--all")  # the branch now in packed-refs only
    assert dates.git_date(essay) == datetime(2021, 3, 4, 5, 6, 7)
    git(repo, "checkout", "-q", "main")
    assert dates.git_date(essay) == datetime(2024, 6, 6)
    assert dates.git_date(essay) == datetime(2024, 6, 6)
    assert asked.times == 6  # every change above asked git once; the last line did not


def test_untracked_files_and_git_variables_ask_git_every_time(repo, monkeypatch):
    asked = Asked(monkeypatch)
    (repo / "new.md").write_text("new", encoding="utf-8")
    assert dates.git_date([repo / "new.md"]) is None
    assert dates.git_date([repo / "new.md"]) is None
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    assert dates.git_date([repo / "essay.md"]) == datetime(2021, 3, 4, 5, 6, 7)
    assert dates.git_date([repo / "essay.md"]) == datetime(2021, 3, 4, 5, 6, 7)
    assert asked.times == 4


def test_without_a_cache_folder_git_is_asked_every_time(repo, monkeypatch):
    monkeypatch.setenv("OCTAVO_CACHE_DIR", "")
    asked = Asked(monkeypatch)
    for _ in range(2):
        assert dates.git_date([repo / "essay.md"]) == datetime(2021, 3, 4, 5, 6, 7)
    assert asked.times == 2
