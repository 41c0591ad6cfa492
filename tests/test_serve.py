"""--serve, the live preview: what the server answers (raw HTTP requests, since clients normalise
paths), the events a rebuild sends, the address it prints, Ctrl-C; and, in the slow tier, a page
open in Chromium that follows edits of its source and shows a failed build's diagnostics.

Until the web edition writes pages of its own, the pages are written by the tests into the output
folder (``out/NAME/index.html`` with the script tag every page of a live build carries); the
builds here are EPUB-only, so they never touch those pages.
"""
from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, assert_epubcheck_clean, ctrl_c_default, interrupt, write_source
from octavo.config import Config
from octavo.pipeline import build
from octavo.serve import Preview, parse_address

SCRIPT_TAG = '<script src="/_octavo/live.js" defer></script>'
GOOD = "---\ntitle: Essay\nauthor: Ann Author\nlanguage: en\n---\n# One\n\nThe first words.\n"
BROKEN = "---\ntitle: [unclosed\nlanguage: en\n---\n\n# One\n\nThe first words.\n"
SECRET = "the secret outside the output folder"


def raw(port: int, target: str, method: str = "GET", host: str = "127.0.0.1",
        headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """One request exactly as written (no client tidies the path): status, headers, body."""
    more = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"{method} {target} HTTP/1.1\r\nHost: {host}:{port}\r\n{more}Connection: close\r\n\r\n"
                     .encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.fixture
def site(tmp_path):
    """An output folder with a book's page, its EPUB and PDF, a file of each served kind, and traps:
    a secret beside the folder, symlinks out of it, the hidden cache."""
    out = tmp_path / "out"
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "index.html").write_text(SECRET)
    write_source(out, "essay/index.html", f"<!DOCTYPE html><html><head>{SCRIPT_TAG}</head><body><p>Page.</p></body></html>")
    for name, data in {"essay.epub": b"PK\x03\x04epub", "essay.pdf": b"%PDF-1.7", "essay/style.css": b"p {}",
                       "essay/search.js": b"let a;", "essay/face.woff2": b"wOF2", "essay/index.json": b"{}",
                       "essay/chapter 1.html": b"<p>One</p>", ".octavo-cache/key": SECRET.encode(),
                       "empty/readme.txt": b"no index here"}.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    (out / "secret-link.txt").symlink_to(tmp_path / "secret.txt")
    (out / "away").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (out / "same-book.epub").symlink_to(out / "essay.epub")  # a symlink within the folder is served
    preview = Preview(out).start()
    yield out, preview.server.server_port
    preview.stop()


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/essay/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
    "/essay/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/essay%2f..%2f..%2fsecret.txt",
    "/..\\secret.txt", "/..%5csecret.txt", "/%5c..%5csecret.txt", "//etc/passwd", "/%2fetc%2fpasswd",
    f"/{'%2e%2e/' * 12}etc/passwd", "/./essay.epub", "/essay/./index.html", "/secret.txt%00.html",
    "/.octavo-cache/key", "/%2eoctavo-cache/key", "etc/passwd", "http://127.0.0.1/../secret.txt", "/%ff%fe",
])
def test_nothing_outside_the_output_folder_is_served(site, target):
    out, port = site
    status, _, body = raw(port, target)
    assert status == 404, (target, status)
    assert SECRET.encode() not in body and b"root:" not in body


@pytest.mark.parametrize("target", ["/secret-link.txt", "/away/", "/away/index.html"])
def test_a_symlink_out_of_the_output_folder_is_refused(site, target):
    out, port = site
    status, _, body = raw(port, target)
    assert status == 403
    assert SECRET.encode() not in body


def test_a_page_naming_another_host_is_refused_on_a_loopback_address(site):
    out, port = site
    assert raw(port, "/essay.epub", host="attacker.example")[0] == 403  # DNS rebinding
    assert raw(port, "/essay.epub", host="localhost")[0] == 200


