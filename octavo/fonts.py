"""The book's face: the one place that names it.

The generated cover is set in it (and the PDF should take it from here too; see ``pdf.FONT_FACES``).
It comes from a font wheel, so every machine that installs Octavo sets books in the same face.
:func:`book_face` lists its files; a variable font is one file listed once per weight and style,
with the axis settings that make that instance.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FAMILY = "Source Serif Pro"
_STATIC = (  # file stem in the font-source-serif-pro wheel, weight, style
    ("SourceSerifPro-Regular", 400, "normal"), ("SourceSerifPro-It", 400, "italic"),
    ("SourceSerifPro-Semibold", 600, "normal"), ("SourceSerifPro-SemiboldIt", 600, "italic"),
    ("SourceSerifPro-Bold", 700, "normal"), ("SourceSerifPro-BoldIt", 700, "italic"),
)


@dataclass(frozen=True)
class FontFile:
    path: Path
    weight: int  # 400 regular, 600 semibold, 700 bold
    style: str  # normal or italic
    axes: tuple[tuple[str, float], ...] = ()  # variable font: axis tag -> value for this instance


def book_face() -> tuple[FontFile, ...]:
    """Every file of the book's face; () when its wheel is not installed."""
    try:
        import font_source_serif_pro
    except ImportError:
        return ()
    folder = Path(font_source_serif_pro.__file__).resolve().parent / "files"
    return tuple(FontFile(folder / f"{stem}.ttf", weight, style) for stem, weight, style in _STATIC
                 if (folder / f"{stem}.ttf").is_file())


def face_file(weight: int = 400, style: str = "normal") -> FontFile | None:
    """The face's file nearest to ``weight`` in ``style`` (upright if the face has no such style)."""
    files = book_face()
    candidates = [f for f in files if f.style == style] or [f for f in files if f.style == "normal"]
    return min(candidates, key=lambda f: (abs(f.weight - weight), f.weight), default=None)
