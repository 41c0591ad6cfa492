"""What a source may read: the one place that decides.

A source can name images (Markdown ``![alt](src)`` or raw ``<img src>``). An image is used only
when its ``src`` is a relative path that resolves, symlinks followed, to a file inside the
source's own folder or an asset folder the user configured (``--assets``), and the file really is
a PNG, JPEG, GIF or WebP image (judged by its first bytes, not its name, and checked by Pillow:
not corrupt, at most 40 million pixels). Everything else is refused with a warning and the image
is replaced by ``[its alt text]``: absolute paths, ``file:`` URLs, ``../`` escapes, symlinks pointing
out, remote ``http(s)://``/``ftp://`` resources (a build never opens a connection) and SVG (it can
carry scripts and fetch external resources).

Allowed images become :class:`~octavo.model.Asset` records with a content-derived ``name``
(``<sha1-prefix>.<ext>``): the same picture named twice is one file in the book (the writers
put it in their ``images/`` folder: ``render.xhtml.image_path``). The
writers read assets only through :meth:`~octavo.model.Asset.read`, which checks the bytes are
still the ones that were approved.
"""
from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from .diagnostics import Collector
from .model import Asset
from .trees import replace_with_text

MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 40_000_000
IMAGE_TYPES = (  # magic bytes -> (media type, extension)
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """(media type, extension) of a raster image we accept, judged by its first bytes."""
    for magic, media_type, ext in IMAGE_TYPES:
        if data.startswith(magic):
            return media_type, ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def _undecodable(data: bytes) -> str | None:
    """Why Pillow cannot vouch for the image (corrupt, or too many pixels to decode safely), or None."""
    from PIL import Image  # here: a book without images never imports Pillow

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                return f"it is {width} × {height} pixels, more than a book needs ({MAX_PIXELS // 1_000_000} million at most)"
            image.verify()
    except Image.DecompressionBombError:
        return f"it has more pixels than a book needs ({MAX_PIXELS // 1_000_000} million at most)"
    except Exception as exc:  # noqa: BLE001 - a decoder fed hostile bytes can raise almost anything
        return f"it is not a readable image ({type(exc).__name__})"
    return None


def animated(data: bytes) -> bool:
    """Whether an approved image has more than one frame (an animated GIF, APNG or WebP)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return getattr(image, "n_frames", 1) > 1


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    return head.startswith((b"<svg", b"<?xml")) and b"<svg" in head


class Images:
    """Resolves the images of one source and collects the assets it may use."""

    def __init__(self, source: Path, roots: tuple[Path, ...], report: Collector):
        self.base = source.absolute().parent.resolve()  # the folder the source is named in
        self.roots = [self.base] + [Path(r).resolve() for r in roots]
        self.report = report
        self.assets: dict[str, Asset] = {}  # href -> asset, in first-use order
        self.looked_for: list[Path] = []  # the files a refused image was looked for at (its appearing changes the book)

    def rewrite(self, tree: etree._Element, line_of) -> None:
        """Point every ``<img>`` at its asset, or replace it with ``[its description]`` (reported at
        the image's line: ``line_of(element)``)."""
        for img in list(tree.iter("img")):
            src = (img.get("src") or "").strip()
            alt = " ".join((img.get("alt") or "").split())
            asset, why = self.resolve(src)
            if asset is None:
                self.report.warn("images.missing", f"image '{src or '(no usable src)'}' is not in the book: {why}; "
                                 + (f"its description '{alt}' is printed instead" if alt
                                    else "it has no description, so it is left out"),
                                 line_of(img))
                _replace_with_alt(img, alt)
                continue
            img.set("src", asset.name)
            img.set("alt", alt)
            for name in ("width", "height"):
                if img.get(name) is not None and not re.fullmatch(r"\d{1,5}", img.get(name).strip()):
                    del img.attrib[name]  # HTML wants a number of pixels; "50%" would make the EPUB invalid

    def resolve(self, src: str) -> tuple[Asset | None, str]:
        """The asset ``src`` names, or None and the reason it is refused."""
        if not src:
            return None, "it has no source (or one that was removed as unsafe)"
        parts = urlsplit(src)
        if parts.scheme.lower() in ("http", "https", "ftp", "ftps") or src.startswith("//"):
            return None, "remote resources are never downloaded (building does not use the network)"
        if parts.scheme and len(parts.scheme) > 1:  # "c:" is a Windows drive, handled below
            return None, f"{parts.scheme}: URLs are not allowed; use a path relative to the source's folder"
        relative = unquote(parts.path)
        if "\x00" in relative or not relative:
            return None, "it is not a file path"
        if relative.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", relative):
            return None, "absolute paths are not allowed; use a path relative to the source's folder"
        candidates = [(base / relative).resolve() for base in self.roots]  # symlinks followed
        inside = [c for c in candidates if any(c.is_relative_to(root) for root in self.roots)]
        if not inside:
            return None, "it is outside the source's folder" + (" and the asset folders" if len(self.roots) > 1 else "")
        path = next((c for c in inside if c.is_file()), None)
        self.looked_for += inside[: inside.index(path) + 1] if path is not None else inside
        if path is None:
            return None, "no such file next to the source" + (" or in the asset folders" if len(self.roots) > 1 else "")
        try:
            if path.stat().st_size > MAX_IMAGE_BYTES:
                return None, f"it is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB"
            data = path.read_bytes()
        except OSError as exc:
            return None, f"it cannot be read ({exc.strerror})"
        kind = sniff_image(data)
        if kind is None:
            if _looks_like_svg(data):
                return None, "SVG images are not accepted (they can carry scripts and fetch other files)"
            return None, "it is not a PNG, JPEG, GIF or WebP image"
        media_type, ext = kind
        problem = _undecodable(data)
        if problem:
            return None, problem
        name = f"{hashlib.sha1(data).hexdigest()[:16]}.{ext}"
        asset = self.assets.setdefault(name, Asset(path, name, media_type, animated(data)))
        return asset, ""


def _replace_with_alt(img: etree._Element, alt: str) -> None:
    """``[description]`` in a span where the image was (keeping its id); nothing if it has neither."""
    parent = img.getparent()
    if alt or img.get("id") is not None:
        span = etree.Element("span", {"class": "image-alt"})
        if img.get("id") is not None:
            span.set("id", img.get("id"))
        span.text = f"[{alt}]" if alt else None
        span.tail = img.tail
        parent.replace(img, span)
        return
    replace_with_text(img)