@pytest.mark.parametrize("name, media_type", [
    ("essay/", "text/html; charset=utf-8"), ("essay/index.html", "text/html; charset=utf-8"),
    ("essay/chapter%201.html", "text/html; charset=utf-8"), ("essay/style.css", "text/css; charset=utf-8"),
    ("essay/search.js", "text/javascript; charset=utf-8"), ("essay/face.woff2", "font/woff2"),
    ("essay.epub", "application/epub+zip"), ("essay.pdf", "application/pdf"), ("essay/index.json", "application/json"),
    ("same-book.epub", "application/epub+zip"), ("_octavo/live.js", "text/javascript; charset=utf-8"),
])
def test_each_kind_of_file_is_served_with_its_media_type(site, name, media_type):
    out, port = site
    status, headers, body = raw(port, "/" + name)
    assert status == 200
    assert headers["content-type"] == media_type
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body) > 0


def test_the_script_served_is_the_one_in_the_package(site):
    out, port = site
    assert raw(port, "/_octavo/live.js")[2] == (ROOT / "octavo" / "live.js").read_bytes()
    assert raw(port, "/_octavo/other.js")[0] == 404


def test_folders_need_an_index_and_are_never_listed(site):
    out, port = site
    status, headers, body = raw(port, "/essay")
    assert (status, headers["location"]) == (301, "/essay/")  # so that the page's relative links work
    assert raw(port, "/empty/")[0] == 404
    assert raw(port, "/empty")[0] == 301
    assert b"readme" not in raw(port, "/empty/")[2]


def test_the_icon_browsers_ask_for_unbidden_is_no_error(site):
    out, port = site
    assert raw(port, "/favicon.ico")[:3:2] == (204, b"")
    (out / "favicon.ico").write_bytes(b"\x00\x00\x01\x00")
    assert raw(port, "/favicon.ico")[1]["content-type"] == "image/x-icon"


def test_the_top_without_an_index_links_the_books_of_the_preview(site):
    out, port = site
    from lxml import html

    page = html.fromstring(raw(port, "/")[2])
    assert page.xpath("//li") == []  # no book built by this preview yet, and no listing of the folder
    assert ".octavo-cache" not in html.tostring(page, encoding="unicode")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "BREW"])
def test_only_get_and_head(site, method):
    out, port = site
    before = (out / "essay.epub").read_bytes()
    status, headers, _ = raw(port, "/essay.epub", method=method)
    assert status == 405
    assert headers["allow"] == "GET, HEAD"
    assert (out / "essay.epub").read_bytes() == before


def test_head_gives_the_headers_of_get_without_the_body(site):
    out, port = site
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("HEAD", "/essay.pdf")
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Length") == str(len(b"%PDF-1.7"))
    assert response.read() == b""
    connection.close()


PDF_BYTES = bytes(range(256)) * 40  # 10,240 bytes, each offset recognisable


@pytest.mark.parametrize("asked, status, content_range, expected", [
    ("bytes=0-99", 206, "bytes 0-99/10240", PDF_BYTES[:100]),
    ("bytes=1000-1999", 206, "bytes 1000-1999/10240", PDF_BYTES[1000:2000]),
    ("bytes=10000-", 206, "bytes 10000-10239/10240", PDF_BYTES[10000:]),
    ("bytes=-240", 206, "bytes 10000-10239/10240", PDF_BYTES[-240:]),
    ("bytes=10200-99999", 206, "bytes 10200-10239/10240", PDF_BYTES[10200:]),  # the end is clipped to the file
    ("bytes=-99999", 206, "bytes 0-10239/10240", PDF_BYTES),
    ("bytes=10239-10239", 206, "bytes 10239-10239/10240", PDF_BYTES[-1:]),
])
def test_a_single_byte_range_is_served_as_partial_content(site, asked, status, content_range, expected):
    """Chromium's PDF viewer asks for a long PDF in pieces; the preview answers each piece alone."""
    out, port = site
    (out / "essay.pdf").write_bytes(PDF_BYTES)
    got, headers, body = raw(port, "/essay.pdf", headers={"Range": asked})
    assert (got, headers["content-range"]) == (status, content_range)
    assert body == expected
    assert int(headers["content-length"]) == len(expected)
    assert headers["content-type"] == "application/pdf"
    assert headers["cache-control"] == "no-store" and headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("asked", ["bytes=10240-", "bytes=20000-30000", "bytes=-0"])
def test_a_range_past_the_end_is_not_satisfiable(site, asked):
    out, port = site
    (out / "essay.pdf").write_bytes(PDF_BYTES)
    status, headers, body = raw(port, "/essay.pdf", headers={"Range": asked})
    assert status == 416
    assert headers["content-range"] == "bytes */10240"
    assert bytes(range(256)) not in body


