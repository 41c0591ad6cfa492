"""WeasyPrint's text drawing with each run's glyphs read in bulk (a WeasyPrint internal, like weasy.py's).

``weasyprint.draw.text.draw_first_line`` writes every glyph of a line into the page's content stream:
a Python loop over the run's ``PangoGlyphInfo`` array, reading each glyph's id, width and offsets
through cffi (``glyph_info.geometry.width``: a new cdata object per field read) and the cluster
array one item at a time. For the seed's PDF that loop is most of the 0.3 s of drawing text. Here
the function is compiled again from WeasyPrint's own source with only those reads changed: the
array is unpacked into Python integers with one ``ffi.unpack`` per run (the same numbers: a glyph
id is a ``guint`` below 2**29, the geometry ``gint``s), so the content stream is the same bytes.
Every other line, the emoji, ellipsis and rise branches included, is WeasyPrint's.

``install`` leaves WeasyPrint's function as it is when its source does not hold each replaced line
exactly once or the struct's layout is not the one unpacked (tests/test_weasy_contract.py says so).
"""
from __future__ import annotations

import inspect

# WeasyPrint 70's reads, and what replaces each (the loop's variables keep their names)
READS = (
    ("        clusters = glyph_string.log_clusters\n",
     "        clusters = ffi.unpack(glyph_string.log_clusters, num_glyphs)\n"),
    ("        for i, glyph_info in enumerate(glyphs_info[0:num_glyphs]):\n"
     "            glyph_id = glyph_info.glyph\n"
     "            width = glyph_info.geometry.width\n",
     "        for i, (glyph_id, width, x_offset, y_offset) in enumerate(_octavo_glyphs(glyphs_info, num_glyphs)):\n"),
    ("            offset = glyph_info.geometry.x_offset / font_size\n",
     "            offset = x_offset / font_size\n"),
    ("            rise = glyph_info.geometry.y_offset / 1000\n",
     "            rise = y_offset / 1000\n"),
)


def _layout_is_unpacked(ffi) -> bool:
    """PangoGlyphInfo as five 4-byte integers: glyph, width, x_offset, y_offset, attributes."""
    try:
        return (ffi.sizeof("PangoGlyphInfo") == 20 and ffi.offsetof("PangoGlyphInfo", "geometry") == 4
                and ffi.sizeof("PangoGlyphGeometry") == 12 and ffi.offsetof("PangoGlyphGeometry", "x_offset") == 4
                and ffi.offsetof("PangoGlyphGeometry", "y_offset") == 8 and ffi.sizeof("PangoGlyphUnit") == 4)
    except (AttributeError, KeyError, TypeError, ValueError):  # cffi: an unknown type or field
        return False


def _glyphs_reader(ffi):
    def glyphs(glyphs_info, count: int):
        """(glyph id, width, x offset, y offset) of each of a run's ``count`` glyphs."""
        numbers = ffi.unpack(ffi.cast("int32_t *", glyphs_info), 5 * count)
        return zip(numbers[0::5], numbers[1::5], numbers[2::5], numbers[3::5])

    return glyphs


def install() -> bool:
    """Route WeasyPrint's ``draw_first_line`` (called by ``draw_text``, and by its SVG text, which
    imports it from the module when it draws) to its bulk-reading copy; False when left as it is."""
    from weasyprint.draw import text

    original = text.draw_first_line
    if getattr(original, "octavo_route", False):
        return True
    if not _layout_is_unpacked(text.ffi):
        return False
    try:
        lines, first = inspect.getsourcelines(original)
    except (OSError, TypeError):  # installed without its sources (only .pyc): left as it is
        return False
    source = "".join(lines)
    if any(source.count(old) != 1 for old, _ in READS):
        return False
    for old, new in READS:
        source = source.replace(old, new)
    if "glyph_info" in source:  # a read this copy does not know of
        return False
    namespace: dict = {}
    code = compile("\n" * (first - 1) + source, original.__code__.co_filename, "exec")
    text._octavo_glyphs = _glyphs_reader(text.ffi)  # in the module's own globals, as its other names
    exec(code, text.__dict__, namespace)  # noqa: S102 (WeasyPrint's own source, its reads replaced)
    bulk = namespace[original.__name__]
    bulk.octavo_route = True
    bulk.octavo_original = original  # WeasyPrint's own, for the tests that compare the two
    text.draw_first_line = bulk
    return True
