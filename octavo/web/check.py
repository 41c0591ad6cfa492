"""--check for the web edition: the folder holds together and loads nothing from outside.

For each page of a ``NAME-web/`` folder: ids are unique in the page; every link inside the folder
(``href``, ``src``) names a file that exists in the folder and, with a ``#fragment``, an id of that
page; every resource a page loads (scripts, style sheets, images, fonts named by the style sheets'
``url()``s are files of the folder) is a file of the folder, never a URL elsewhere; each page has a
Content-Security-Policy. Links out to the web (a text's source) are fine: a reader follows them.
And, when Playwright, a Chromium and axe-core are installed, each page's accessibility as axe-core
finds it in the browser (axe.py); without them, one sentence says what was not checked and how
to get it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html

RESOURCE = {"img": "src", "script": "src", "link": "href", "source": "src", "video": "src", "audio": "src",
            "iframe": "src", "embed": "src", "object": "data"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


@dataclass
class SiteCheck:
    """What --check found in one web edition (the report's lines; ``ok`` when nothing)."""

    site: Path
    problems: list[str] = field(default_factory=list)
    pages: int = 0
    accessibility: list[str] | None = None  # axe-core's violations; None: it did not run
    axe_error: str | None = None  # axe-core was installed but could not run here

    @property
    def ok(self) -> bool:
        return not self.problems and not self.accessibility and self.axe_error is None

    @property
    def not_run(self) -> list[str]:
        return ["axe-core"] if self.accessibility is None else []

    @property
    def passed(self) -> bool:
        return self.ok and not self.not_run

    def lines(self) -> list[str]:
        axe = (f"axe-core: {self.axe_error}" if self.axe_error else "axe-core did not run"
               if self.accessibility is None else f"axe-core {len(self.accessibility)} violations")
        if not self.problems:
            head = [f"  {self.site}: {self.pages} pages; links resolve, ids unique, nothing loaded from outside "
                    f"the folder, a Content-Security-Policy on every page; {axe}"]
        else:
            head = [f"  {self.site}: {len(self.problems)} problems; {axe}"]
        return head + [f"    web: {p}" for p in self.problems[:10]] + \
            [f"    axe: {v}" for v in (self.accessibility or [])[:10]] + \
            ([f"    axe: ... and {len(self.accessibility) - 10} more"] if len(self.accessibility or []) > 10 else [])


def check_sites(indexes: list[Path]) -> tuple[list[SiteCheck], list[str]]:
    """Check each web edition (by its index page); the checks, and a sentence for what could not run."""
    from . import axe

    checks = [check_site(index.parent) for index in indexes]
    why = axe.missing()
    if why is None and checks:
        found = axe.check_folders([c.site for c in checks])
        for check in checks:
            result = found[check.site]
            if isinstance(result, str):
                check.axe_error = result
            else:
                check.accessibility = result
    return checks, [why] if why and checks else []


def check_site(folder: Path) -> SiteCheck:
    found = SiteCheck(folder)
    pages = sorted(p for p in folder.rglob("*.html") if "pagefind" not in p.relative_to(folder).parts)
    found.pages = len(pages)
    ids: dict[Path, set[str]] = {}
    trees = {}
    for page in pages:
        tree = html.parse(str(page))
        trees[page] = tree
        seen: set[str] = set()
        for el in tree.iter():
            if isinstance(el.tag, str) and el.get("id") is not None:
                if el.get("id") in seen:
                    found.problems.append(f"{page.name}: id '{el.get('id')}' is used twice")
                seen.add(el.get("id"))
        ids[page.resolve()] = seen
    root = folder.resolve()
    for page, tree in trees.items():
        name = page.relative_to(folder).as_posix()
        if not tree.xpath("//meta[@http-equiv='Content-Security-Policy']"):
            found.problems.append(f"{name}: no Content-Security-Policy")
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            loaded = el.get(RESOURCE[el.tag]) if el.tag in RESOURCE else None
            if el.tag == "link" and el.get("rel") not in ("stylesheet", "icon", "preload", "modulepreload"):
                loaded = None  # rel=alternate: a link to the source, not loaded
            if loaded is not None and _outside(loaded):
                found.problems.append(f"{name}: <{el.tag}> loads {loaded} from outside the folder")
                continue
            for attr in ("href", "src"):
                target = el.get(attr)
                if target and not _outside(target) and not target.startswith(("mailto:", "/_octavo/")):
                    problem = _resolves(page, target, root, ids)
                    if problem:
                        found.problems.append(f"{name}: {attr}=\"{target}\" {problem}")
    for sheet in sorted(folder.rglob("*.css")):
        for url in CSS_URL.findall(sheet.read_text(encoding="utf-8", errors="replace")):
            if url.startswith("data:"):
                continue
            if _outside(url):
                found.problems.append(f"{sheet.relative_to(folder)} loads {url} from outside the folder")
            elif not (sheet.parent / unquote(urlsplit(url).path)).is_file():
                found.problems.append(f"{sheet.relative_to(folder)}: url({url}) names no file of the folder")
    return found


def _outside(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def _resolves(page: Path, target: str, root: Path, ids: dict[Path, set[str]]) -> str | None:
    parts = urlsplit(target)
    path = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
    if path != root and root not in path.parents:
        return "leads outside the folder"
    if not path.exists():
        return "names no file of the folder"
    if parts.fragment and path.suffix == ".html" and path in ids and unquote(parts.fragment) not in ids[path]:
        return "names no id of that page"
    return None


__all__ = ["SiteCheck", "check_site", "check_sites"]
