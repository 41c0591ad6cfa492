"""Read a source file: bytes -> text -> validated front matter + Markdown body.

This is the only module that knows YAML and python-frontmatter (the encoding is decoding.py's,
language names are languages.py's). It never raises on bad input: problems become diagnostics in
the returned :class:`Source` (errors stop the build of this source; warnings do not).
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from .decoding import FORBIDDEN, clean_characters, decode
from .diagnostics import Collector, Located, Location
from .languages import display_name, find_tag
from .expressions import lazy

KNOWN_FIELDS = {
    "title", "subtitle", "author", "translator", "editor", "date", "language", "publisher",
    "rights", "identifier", "originalSource", "tags", "metaTitle", "metaDescription", "cover",
    "shortTitle", "certifiedBy", "accessibilityHazard",
}
STRING_FIELDS = (
    "title", "subtitle", "date", "language", "publisher", "rights", "identifier",
    "originalSource", "metaTitle", "metaDescription", "cover", "shortTitle", "certifiedBy",
)
NAME_LIST_FIELDS = ("author", "translator", "editor")
# Keys other tools write (static-site generators, note-taking vaults, Pandoc) that mean one of
# Octavo's fields. Each fills its field when the front matter does not give it, in this order of
# preference (``metaDescription`` before ``description`` before ``summary``); ``subject`` and
# ``keywords`` add to the tags; ``source``/``url`` count only when they are http(s) URLs. The keys
# belong to other tools, so a value Octavo cannot use is a warning, never an error.
BORROWED_FIELDS = {
    "lang": "language",
    "authors": "author", "translators": "translator", "editors": "editor",
    "description": "metaDescription", "summary": "metaDescription", "abstract": "metaDescription",
    "year": "date",
    "source": "originalSource", "url": "originalSource",
    "subject": "tags", "keywords": "tags",
}
# Keys that only mean something to the tool that wrote them (page layout, site navigation, note
# status): accepted without a word. ``categories`` is site navigation as often as it is a subject,
# so it does not become tags.
SITE_FIELDS = {
    # Jekyll, Hugo, Just the Docs, MkDocs, Docusaurus
    "layout", "permalink", "toc", "part", "chapter", "nav_order", "parent", "grand_parent", "has_children",
    "nav_exclude", "categories", "category", "excerpt", "published", "draft", "weight", "slug", "volume",
    "series", "type", "menu", "lastmod", "publishDate", "expiryDate", "redirect_from", "sidebar_position",
    "sidebar_label", "comments", "sitemap",
    # lesson tools (Carpentries): minutes of teaching and of exercises
    "teaching", "exercises",
    # note-taking vaults (Obsidian, Logseq, Zettelkasten tools)
    "aliases", "alias", "cssclasses", "cssclass", "created", "updated", "modified", "genre", "status", "publish",
}
# Lesson tools' lists (Carpentries, Jekyll and Workbench lessons): Markdown items that become the
# text's labelled boxes, objectives and questions at its start, key points at its end. They belong to
# those tools, so a value Octavo cannot use is a warning. Their timing fields pass quietly.
LESSON_FIELDS = ("objectives", "questions", "keypoints")
MAX_ALIASES = 0  # anchors/aliases can expand into huge structures; front matter never needs them


@dataclass
class Source:
    """A source file as read: its front matter fields, its Markdown body and the line the body starts on."""

    path: Path
    fields: dict  # validated front matter: str, tuple[str, ...] values
    body: str  # Markdown, LF line endings, forbidden characters removed
    body_line: int  # source line number of body line 0
    text: str  # the whole decoded file (for locating lines)
    diagnostics: Collector = field(repr=False, default=None)
    blank: dict = field(default_factory=dict)  # field -> line of a key given with no value (``author:``)


def read_source(path: Path) -> Source:
    report = Collector(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.error("source.unreadable", f"cannot read the file: {exc.strerror}")
        return Source(path, {}, "", 1, "", report)
    text = decode(raw, report)
    text = clean_characters(text, report)
    fields, body, body_line, blank = _split_front_matter(text, report)
    body = _header_metadata(body, fields, report, body_line)
    if not body.strip() and not report.has_errors:
        what = "the file is empty" if not text.strip() else "it has front matter but no text after it"
        report.warn("source.empty", f"this source has no text: {what}; the book has a title page and nothing "
                    "else")
    return Source(path, fields, body, body_line, text, report, blank)


PANDOC_TITLE_LINE = lazy(r"^%[ \t]?(.*)$")
META_HEADING = lazy(r"^#{1,6}[ \t]+(title|subtitle|author|authors|translator|year|date|language)[ \t]*:"
                    r"[ \t]*(.*?)[ \t]*#*[ \t]*$", re.IGNORECASE)
META_FIELDS = {"title": "title", "subtitle": "subtitle", "author": "author", "authors": "author",
               "translator": "translator", "year": "date", "date": "date", "language": "language"}
RULE_LINE = lazy(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def _header_metadata(body: str, fields: dict, report: Collector, body_line: int) -> str:
    """Metadata written at the top of the body instead of front matter: a Pandoc title block
    (``% Title`` / ``% Author; Author`` / ``% Date``) or headings such as ``# Title: ...``,
    ``## Author: ...``, ``## Year: ...`` (then usually a rule). They fill fields the front matter
    leaves empty and are taken out of the text (blank lines keep the line numbers)."""
    lines = body.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    found: list[tuple[str, str, int]] = []
    if i < len(lines) and PANDOC_TITLE_LINE.match(lines[i]):
        for key in ("title", "author", "date"):
            m = PANDOC_TITLE_LINE.match(lines[i]) if i < len(lines) else None
            if not m:
                break
            found.append((key, m.group(1), i))
            lines[i] = ""
            i += 1
    else:
        while i < len(lines):
            m = META_HEADING.match(lines[i])
            if m:
                found.append((META_FIELDS[m.group(1).lower()], m.group(2), i))
                lines[i] = ""
            elif lines[i].strip():
                break
            i += 1
        if found and i < len(lines) and RULE_LINE.match(lines[i]):
            lines[i] = ""  # the rule that separated the metadata from the text
    if not found or any(key in fields for key, _, _ in found):
        return body  # front matter says it already: the lines stay text, nothing is lost
    for key, value, i in found:
        value = " ".join(value.split())
        if not value or key in fields:
            continue
        if key in ("author", "translator"):
            fields[key] = tuple(n.strip() for n in re.split(r"\s*(?:;|&|\band\b)\s*", value) if n.strip())
        elif key == "language":
            tag = _language("Language", value, body_line + i, report, borrowed=True)
            if tag:
                fields[key] = tag
        else:
            fields[key] = unicodedata.normalize("NFC", value)
    return "\n".join(lines)



def _split_front_matter(text: str, report: Collector) -> tuple[dict, str, int, dict]:
    """(validated fields, body, file line of the body, {field: line} of keys written with no value)."""
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text) or not _opens_front_matter(text):
        return {}, text, 1, {}
    try:
        fm_text, body = handler.split(text)
    except ValueError:
        report.error("frontmatter.unclosed", "front matter starts with '---' but is never closed", 1)
        return {}, "", 1, {}
    body_line = text[: len(text) - len(body)].count("\n") + 1
    first_line = text[: text.find(fm_text)].count("\n") + 1  # file line of fm_text's line 0
    fields = _parse_yaml(fm_text, report, first_line)
    blank = {BORROWED_FIELDS.get(name, name): line for key, (value, line) in fields.items()
             if value in (None, "", []) and (name := _FIELD_NAMES.get(_normal(key)))}
    return _validate_fields(fields, report), body, body_line, blank


YAML_KEY_LINE = lazy(r"^[ \t]*(?:[^\s:#][^:\n]*:(?:[ \t]|$)|-[ \t])")


def _opens_front_matter(text: str) -> bool:
    """A first line of dashes opens front matter when YAML follows it (a ``key:`` or a list item
    before any other line). A rule above the text (``-------`` then ``# Title``) is Markdown."""
    for line in text.split("\n")[1:]:
        if line.strip() and not line.lstrip().startswith("#"):  # YAML comments may come first
            return bool(YAML_KEY_LINE.match(line)) or line.strip().startswith("---")
        if re.match(r"^#{1,6}[ \t]+\S", line):  # a Markdown heading, not a comment, when nothing YAML follows
            continue
    return False


class _FrontMatterLoader(yaml.SafeLoader):
    """Front-matter scalars read the way YAML 1.2 (and Obsidian, Hugo, most editors) reads them.

    Only true/false are booleans: yes/no/on/off/y/n stay text, so ``language: no`` is Norwegian and
    ``title: Off`` is a title. Numbers stay as written, because every field Octavo reads is text:
    ``0123``, ``1.10`` and ``1:20`` are not 83, 1.1 and 80 (YAML 1.1's octal, float, sexagesimal).
    ``=`` and ``<<`` are plain text. Dates (``1867-09-14``) are checked, so an impossible one
    (``2024-02-30``) is reported, and kept as written.
    """


_YAML_11_ONLY = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                 "tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"}
_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _YAML_11_ONLY]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FrontMatterLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _date_as_written(loader: _FrontMatterLoader, node: yaml.ScalarNode) -> str:
    loader.construct_yaml_timestamp(node)  # an impossible date (2024-02-30) raises: it is reported
    return node.value  # 1917-11-07T10:00:00Z stays so; a date alone (1867-09-14) is ISO text already


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_written)


