"""A book's cover: the image its front matter (or volume manifest) names, or one set in type.

In: a :class:`~octavo.model.Book`. Out: a :class:`CoverImage` (bytes, media type, its name in the
EPUB, alternative text) and diagnostics. A ``cover`` field names a user's image, checked by
assets.py like any image (inside the source's folder or an ``--assets`` folder; PNG, JPEG, GIF or
WebP, verified); an image that cannot be used is reported and the generated cover is used instead.

The generated cover is a 1600 x 2560 PNG: title, subtitle, and the author (a volume: its editors)
in the book's face (fonts.py), light on one of a few dark grounds chosen by the book's identifier.
Writing that a face lacks (Chinese, Arabic, Hebrew) is set in an installed font that has it, found
through fontconfig (for Chinese, Japanese and Korean, the Song/Ming face the PDF uses, when
installed); a line that no installed font can set is left off the cover, never drawn as empty
boxes, and that is reported. The same book always gives the same bytes.

The only module that draws (Pillow's ImageDraw).
"""
from __future__ import annotations

import base64
import functools
import hashlib
import io
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import cover_cache, messages
from .assets import Images
from .diagnostics import Collector, Diagnostic, Location
from .fonts import BOOK_FACE_COVERS, FontFile, book_face, charmap, face_file, script_face, uncovered
from .model import Book

if TYPE_CHECKING:  # Pillow is imported where a cover is drawn: a kept cover needs none of it
    from PIL import ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 2560
GROUNDS = (  # dark grounds; the ink is always INK
    (122, 30, 38), (28, 44, 78), (30, 72, 56), (44, 44, 50), (104, 66, 30), (76, 36, 72),
)
INK = (244, 236, 220)
PAGE_PROPORTIONS = {"a5": 210 / 148, "a4": 297 / 210, "letter": 11 / 8.5, "legal": 14 / 8.5, "b5": 250 / 176,
                    "6x9": 9 / 6}  # height / width of the --paper sizes
MEASURE = 1220  # widest line, in pixels


@functools.cache
def _raqm() -> bool:
    """Whether Pillow lays text out with Raqm (complex scripts: Arabic shaping, right-to-left order)."""
    from PIL import features

    return bool(features.check("raqm"))


