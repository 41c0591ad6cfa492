"""--check for the web edition's accessibility: axe-core run in each page, in headless Chromium.

In: the web edition folders a build wrote. Out: for each folder, one line per element axe-core
finds in violation (``PAGE: RULE (IMPACT): HELP: SELECTOR <MARKUP...>``: the element's CSS
selector and the start of its markup), or why the check could not run.

It needs three things, each optional, found as DAISY Ace is found for the EPUB (validate.py):
Playwright (PyPI ``playwright``, imported only here and only when the check runs), a Chromium
(``OCTAVO_CHROMIUM``, else ``PUPPETEER_EXECUTABLE_PATH``, else ``chromium``, ``chromium-browser``
or ``google-chrome`` on PATH: Playwright never downloads one for Octavo) and axe-core's
``axe.min.js`` (``OCTAVO_AXE`` naming the file, else ``tools/axe`` in a checkout after ``npm ci``).
Each folder is served on 127.0.0.1 by the preview's server (serve.py: only the folder, read only)
and every request elsewhere is refused by the browser, so checking loads nothing from the network.
axe-core is injected by the check, not by the page (the page's Content-Security-Policy is about
the page's own scripts).
"""
from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from urllib.parse import quote

CHECKOUT_AXE = Path(__file__).resolve().parents[2] / "tools" / "axe"  # only in a checkout of Octavo
AXE_FILE = Path("node_modules") / "axe-core" / "axe.min.js"
INSTALL = ("`pip install playwright` (Octavo uses the system's Chromium: Debian `apt install chromium`) and "
           "axe-core (`npm install axe-core`, then name node_modules/axe-core/axe.min.js in OCTAVO_AXE)")
INSTALL_CHECKOUT = ("`pip install -e '.[test]'` (Playwright), `cd tools/axe && npm ci` (axe-core) and Chromium "
                    "(Debian: `apt install chromium`)")
RUN = r"""async () => {
  const found = await axe.run(document, {resultTypes: ["violations"]});
  return found.violations.flatMap(v => v.nodes.map(n => [v.id, v.impact || "", v.help, n.target.join(" "),
                                                   n.html.replace(/\s+/g, " ").slice(0, 120)]));
}"""
TIMEOUT_MS = 60_000  # a first start of Chromium on a cold disk is slow


def axe_script() -> Path | None:
    """axe-core's ``axe.min.js``: OCTAVO_AXE, else the checkout's tools/axe install; None: not found."""
    named = os.environ.get("OCTAVO_AXE")
    if named:
        return Path(named) if Path(named).is_file() else None
    found = CHECKOUT_AXE / AXE_FILE
    return found if found.is_file() else None


def chromium() -> str | None:
    """The Chromium to drive: OCTAVO_CHROMIUM, PUPPETEER_EXECUTABLE_PATH (as for Ace), else on PATH."""
    for variable in ("OCTAVO_CHROMIUM", "PUPPETEER_EXECUTABLE_PATH"):
        if os.environ.get(variable):
            return shutil.which(os.environ[variable])
    return next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))),
                None)


def playwright_installed() -> bool:
    return importlib.util.find_spec("playwright") is not None


def missing() -> str | None:
    """Why axe-core cannot run here (one sentence saying how to get what is missing), or None."""
    how = INSTALL_CHECKOUT if (CHECKOUT_AXE / "package.json").is_file() else INSTALL
    lacking = []
    if not playwright_installed():
        lacking.append("Playwright")
    if chromium() is None:
        lacking.append("Chromium")
    if os.environ.get("OCTAVO_AXE") and axe_script() is None:
        return (f"the web edition's accessibility was not checked: OCTAVO_AXE names {os.environ['OCTAVO_AXE']}, "
                "which is not a file (it should name axe-core's axe.min.js)")
    if axe_script() is None:
        lacking.append("axe-core")
    if not lacking:
        return None
    named = " and ".join(lacking) if len(lacking) < 3 else f"{', '.join(lacking[:-1])} and {lacking[-1]}"
    return (f"the web edition's accessibility was not checked (axe-core in Chromium): {named} "
            f"{'is' if len(lacking) == 1 else 'are'} not installed; install {how}")


def check_folders(folders: list[Path]) -> dict[Path, list[str] | str]:
    """Each folder -> its violations (``PAGE: RULE (IMPACT): HELP: SELECTOR MARKUP``), or why the check
    failed to run there (a page that would not open, Chromium that would not start). In a thread of
    its own: Playwright's synchronous API refuses a thread where an asyncio loop runs (a caller's)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="octavo-axe") as pool:
        return pool.submit(_check_folders, folders).result()


def _check_folders(folders: list[Path]) -> dict[Path, list[str] | str]:
    from playwright.sync_api import Error as PlaywrightError, sync_playwright  # heavy: only when --check runs

    from ..serve import Preview

    script = axe_script().read_text(encoding="utf-8")
    found: dict[Path, list[str] | str] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"], timeout=TIMEOUT_MS)
            try:
                for folder in folders:
                    found[folder] = _check_folder(browser, folder, script, Preview)
            finally:
                browser.close()
    except PlaywrightError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        for folder in folders:
            found.setdefault(folder, f"axe-core did not run: {message}")
    return found


def _check_folder(browser, folder: Path, script: str, preview_class) -> list[str]:
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")
                   if "pagefind" not in p.relative_to(folder).parts)
    preview = preview_class(folder).start()
    origin = preview.url
    context = browser.new_context(viewport={"width": 1200, "height": 800}, service_workers="block")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith((origin, "data:"))
                  else route.abort())
    violations = []
    try:
        tab = context.new_page()
        for name in pages:
            tab.goto(origin + quote(name), wait_until="load", timeout=TIMEOUT_MS)
            tab.evaluate(script)
            for rule, impact, help_text, target, markup in tab.evaluate(RUN):
                violations.append(f"{name}: {rule}{f' ({impact})' if impact else ''}: {help_text}: {target} {markup}")
    finally:
        context.close()
        preview.stop()
    return violations


__all__ = ["axe_script", "check_folders", "chromium", "missing"]