def _parse_yaml(fm_text: str, report: Collector, first_line: int = 1) -> dict[str, tuple[object, int]]:
    """Parse front matter into {key: (value, line)}; line numbers are the file's."""
    try:
        aliases = [t for t in yaml.scan(fm_text, Loader=yaml.SafeLoader) if isinstance(t, yaml.AliasToken)]
        if len(aliases) > MAX_ALIASES:
            report.error("frontmatter.alias", "YAML anchors and aliases (*name) are not allowed in front matter",
                         aliases[0].start_mark.line + first_line)
            return {}
        root = yaml.compose(fm_text, Loader=_FrontMatterLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = ""
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            context = f" ({exc.context} that starts on line {exc.context_mark.line + first_line})"
        hint = _quote_hint(fm_text, mark.line) if mark and exc.problem == "mapping values are not allowed here" else ""
        report.error("frontmatter.yaml", f"front matter is not valid YAML: {exc.problem or exc}{context}{hint}",
                     mark.line + first_line if mark else first_line)
        return {}
    except yaml.YAMLError as exc:
        report.error("frontmatter.yaml", f"front matter is not valid YAML: {exc}", first_line)
        return {}
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        report.error("frontmatter.type", "front matter must be a mapping of fields (key: value)", first_line + 1)
        return {}
    constructor = _FrontMatterLoader("")
    fields = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + first_line
        try:
            key = constructor.construct_object(key_node, deep=True)
            value = constructor.construct_object(value_node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            name = f"'{key_node.value}'" if isinstance(key_node, yaml.ScalarNode) else "this field"
            kind = "a date" if value_node.tag == "tag:yaml.org,2002:timestamp" else "a value"
            report.error("frontmatter.value", f"the value of {name} looks like {kind} but is not valid: {exc}", line)
            continue
        if not isinstance(key, str):
            report.error("frontmatter.key", f"field name must be text, not {key!r}", line)
            continue
        if key in fields:
            report.warn("frontmatter.duplicate", f"field '{key}' is given twice; the last one wins", line)
        fields[key] = (value, line)
    return fields


def _validate_fields(fields: dict[str, tuple[object, int]], report: Collector) -> dict:
    """Check Octavo's fields (a wrong type is an error), let keys borrowed from other tools fill the
    fields they mean (:data:`BORROWED_FIELDS`), pass over :data:`SITE_FIELDS` quietly and report any
    other key once. Keys match whatever their case and separators: ``Title``, ``original_source``."""
    found: dict[str, list[tuple[int, str, object, int]]] = {}  # field -> [(rank, key as written, value, line)]
    for key, (value, line) in fields.items():
        name = _FIELD_NAMES.get(_normal(key))
        if name is None:
            report.warn("frontmatter.unknown", f"unknown field '{key}' is ignored{_did_you_mean(key)}", line)
            continue
        if name in SITE_FIELDS or value is None or value == "" or value == []:
            continue
        target = BORROWED_FIELDS.get(name, name)
        checked = _checked(target, key, value, line, report, borrowed=target != name or name in LESSON_FIELDS)
        if checked is not None:
            found.setdefault(target, []).append((_RANK[name], key, checked, line))
    valid: dict = {}
    for target, candidates in found.items():
        candidates.sort(key=lambda c: c[0])  # stable: equal ranks keep the file's order
        if target == "tags":
            valid["tags"] = tuple(dict.fromkeys(t for c in candidates for t in c[2]))
            continue
        best = [c for c in candidates if c[0] == candidates[0][0]]
        for _, key, _, line in best[1:]:  # 'title' and 'Title': the same field twice
            report.warn("frontmatter.duplicate", f"field '{key}' gives '{target}' again; the last one wins", line)
        valid[target] = best[-1][2]
        for _, key, value, line in candidates[len(best):]:
            if target == "language" and value != valid[target]:
                report.warn("frontmatter.language", f"'{key}: {value}' differs from '{best[-1][1]}: "
                            f"{valid[target]}'; '{best[-1][1]}' is used", line)
    return valid


def _checked(target: str, key: str, value: object, line: int, report: Collector, borrowed: bool):
    """The value of ``key`` read as Octavo's field ``target``: text, a tuple of texts, or None."""
    complain = report.warn if borrowed else report.error
    ignored = "; it is ignored" if borrowed else ""
    unlinked = _flow_links(value)
    if target == "accessibilityHazard":
        return _hazards(key, value, line, report)
    if target in LESSON_FIELDS:  # Markdown items, each kept with the field's line
        items = _as_text_list(value, allow_single=True)
        if items is None:
            complain("frontmatter.type", f"'{key}' must be a list of items, not {_kind(value)}{ignored}", line)
            return None
        return tuple(Located(t, Location(report.path, line)) for t in items if t.strip()) or None
    if target in NAME_LIST_FIELDS or target == "tags":
        if target == "tags" and isinstance(value, list) and isinstance(unlinked, str):
            unlinked = [unlinked]  # tags: [[history]] is one linked tag
        items = _as_text_list(unlinked, allow_single=target != "tags" or borrowed)
        if items is None:
            expected = "a list, e.g. [history, russia]" if target == "tags" else "a name or a list of names"
            complain("frontmatter.type", f"'{key}' must be {expected}, not {_kind(value)}{ignored}", line)
            return None
        if target == "tags" and borrowed and isinstance(value, str):
            items = tuple(t.strip() for t in re.split(r"[,;]", items[0]))  # keywords: "economics, labour"
        split = _names if target in NAME_LIST_FIELDS else (lambda t: [_unlink(t)])
        cleaned = tuple(n for n in (_clean_value(key, n, line, report) for t in items for n in split(t)) if n)
        return cleaned or None
    text = as_text(unlinked)
    if text is None:
        complain("frontmatter.type", f"'{key}' must be text, not {_kind(value)}{ignored}", line)
        return None
    text = _clean_value(key, _unlink(text), line, report)
    if not text:
        return None
    if target == "language":
        return _language(key, text, line, report, borrowed)
    if target == "originalSource" and not URL.match(text):
        if borrowed:
            return None  # source: "a file.txt" is a note to self, not where the text comes from
        report.warn("frontmatter.url", f"'{key}' is not an http(s) URL; it is shown as plain text", line)
    if target == "cover":  # an image path, checked when the cover is made: keep its line for that report
        return Located(text, Location(report.path, line))
    return text


HAZARDS = ("none", "unknown", "flashing", "noFlashingHazard", "unknownFlashingHazard", "motionSimulation",
           "noMotionSimulationHazard", "unknownMotionSimulationHazard", "sound", "noSoundHazard", "unknownSoundHazard")


def _hazards(key: str, value: object, line: int, report: Collector) -> tuple[str, ...] | None:
    """``accessibilityHazard``: one value or a list of schema.org's (:data:`HAZARDS`); anything else
    is reported and the hazards are worked out from the content instead."""
    items = _as_text_list(value, allow_single=True)
    if items is None:
        report.error("frontmatter.type", f"'{key}' must be a hazard or a list of them, not {_kind(value)}", line)
        return None
    known = {h.casefold(): h for h in HAZARDS}
    wrong = [item for item in items if item.strip().casefold() not in known]
    if wrong:
        import difflib  # here: only a mistake needs it

        written = wrong[0].strip().casefold()
        close = [h for h in HAZARDS if h.casefold().startswith(written)] or difflib.get_close_matches(
            wrong[0].strip(), HAZARDS, n=1, cutoff=0.6)
        report.warn("frontmatter.hazard", f"'{key}': {', '.join(repr(w) for w in wrong)} is not a hazard schema.org "
                    f"knows{f' (did you mean {close[0]!r}?)' if close else ''}; the hazards are worked out from the "
                    "content instead", line)
        return None
    return tuple(dict.fromkeys(known[item.strip().casefold()] for item in items)) or None


def _language(key: str, written: str, line: int, report: Collector, borrowed: bool) -> str | None:
    """A tag, a code or a language name -> the BCP 47 tag, with a warning when it is not as written."""
    tag = find_tag(written)
    if tag is None:
        if borrowed:
            report.warn("frontmatter.language", f"'{key}: {written}' names no language; it is ignored", line)
        else:
            report.error("frontmatter.language", "'language' must be a BCP 47 tag such as en or de-CH, or a "
                         f"language name such as English or Deutsch, not '{written}'", line)
        return None
    if tag != written:
        report.warn("frontmatter.language", f"language '{written}' is read as the BCP 47 tag '{tag}' "
                    f"({display_name(tag)})", line)
    return tag


def _quote_hint(fm_text: str, line: int) -> str:
    """For a value with a colon in it (``title: Capital: Volume One``): the line, quoted as YAML wants it."""
    lines = fm_text.split("\n")
    written = lines[line] if line < len(lines) else ""
    key, sep, value = written.partition(":")
    value = value.strip()
    if not sep or not key.strip() or not value or value[0] in "\"'[{|>":
        return ""
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"; a value with ': ' in it must be quoted: {key.strip()}: {quoted}"


def _normal(key: str) -> str:
    return re.sub(r"[\s_-]", "", key).casefold()


_FIELD_NAMES = {_normal(k): k for k in (*KNOWN_FIELDS, *BORROWED_FIELDS, *SITE_FIELDS, *LESSON_FIELDS)}
_RANK = {**{k: 0 for k in (*KNOWN_FIELDS, *LESSON_FIELDS)}, **{k: i + 1 for i, k in enumerate(BORROWED_FIELDS)}}
URL = lazy(r"^(https?|ftp)://\S+$")


def _did_you_mean(key: str) -> str:
    import difflib  # here: only an unknown field needs it

    close = difflib.get_close_matches(key, sorted(KNOWN_FIELDS | BORROWED_FIELDS.keys()), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


WIKI_LINK = lazy(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")


def _unlink(text: str) -> str:
    """Wiki links of note-taking vaults stand for their text: ``[[Plato]]`` -> Plato,
    ``[[Plato (philosopher)|Plato]]`` -> Plato, ``[[People/Plato#Life]]`` -> Plato."""
    return " ".join(WIKI_LINK.sub(_link_text, text).split()) if "[[" in text else text


def _link_text(match: re.Match) -> str:
    if match.group(2) and match.group(2).strip():
        return match.group(2).strip()
    page = match.group(1).split("#")[0].rsplit("/", 1)[-1].strip()
    return page.removesuffix(".md") or match.group(1).strip("# ")


def _names(text: str) -> list[str]:
    """One name, or several when the text is only wiki links: ``[[Marx]] and [[Engels]]``."""
    links = WIKI_LINK.findall(text)
    if len(links) > 1 and re.fullmatch(r"(?:[\s,;&]|\band\b)*", WIKI_LINK.sub("", text)):
        return [_unlink(m.group()) for m in WIKI_LINK.finditer(text)]
    return [_unlink(text)]


def _flow_links(value: object) -> object:
    """An unquoted wiki link is a list in a list to YAML: ``author: [[Plato]]`` gives [['Plato']]."""
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], list) and len(value[0]) == 1 and isinstance(value[0][0], str):
            return f"[[{value[0][0]}]]"
        return [_flow_links(v) for v in value]
    return value


def _clean_value(key: str, text: str, line: int, report: Collector) -> str:
    """YAML escapes (\\x01, \\0) can produce characters XML forbids even after the file was cleaned."""
    found = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(text)})
    if not found:
        return text
    report.warn("source.control-character", f"removed character(s) not allowed in XML from '{key}': {', '.join(found)}",
                line)
    return " ".join(FORBIDDEN.sub("", text).split())


def as_text(value: object) -> str | None:
    """A scalar from YAML or TOML as one line of NFC text; None for lists, tables and booleans."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float)):
        return unicodedata.normalize("NFC", " ".join(str(value).split()))
    return None


def _as_text_list(value: object, allow_single: bool) -> tuple[str, ...] | None:
    if isinstance(value, list):
        items = [as_text(v) for v in value if v is not None]
        if any(i is None for i in items):
            return None
        return tuple(i for i in items if i)
    if allow_single:
        text = as_text(value)
        return None if text is None else (text,)
    return None


def _kind(value: object) -> str:
    return {list: "a list", dict: "a mapping", bool: "true/false"}.get(type(value), type(value).__name__)
