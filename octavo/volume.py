"""Volume manifests: a TOML file naming several sources that become one book.

This is the only module that knows TOML (stdlib ``tomllib``) and the manifest's dialect. It never
raises on bad input: :func:`read_manifest` returns a :class:`Manifest` whose collector holds every
problem found, each with the manifest's file name and line. :func:`volume_book` groups the
assembled texts into parts and gives the volume its metadata and stable identifier.

    title = "Readings on the October Revolution"
    editor = "A. Editor"                  # or a list of names
    language = "en"
    [[texts]]
    source = "../sources/some-text.md"    # relative to the manifest
    part = "Part One"                     # optional; consecutive texts with one part share it
    title = "..."                         # optional: title, author, translator, date win over the
                                          # text's front matter (an archive download's mistakes)
"""
from __future__ import annotations

import difflib
import os
import re
import tomllib
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from .diagnostics import Collector, Located, Location
from .metadata import metadata_from_fields, typeset, typeset_names
from .model import Book, Part, Text
from .slugs import slugify
from .sources import as_text

VOLUME_NAMESPACE = uuid.UUID("5d0c2a8e-3b7f-4f6e-8d2a-6f1e9c4b7a30")
# The manifest's fields are front matter's (one path to Metadata: metadata.py), in TOML.
TEXT_FIELDS = ("title", "subtitle", "language", "identifier", "publisher", "rights", "date", "metaDescription",
               "description", "cover")
DESCRIPTION_NAMES = ("metaDescription", "description")  # as in front matter: the field, then its other name
NAME_FIELDS = {"editor": "editor", "editors": "editor"}  # the plural is another spelling of the same field
LIST_FIELDS = ("tags",)
ENTRY_FIELDS = ("source", "part", "title", "author", "translator", "date")
ENTRY_TEXT = ("title", "date")  # a text's fields the manifest may correct: text ...
ENTRY_NAMES = {"author": "authors", "translator": "translators"}  # ... and names (Metadata's field)
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Entry:
    """One ``[[texts]]`` table: the source file and the part it belongs to."""

    source: Path  # resolved against the manifest's folder
    written: str  # the path as the manifest gives it (stable across machines: used for the identifier)
    part: str | None
    line: int  # the manifest line of this entry's ``[[texts]]`` header (or its ``source`` key)
    fields: dict = field(default_factory=dict)  # Metadata fields the manifest gives this text (title, authors, ...)

    def corrected(self, text: Text) -> Text:
        """The text with the manifest's title, authors, translators and date instead of its own."""
        if not self.fields:
            return text
        fields, language = dict(self.fields), text.metadata.language
        if "title" in fields:
            fields["title"] = typeset(fields["title"], language)
            fields["short_title"] = None  # the text's own short title named its own title
        for names in ("authors", "translators", "editors"):
            if names in fields:
                fields[names] = typeset_names(fields[names], language)
        return replace(text, metadata=replace(text.metadata, **fields))


@dataclass
class Manifest:
    path: Path
    fields: dict = field(default_factory=dict)  # validated top-level fields; editor -> tuple of names
    entries: list[Entry] = field(default_factory=list)
    diagnostics: Collector = None

    def text_id(self, index: int) -> str:
        """Prefix of every id of the index-th text (0-based): t1-, t2-, ... unique even for a repeated source."""
        return f"t{index + 1}-"

    def text_level(self, entry: Entry) -> int:
        """The h-level of a text's title: under a part heading (h1) it is h2, otherwise h1."""
        return 2 if entry.part else 1


def read_manifest(path: Path) -> Manifest:
    report = Collector(path)
    manifest = Manifest(path, diagnostics=report)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.error("manifest.unreadable", f"cannot read the manifest: {exc.strerror}")
        return manifest
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.error("manifest.encoding", "the manifest is not UTF-8 text", raw[: exc.start].count(b"\n") + 1)
        return manifest
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = _toml_error(exc, text)
        report.error("manifest.toml", f"not valid TOML: {message}", line)
        return manifest
    lines = _KeyLines(text)
    for key, value in data.items():
        line = lines.find((), key)
        if key in TEXT_FIELDS:
            checked = _typed(key, value, line, report, names=False)
            if checked:
                manifest.fields[key] = Located(checked, Location(path, line)) if key == "cover" else checked
        elif key in NAME_FIELDS:
            target = NAME_FIELDS[key]
            names = _typed(key, value, line, report, names=True)
            if names is not None and target in manifest.fields:
                report.warn("manifest.duplicate", f"'{target}' and '{target}s' are both given; the first is used",
                            line)
            elif names:
                manifest.fields[target] = names
        elif key in LIST_FIELDS:
            items = _as_names(value) if isinstance(value, list) else None
            if items is None:
                report.error("manifest.type", f"'{key}' must be a list, e.g. [\"history\", \"russia\"], "
                             f"not {_kind(value)}", line)
            elif items:
                manifest.fields[key] = tuple(dict.fromkeys(items))
        elif key != "texts":
            report.error("manifest.unknown", f"unknown key '{key}'{_did_you_mean(key, _known())} "
                         f"(known: {', '.join(_known())})", line)
    description = next((manifest.fields.pop(k) for k in DESCRIPTION_NAMES if k in manifest.fields), None)
    for k in DESCRIPTION_NAMES:
        manifest.fields.pop(k, None)
    if description:
        manifest.fields["metaDescription"] = description
    if "title" not in manifest.fields and as_text(data.get("title", "")) == "":  # missing or blank
        report.error("manifest.title", "the manifest needs a 'title' for the volume", lines.find((), "title"))
    language = manifest.fields.get("language")
    if language and not LANGUAGE_TAG.match(language):
        report.error("manifest.language", f"'language' must be a BCP 47 tag such as en or de-CH, not '{language}'",
                     lines.find((), "language"))
        del manifest.fields["language"]
    _read_entries(data.get("texts"), manifest, lines)
    return manifest


