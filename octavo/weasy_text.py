"""WeasyPrint's text objects made with less work (WeasyPrint internals, like weasy.py's): the same output.

**Drawing.** ``weasyprint.draw.text.draw_first_line`` writes every glyph of a line into the page's
content stream: a Python loop over the run's ``PangoGlyphInfo`` array, reading each glyph's id,
width and offsets through cffi (``glyph_info.geometry.width``: a new cdata object per field read)
and the cluster array one item at a time. Here the function is compiled again from WeasyPrint's own
source with only those reads changed: the array is unpacked into Python integers with one
``ffi.unpack`` per run (the same numbers: a glyph id is a ``guint`` below 2**29, the geometry
``gint``s), so the content stream is the same bytes. Every other line, the emoji, ellipsis and rise
branches included, is WeasyPrint's.

**Pango layouts.** WeasyPrint makes a Pango layout for each line it tries (several per line while
breaking it) and again for each text box it draws: 4,500 for the seed's PDF. ``Layout.setup`` makes
each one a new Pango context (the font map's, with the text's direction and language) and a new font
description from the style, about 0.08 s of the seed's 0.12 s in setting layouts up. A context is
only read by its layouts (nothing in WeasyPrint sets one after ``setup``) and a description is
copied by ``pango_layout_set_font_description``, so :func:`_setup` keeps the contexts of each font
configuration by (direction, language) and the descriptions by the style values they are made of;
the rest is WeasyPrint 70's ``setup`` line for line, installed only over the very source it was
ported from (``SETUP_SOURCE``).

**Justified lines.** WeasyPrint's ``add_word_spacing`` makes a Pango layout for each text box of a
justified line (set up, given the text) only to deactivate it at once, for the Python attributes it
leaves; drawing sets a layout up again from them. :func:`_deactivated_layout` gives those attributes
without Pango (924 layouts in the seed's PDF, ~0.03 s), installed only over the sources it was ported
from (``SPACING_SOURCES``).

``install`` leaves a WeasyPrint function as it is when its source is not the one ported (for
``draw_first_line``: when it does not hold each replaced line exactly once, or the struct's layout is
not the one unpacked); tests/test_weasy_contract.py says so.
"""
from __future__ import annotations

import hashlib
import inspect
import linecache

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
    """The three routes below; True when all are taken."""
    return install_bulk_glyphs() & install_kept_contexts() & install_spacing_without_layout()


def install_bulk_glyphs() -> bool:
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


# --- Pango layouts: contexts and font descriptions kept ------------------------------------------

SETUP_SOURCE = "fb227a55094f41d42fbd57f180d8b7a9a1e741969ec8ddb3fd5cd80920257442"  # WeasyPrint 70's Layout.setup