@dataclass(frozen=True)
class CoverImage:
    """A book's cover: the image's bytes and type, its name in the EPUB and what it says."""

    data: bytes
    media_type: str
    href: str  # the file's name inside the EPUB: cover.<ext>, beside cover.xhtml (images/ holds the text's own)
    alt: str  # what the cover says, for readers who cannot see it
    generated: bool
    animated: bool = False  # a user's GIF, APNG or WebP of more than one frame

    @property
    def data_url(self) -> str:
        """The image inline, for the print document (its fetcher serves no other files of ours)."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class _Font:
    """A font file (a face of a collection, an instance of a variable font) to set cover lines in."""

    path: Path
    index: int = 0  # face in a font collection (.ttc)
    axes: tuple[tuple[str, float], ...] = ()


def book_cover(book: Book, asset_roots: tuple[Path, ...] = (), paper: str | None = None
               ) -> tuple[CoverImage, list[Diagnostic]]:
    """The cover of ``book``: its own image if the ``cover`` field names a usable one, else a generated
    one, 1600 pixels wide and 2560 high (the EPUB's) or in the proportions of ``paper`` (a PDF page)."""
    meta = book.metadata
    words = messages.words(meta.language)
    alt = words["cover_alt"].format(text=" — ".join(_lines(book, words)))
    diagnostics: list[Diagnostic] = []
    if meta.cover:
        where = getattr(meta.cover, "location", None) or Location(book.sources[0])
        report = Collector(where.path)
        asset, why = Images(where.path, asset_roots, report).resolve(str(meta.cover).strip())
        if asset is not None:
            ext = asset.name.rsplit(".", 1)[-1]
            return CoverImage(asset.read(), asset.media_type, f"cover.{ext}", alt, False, asset.animated), diagnostics
        diagnostics.append(Diagnostic("warning", "cover.image", f"cover image '{meta.cover}' is not used: {why}; "
                                      "the book gets a generated cover", where))
    data, missing = generated_cover(book, round(WIDTH * PAGE_PROPORTIONS.get((paper or '').lower(), HEIGHT / WIDTH)))
    if missing:
        diagnostics.append(Diagnostic("warning", "cover.font", "no installed font has the characters "
                                      f"{''.join(sorted(missing))!r} ({_scripts(missing)}); the generated cover "
                                      "leaves out the lines that use them: install a font for them (docs/print.md: Fonts "
                                      "for other scripts)", Location(book.sources[0])))
    return CoverImage(data, "image/png", "cover.png", alt, True), diagnostics


def cover_reads(book: Book, asset_roots: tuple[Path, ...] = ()) -> list[Path]:
    """The files the ``cover`` field's image was looked for at (found or not): what a build of the
    book reads for its cover, so that a change there (or the image appearing) rebuilds it."""
    if not book.metadata.cover:
        return []
    where = getattr(book.metadata.cover, "location", None) or Location(book.sources[0])
    images = Images(where.path, asset_roots, Collector(where.path))
    images.resolve(str(book.metadata.cover).strip())
    return images.looked_for


def _lines(book: Book, words: dict[str, str]) -> list[str]:
    """What the cover says, line by line: title, subtitle, the people the book is by."""
    return [line for line in (book.metadata.title, book.metadata.subtitle, _people(book, words)) if line]


def _people(book: Book, words: dict[str, str]) -> str | None:
    """The author(s); a volume with editors: "Edited by" them."""
    meta = book.metadata
    if book.is_volume and meta.editors:
        return words["edited_line"].format(names=words["list_separator"].join(meta.editors))
    return words["list_separator"].join(meta.authors) or None


def generated_cover(book: Book, height: int = HEIGHT) -> tuple[bytes, set[str]]:
    """The typographic cover as PNG bytes (1600 pixels wide, ``height`` high), and the characters no
    installed font could set. The title is centred at 42 % of the height, the byline above the foot.
    A cover set in the book's face is kept (cover_cache.py): the same inputs give the same bytes,
    read back instead of drawn again."""
    meta = book.metadata
    words = messages.words(meta.language)
    language, direction = meta.language, messages.direction(meta.language)
    people = _people(book, words)
    faces = {(weight, style): _face(weight, style) for weight, style in ((600, "normal"), (400, "italic"),
                                                                         (400, "normal"))}
    name = cover_cache.key("generated cover", meta.title, meta.subtitle, people, language, direction,
                           meta.identifier, WIDTH, height, [(w, s, f and (f.path, f.index, f.axes))
                                                            for (w, s), f in faces.items()])
    kept = cover_cache.read(name)
    if kept is not None:
        return kept, set()
    data, missing, blocks = _draw(meta, people, language, direction, height)
    if not missing and all(b.found in (faces.get((b.weight, b.style)), faces.get((b.weight, "normal")))
                           for b in blocks):
        cover_cache.write(name, data)  # set in the book's face only: nothing installed elsewhere counts
    return data, missing


def _draw(meta, people: str | None, language: str, direction: str, height: int):
    """The cover drawn: PNG bytes, the characters no font could set, and its blocks of text."""
    from PIL import Image, ImageDraw

    missing: set[str] = set()
    canvas = Image.new("L", (WIDTH, height), 0)  # coverage of ink: the palette turns it into colours
    draw = ImageDraw.Draw(canvas)
    for inset, line in ((88, 5), (112, 2)):
        draw.rectangle((inset, inset, WIDTH - 1 - inset, height - 1 - inset), outline=255, width=line)

    title = _Block(meta.title, 600, "normal", (176, 84), 7, language, direction, missing)
    subtitle = _Block(meta.subtitle, 400, "italic", (84, 56), 4, language, direction, missing) if meta.subtitle else None
    byline = _Block(people, 400, "normal", (92, 56), 3, language, direction, missing) if people else None
    blocks = [b for b in (title, subtitle, byline) if b is not None]
    subtitle = subtitle if subtitle and subtitle.lines else None

    ornament = 190  # gap, rule, gap between title and subtitle
    block = title.height + (ornament + subtitle.height if subtitle else 0)
    y = title.draw(draw, max(330, round(height * 0.42) - block // 2))
    draw.rectangle((WIDTH // 2 - 110, y + 78, WIDTH // 2 + 110, y + 82), fill=255)
    if subtitle:
        subtitle.draw(draw, y + ornament)
    if byline:
        byline.draw(draw, height - 360 - byline.height)

    ground = GROUNDS[int(hashlib.sha1(meta.identifier.encode("utf-8")).hexdigest(), 16) % len(GROUNDS)]
    canvas.putpalette([round(g + (i - g) * level / 255) for level in range(256) for g, i in zip(ground, INK)])
    out = io.BytesIO()
    # zlib's default level: 9 took five times as long (0.09 s, the build's costliest step) for a file
    # 12 % smaller; the pixels are the same, and the bytes the same every time
    canvas.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue(), missing, blocks


class _Block:
    """Some text set in balanced lines, centred, at the largest size (between ``sizes``) at which it
    fits in ``max_lines``; at the smallest size, the last line is cut with an ellipsis. Text that no
    installed font can set has no lines: it is not drawn (its characters are added to ``missing``)."""

    def __init__(self, text: str, weight: int, style: str, sizes: tuple[int, int], max_lines: int,
                 language: str, direction: str, missing: set[str]):
        text = " ".join(text.split())
        self.weight, self.style = weight, style
        self.layout = {"direction": direction, "language": language} if _raqm() else {}
        self.found = found = _font_for(text, weight, style, language)
        if found is None:
            needed = {c for c in text if not c.isspace()}
            missing.update(uncovered(needed) or {c for c in needed if not _covered(_face(weight, style), c)})
            self.lines, self.leading, self.height = [], 0, 0
            return
        size, smallest = sizes
        while True:
            self.font = _load(found, size)
            self.widths: dict[str, float] = {}  # of this font
            self.lines = _balanced(_tokens(text), self.width, MEASURE)
            if len(self.lines) <= max_lines and all(self.width(line) <= MEASURE for line in self.lines):
                break
            if size <= smallest:
                self.lines = self.lines[:max_lines]
                self.lines[-1] = _shorten(self.lines[-1] + "\u2026", self.width, MEASURE)
                break
            size = max(smallest, round(size * 0.92))
        self.leading = round(size * 1.2)
        self.height = self.leading * len(self.lines)

    def width(self, line: str) -> float:
        # balancing asks about the same few lines over and over (45 times for the seed's 4 lines)
        if line not in self.widths:
            self.widths[line] = self.font.getlength(line, **self.layout)
        return self.widths[line]

    def draw(self, draw: ImageDraw.ImageDraw, top: int) -> int:
        """Draw the lines from ``top`` down; returns the y below the last line."""
        if not self.lines:
            return top
        ascent = self.font.getmetrics()[0]
        for n, line in enumerate(self.lines):
            baseline = top + n * self.leading + round(self.leading * 0.1) + ascent
            draw.text((WIDTH // 2, baseline), line, font=self.font, fill=255, anchor="ms", **self.layout)
        return top + self.height


def _tokens(text: str) -> list[str]:
    """Break opportunities: words with their following space, or single ideographs."""
    tokens: list[str] = []
    for char in text:
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        if tokens and not wide and not tokens[-1].endswith(" ") and not _is_wide(tokens[-1][-1]):
            tokens[-1] += char
        elif tokens and wide and unicodedata.category(char).startswith("P"):
            tokens[-1] += char  # closing punctuation never starts a line
        else:
            tokens.append(char)
    return tokens


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _greedy(tokens: list[str], width, limit: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for token in tokens:
        candidate = current + token
        if current and width(candidate.rstrip()) > limit:
            lines.append(current.rstrip())
            current = token
        else:
            current = candidate
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


def _balanced(tokens: list[str], width, limit: float) -> list[str]:
    """As few lines as fit in ``limit``, made as even as possible: the narrowest measure that
    still gives that many lines."""
    lines = _greedy(tokens, width, limit)
    low, high = 0.0, float(limit)
    for _ in range(12):
        middle = (low + high) / 2
        if len(_greedy(tokens, width, middle)) <= len(lines):
            high = middle
        else:
            low = middle
    return _greedy(tokens, width, high)


def _shorten(line: str, width, limit: float) -> str:
    while width(line) > limit and len(line) > 2:
        line = line[:-2].rstrip() + "\u2026"
    return line


# --- fonts -----------------------------------------------------------------------------------------

def _face(weight: int, style: str) -> _Font | None:
    file: FontFile | None = face_file(weight, style)
    return _Font(file.path, 0, file.axes) if file else None


def _font_for(text: str, weight: int, style: str, language: str = "") -> _Font | None:
    """The book's face if it has every character of ``text`` (its upright if the italic lacks some),
    else an installed font that has them all (the language's own face first: fonts.SCRIPT_FACES),
    else None."""
    needed = {c for c in text if not c.isspace()}
    for font in (_face(weight, style), _face(weight, "normal")):
        if font is not None and all(_covered(font, c) for c in needed):
            return font
    face = script_face(language)
    return _system_font(frozenset(needed), weight, face.family if face else "")


def _covered(font: _Font | None, char: str) -> bool:
    if font is not None and ord(char) in BOOK_FACE_COVERS and any(font.path == f.path for f in book_face()):
        return True
    return font is not None and ord(char) in charmap(font.path, font.index)


@functools.lru_cache(maxsize=32)
def _system_font(needed: frozenset[str], weight: int, family: str = "") -> _Font | None:
    """An installed font with every character (fontconfig), preferring ``family``, then proportional,
    upright, not condensed, near ``weight``; ties go to the path, so a machine always picks the same one."""
    fc_list = shutil.which("fc-list")
    if fc_list is None or not needed:
        return None
    charset = " ".join(f"{ord(c):x}" for c in sorted(needed))
    import subprocess  # only where fontconfig is asked: not in every build's start

    try:
        listing = subprocess.run([fc_list, "--format", "%{file}|%{index}|%{style}|%{weight}|%{spacing}|%{family}\n",
                                  f":charset={charset}"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    candidates = []
    for row in listing.splitlines():
        path, index, style, font_weight, spacing, families = (row.split("|") + [""] * 6)[:6]
        if not path.lower().endswith((".ttf", ".otf", ".ttc")):
            continue
        fc_weight = int(font_weight) if font_weight.isdigit() else 80  # fontconfig: 80 regular, 200 bold
        css_weight = 400 if fc_weight <= 100 else 600 if fc_weight < 200 else 700
        candidates.append(((family not in families.split(","), spacing == "100",
                            "italic" in style.lower() or "oblique" in style.lower(),
                            "condensed" in style.lower(), abs(css_weight - weight), path, index), path, index))
    if not candidates:
        return None
    _, path, index = min(candidates)
    return _Font(Path(path), int(index) if index.isdigit() else 0)


def _load(font: _Font, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    loaded = ImageFont.truetype(str(font.path), size, index=font.index,
                                layout_engine=ImageFont.Layout.RAQM if _raqm() else ImageFont.Layout.BASIC)
    if font.axes:  # a variable face: set the instance this weight and style stand for
        wanted = dict(font.axes)
        # FreeType names the registered axes; their tags are fixed (OpenType's axis registry)
        loaded.set_variation_by_axes([wanted.get(AXIS_TAGS.get(axis["name"], ""), axis["default"])
                                      for axis in loaded.get_variation_axes()])
    return loaded


AXIS_TAGS = {b"Weight": "wght", b"Width": "wdth", b"Optical size": "opsz", b"Slant": "slnt", b"Italic": "ital"}


def _scripts(chars: set[str]) -> str:
    names = sorted({unicodedata.name(c, "UNKNOWN").split()[0].title() for c in chars})
    return ", ".join(names[:4])
