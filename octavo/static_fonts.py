"""The book face's static instances, kept: WeasyPrint embeds a variable font as a static instance
made by fontTools, and octavo/weasy.py routes those calls here (see :class:`StaticInstances`).
No WeasyPrint here."""
from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from .resources import keep, read_kept

STATIC_KEPT = 128  # static instances kept per process (each a subset font of 20-120 kB)
STATIC_FILES = 1000  # and in the user's cache folder (about 50 MB)


class StaticInstances:
    """WeasyPrint 70 embeds a variable font as a static instance per (weight, size): ``Font.clean``
    subsets the font, then calls fontTools' ``instantiateVariableFont`` with ``opsz`` set to the
    font size and saves the result. That is most of the cost of writing a PDF (1.4 s of CPU for the
    seed's 13 instances of Literata) and is repeated for every chunk of a stitched book, whose
    chunks mostly use the same glyphs in the same sizes. The saved bytes depend only on the subset's
    bytes, the axis values, the options and the time fontTools stamps (``SOURCE_DATE_EPOCH``, which
    ``_font_dates`` sets from the book's date): with all four in the key, a kept instance is the
    very file fontTools would make again, so the PDF stays byte-identical. Without
    ``SOURCE_DATE_EPOCH`` (the instance would carry the clock's time) nothing is kept.

    Instances are kept in this process and in the user's cache folder (``fonts/``, see
    resources.user_cache; the key also names fontTools' version), so a book built again with the
    same characters and date (an edit, a rebuild with --force) makes none: a file there starts
    with the SHA-256 of the rest and is ignored when it does not match. The folder keeps the
    ``STATIC_FILES`` most recently made or used."""

    def __init__(self, instantiate):
        self.instantiate = instantiate
        self.kept: dict[bytes, bytes] = {}
        self.made = self.reused = 0
        self._folder: Path | None | bool = False  # False: not looked up yet

    def __call__(self, varfont, variations, **options):
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        source = getattr(getattr(varfont, "reader", None), "file", None)
        data = source.getvalue() if hasattr(source, "getvalue") else None
        if epoch is None or data is None or data[:4] == b"ttcf":  # a collection: the index would be in the key too
            return self.instantiate(varfont, variations, **options)
        key = hashlib.sha256(repr((epoch, sorted(variations.items()), sorted(options.items()))).encode()
                             + b"\0" + data).digest()
        saved = self.kept.get(key) or self._read(key)
        if saved is None:
            made = io.BytesIO()
            self.instantiate(varfont, variations, **options).save(made)
            saved = made.getvalue()
            self._write(key, saved)
            self.made += 1
        else:
            self.reused += 1
        if key not in self.kept:
            if len(self.kept) >= STATIC_KEPT:
                self.kept.pop(next(iter(self.kept)))
            self.kept[key] = saved
        return SavedFont(saved)

    def folder(self) -> Path | None:
        if self._folder is False:
            from .resources import user_cache

            self._folder = user_cache("fonts")
        return self._folder

    def _path(self, key: bytes) -> Path | None:
        import fontTools

        folder = self.folder()
        if folder is None:
            return None
        return folder / f"{hashlib.sha256(fontTools.version.encode() + key).hexdigest()}.ttf"

    def _read(self, key: bytes) -> bytes | None:
        return read_kept(self._path(key))

    def _write(self, key: bytes, data: bytes) -> None:
        keep(self._path(key), data, STATIC_FILES)


class SavedFont:
    """What ``instantiateVariableFont`` returned, as its saved bytes: WeasyPrint only saves it; any
    other use gets the font read back."""

    def __init__(self, data: bytes):
        self.data = data

    def save(self, file) -> None:
        file.write(self.data)

    def __getattr__(self, name):
        from fontTools.ttLib import TTFont

        return getattr(TTFont(io.BytesIO(self.data)), name)