def _description_key(style) -> tuple | None:
    """The style values ``get_font_description`` reads, or None when one cannot be a key."""
    key = (tuple(style["font_family"]), style["font_style"], style["font_stretch"], style["font_weight"],
           style["font_size"], style["font_variant_caps"], style["font_variation_settings"])
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _setup_with_kept(line_break, fonts):
    """WeasyPrint 70's ``Layout.setup`` (weasyprint/text/line_break.py) with the Pango context and the
    font description kept: the same calls on the same values, each made once per font configuration."""
    ffi, pango, gobject = line_break.ffi, line_break.pango, line_break.gobject
    unicode_to_char_p, font_features = line_break.unicode_to_char_p, line_break.font_features
    PANGO_DIRECTION, LST_TO_ISO = line_break.PANGO_DIRECTION, line_break.LST_TO_ISO  # noqa: N806

    def context_for(style):
        """(Pango context, language) for the style's font map, direction and language."""
        font_config = style.font_config
        kept = font_config.__dict__.setdefault("_octavo_contexts", {})
        if style["font_language_override"] != "normal":
            lang = LST_TO_ISO.get(style["font_language_override"].lower(), style["font_language_override"])
        else:
            lang = style["lang"] or None
        key = (style["direction"], lang)
        if key not in kept:
            pango_context = ffi.gc(pango.pango_font_map_create_context(font_config.font_map), gobject.g_object_unref)
            pango.pango_context_set_round_glyph_positions(pango_context, False)
            pango.pango_context_set_base_dir(pango_context, PANGO_DIRECTION[style["direction"]])
            if lang:
                lang_p, lang = unicode_to_char_p(lang)
                language = pango.pango_language_from_string(lang_p)
                pango.pango_context_set_language(pango_context, language)
            else:
                language = pango.pango_language_get_default()
            kept[key] = pango_context, language
        return kept[key]

    def description_for(style):
        key = _description_key(style)
        if key is None:
            return fonts.get_font_description(style)
        kept = style.font_config.__dict__.setdefault("_octavo_descriptions", {})
        if key not in kept:
            kept[key] = fonts.get_font_description(style)
        return kept[key]

    def setup(self, style):
        self.style = style
        self.first_line_direction = 0

        pango_context, self.language = context_for(style)

        assert not isinstance(style['font_family'], str), (
            'font_family should be a list')
        font_description = description_for(style)
        self.layout = ffi.gc(
            pango.pango_layout_new(pango_context),
            gobject.g_object_unref)
        pango.pango_layout_set_auto_dir(self.layout, False)
        pango.pango_layout_set_font_description(self.layout, font_description)

        text_decoration = style['text_decoration_line']
        if text_decoration != 'none':
            metrics = ffi.gc(
                pango.pango_context_get_metrics(
                    pango_context, font_description, self.language),
                pango.pango_font_metrics_unref)
            self.ascent = line_break.FROM_UNITS * (
                pango.pango_font_metrics_get_ascent(metrics))
            self.underline_position = line_break.FROM_UNITS * (
                pango.pango_font_metrics_get_underline_position(metrics))
            self.strikethrough_position = line_break.FROM_UNITS * (
                pango.pango_font_metrics_get_strikethrough_position(metrics))
            self.underline_thickness = line_break.FROM_UNITS * (
                pango.pango_font_metrics_get_underline_thickness(metrics))
            self.strikethrough_thickness = line_break.FROM_UNITS * (
                pango.pango_font_metrics_get_strikethrough_thickness(metrics))
        else:
            self.ascent = None
            self.underline_position = None
            self.strikethrough_position = None

        features = font_features(
            style['font_kerning'], style['font_variant_ligatures'],
            style['font_variant_position'], style['font_variant_caps'],
            style['font_variant_numeric'], style['font_variant_alternates'],
            style['font_variant_east_asian'], style['font_feature_settings'])
        if features:
            features = ','.join(
                f'{key} {value}' for key, value in features.items()).encode()
            # In the meantime, keep a cache to avoid leaking too many of them.
            attr = style.font_config.font_features.setdefault(
                features, pango.pango_attr_font_features_new(features))
            attr_list = pango.pango_attr_list_new()
            pango.pango_attr_list_insert(attr_list, attr)
            pango.pango_layout_set_attributes(self.layout, attr_list)

    return setup


def install_kept_contexts() -> bool:
    """Route WeasyPrint's ``Layout.setup`` to :func:`_setup_with_kept`'s; False when left as it is."""
    from weasyprint.text import fonts, line_break

    original = line_break.Layout.setup
    if getattr(original, "octavo_route", False):
        return True
    if _source_digest(original) != SETUP_SOURCE:
        return False
    setup = _setup_with_kept(line_break, fonts)
    setup.octavo_route = True
    setup.octavo_original = original
    line_break.Layout.setup = setup
    return True


# --- justified text boxes: the layout WeasyPrint makes and drops at once -----------------------------

