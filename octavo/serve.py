"""--serve: the live preview. The output folder over HTTP, and pages that reload when their book is rebuilt.

``serve(config, address, rebuild)`` binds the address (127.0.0.1 and a free port unless the user
names one), prints it on one line, then runs ``--watch`` (watch.py) with ``rebuild``; as the build
of each book finishes, it tells the open pages. Ctrl-C stops both (exit status 0).

What the server answers, GET and HEAD only (any other method: 405), and nothing else:

- a file of the output folder, by its path; a folder's ``index.html`` (a folder without one: 404,
  never a listing); ``/`` without an ``index.html``: a page linking the books of this preview;
  ``/favicon.ico`` that is not there: 204, no content (browsers ask for it unbidden: a 404 would be
  an error in every page's console);
- a single byte range of a file (``Range: bytes=A-B``, ``A-``, ``-N``): 206 with that piece, 416
  past the end; several ranges, a malformed header or an ``If-Range`` (the preview names no
  versions): the whole file;
- ``/_octavo/live.js``: the script each page of a live build (``Config.live``) names in its head;
- ``/_octavo/events``: server-sent events, ``hello`` (this server's id: a page that hears a new
  one reloads, the server was restarted) and ``build``, one per rebuilt book, as JSON:
  ``{"book": NAME, "ok": bool, "diagnostics": TEXT, "outputs": [PATH, ...]}``; NAME is the
  book's output name (its files are NAME.epub, NAME.pdf, its web pages under NAME/).

It never writes a file. Refused (404): ``.`` and ``..`` segments, encoded or not, an encoded
``/`` or a backslash, an empty segment (``//etc``), hidden names (``.octavo-cache``, a build's
temporary files), a target that is not a path. Refused (403): a path whose real location (after
symlinks) is outside the output folder; on a loopback address, a request naming another host (a
web page elsewhere cannot read the preview through DNS rebinding). The only module that knows
http.server.
"""
from __future__ import annotations

import ipaddress
import json
import os
import queue
import socket
import socketserver
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote

from .config import Config

DEFAULT_HOST = "127.0.0.1"
ROUTES = "/_octavo/"  # the preview's own: never a file of the output folder
LIVE_SCRIPT = Path(__file__).with_name("live.js")
KEEPALIVE = 15.0  # seconds between comments on an idle event stream, so a dead page is noticed
RETRY_MS = 1000  # how soon a page tries the event stream again after losing it
TEXT = "; charset=utf-8"
MEDIA_TYPES = {  # by suffix; anything else is application/octet-stream (never sniffed: nosniff)
    ".html": "text/html" + TEXT, ".htm": "text/html" + TEXT, ".xhtml": "application/xhtml+xml" + TEXT,
    ".css": "text/css" + TEXT, ".js": "text/javascript" + TEXT, ".mjs": "text/javascript" + TEXT,
    ".json": "application/json", ".txt": "text/plain" + TEXT, ".xml": "application/xml",
    ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf",
    ".epub": "application/epub+zip", ".pdf": "application/pdf", ".wasm": "application/wasm",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
}


def parse_address(text: str) -> tuple[str, int]:
    """``--serve``'s value -> (host, port): ``''`` (127.0.0.1, a free port), ``PORT``, ``:PORT``,
    ``HOST``, ``HOST:PORT``, ``[IPv6]:PORT``. ValueError otherwise."""
    text = text.strip()
    if not text:
        return DEFAULT_HOST, 0
    if text.isdigit():
        host, port = DEFAULT_HOST, text
    elif text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else rest or "0"
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
        host = host or DEFAULT_HOST
    elif ":" in text:  # a bare IPv6 address
        host, port = text, "0"
    else:
        host, port = text, "0"
    if not port.isdigit() or not 0 <= int(port) <= 65535 or not host:
        raise ValueError(f"--serve wants [ADDRESS][:PORT] (e.g. 8000, 127.0.0.1:8000), not '{text}'")
    return host, int(port)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() == "localhost"


