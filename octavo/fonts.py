"""The book's face: the one place that names it.

The generated cover and the PDF are set in it.
It comes from a font wheel, so every machine that installs Octavo sets books in the same face.
:func:`book_face` lists its files; a variable font is one file listed once per weight and style,
with the axis settings that make that instance.
"""
from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

FAMILY = "Literata"  # from the fontpkg-literata wheel: Latin, Cyrillic and Greek, true italics
WHEEL = "fontpkg_literata"  # the package of the fontpkg-literata wheel; its files/ folder holds:
FILES = (("Literata[opsz,wght].ttf", "normal"), ("Literata-Italic[opsz,wght].ttf", "italic"))
WEIGHTS = (400, 600, 700)  # regular, semibold (headings), bold


@dataclass(frozen=True)
class FontFile:
    path: Path
    weight: int  # 400 regular, 600 semibold, 700 bold
    style: str  # normal or italic
    axes: tuple[tuple[str, float], ...] = ()  # variable font: axis tag -> value for this instance


@functools.cache  # asked once per character of the cover: looking for the wheel each time took 0.01 s
def book_face() -> tuple[FontFile, ...]:
    """Every weight and style of the book's face; () when its wheel is not installed. The wheel has one
    variable file per style, so each file is listed once per weight, with that weight's axis value."""
    spec = importlib.util.find_spec(WHEEL)  # found, not imported: fontpkg's lookup loads fontTools,
    if spec is None or spec.origin is None:  # which an EPUB-only build never needs
        return ()
    folder = Path(spec.origin).parent / "files"
    return tuple(FontFile(folder / name, weight, style, (("wght", float(weight)),))
                 for name, style in FILES for weight in WEIGHTS if (folder / name).is_file())


def face_file(weight: int = 400, style: str = "normal") -> FontFile | None:
    """The face's file nearest to ``weight`` in ``style`` (upright if the face has no such style)."""
    files = book_face()
    candidates = [f for f in files if f.style == style] or [f for f in files if f.style == "normal"]
    return min(candidates, key=lambda f: (abs(f.weight - weight), f.weight), default=None)
