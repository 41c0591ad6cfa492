"""The manual holds together: the README is a front page from which every page of docs/ is reached,
every relative link and picture in README.md, CONTRIBUTING.md and docs/*.md leads to a file, every
``#anchor`` to a heading of that file (by GitHub's rules for heading ids), and the commands to set
up and test that the README and the Installing page show are the ones CI runs."""
from __future__ import annotations

import re
import shlex
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT

README = ROOT / "README.md"
PAGES = [README, ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
README_LIMIT = 12_000  # bytes: a front page, read in a minute; the rest belongs in docs/

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[`~]*[ \t]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)  # a run closes only on a run as long
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)


def prose(markdown: str) -> str:
    """The Markdown without its code: links and headings written inside code are examples."""
    return CODE_SPAN.sub("", FENCE.sub("", markdown))


def links(path: Path) -> list[str]:
    return LINK.findall(prose(path.read_text(encoding="utf-8")))


def github_slug(heading: str) -> str:
    """The id GitHub gives a heading: its text as shown (code marks, emphasis and link targets
    gone), in lower case, keeping letters, marks, digits, spaces, hyphens and underscores, spaces
    made hyphens (github-slugger's rule)."""
    shown = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").replace("*", "")
    kept = "".join(c for c in shown.strip().lower() if c in " -_" or unicodedata.category(c)[0] in "LMN")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading's id in a Markdown file; a repeated id gets -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    ids = set()
    for _, text in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        slug = github_slug(text)
        ids.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return ids


def test_github_slugs_as_github_makes_them():
    assert github_slug("Source dialects Octavo understands") == "source-dialects-octavo-understands"
    assert github_slug("Preflight (the laid-out print pages and the EPUB, with `--check`)") == \
        "preflight-the-laid-out-print-pages-and-the-epub-with---check"
    assert github_slug("Fonts for other scripts") == "fonts-for-other-scripts"
    assert github_slug("Handouts, lessons & `--solutions`: ¶ 12") == "handouts-lessons----solutions--12"
    assert github_slug("Écrire une source") == "écrire-une-source"


def test_links_are_found_outside_code_only(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("See [the volumes](volumes.md#parts) and ![a page](book-page.png).\n\n"
                    "Archives write `[\\[1\\]](#n1)`; ```` [x](#y) `` ```` too; a ``` alone is no code, [z](z.md).\n\n"
                    "```markdown\n[Next](ch02.htm)\n# Not a heading\n```\n\n## A *real* heading\n\n## A real heading\n")
    assert links(page) == ["volumes.md#parts", "book-page.png", "z.md"]
    assert anchors(page) == {"a-real-heading", "a-real-heading-1"}


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """The relative links of a page that lead nowhere: no such file, no such heading, or out of the
    repository (where GitHub and a checkout cannot follow)."""
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto: ...: not ours to check
            continue
        name, _, anchor = target.partition("#")
        dest = (page.parent / name).resolve() if name else page.resolve()
        if root.resolve() not in dest.parents:
            broken.append(f"{target}: outside the repository")
        elif not dest.exists():
            broken.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target}: no heading with this id in {dest.name}")
    return broken


def test_a_link_to_a_missing_file_or_heading_is_found(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "volumes.md").write_text("# Volumes\n\n## Parts\n")
    page = tmp_path / "docs" / "page.md"
    page.write_text("# Page\n\n[parts](volumes.md#parts), [ok](#page), [gone](gone.md), [no](volumes.md#part),\n"
                    "[self](#pages), ![missing](missing.png), [out](../../etc/passwd), [web](https://example.org/x#y)\n")
    assert broken_links(page, tmp_path) == [
        "gone.md: no such file", "volumes.md#part: no heading with this id in volumes.md",
        "#pages: no heading with this id in page.md", "missing.png: no such file",
        "../../etc/passwd: outside the repository"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_a_heading(page):
    assert not broken_links(page)


def unreached(root: Path = ROOT) -> list[str]:
    """The pages of root/docs that no chain of links from root/README.md leads to."""
    reached, todo = set(), [(root / "README.md").resolve()]
    while todo:
        page = todo.pop()
        if page in reached or page.suffix != ".md" or not page.is_file():
            continue
        reached.add(page)
        todo += [(page.parent / t.partition("#")[0]).resolve() for t in links(page) if not re.match(r"\w+:", t)]
    return sorted(p.name for p in (root / "docs").glob("*.md") if p.resolve() not in reached)


def test_a_page_no_link_leads_to_is_found(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text("[Volumes](docs/volumes.md), `[code](docs/code.md)`\n")
    (tmp_path / "docs" / "volumes.md").write_text("# Volumes\n\nSee [the print edition](print.md#pages).\n")
    for name in ("print.md", "code.md", "incoming-web.md"):
        (tmp_path / "docs" / name).write_text("# A page\n")
    assert unreached(tmp_path) == ["code.md", "incoming-web.md"]


def test_every_page_of_the_manual_is_reached_from_the_readme():
    """A page nobody links to is a page nobody reads. docs/incoming-*.md are pages handed in by
    other work: fold each into the manual (a page of its own, or sections of a page) and give it a
    row in the README's table of the manual."""
    assert not unreached(), "pages no link leads to from README.md"


def test_the_readme_is_a_front_page():
    assert len(README.read_bytes()) <= README_LIMIT, "the README is a front page: move the detail into docs/"


def shell_commands(text: str) -> list[list[str]]:
    """Each command of a shell script or block, as words; comments, `&&` chains and `set`/`cd` lines apart."""
    commands = []
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        while words:
            cut = words.index("&&") if "&&" in words else len(words)
            commands.append(words[:cut])
            words = words[cut + 1:]
    return commands


def normalised(words: list[str]) -> list[str]:
    """A command as CI and a reader type it alike: `python3` is `python`, `pip` is `python -m pip`,
    and quiet flags (`-q`) change nothing."""
    words = ["python" if w == "python3" else w for w in words if w not in ("-q", "-qq")]
    return ["python", "-m", "pip", *words[1:]] if words[:1] == ["pip"] else words


@pytest.mark.parametrize("page", [README, ROOT / "docs" / "install.md"], ids=lambda p: p.name)
def test_the_set_up_and_test_commands_are_the_ones_ci_runs(page):
    block = re.search(r"```sh\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    assert block, "the page shows its commands in a sh block"
    shown = [normalised(c) for c in shell_commands(block.group(1))]
    ci = [normalised(c) for c in shell_commands((ROOT / ".ci" / "run").read_text(encoding="utf-8"))]
    assert ["python", "build.py"] in shown  # set up, then build: what a newcomer wants first
    assert ["python", "-m", "pytest"] in shown and ["python", "-m", "pytest"] in ci  # the fast tier
    installs = [c for c in shown if c[:4] == ["python", "-m", "pip", "install"]]
    assert installs and all(c in ci for c in installs), (installs, ci)
    assert all(c in ci or c == ["python", "build.py"] for c in shown), shown