def _read_entries(texts: object, manifest: Manifest, lines: _KeyLines) -> None:
    report = manifest.diagnostics
    if texts is None:
        report.error("manifest.texts", "the manifest lists no texts: add one [[texts]] table with a 'source' per text", 1)
        return
    if not isinstance(texts, list) or not all(isinstance(t, dict) for t in texts):
        report.error("manifest.type", "'texts' must be a list of tables: write each text as [[texts]] with "
                     "source = \"...\"", lines.find((), "texts"))
        return
    if not texts:
        report.error("manifest.texts", "the manifest lists no texts", lines.find((), "texts"))
        return
    seen: dict[Path, int] = {}
    for index, table in enumerate(texts):
        header = lines.table(index)
        for key in table:
            if key not in ENTRY_FIELDS:
                report.error("manifest.unknown", f"unknown key '{key}' in [[texts]]{_did_you_mean(key, ENTRY_FIELDS)} "
                             f"(known: {', '.join(ENTRY_FIELDS)})", lines.find(("texts", index), key, header))
        corrections = _entry_fields(table, index, header, lines, report)
        source, part = table.get("source"), table.get("part")
        source_line = lines.find(("texts", index), "source", header)
        if source is None:
            report.error("manifest.source", "this [[texts]] entry has no 'source' (the path of a Markdown file)", header)
            continue
        if not isinstance(source, str) or not source.strip():
            what = "empty" if isinstance(source, str) else _kind(source)
            report.error("manifest.type", f"'source' must be a file path, not {what}", source_line)
            continue
        if part is not None and (not isinstance(part, str) or not as_text(part)):
            report.error("manifest.type", f"'part' must be a heading text, not {_kind(part)}", lines.find(("texts", index), "part", header))
            continue
        path = Path(os.path.normpath(manifest.path.parent / source.strip()))  # as diagnostics name it
        if not path.is_file():
            report.error("manifest.missing", f"source '{source}' does not exist (looked for {path})", source_line)
            continue
        resolved = path.resolve()
        if resolved in seen:
            report.warn("manifest.duplicate", f"source '{source}' is listed twice (first on line {seen[resolved]}); "
                        "it is included again", source_line)
        seen.setdefault(resolved, source_line)
        manifest.entries.append(Entry(path, source.strip(), as_text(part) if part else None, source_line,
                                      corrections))


def _entry_fields(table: dict, index: int, header: int, lines: _KeyLines, report: Collector) -> dict:
    """The title, author, translator and date a [[texts]] table gives its text (as Metadata fields)."""
    found = {}
    for key in (*ENTRY_TEXT, *ENTRY_NAMES):
        if key not in table:
            continue
        value, line = table[key], lines.find(("texts", index), key, header)
        checked = _typed(key, value, line, report, names=key in ENTRY_NAMES)
        if checked:
            found[ENTRY_NAMES.get(key, key)] = checked
    return found


def _typed(key: str, value: object, line: int, report: Collector, names: bool):
    """The value as text, or (``names``) as a tuple of names; None, reported, when it is neither."""
    checked = _as_names(value) if names else as_text(value)
    if checked is None:
        expected = "a name or a list of names" if names else "text"
        report.error("manifest.type", f"'{key}' must be {expected}, not {_kind(value)}", line)
    return checked


