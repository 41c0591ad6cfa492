"""The web edition: a folder of HTML pages per book, from the same model and renderer as the EPUB
and the PDF (the ``WEB`` flavour: notes open at their calls as popovers, paragraph numbers link to
themselves).

In: a Book, the Renderer, the build's Config, the print edition's page-list (when the PDF is laid
out in the same run, or kept in the cache from an earlier PDF build: cache.py) and the cover.
Out: ``OUTPUT/NAME-web/`` holding ``index.html`` and the other pages (pages.py), ``css/``
(common.css and web.css), ``fonts/`` (the book's face, served with the pages), the images and the
cover, and ``pagefind/`` (the search index, when Pagefind is installed: search.py). Nothing a page loads comes from outside the folder. The folder is written beside its
destination and swapped in whole, so a killed build leaves the previous site or none.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, urljoin

from ..diagnostics import INFO, WARNING, Diagnostic, Location
from ..render import WEB, CoverView, Renderer, stylesheet_paths
from ..render.xhtml import image_path
from . import finish, search
from .pages import render_pages, web_words

SUFFIX = "-web"  # OUTPUT/NAME-web/: the web edition's folder beside NAME.epub and NAME.pdf
FONT_FILES = {"normal": "Literata.ttf", "italic": "Literata-Italic.ttf"}  # names in fonts/ (web.css names them)


def folder_of(output: Path, slug: str) -> Path:
    return output / f"{slug}{SUFFIX}"


def write_site(book, renderer: Renderer, config, numbers, page_list, cover) -> tuple[Path, list[Diagnostic]]:
    """Write the book's web edition; its index page and the diagnostics."""
    where = Location(book.sources[0])
    dest = folder_of(config.output, book.slug)
    flavour = replace(WEB, numbers=numbers) if numbers else WEB
    searching = search.available()
    view = CoverView(cover.href, cover.alt) if cover is not None else None
    pages = render_pages(book, renderer, flavour, config.profile, view, searching)
    trees = finish.parse(pages)
    finish.link_pages(trees)
    for root in trees.values():
        finish.scroll_tables(root)
        finish.unname_title_page(root)
        finish.raise_headings(root)
    diagnostics = []
    unmarked = finish.mark_pages(trees, page_list, web_words(book.metadata.language))
    if page_list is None:
        diagnostics.append(Diagnostic(INFO, "web.page-marks", "the web edition marks no printed pages: no PDF of "
                                      "this text with these options was built (--format all, or --page-list "
                                      "to lay the print edition out)", where))
    if unmarked:
        diagnostics.append(Diagnostic(WARNING, "web.page-marks", f"page(s) {', '.join(unmarked)} of the print "
                                      "edition have no mark in the web edition", where))
    for page in pages:
        finish.finish_head(trees[page.name], book, page, searching, config.live, view.src if view else None,
                           site_address(config.site_url, dest.name))
    _clean_stale(dest)
    tmp = dest.with_name(f".{dest.name}.octavo-tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "css").mkdir(parents=True)
    for page in pages:
        (tmp / page.name).write_bytes(finish.serialize(trees[page.name]))
    for sheet in stylesheet_paths(config.styles, "web"):
        shutil.copyfile(sheet, tmp / "css" / sheet.name)
    _copy_fonts(tmp / "fonts")
    for asset in book.assets:
        target = tmp / image_path(asset.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(asset.read())
    if cover is not None:
        (tmp / cover.href).write_bytes(cover.data)
    if searching:
        problem = search.index(tmp)
        if problem:
            diagnostics.append(Diagnostic(WARNING, "web.search", f"the search index was not built: {problem}", where))
    else:
        diagnostics.append(Diagnostic(INFO, "web.search", "the web edition has no search: Pagefind is not "
                                      "installed (pip install 'octavo[web]')", where))
    _swap(tmp, dest)
    return dest / "index.html", diagnostics


def site_address(site_url: str | None, folder: str) -> str | None:
    """Where the book's folder is published (``--site-url`` + ``NAME-web/``), or None when unknown."""
    return urljoin(site_url, quote(folder) + "/") if site_url else None


def _copy_fonts(folder: Path) -> None:
    """The book's face, one file per style (a variable font holds every weight)."""
    from ..fonts import book_face

    folder.mkdir(parents=True, exist_ok=True)
    for face in book_face():
        target = folder / FONT_FILES[face.style]
        if not target.exists():
            shutil.copyfile(face.path, target)


def _clean_stale(dest: Path) -> None:
    """The half-written folders of killed builds of this site (their process is gone)."""
    if not dest.parent.is_dir():
        return
    for path in dest.parent.glob(f".{dest.name}.octavo-*-*"):
        pid = path.name.rsplit("-", 1)[-1]
        if path.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _swap(tmp: Path, dest: Path) -> None:
    """The new folder in the place of the old one, in two renames."""
    old = dest.with_name(f".{dest.name}.octavo-old-{os.getpid()}")
    if dest.exists():
        os.replace(dest, old)
    os.replace(tmp, dest)
    shutil.rmtree(old, ignore_errors=True)