@pytest.mark.parametrize("asked", ["bytes=0-9,20-29", "items=0-9", "bytes=9-0", "bytes=a-b", "bytes=-", "bytes 0-9"])
def test_a_range_the_preview_does_not_serve_gets_the_whole_file(site, asked):
    """Several ranges, another unit or a malformed header: ignored, as HTTP allows; the whole file."""
    out, port = site
    (out / "essay.pdf").write_bytes(PDF_BYTES)
    status, headers, body = raw(port, "/essay.pdf", headers={"Range": asked})
    assert (status, body) == (200, PDF_BYTES)
    assert headers["accept-ranges"] == "bytes" and "content-range" not in headers


def test_ranges_are_offered_and_head_and_if_range_behave(site):
    out, port = site
    (out / "essay.pdf").write_bytes(PDF_BYTES)
    status, headers, body = raw(port, "/essay.pdf")
    assert (status, headers["accept-ranges"], body) == (200, "bytes", PDF_BYTES)
    status, headers, body = raw(port, "/essay.pdf", method="HEAD", headers={"Range": "bytes=0-99"})
    assert (status, headers["content-range"], headers["content-length"], body) == (206, "bytes 0-99/10240", "100", b"")
    # If-Range names a version of the file; the preview gives none (no ETag, no Last-Modified), so
    # a conditional range is never known to match: the whole current file
    status, _, body = raw(port, "/essay.pdf", headers={"Range": "bytes=0-99", "If-Range": '"old"'})
    assert (status, body) == (200, PDF_BYTES)
    # ranges stay inside the folder's rules: a refused path is refused with or without one
    assert raw(port, "/../secret.txt", headers={"Range": "bytes=0-3"})[0] == 404
    assert raw(port, "/essay.pdf", method="POST", headers={"Range": "bytes=0-3"})[0] == 405


@pytest.mark.parametrize("text, address", [
    ("", ("127.0.0.1", 0)), ("8000", ("127.0.0.1", 8000)), (":8001", ("127.0.0.1", 8001)),
    ("0.0.0.0:80", ("0.0.0.0", 80)), ("localhost", ("localhost", 0)), ("[::1]:8000", ("::1", 8000)),
])
def test_the_address_given_to_serve(text, address):
    assert parse_address(text) == address


@pytest.mark.parametrize("text", ["127.0.0.1:http", "127.0.0.1:70000", "[::1]:x", ":"])
def test_a_wrong_address_is_a_usage_error(text):
    with pytest.raises(ValueError, match="--serve wants"):
        parse_address(text)


# --- the command line ----------------------------------------------------------------------------------


class Serving:
    """``build.py SOURCE --serve`` in a subprocess, its output read line by line."""

    def __init__(self, source: Path, out: Path, *options: str, edition: str = "epub"):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), str(source), "-o", str(out),
                                      "--format", edition, "-j", "1", *options], cwd=source.parent, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     preexec_fn=ctrl_c_default)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(line.rstrip("\n")) for line in self.proc.stdout],
                         daemon=True).start()

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.proc.poll() is None, "--serve stopped:\n" + "\n".join(self.seen)
                continue
            self.seen.append(line)
            if found := re.search(pattern, line):
                return found
        pytest.fail(f"no '{pattern}' in:\n" + "\n".join(self.seen))

    def stop(self) -> int:
        """Ctrl-C; the exit status, once every line it printed is in ``seen``."""
        interrupt(self.proc)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.seen.append(self.lines.get(timeout=2))
            except queue.Empty:
                # quiet for 2 s: done, unless it is still ending (a loaded machine: it returned None)
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    return self.proc.returncode


