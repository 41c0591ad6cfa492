"""The HTML element that carries each kind of span (``model.SPAN_KINDS``).

The model names what a span is (``emphasis``, ``keyboard``), never how a medium marks it up. HTML is
the language of both ends of the pipeline: resolve reads the parsed source's elements as kinds, and
the writers mark each kind up as its element. This table serves both, so the two agree.
"""
from __future__ import annotations

SPAN_ELEMENTS = {  # kind -> the HTML element that carries it, in sources written in HTML and in editions
    "emphasis": "em", "strong": "strong", "italic": "i", "bold": "b", "underline": "u", "strike": "s",
    "code": "code", "superscript": "sup", "subscript": "sub", "small": "small", "mark": "mark", "cite": "cite",
    "quote": "q", "abbreviation": "abbr", "definition": "dfn", "keyboard": "kbd", "sample": "samp",
    "variable": "var", "inserted": "ins", "deleted": "del", "time": "time", "bidi-isolate": "bdi",
    "bidi-override": "bdo", "ruby": "ruby", "ruby-text": "rt", "ruby-parenthesis": "rp", "span": "span",
    "missing-image": "span",  # an image that could not be used: its description
}