# WeasyPrint 70's sources this route stands on (sha256): the caller, and what its call does
SPACING_SOURCES = {
    "add_word_spacing": "879516e71f1b80fa1833aee877e1a34c851248c5fd871d6c855c58f07358d418",
    "create_layout": "6587192cc0ab3ffad7bb1902654c7f26dd28910f760804bcf67cbf7b986660b0",
    "Layout.__init__": "c17d3975d808536ebc7993a0e4b1af9c12147700775423709b4feb99a87c1ae2",
    "Layout.set_text": "fe23ca9937dbf5205bda422f9c01103f301ef2c511228842632ea86e853274f7",
    "Layout.deactivate": "bfec3ec8406e1c82a91f9570103eb5ecbc5a20c1339ff26bb0f4eafb03189f0b",
}


def _deactivated_layout(line_break):
    """``create_layout`` as ``add_word_spacing`` calls it (``max_width=None``) and deactivates at once:
    for each justified line's text box, a Pango layout set up, given the text and dropped, for the
    Python attributes it leaves (drawing sets a layout up again from them). Those attributes are
    made here without Pango: ``Layout.__init__``, ``setup`` and ``set_text`` set ``justification_spacing``,
    ``max_width``, ``first_line_direction`` (0), ``text`` and, for a text without decoration, ``ascent``,
    ``underline_position`` and ``strikethrough_position`` (None); ``deactivate`` deletes the rest.
    Text with a decoration (its font metrics), a line break (``set_text`` keeps the text up to it) or
    a lone space (``set_text`` may make it ``' \\u200b'``) goes to WeasyPrint's own."""
    create_layout, layout_class = line_break.create_layout, line_break.Layout

    def create(text, style, context, max_width, justification_spacing):
        if (max_width is not None or style["text_decoration_line"] != "none" or "\n" in text
                or text == " "):
            return create_layout(text, style, context, max_width, justification_spacing)
        layout = object.__new__(layout_class)
        layout.justification_spacing = justification_spacing
        layout.style = style  # deleted by deactivate, as the rest of what Pango would have had
        layout.first_line_direction = 0
        layout.language = layout.layout = None
        layout.ascent = layout.underline_position = layout.strikethrough_position = None
        layout.max_width = max_width
        layout.text = text
        return layout

    return create


def _source_digest(function) -> str | None:
    """SHA-256 of a function's source lines, from its ``def`` to its last line of code: for WeasyPrint's
    functions ported here the text ``inspect.getsource`` gives, read without tokenizing the module
    (0.7 ms for six functions instead of 5 ms). None when the source cannot be read."""
    code = getattr(function, "__code__", None)
    lines = linecache.getlines(code.co_filename) if code else []
    ends = [line for _, _, line in code.co_lines() if line is not None] if code else []
    if not lines or not ends:
        return None
    return hashlib.sha256("".join(lines[code.co_firstlineno - 1:max(ends)]).encode()).hexdigest()


def _sources_are(functions: dict, expected: dict) -> bool:
    return all(_source_digest(functions[name]) == digest for name, digest in expected.items())


def install_spacing_without_layout() -> bool:
    """Route ``add_word_spacing``'s ``create_layout`` (the only call of it in WeasyPrint's inline layout)
    to :func:`_deactivated_layout`'s; False when left as it is (the sources are not the ported ones)."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    if getattr(inline.create_layout, "octavo_route", False):
        return True
    setup = getattr(line_break.Layout.setup, "octavo_original", line_break.Layout.setup)
    functions = {"add_word_spacing": inline.add_word_spacing, "create_layout": inline.create_layout,
                 "Layout.__init__": line_break.Layout.__init__, "Layout.set_text": line_break.Layout.set_text,
                 "Layout.deactivate": line_break.Layout.deactivate, "Layout.setup": setup}
    if not _sources_are(functions, {**SPACING_SOURCES, "Layout.setup": SETUP_SOURCE}):
        return False
    create = _deactivated_layout(line_break)
    create.octavo_route = True
    inline.create_layout = create
    return True
