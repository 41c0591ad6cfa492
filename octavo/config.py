"""Build settings, validated once into one frozen object."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("epub", "pdf")


@dataclass(frozen=True)
class Config:
    inputs: tuple[Path, ...] = ()  # empty: every sources/*.md and volumes/*.toml of the project
    output: Path = Path("output")
    formats: tuple[str, ...] = FORMATS
    project: Path = Path(".")
    templates: Path | None = None  # a folder whose files override the built-in templates
    styles: Path | None = None  # a folder whose common.css / epub.css / print.css override ours
    assets: tuple[Path, ...] = ()  # folders images may come from, besides each source's own folder
    paper: str = "A5"
    cover: bool = False  # the PDF opens with the cover (the EPUB always has one)
    check: bool = False  # after building: EPUBCheck, DAISY Ace, PDF read-back; accessible EPUBs say so
    jobs: int = 1
    debug: bool = False

    def default_inputs(self) -> list[Path]:
        found = sorted((self.project / "sources").glob("*.md"))
        found += sorted((self.project / "volumes").glob("*.toml"))
        return found


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH, the reproducible-builds convention, when set and valid."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None