def volume_book(manifest: Manifest, texts: list[Text], modified: datetime) -> Book:
    """The volume: texts grouped into parts (consecutive texts with the same part share one)."""
    parts: list[tuple[str | None, list[Text]]] = []
    for entry, text in zip(manifest.entries, texts, strict=True):
        if parts and parts[-1][0] == entry.part:
            parts[-1][1].append(text)
        else:
            if entry.part and any(title == entry.part for title, _ in parts):
                manifest.diagnostics.warn("manifest.part", f"part '{entry.part}' was already used for earlier "
                                          "texts; texts must be consecutive to share a part, so it starts again",
                                          entry.line)
            parts.append((entry.part, [text]))
    fields = manifest.fields
    from_texts = {  # authors and translators come from the texts, tags too unless the manifest gives them
        "author": tuple(dict.fromkeys(a for t in texts for a in t.metadata.authors)),
        "translator": tuple(dict.fromkeys(n for t in texts for n in t.metadata.translators)),  # a text's field
        "tags": fields.get("tags") or tuple(dict.fromkeys(tag for t in texts for tag in t.metadata.tags)),
    }
    language = fields.get("language") or (texts[0].metadata.language if texts else "en")
    # a text's own cover field does not cover the volume: only the manifest's is read
    metadata = metadata_from_fields({**fields, **from_texts}, fields["title"], language)
    metadata = replace(metadata, identifier=fields.get("identifier") or f"urn:uuid:{default_identifier(manifest)}")
    return Book(
        slug=slugify(manifest.path.stem),
        metadata=metadata,
        parts=tuple(Part(f"part-{n}", typeset(title, language), tuple(group)) for n, (title, group) in enumerate(parts, 1)),
        modified=modified,
        is_volume=True,
        sources=(manifest.path, *(t.path for t in texts)),
    )


def default_identifier(manifest: Manifest) -> uuid.UUID:
    """Same title and same list of sources (as written), same identifier: never a random one."""
    return uuid.uuid5(VOLUME_NAMESPACE, "\x1f".join([manifest.fields.get("title", ""),
                                                       *(e.written for e in manifest.entries)]))


# --- finding lines -------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*[=.]")


class _KeyLines:
    """Where each key of the manifest is written: a small scan of the TOML text, line by line.

    tomllib gives values but no positions. Manifests are flat (top-level keys and [[texts]]
    tables), so a line scan that knows table headers and skips multi-line strings is enough;
    anything it cannot place falls back to the enclosing table's header line.
    """

    def __init__(self, text: str):
        self.keys: dict[tuple, int] = {}
        self.tables: list[int] = []  # line of each [[texts]] header, in order
        table: tuple = ()
        in_string = None
        for number, line in enumerate(text.split("\n"), 1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = _HEADER.match(line)
            if header:
                name = header.group(2).strip("\"'")
                if header.group(1) == "[[" and name == "texts":
                    self.tables.append(number)
                    table = ("texts", len(self.tables) - 1)
                else:
                    self.keys.setdefault(((), name), number)
                    table = ("other", name)
                continue
            key = _KEY.match(line)
            if key:
                self.keys.setdefault((table, key.group(1).strip("\"'")), number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_string = quote
                    break

    def find(self, table: tuple, key: str, default: int | None = 1) -> int | None:
        return self.keys.get((table, key), default)

    def table(self, index: int) -> int:
        return self.tables[index] if index < len(self.tables) else self.keys.get(((), "texts"), 1)


def _toml_error(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, int]:
    """tomllib's message without its position suffix, and the line it names."""
    message = str(exc)
    at_line = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
    if at_line:
        return message[: at_line.start()], int(at_line.group(1))
    at_end = re.search(r"\s*\(at end of document\)$", message)
    last_line = len(text.rstrip("\n").split("\n"))
    if at_end:
        return message[: at_end.start()] + " (at the end of the file)", last_line
    return message, getattr(exc, "lineno", None) or last_line


def _as_names(value: object) -> tuple[str, ...] | None:
    if isinstance(value, list):
        names = [as_text(v) for v in value]
        return None if any(n is None for n in names) else tuple(n for n in names if n)
    name = as_text(value)
    return None if name is None else ((name,) if name else ())


def _kind(value: object) -> str:
    return {list: "a list", dict: "a table", bool: "true/false"}.get(type(value), type(value).__name__)


def _did_you_mean(key: str, known) -> str:
    """A suggestion for an unknown key: the closest known one, or (at the top) a text's own field."""
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.7)
    if close:
        return f"; did you mean '{close[0]}'?"
    if known is ENTRY_FIELDS:
        return ""
    if key in ENTRY_FIELDS:
        return f"; '{key}' is a text's: write it in that text's [[texts]] table"
    close = difflib.get_close_matches(key, ENTRY_FIELDS, n=1, cutoff=0.7)
    return f"; did you mean '{close[0]}' (a text's: in its [[texts]] table)?" if close else ""


def _known() -> tuple[str, ...]:
    return (*TEXT_FIELDS, *NAME_FIELDS, *LIST_FIELDS, "texts")