class Broadcast:
    """The open event streams, each a queue; and each book whose last build failed, told again to
    every page that connects (its text on disk is stale until the book builds again)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.streams: list[queue.Queue] = []
        self.failed: dict[str, bytes] = {}
        self.server_id = f"{os.getpid()}-{time.time_ns()}"

    def subscribe(self) -> queue.Queue:
        stream: queue.Queue = queue.Queue()
        stream.put(_event("hello", {"server": self.server_id}, retry=RETRY_MS))
        with self.lock:
            for message in self.failed.values():
                stream.put(message)
            self.streams.append(stream)
        return stream

    def unsubscribe(self, stream: queue.Queue) -> None:
        with self.lock:
            if stream in self.streams:
                self.streams.remove(stream)

    def build(self, book: str, ok: bool, diagnostics: str, outputs: list[str], unchanged: bool) -> bool:
        """Tell every page a book was built; an unchanged book only when its last build had failed
        (the pages show that failure). Whether it was told."""
        with self.lock:
            if unchanged and ok and book not in self.failed:
                return False
            message = _event("build", {"book": book, "ok": ok, "diagnostics": diagnostics, "outputs": outputs})
            if ok:
                self.failed.pop(book, None)
            else:
                self.failed[book] = message
            for stream in self.streams:
                stream.put(message)
        return True

    def close(self) -> None:
        with self.lock:
            for stream in self.streams:
                stream.put(None)


def _event(kind: str, data: dict, retry: int | None = None) -> bytes:
    head = f"retry: {retry}\n" if retry is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode("utf-8")


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never keeps the process alive

    def __init__(self, address: tuple[str, int], root: Path, broadcast: Broadcast):
        self.root = root.absolute().resolve()
        self.broadcast = broadcast
        self.books: list[str] = []  # the output names of this preview's inputs, for the page at /
        self.loopback = is_loopback(address[0])
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # not HTTPServer's: it looks the host's name up (DNS)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    @property
    def url(self) -> str:
        host = self.server_name
        return f"http://{'[' + host + ']' if ':' in host else host}:{self.server_port}/"


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer

    def version_string(self) -> str:
        return "octavo-preview"

    def do_GET(self) -> None:
        self.answer(body=True)

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def __getattr__(self, name: str):
        if name.startswith("do_"):  # any other method, known or not
            return self.not_allowed
        raise AttributeError(name)

    def not_allowed(self) -> None:
        self.refuse(HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": "GET, HEAD"})

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass  # the build's lines are what the terminal is for; a refused request is answered, not logged

    def answer(self, body: bool) -> None:
        if not self.host_allowed():
            return self.refuse(HTTPStatus.FORBIDDEN)
        target = self.path.split("#", 1)[0]
        path, _, query = target.partition("?")
        if path == ROUTES + "events":
            return self.events(body)
        if path == ROUTES + "live.js":
            return self.send_file(LIVE_SCRIPT, body)
        if path.startswith(ROUTES):
            return self.refuse(HTTPStatus.NOT_FOUND)
        found = local_file(self.server.root, path)
        if isinstance(found, HTTPStatus):
            if found == HTTPStatus.NOT_FOUND and path == "/":
                return self.send_bytes(books_page(self.server.root, self.server.books), "text/html" + TEXT, body)
            if found == HTTPStatus.NOT_FOUND and path == "/favicon.ico":  # asked for unbidden by browsers
                return self.refuse(HTTPStatus.NO_CONTENT)
            return self.refuse(found)
        if found.is_dir():  # a folder named without its slash: relative links need it
            return self.refuse(HTTPStatus.MOVED_PERMANENTLY, {"Location": path + "/" + ("?" + query if query else "")})
        self.send_file(found, body)

    def host_allowed(self) -> bool:
        """On a loopback address, only requests for a loopback host (or naming none)."""
        host = self.headers.get("Host")
        if not self.server.loopback or host is None:
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return is_loopback(name)

    def send_file(self, path: Path, body: bool) -> None:
        try:
            handle = open(path, "rb")
        except OSError:
            return self.refuse(HTTPStatus.NOT_FOUND)
        with handle:
            size = os.fstat(handle.fileno()).st_size
            media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
            wanted = byte_range(self.headers.get("Range"), size) if "If-Range" not in self.headers else None
            if wanted == "unsatisfiable":
                return self.refuse(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, {"Content-Range": f"bytes */{size}"})
            first, last = wanted if wanted else (0, size - 1)
            extra = {"Accept-Ranges": "bytes", **({"Content-Range": f"bytes {first}-{last}/{size}"} if wanted else {})}
            self.send_head(HTTPStatus.PARTIAL_CONTENT if wanted else HTTPStatus.OK, media_type, last - first + 1, extra)
            if body:
                try:
                    handle.seek(first)
                    left = last - first + 1
                    while left > 0 and (chunk := handle.read(min(left, 1 << 16))):
                        self.wfile.write(chunk)
                        left -= len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the browser stopped reading (a page reloaded mid-download): nothing to answer

    def send_bytes(self, data: bytes, media_type: str, body: bool) -> None:
        self.send_head(HTTPStatus.OK, media_type, len(data))
        if body:
            self.wfile.write(data)

    def send_head(self, status: HTTPStatus, media_type: str, length: int | None,
                  headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")  # a preview is always the latest build
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def refuse(self, status: HTTPStatus, headers: dict[str, str] | None = None) -> None:
        data = f"{status.value} {status.phrase}\n".encode() if status != HTTPStatus.NO_CONTENT else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain" + TEXT)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def events(self, body: bool) -> None:
        """The event stream: open until the page goes away or the server stops."""
        self.send_head(HTTPStatus.OK, "text/event-stream" + TEXT, None)
        if not body:
            return
        stream = self.server.broadcast.subscribe()
        try:
            while True:
                try:
                    message = stream.get(timeout=KEEPALIVE)
                except queue.Empty:
                    message = b": still here\n\n"
                if message is None:
                    return
                self.wfile.write(message)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return  # the page was closed or reloaded: its stream ends
        finally:
            self.server.broadcast.unsubscribe(stream)
            self.close_connection = True


def local_file(root: Path, path: str) -> Path | HTTPStatus:
    """The file (or folder's index.html) of ``root`` a request path names, or why not: NOT_FOUND
    for anything but a plain path of visible names that exists, FORBIDDEN where its real location
    is outside ``root``. A folder without its final slash comes back as the folder."""
    if not path.startswith("/") or "\\" in path or "%5c" in path.lower():
        return HTTPStatus.NOT_FOUND
    parts = path[1:].split("/")
    folder = parts[-1] == ""
    if folder:
        parts.pop()
    names = []
    for part in parts:
        try:
            name = unquote(part, errors="strict")
        except UnicodeDecodeError:
            return HTTPStatus.NOT_FOUND
        if not name or name.startswith(".") or "/" in name or "\\" in name or "\x00" in name:
            return HTTPStatus.NOT_FOUND  # '', '.', '..', hidden names, an encoded slash
        names.append(name)
    candidate = root.joinpath(*names)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError, UnicodeError):  # missing, a symlink loop, an unencodable name
        return HTTPStatus.NOT_FOUND
    if not real.is_relative_to(root):
        return HTTPStatus.FORBIDDEN
    if real.is_dir():
        if not folder and names:
            return real
        index = (real / "index.html").resolve()
        if not index.is_file():
            return HTTPStatus.NOT_FOUND  # no listings
        return index if index.is_relative_to(root) else HTTPStatus.FORBIDDEN
    if folder or not real.is_file():
        return HTTPStatus.NOT_FOUND
    return real


def byte_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """A ``Range: bytes=A-B`` header (one range: ``A-B``, ``A-``, or ``-N`` for the last N bytes)
    -> the first and last byte to send; ``"unsatisfiable"`` for a range that starts past the end
    (416); None for no header, another unit, several ranges or a malformed one (the whole file:
    a server may ignore a Range it does not support)."""
    if header is None:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    start, dash, end = spec.strip().partition("-")
    start, end = start.strip(), end.strip()
    if not dash or not (start.isdigit() or start == "") or not (end.isdigit() or end == "") or not (start or end):
        return None
    if not start:  # the last N bytes
        if int(end) == 0:
            return "unsatisfiable"
        return (max(size - int(end), 0), size - 1) if size else "unsatisfiable"
    first = int(start)
    last = min(int(end), size - 1) if end else size - 1
    if end and int(end) < first:
        return None  # A-B with B < A is not a valid range: ignored
    if first >= size:
        return "unsatisfiable"
    return first, last


def books_page(root: Path, books: list[str]) -> bytes:
    """``/`` when the output folder has no index.html: links to this preview's books (its web
    pages, EPUB and PDF, those that exist), not a listing of the folder."""
    from lxml.html import builder as E, tostring

    items = []
    for book in books:
        links = [(f"{book}/", "web")] if (root / book / "index.html").is_file() else []
        links += [(book + suffix, suffix[1:].upper()) for suffix in (".epub", ".pdf") if (root / (book + suffix)).is_file()]
        if links:
            item = E.LI(book + ": ")
            for href, label in links:
                item.append(E.A(label, href=quote(href)))
                item[-1].tail = " "
            items.append(item)
    page = E.HTML(
        E.HEAD(E.META(charset="utf-8"), E.TITLE("Octavo preview"),
               E.META({"http-equiv": "Content-Security-Policy", "content": "default-src 'self'"}),
               E.SCRIPT(src=ROUTES + "live.js", defer="defer")),
        E.BODY(E.H1("Octavo preview"), E.UL(*items) if items else E.P("No book has been built yet.")),
        lang="en")
    return b"<!DOCTYPE html>\n" + tostring(page, encoding="utf-8")


class Preview:
    """The server in a thread of this process."""

    def __init__(self, root: Path, host: str = DEFAULT_HOST, port: int = 0):
        self.broadcast = Broadcast()
        self.server = PreviewServer((host, port), root, self.broadcast)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2},
                                       name="octavo-preview", daemon=True)

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> Preview:
        self.thread.start()
        return self

    def listener(self, config: Config):
        """What hears one build (pipeline.Events): each book's result is told to the pages as it finishes."""
        from .pipeline import Events, output_names

        names: dict[Path, str] = {}
        problems: list[str] = []

        def checked(found) -> None:  # first, once per build: the batch's problems, and every book's name
            names.update((path, name) for path, (name, _) in output_names(config.all_inputs(),
                                                                          config.edition_suffix()).items())
            self.server.books = list(names.values())
            problems[:] = [str(d) for d in found]

        def finished(result) -> None:
            book = names.get(result.input, result.input.stem)
            lines = (problems if not result.ok else []) + [str(d) for d in result.diagnostics]
            outputs = [_relative(p, self.server.root) for p in result.outputs]
            if "html" in config.formats:  # every page of the web edition, also when this build failed
                from .web import folder_of

                outputs.append(_relative(folder_of(config.output, book), self.server.root))
            self.broadcast.build(book, result.ok, "\n".join(lines), outputs, result.unchanged)

        return Events(checked=checked, finished=finished)

    def stop(self) -> None:
        self.broadcast.close()
        self.server.shutdown()
        self.server.server_close()


def _relative(path: Path, root: Path) -> str:
    try:
        return path.absolute().resolve().relative_to(root).as_posix()
    except ValueError:
        return path.name


def serve(config: Config, address: tuple[str, int], rebuild: Callable[[object], tuple[int, object]]) -> int:
    """--serve: the preview and --watch until Ctrl-C (0), or 1 when the address cannot be bound.
    ``rebuild(events)`` builds once, telling ``events`` (pipeline.Events) as it goes."""
    from .watch import watch

    host, port = address
    try:
        preview = Preview(config.output, host, port)
    except OSError as exc:
        print(f"error: cannot serve on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        preview.start()
        print(f"serving {config.output} at {preview.url} (Ctrl-C stops)", flush=True)
        if not preview.server.loopback:
            print(f"warning: {host} is not a loopback address: anyone who can reach it can read the output folder",
                  file=sys.stderr, flush=True)

        return watch(config, lambda: rebuild(preview.listener(config)))
    except KeyboardInterrupt:
        return 0
    finally:
        preview.stop()
