"""Render docs/web-edition.png from a real build: the reader volume's web edition in Chromium.

    python tools/web_pictures.py

Builds the reader volume (with its print edition, so printed pages are marked) into a temporary
folder, serves it on 127.0.0.1, and takes two views side by side with Playwright driving the
system Chromium: a text page with a note opened at its call, and the seed's handout at paragraph 12
in the system's dark mode.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from octavo.config import Config  # noqa: E402
from octavo.pipeline import build  # noqa: E402

SEED = ROOT / "sources" / "stalin-trotskyism-or-leninism-1924.md"
VOLUME = ROOT / "volumes" / "reader.toml"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        assert build(Config(inputs=(VOLUME,), output=out, formats=("pdf", "html"))).ok
        assert build(Config(inputs=(SEED,), output=out, formats=("pdf", "html"), profile="handout", paper="A4")).ok
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=tmp))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}/"
        shots = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1000, "height": 760})
            page.goto(base + "reader-web/text-1.html", wait_until="networkidle")
            page.locator("button.noteref").first.click()
            page.screenshot(path=str(out / "a.png"))
            page.emulate_media(color_scheme="dark")
            page.goto(base + f"{SEED.stem}-handout-web/index.html#para-12", wait_until="networkidle")
            page.screenshot(path=str(out / "b.png"))
            browser.close()
            shots = [Image.open(out / name).convert("RGB") for name in ("a.png", "b.png")]
        server.shutdown()
        gap = 16
        sheet = Image.new("RGB", (sum(s.width for s in shots) + gap, max(s.height for s in shots)), (200, 200, 200))
        sheet.paste(shots[0], (0, 0))
        sheet.paste(shots[1], (shots[0].width + gap, 0))
        sheet = sheet.resize((sheet.width * 3 // 5, sheet.height * 3 // 5), Image.LANCZOS)
        sheet = sheet.convert("P", palette=Image.ADAPTIVE, colors=64)  # a small file for the manual
        sheet.save(ROOT / "docs" / "web-edition.png", optimize=True)
    print("wrote docs/web-edition.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
