"""The build cache: a second build with nothing changed renders nothing.

One record per output, in ``OUTPUT/.octavo-cache/NAME.FORMAT.json``, so shards and parallel builds
writing to one folder never touch each other's records. An output is unchanged when its record's key
and reads still hold:

- the key: Octavo's version and code, the versions of the libraries and font packages that render,
  the built-in templates and styles (content), every Config field that changes output (folders and
  files by content: see ``Config.output_options``), SOURCE_DATE_EPOCH, and the format;
- the reads: the content of every file the build read (the source or the manifest and its texts,
  the images), and each name a missing image was looked for at (its appearing is a change; other
  files appearing in the folder are not);
- the output itself: still there with the size and modification time it was written with.

Beside the records, ``NAME.pages.json`` keeps where each page of the print edition begins (the
page-list) from the last PDF build, keyed by what the layout depends on (the PDF's key without the
options that only decide what is checked or marked) and the files that build read: a web edition
built alone marks the pages of that print edition (:meth:`Cache.lookup_pages`). It is one of the
web edition's reads, so a PDF built later (a page-list appearing or changing) rebuilds the web pages.

A record that cannot be read, fails its checksum or describes something else is ignored (and
rewritten by the build): the cache is never trusted, only checked.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__
from .config import Config
from .diagnostics import Diagnostic, Location
from .resources import PACKAGE, STYLES, TEMPLATES

FOLDER = ".octavo-cache"
SCHEMA = 3
WEB_ONLY = ("live", "site_url")  # options that change the web edition only (keyed with html in key())
LOOKED_UP = {"assets"}  # folders images are looked up in: the images found are reads of each book
RENDERING = {  # distributions whose version changes what is written (besides any font package)
    "weasyprint", "pydyf", "tinycss2", "tinyhtml5", "cssselect2", "fonttools", "pyphen", "pillow", "ebooklib",
    "markdown", "jinja2", "markupsafe", "lxml", "nh3", "python-frontmatter", "pyyaml", "langcodes",
    "language-data", "charset-normalizer", "html5lib",
}


@dataclass(frozen=True)
class Hit:
    """An output the cache found still current, with the diagnostics its build gave."""

    output: Path
    diagnostics: list[Diagnostic]


class Cache:
    def __init__(self, config: Config):
        self.config = config
        self.folder = config.output / FOLDER
        self._base: str | None = None
        self._digests: dict[Path, str] = {}
        self.damaged = 0  # records found unreadable or tampered with (rebuilt)

    def lookup(self, path: Path, slug: str, fmt: str) -> Hit | None:
        """The cached result for this output, if it is still exactly what a build would write."""
        record = self._read(self.folder / f"{slug}.{fmt}.json")
        if record is None or record["input"] != str(path.resolve()) or record["key"] != self.key(fmt):
            return None
        output = self.config.output / record["output"]["name"]
        try:
            stat = output.stat()
        except OSError:
            return None
        if [stat.st_size, stat.st_mtime_ns] != [record["output"]["size"], record["output"]["mtime_ns"]]:
            return None
        if any(self.digest(Path(p)) != d for p, d in record["reads"].items()):
            return None
        return Hit(output, [_diagnostic(d) for d in record["diagnostics"]])

    def store(self, path: Path, slug: str, fmt: str, output: Path, reads: list[Path],
              diagnostics: list[Diagnostic]) -> None:
        """Record a freshly written output (``reads``: files read, and names a missing image was looked for at)."""
        try:
            stat = output.stat()
            record = {
                "schema": SCHEMA,
                "input": str(path.resolve()),
                "key": self.key(fmt),
                "output": {"name": _name_in(output, self.config.output), "size": stat.st_size,
                           "mtime_ns": stat.st_mtime_ns},
                "reads": {str(p.resolve()): self.digest(p.resolve()) for p in reads},
                "diagnostics": [_plain(d) for d in diagnostics],
            }
            record["checksum"] = _checksum(record)
            self.folder.mkdir(parents=True, exist_ok=True)
            dest = self.folder / f"{slug}.{fmt}.json"
            tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, dest)
        except OSError:  # an unwritable cache only costs the next build its speed
            pass

    def pages_path(self, slug: str) -> Path:
        """Where the page-list of the print edition of ``slug`` is kept (see the module's docstring)."""
        return self.folder / f"{slug}.pages.json"

    def pages_key(self) -> str:
        """What the print edition's layout depends on: the PDF's key, less page_list and preflight
        (they decide what is marked and checked, not where pages begin)."""
        return Cache(replace(self.config, page_list=False, preflight=False)).key("pdf")

    def store_pages(self, path: Path, slug: str, page_list, reads: list[Path]) -> None:
        """Keep the page-list a PDF build found (pagelist.PageList), for a web edition built alone."""
        record = {
            "schema": SCHEMA,
            "input": str(path.resolve()),
            "key": self.pages_key(),
            "reads": {str(p.resolve()): self.digest(p.resolve()) for p in reads},
            "pages": [[anchor, brk.offset, brk.label] for anchor, brk in page_list.pages],
            "source": page_list.source,
            "unplaced": list(page_list.unplaced),
        }
        record["checksum"] = _checksum(record)
        dest = self.pages_path(slug)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(record, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(tmp, dest)
        except OSError:
            return
        self._digests.pop(dest.resolve(), None)  # a web record stored after this reads the new one

    def lookup_pages(self, path: Path, slug: str):
        """The page-list of an earlier PDF build of this input with the same layout options and
        the same files read, or None."""
        record = self._read(self.pages_path(slug))
        if record is None or record["input"] != str(path.resolve()) or record["key"] != self.pages_key():
            return None
        if any(self.digest(Path(p)) != d for p, d in record["reads"].items()):
            return None
        from .pagelist import PageList
        from .render import PageBreak

        return PageList(tuple((anchor, PageBreak(offset, label)) for anchor, offset, label in record["pages"]),
                        record["source"], tuple(record["unplaced"]))

    def key(self, fmt: str) -> str:
        if self._base is None:
            self._base = _sha({"schema": SCHEMA, "octavo": __version__, "code": tree_digest(PACKAGE, "*.py"),
                               "libraries": libraries(), "templates": tree_digest(TEMPLATES),
                               "styles": tree_digest(STYLES), "options": self._options()})
        # the preview's script is in the web pages only: starting --serve leaves the EPUB and PDF cached
        return _sha([self._base, fmt] + ([getattr(self.config, name) for name in WEB_ONLY] if fmt == "html" else []))

    def _options(self) -> dict:
        options = {}
        for name, value in self.config.output_options().items():
            if name in WEB_ONLY:
                continue
            options[name] = repr(value) if name in LOOKED_UP else fingerprint(value)
        return options

    def digest(self, path: Path) -> str:
        """The content hash of a file (once per build); '' when it cannot be read."""
        if path not in self._digests:
            try:
                self._digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._digests[path] = ""
        return self._digests[path]

    def _read(self, path: Path) -> dict | None:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            self.damaged += 1
            return None
        if not isinstance(record, dict) or record.get("schema") != SCHEMA or record.get("checksum") != _checksum(record):
            self.damaged += 1
            return None
        return record


def _name_in(output: Path, folder: Path) -> str:
    """An output's name under the output folder (the web edition's index page is NAME-web/index.html)."""
    try:
        return output.relative_to(folder).as_posix()
    except ValueError:
        return output.name


def fingerprint(value):
    """A Config value as key material: files and folders by content, the rest as written."""
    if isinstance(value, Path):
        if value.is_file():
            return {"file": hashlib.sha256(value.read_bytes()).hexdigest()}
        if value.is_dir():
            return {"folder": tree_digest(value)}
        return {"missing": str(value)}
    if isinstance(value, (tuple, list)):
        return [fingerprint(v) for v in value]
    return repr(value)


def tree_digest(folder: Path, pattern: str = "*") -> str:
    """The names and content of every file under ``folder`` matching ``pattern``. Walked with
    ``os.walk`` (in the order and with the names ``Path.rglob`` gives, sorted by their parts): every
    build hashes Octavo's code, templates and styles, and pathlib's walk cost more than the hashing."""
    h = hashlib.sha256()
    root = str(folder)
    if os.path.isdir(root):
        found = []
        for top, _, files in os.walk(root):
            rel = os.path.relpath(top, root)
            parts = () if rel == os.curdir else tuple(rel.split(os.sep))
            if "__pycache__" in parts:
                continue
            for name in fnmatch.filter(files, pattern):
                if os.path.isfile(os.path.join(top, name)):
                    found.append(parts + (name,))
        for parts in sorted(found):
            with open(os.path.join(root, *parts), "rb") as file:
                h.update(os.path.join(*parts).encode() + b"\0" + hashlib.sha256(file.read()).digest())
    return h.hexdigest()


def libraries() -> list[str]:
    """name-version of each installed rendering library and font package (from the dist-info folders)."""
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist, _, version = name[: -len(".dist-info")].partition("-")
                dist = re.sub(r"[-_.]+", "-", dist).lower()
                if dist in RENDERING or dist.startswith("font"):
                    found.add(f"{dist}-{version}")
    return sorted(found)


def _plain(d: Diagnostic) -> list:
    where = d.location
    return [d.level, d.code, d.message, str(where.path) if where else None, where.line if where else None, d.subject,
            d.count]


def _diagnostic(item: list) -> Diagnostic:
    level, code, message, path, line, subject, *count = item  # records written before counts had six items
    return Diagnostic(level, code, message, Location(Path(path), line) if path is not None else None, subject,
                      *count)


def _checksum(record: dict) -> str:
    return _sha({k: v for k, v in record.items() if k != "checksum"})


def _sha(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
