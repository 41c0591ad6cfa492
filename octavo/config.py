"""Build settings, validated once into one frozen object."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

FORMATS = ("epub", "pdf", "html")  # every edition: --format all
DEFAULT_FORMATS = ("epub", "pdf")  # what a build writes when --format is not given
NOTES = ("footnotes", "endnotes")  # where the PDF sets notes
PROFILES = ("book", "handout")
PROFILE_PAPER = {"book": "A5", "handout": "A4"}  # the paper of each profile when --paper is not given
SOLUTIONS = ("inline", "end", "omit")  # where exercises' solutions go: in place, at the end, left out
# a book keeps solutions in place; a handout is what students get: solutions at the end, to check afterwards
PROFILE_SOLUTIONS = {"book": "inline", "handout": "end"}
RUN = {"run": True}  # a field that says how to run a build, not what it makes: never part of the cache key


@dataclass(frozen=True)
class Config:
    """Every field changes what a build writes (and so is part of each output's cache key) unless it is
    marked ``metadata=RUN``. A new option needs nothing else to invalidate the cache."""

    inputs: tuple[Path, ...] = field(default=(), metadata=RUN)  # empty: every sources/*.md and volumes/*.toml
    output: Path = field(default=Path("output"), metadata=RUN)
    formats: tuple[str, ...] = field(default=DEFAULT_FORMATS, metadata=RUN)  # each output is keyed with its own format
    project: Path = field(default=Path("."), metadata=RUN)
    templates: Path | None = None  # a folder whose files override the built-in templates
    styles: Path | None = None  # a folder whose common.css / epub.css / print.css override ours
    assets: tuple[Path, ...] = ()  # folders images may come from, besides each source's own folder
    paper: str | None = None  # None: the profile's paper (PROFILE_PAPER)
    cover: bool = False  # the PDF opens with the cover (the EPUB always has one)
    source_date_epoch: int | None = None  # the date written into books; None: SOURCE_DATE_EPOCH, else the inputs'
    check: bool = field(default=False, metadata=RUN)  # after building: EPUBCheck, DAISY Ace, PDF read-back
    jobs: int = field(default=1, metadata=RUN)
    debug: bool = field(default=False, metadata=RUN)
    strict: bool = field(default=False, metadata=RUN)  # warnings fail the build
    force: bool = field(default=False, metadata=RUN)  # rebuild even what the cache says is unchanged
    executor: str | None = field(default=None, metadata=RUN)  # None: local processes; dask://HOST:PORT
    shard: tuple[int, int] | None = field(default=None, metadata=RUN)  # (K, N): inputs K, K+N, ... (1-based)
    notes: str = "footnotes"  # PDF: "footnotes" at the foot of their pages, or "endnotes" (NOTES)
    profile: str = "book"  # book, or handout: paragraph numbers in both editions, a class's print layout
    booklet: bool = False  # also <name>-booklet.pdf: the PDF on half-size pages, imposed two-up for folding
    preflight: bool = False  # check the laid-out print pages as a typesetter would (preflight.py); on with check
    page_list: bool | None = None  # the EPUB marks the print edition's pages; None: when the PDF is built too
    certified_by: str | None = None  # who evaluated the books' accessibility: the EPUB claims conformance (wins over certifiedBy)
    solutions: str | None = None  # SOLUTIONS; None: the profile's (PROFILE_SOLUTIONS)
    live: bool = False  # web: every page loads /_octavo/live.js (the --serve preview reloads it); nothing else changes
    site_url: str | None = None  # web: the address the output folder is published at (parse_site_url): absolute
    # og:image, og:url and canonical links; None: none of them (Open Graph wants absolute addresses)

    def __post_init__(self):
        # the paper follows the profile unless named, in-process as on the command line
        if self.paper is None:
            object.__setattr__(self, "paper", PROFILE_PAPER.get(self.profile, "A5"))

    @property
    def solutions_placement(self) -> str:
        """Where solutions go in this build: --solutions, else the profile's default."""
        return self.solutions or PROFILE_SOLUTIONS.get(self.profile, "inline")

    def default_inputs(self) -> list[Path]:
        found = sorted((self.project / "sources").glob("*.md"))
        found += sorted((self.project / "volumes").glob("*.toml"))
        return found

    def all_inputs(self) -> list[Path]:
        """The inputs to build: each INPUT, a folder as the sources and manifests in it; with no
        INPUT, the project's sources/ and volumes/."""
        if not self.inputs:
            return self.default_inputs()
        found = []
        for path in self.inputs:
            found += (folder_inputs(path) or [path]) if path.is_dir() else [path]  # an empty folder is reported
        return found

    def edition_suffix(self) -> str:
        """What the output names add for an edition other than a book on A5, so that editions built
        into one folder never overwrite each other: ``-handout`` (on its A4), ``-a4`` (a book on A4),
        ``-handout-letter``."""
        parts = [] if self.profile == "book" else [self.profile]
        if self.paper != PROFILE_PAPER.get(self.profile):
            parts.append(self.paper.lower())
        return "".join(f"-{part}" for part in parts)

    def output_options(self) -> dict[str, object]:
        """The fields that change what is written: name -> value (the cache key is made of these)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.metadata.get("run")}


def folder_inputs(folder: Path) -> list[Path]:
    """A folder given as INPUT: its manifests (*.toml) and its sources (*.md), except those a manifest
    of the folder lists as its texts (they are built as part of the volume)."""
    import tomllib  # here: a build of sources alone never parses TOML

    manifests = sorted(folder.glob("*.toml"))
    texts = set()
    for manifest in manifests:
        try:
            entries = tomllib.loads(manifest.read_text(encoding="utf-8-sig")).get("texts", [])
        except (OSError, ValueError):
            continue
        if isinstance(entries, list):
            texts.update((folder / e["source"]).resolve() for e in entries
                         if isinstance(e, dict) and isinstance(e.get("source"), str))
    return [p for p in sorted(folder.glob("*.md")) if p.resolve() not in texts] + manifests


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH, the reproducible-builds convention, when set and valid."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def parse_formats(text: str) -> tuple[str, ...]:
    """``epub``, ``pdf,html``, ``all`` (every edition) -> the formats in FORMATS order; ValueError otherwise."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if names == ["all"]:
        return FORMATS
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise ValueError(f"--format wants {', '.join(FORMATS)} (several with commas) or all, not '{text}'")
    return tuple(f for f in FORMATS if f in names)


def parse_site_url(text: str) -> str:
    """``--site-url``: an absolute http(s) address, ending with a slash (the output folder's); ValueError otherwise."""
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"--site-url wants the address the output folder is published at, such as "
                         f"https://example.org/books/, not '{text}'")
    return text.strip() if text.strip().endswith("/") else text.strip() + "/"


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` (1 <= K <= N) -> (K, N); ValueError otherwise."""
    k, sep, n = text.partition("/")
    if not sep or not k.strip().isdigit() or not n.strip().isdigit() or not 1 <= int(k) <= int(n):
        raise ValueError(f"--shard wants K/N with 1 <= K <= N, not '{text}'")
    return int(k), int(n)