class EventStream:
    """The preview's server-sent events, as a page reads them: (kind, data) pairs."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.connection.request("GET", "/_octavo/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        self.events: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        kind, data = "message", []
        try:
            for line in self.response:
                line = line.decode("utf-8").rstrip("\r\n")
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif not line and data:
                    self.events.put((kind, json.loads("\n".join(data))))
                    kind, data = "message", []
        except (OSError, ValueError):
            self.events.put(("closed", None))

    def next(self, timeout: float) -> tuple[str, dict]:
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        self.connection.close()


def test_each_book_is_told_as_its_build_finishes_and_a_failure_says_why(tmp_path):
    good = write_source(tmp_path / "src", "good.md", GOOD)
    broken = write_source(tmp_path / "src", "broken.md", BROKEN)
    out = tmp_path / "out"
    preview = Preview(out).start()
    stream = EventStream(preview.server.server_port)
    try:
        assert stream.next(10)[0] == "hello"

        def build_and_hear(config: Config, count: int) -> dict[str, dict]:
            build(config, preview.listener(config))
            heard = [stream.next(10) for _ in range(count)]
            assert all(kind == "build" for kind, _ in heard)
            with pytest.raises(queue.Empty):
                stream.next(0.5)  # and no more (each was told before build() returned)
            return {data["book"]: data for _, data in heard}

        config = Config(inputs=(good, broken), output=out, formats=("epub",), live=True)
        heard = build_and_hear(config, 2)
        assert heard["good"] == {"book": "good", "ok": True, "diagnostics": "", "outputs": ["good.epub"]}
        assert heard["broken"]["ok"] is False and heard["broken"]["outputs"] == []
        assert heard["broken"]["diagnostics"].endswith("[frontmatter.yaml]")
        assert_epubcheck_clean(out / "good.epub")

        # a broken template fails every book: each page is told the template's file and line
        templates = tmp_path / "templates" / "epub"
        templates.mkdir(parents=True)
        template = templates / "section.xhtml"
        template.write_text((ROOT / "templates" / "epub" / "section.xhtml").read_text().replace("{%", "{% if %}{%", 1))
        line = next(n for n, text in enumerate(template.read_text().splitlines(), 1) if "{% if %}" in text)
        heard = build_and_hear(replace(config, templates=tmp_path / "templates"), 2)
        for book in ("good", "broken"):
            assert heard[book]["ok"] is False
            assert f"{template}:{line}: error: template syntax error: " in heard[book]["diagnostics"]

        # good.epub as it was: unchanged, but its pages showed the failure, so they are told
        heard = build_and_hear(config, 2)
        assert heard["good"]["ok"] is True and heard["broken"]["ok"] is False
        # unchanged again: nothing to tell about it; broken.md still fails, as a page opened now must hear
        assert list(build_and_hear(config, 1)) == ["broken"]

        # the web edition: every page of a book's folder hears it, the one that failed too
        web = build_and_hear(replace(config, formats=("html",)), 2)
        assert "good-web" in web["good"]["outputs"] and "good-web/index.html" in web["good"]["outputs"]
        assert web["broken"]["ok"] is False and web["broken"]["outputs"] == ["broken-web"]
    finally:
        stream.close()
        preview.stop()


def test_serve_prints_its_address_and_tells_pages_when_their_book_is_rebuilt_or_fails(tmp_path):
    source = write_source(tmp_path / "src", "essay.md", GOOD)
    out = tmp_path / "out"
    serving = Serving(source, out, "--serve")
    stream = None
    try:
        address = serving.wait_for(r"^serving (\S+) at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C stops\)$")
        assert Path(address[1]) == out
        port = int(address[2])
        serving.wait_for("1 input: 1 built")
        serving.wait_for("watching")
        stream = EventStream(port)
        assert stream.next(10)[0] == "hello"

        def edit_until(text: str) -> dict:
            """Write the source (again, should the watcher not have been listening yet) until an event comes."""
            for _ in range(30):
                source.write_text(text)
                try:
                    kind, data = stream.next(5)
                except queue.Empty:
                    continue
                assert kind == "build", (kind, data)
                return data
            pytest.fail("no event after editing:\n" + "\n".join(serving.seen))

        built = edit_until(GOOD.replace("first", "second"))
        assert built == {"book": "essay", "ok": True, "diagnostics": "", "outputs": ["essay.epub"]}
        failed = edit_until(BROKEN)
        assert failed["book"] == "essay" and failed["ok"] is False
        assert re.fullmatch(r".*essay\.md:\d+: error: front matter is not valid YAML: .* \[frontmatter\.yaml\]",
                            failed["diagnostics"])
        late = EventStream(port)  # a page opened after the failure hears of it at once
        assert late.next(10)[0] == "hello"
        assert late.next(10) == ("build", failed)
        late.close()
        # the source as it last built: the cache has it (unchanged), but the pages showed the failure
        back = edit_until(GOOD.replace("first", "second"))
        assert (back["book"], back["ok"]) == ("essay", True)
        assert raw(port, "/essay.epub")[1]["content-type"] == "application/epub+zip"  # the book beside its pages
        assert_epubcheck_clean(out / "essay.epub")
    finally:
        if stream:
            stream.close()
        status = serving.stop()
    assert status == 0
    assert "Traceback" not in "\n".join(serving.seen)


def test_serve_on_a_given_port_stops_cleanly_on_ctrl_c(tmp_path):
    source = write_source(tmp_path, "essay.md", GOOD)
    with socket.socket() as probe:  # a port free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serving = Serving(source, tmp_path / "out", "--serve", str(port))
    try:
        serving.wait_for(rf"^serving \S+ at http://127\.0\.0\.1:{port}/ ")
        serving.wait_for("watching")
        stream = EventStream(port)  # an open event stream does not keep the server from stopping
        assert stream.next(10)[0] == "hello"
    finally:
        status = serving.stop()
    assert status == 0
    assert "Traceback" not in "\n".join(serving.seen)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()  # the port is closed


def test_serve_reports_an_address_in_use(tmp_path):
    source = write_source(tmp_path, "essay.md", GOOD)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([sys.executable, str(ROOT / "build.py"), str(source), "-o", str(tmp_path / "out"),
                               "--serve", f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: cannot serve on 127.0.0.1:{port}: ")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()  # nothing was built


def test_a_wrong_address_on_the_command_line(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--serve", "localhost:web"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 2
    assert "--serve wants [ADDRESS][:PORT]" in proc.stderr


# --- in a browser (slow tier) --------------------------------------------------------------------------

CHROMIUM = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or next(
    (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)
POLICY = "default-src 'self'; script-src 'self'; style-src 'self'"  # what a web edition's page may say at most


def page_text(version: str, opening: str = "") -> str:
    """A book's page as a web edition writes it: its own policy, the preview's script, numbered paragraphs."""
    paragraphs = "".join(f'<p id="para-{n}">Paragraph {n} of the {version} version, with enough words to fill '
                         f"a line or two of the window at its width.</p>" for n in range(1, 151))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Essay</title>'
            f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">{SCRIPT_TAG}</head>'
            f"<body><main>{opening}{paragraphs}</main></body></html>")


@pytest.fixture(scope="module")
def browser():
    why = "Chromium is not installed (apt-get install chromium)" if CHROMIUM is None else None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        why = "Playwright is not installed (pip install -e '.[test]')"
    if why:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)  # the system's; nothing downloaded
        yield chromium
        chromium.close()


@pytest.fixture
def watched_page(browser, tmp_path):
    """--serve on a source, and a page of its book open in the browser: (source, out, page, serving, errors)."""
    source = write_source(tmp_path / "src", "essay.md", GOOD)
    out = tmp_path / "out"
    write_source(out, "essay/index.html", page_text("first"))
    serving = Serving(source, out, "--serve")
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    errors = console_errors(page)
    try:
        port = int(serving.wait_for(r"at http://127\.0\.0\.1:(\d+)/")[1])
        serving.wait_for("watching")
        page.goto(f"http://127.0.0.1:{port}/essay/")
        page.wait_for_load_state("load")
        yield source, out, page, serving, errors
    finally:
        context.close()
        serving.stop()


def edit_until(source: Path, text: str, seen, serving: Serving) -> None:
    """Write the source (again, should the watcher not have been listening yet) until ``seen()`` holds."""
    for _ in range(20):
        source.write_text(text)
        try:
            seen()
            return
        except AssertionError:
            continue
    pytest.fail("the page did not change after editing:\n" + "\n".join(serving.seen))


@pytest.mark.slow
def test_an_open_page_follows_its_book_keeping_the_readers_place(watched_page):
    from playwright.sync_api import expect

    source, out, page, serving, errors = watched_page
    write_source(out, "other/index.html", page_text("other book's"))  # another book's page, open beside it
    other = page.context.new_page()
    other.goto(page.url.replace("/essay/", "/other/"))
    other.evaluate("window.notReloaded = true")
    page.evaluate("document.getElementById('para-100').scrollIntoView()")
    assert page.evaluate("document.getElementById('para-100').getBoundingClientRect().top") == 0
    # the next build puts a long paragraph above the reader's place: the same scroll offset would miss it
    (out / "essay" / "index.html").write_text(page_text("second", '<p id="para-0">' + "A new opening. " * 80 + "</p>"))
    edit_until(source, GOOD.replace("first", "second"),
               lambda: expect(page.locator("#para-100")).to_contain_text("second version", timeout=4000), serving)
    page.wait_for_load_state("load")
    top = page.evaluate("document.getElementById('para-100').getBoundingClientRect().top")
    assert abs(top) < 2, f"paragraph 100 is {top}px from the top of the window after the reload"
    assert other.evaluate("window.notReloaded") is True, "a page of another book reloaded too"
    assert errors == []


@pytest.mark.slow
def test_a_failed_build_shows_its_diagnostics_in_the_open_page(watched_page):
    from playwright.sync_api import expect

    source, out, page, serving, errors = watched_page
    problems = page.locator("#octavo-live-problems")
    edit_until(source, BROKEN, lambda: expect(problems).to_be_visible(timeout=4000), serving)
    expect(problems).to_contain_text("essay.md:")
    expect(problems).to_contain_text("front matter is not valid YAML")
    expect(problems).to_contain_text("[frontmatter.yaml]")
    assert problems.get_attribute("role") == "alert"
    covering = page.evaluate("document.getElementById('octavo-live-problems')"
                             ".contains(document.elementFromPoint(400, 300))")
    assert covering, "the stale text is still what the reader sees"
    assert page.evaluate("document.querySelector('main').inert"), "the stale text can still be focused and read aloud"
    (out / "essay" / "index.html").write_text(page_text("mended"))
    edit_until(source, GOOD.replace("first", "mended"),
               lambda: expect(page.locator("#para-1")).to_contain_text("mended version", timeout=4000), serving)
    expect(problems).to_have_count(0)
    assert errors == []


@pytest.mark.slow
def test_the_web_edition_follows_edits_of_its_source(browser, tmp_path):
    from playwright.sync_api import expect

    from octavo.config import FORMATS

    if "html" not in FORMATS:
        pytest.skip("the web edition (--format html) is not in this build of Octavo")
    source = write_source(tmp_path / "src", "essay.md", GOOD)
    out = tmp_path / "out"
    serving = Serving(source, out, "--serve", edition="html")
    page = browser.new_page()
    errors = console_errors(page)
    try:
        port = int(serving.wait_for(r"at http://127\.0\.0\.1:(\d+)/")[1])
        serving.wait_for("1 input: 1 built")
        serving.wait_for("watching")
        pages = [p for p in sorted(out.rglob("*.html")) if "The first words." in p.read_text(encoding="utf-8")]
        assert pages, f"no web page with the text in {sorted(out.rglob('*'))}"
        assert SCRIPT_TAG in pages[0].read_text(encoding="utf-8")
        page.goto(f"http://127.0.0.1:{port}/{pages[0].relative_to(out).as_posix()}")
        page.wait_for_load_state("load")
        edit_until(source, GOOD.replace("first", "second"),
                   lambda: expect(page.locator("body")).to_contain_text("The second words.", timeout=4000), serving)
        problems = page.locator("#octavo-live-problems")
        edit_until(source, BROKEN, lambda: expect(problems).to_be_visible(timeout=4000), serving)
        expect(problems).to_contain_text("[frontmatter.yaml]")
        assert errors == []
    finally:
        page.close()
        serving.stop()


@pytest.mark.slow
def test_an_open_page_reloads_when_the_preview_is_started_again(browser, tmp_path):
    from playwright.sync_api import expect

    source = write_source(tmp_path / "src", "essay.md", GOOD)
    out = tmp_path / "out"
    write_source(out, "essay/index.html", page_text("first"))
    with socket.socket() as probe:  # a port free a moment ago, to start the preview on twice
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serving = Serving(source, out, "--serve", str(port))
    page = browser.new_page()
    try:
        serving.wait_for("watching")
        page.goto(f"http://127.0.0.1:{port}/essay/")
        page.wait_for_load_state("load")
        assert serving.stop() == 0
        (out / "essay" / "index.html").write_text(page_text("second"))  # built while no preview ran
        serving = Serving(source, out, "--serve", str(port))
        serving.wait_for("watching")
        expect(page.locator("#para-1")).to_contain_text("second version", timeout=30000)
    finally:
        page.close()
        serving.stop()

def console_errors(page) -> list[str]:
    """The page's console errors and uncaught exceptions, as they happen."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors

