"""Search for the web edition with Pagefind (PyPI ``pagefind[bin]``, the optional extra ``web``).

The index is built at build time, offline, by Pagefind's binary over the finished folder, one
index per language (each page in its text's language, its ``<html lang>``: a volume of texts in
several languages gets several); it goes to ``pagefind/`` with Pagefind's own search interface (a script and a
style sheet, served from the folder). Without the package there is no index, no search box and no
script, and the build says so in one info line. ``js/search.js`` starts the interface (a file: the
pages allow no inline script).
"""
from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

STARTER = """// Octavo's web edition: start Pagefind's search interface in the search box of the page. Results
// link from the site's own folder (this script is in its js/), wherever the folder is served.
(function () {
  var site = new URL("..", document.currentScript.src).pathname;
  window.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("search");
    if (!box || !window.PagefindUI) { return; }
    new window.PagefindUI({ element: "#search", baseUrl: site, showImages: false, resetStyles: false });
    var input = box.querySelector("input");
    if (input) { input.setAttribute("aria-label", box.dataset.label); }  // a name, not only a placeholder
  });
})();
"""


@functools.cache
def executable() -> Path | None:
    """Pagefind's binary from the ``pagefind-bin`` wheel, or None when it is not installed."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        return None
    try:
        return get_executable()
    except FileNotFoundError:
        return None


def available() -> bool:
    return executable() is not None


def index(site: Path) -> str | None:
    """Index the pages of ``site`` into ``site/pagefind/``; why not, or None when it was built.
    Each page is indexed in its ``<html lang>`` (its text's language): Pagefind keeps an index per
    language, and a page's search box searches the pages in its own language."""
    binary = executable()
    if binary is None:
        return "Pagefind is not installed"
    (site / "js").mkdir(exist_ok=True)
    (site / "js" / "search.js").write_text(STARTER, encoding="utf-8")
    try:
        done = subprocess.run([str(binary), "--site", str(site), "--silent"],
                              capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode != 0:
        return (done.stderr or done.stdout).strip().splitlines()[-1] if (done.stderr or done.stdout).strip() \
            else f"pagefind exited with status {done.returncode}"
    for name in ("pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-component-ui.js",
                 "pagefind-component-ui.css", "pagefind-highlight.js"):
        (site / "pagefind" / name).unlink(missing_ok=True)  # unused interfaces: the pages load pagefind-ui
    shutil.rmtree(site / "pagefind" / "playground", ignore_errors=True)
    return None
