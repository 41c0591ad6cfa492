"""The book's face, the faces for writing it lacks, and which characters the installed fonts have.

The generated cover and the PDF are set in the book's face. It comes from a font wheel, so every
machine that installs Octavo sets books in the same face. :func:`book_face` lists its files; a
variable font is one file listed once per weight and style, with the axis settings that make that
instance.

No Chinese, Japanese or Korean serif exists as a wheel: those texts are set in a Song/Ming-style
face from a system package (:data:`SCRIPT_FACES`, named by language in ``styles/print.css``),
found through fontconfig like any installed font. :func:`uncovered` says which characters no face
has (the build fails on them before laying a PDF out: glyphs.py), and the cover asks the same.
"""
from __future__ import annotations

import bisect
import functools
import importlib.util
import shutil
from dataclasses import dataclass
from pathlib import Path

from .expressions import lazy

FAMILY = "Literata"  # from the fontpkg-literata wheel: Latin, Cyrillic and Greek, true italics
WHEEL = "fontpkg_literata"  # the package of the fontpkg-literata wheel; its files/ folder holds:
FILES = (("Literata[opsz,wght].ttf", "normal"), ("Literata-Italic[opsz,wght].ttf", "italic"))
WEIGHTS = (400, 600, 700)  # regular, semibold (headings), bold


@dataclass(frozen=True)
class FontFile:
    """One weight and style of the book's face: its file and, for a variable font, the axis values."""

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


@dataclass(frozen=True)
class ScriptFace:
    """A face for writing the book's face lacks, for texts in some languages (styles/print.css
    names it for them); ``package`` is what to install where it is missing (Debian's name)."""
    family: str
    languages: tuple[str, ...]  # BCP 47 tags; a text's tag uses the longest one it starts with
    script: str  # as a reader names it, for messages
    package: str = "fonts-noto-cjk"


SCRIPT_FACES = (  # Song/Ming-style serifs, with CJK punctuation (full-width quotes, centred ellipsis)
    ScriptFace("Noto Serif CJK SC", ("zh", "zh-Hans"), "Chinese"),
    ScriptFace("Noto Serif CJK TC", ("zh-Hant", "zh-TW"), "Chinese (traditional)"),
    ScriptFace("Noto Serif CJK HK", ("zh-HK", "zh-MO"), "Chinese (Hong Kong)"),
    ScriptFace("Noto Serif CJK JP", ("ja",), "Japanese"),
    ScriptFace("Noto Serif CJK KR", ("ko",), "Korean"),
)


def script_face(language: str) -> ScriptFace | None:
    """The face a text in ``language`` is set in when the book's face lacks its writing; None: the
    book's face (and fontconfig's choice for any character it lacks)."""
    subtags = (language or "").replace("_", "-").lower().split("-")
    best, length = None, 0
    for face in SCRIPT_FACES:
        for tag in face.languages:
            wanted = tag.lower().split("-")
            if subtags[:len(wanted)] == wanted and len(wanted) > length:
                best, length = face, len(wanted)
            elif len(wanted) == 2 and wanted[0] == subtags[0] and wanted[1] in subtags[1:] and len(wanted) > length:
                best, length = face, len(wanted)  # zh-Hant-TW, zh-Hans-CN: the script or region subtag decides
    return best


@functools.cache
def charmap(path: Path, index: int = 0) -> frozenset[int]:
    """The code points a font file (face ``index`` of a collection) has glyphs for."""
    from fontTools.ttLib import TTFont  # here: an EPUB of a Latin text never loads WeasyPrint's font stack

    with TTFont(path, fontNumber=index, lazy=True) as ttf:
        return frozenset(ttf["cmap"].getBestCmap())


BOOK_FACE_COVERS = range(0x20, 0x250)  # Latin-1 and Latin Extended: every book face has them
IGNORED = {"Cc", "Cf", "Zl", "Zp", "Zs"}  # controls, format characters, spaces: no glyph is drawn


def uncovered(chars) -> set[str] | None:
    """The characters of ``chars`` that neither the book's face nor any installed font has (such a
    character prints as an empty box); None when fontconfig cannot be asked."""
    import unicodedata

    wanted = {c for c in chars if ord(c) not in BOOK_FACE_COVERS and unicodedata.category(c) not in IGNORED
              and not 0xFE00 <= ord(c) <= 0xFE0F}  # variation selectors choose a glyph, they have none
    for face in dict.fromkeys(f.path for f in book_face()):  # the book face first: most books need no more
        if wanted:
            wanted -= {c for c in wanted if ord(c) in charmap(face)}
    if not wanted:
        return set()
    installed = _installed_coverage()
    if installed is None:
        return None
    starts, ends = installed
    return {c for c in wanted if not (i := bisect.bisect_right(starts, ord(c))) or ends[i - 1] < ord(c)}


_SPAN = lazy(r"([0-9a-f]+)(?:-([0-9a-f]+))?")  # fontconfig's charset: "20-7e a0-17f 2013"


@functools.cache
def _installed_coverage() -> tuple[list[int], list[int]] | None:
    """Every code point some installed OpenType or TrueType font has (fontconfig), as merged ranges
    (starts, ends); None without fontconfig's fc-list."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    import subprocess  # only where fontconfig is asked: not in every build's start

    try:
        listing = subprocess.run([fc_list, "--format", "%{file}\t%{charset}\n"], capture_output=True,
                                 text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    spans = _SPAN.findall("\n".join(charset for path, _, charset in (row.partition("\t") for row in listing.splitlines())
                                     if path.lower().endswith((".ttf", ".otf", ".ttc", ".otc"))))  # Pango uses no others
    starts: list[int] = []
    ends: list[int] = []
    for low, high in sorted((int(low, 16), int(high or low, 16)) for low, high in spans):
        if ends and low <= ends[-1] + 1:
            if high > ends[-1]:
                ends[-1] = high
        else:
            starts.append(low)
            ends.append(high)
    return starts, ends


@functools.cache
def installed(family: str) -> bool:
    """Whether fontconfig knows a face of this family (False without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    import subprocess  # only where fontconfig is asked: not in every build's start

    try:
        listing = subprocess.run([fc_list, "--format", "%{family}\n", family], capture_output=True,
                                 text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return any(family in line.split(",") for line in listing.splitlines())
