"""Generated covers, kept: a book built again with the same title, subtitle, byline, identifier,
language and proportions gets the very PNG drawn before, read from the user's cache folder
(``covers/``, see resources.user_cache) instead of drawn again. Drawing and encoding the seed's
cover took 0.065 s of CPU and importing Pillow's drawing modules ~0.03 s, a sixth of an EPUB
build; reading it back takes a millisecond and imports no Pillow module that draws.

The key holds everything the pixels and the encoding depend on: what the cover says and in which
language and direction, the identifier (it picks the ground), the height, the font files the
lines are set in (path, size and modification time), the code that draws (cover.py and fonts.py,
by content), and the versions of Pillow, FreeType, HarfBuzz, FriBiDi, Raqm and zlib. Only covers
set entirely in the book's face are kept: a line set in a system font found through fontconfig
depends on what is installed, which is not in the key (such a cover is drawn every time, as
before). A file starts with the SHA-256 of the rest and is ignored when it does not match; the
folder keeps the ``KEPT`` most recently made or used.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .resources import keep, read_kept, user_cache

KEPT = 200  # covers kept in the user's cache folder (each 40-60 kB)
CODE = tuple(Path(__file__).with_name(name) for name in ("cover.py", "fonts.py"))


def key(*parts) -> str:
    """The key of a cover described by ``parts`` (plain values, font files as paths)."""
    from PIL import __version__ as pillow, _imaging, _imagingft  # C modules and a version: no drawing code

    libraries = (pillow, *(getattr(_imagingft, name, None) for name in (
        "freetype2_version", "harfbuzz_version", "fribidi_version", "raqm_version", "HAVE_RAQM")),
        *(getattr(_imaging, name, None) for name in ("zlib_version", "zlib_ng_version", "HAVE_ZLIBNG")))
    digest = hashlib.sha256(repr((libraries, [_fingerprint(p) for p in parts])).encode())
    for path in CODE:
        digest.update(b"\0" + path.read_bytes())
    return digest.hexdigest()


def _fingerprint(part):
    if isinstance(part, Path):
        try:
            info = part.stat()
        except OSError:
            return (str(part), None)
        return (str(part), info.st_size, info.st_mtime_ns)
    if isinstance(part, (tuple, list)):
        return tuple(_fingerprint(p) for p in part)
    return part


def _path(name: str) -> Path | None:
    folder = user_cache("covers")
    return folder / f"{name}.png" if folder is not None else None


def read(name: str) -> bytes | None:
    """The cover kept under ``name``, or None."""
    return read_kept(_path(name))


def write(name: str, data: bytes) -> None:
    """Keep ``data`` under ``name``."""
    keep(_path(name), data, KEPT)
