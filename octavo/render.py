"""Jinja templates -> page markup. The only module that knows Jinja.

Templates print; code decides: everything passed in comes from the model (or from a small
view computed here from it). Autoescaping is on and undefined names are errors. Fragments of
body markup in the model are already sanitized XHTML and are marked safe here, nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from .assemble import book_toc
from .model import Book

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATES = PACKAGE_ROOT / "templates"
DEFAULT_STYLES = PACKAGE_ROOT / "styles"

UI = {  # words the book itself prints, per language; English is the fallback
    "en": {"contents": "Contents", "by": "by", "translated": "Translated by", "edited": "Edited by",
           "source": "Source", "back": "Back to the text", "subjects": "Subjects"},
    "de": {"contents": "Inhalt", "by": "von", "translated": "Übersetzt von", "edited": "Herausgegeben von",
           "source": "Quelle", "back": "Zurück zum Text", "subjects": "Schlagwörter"},
    "fr": {"contents": "Table des matières", "by": "par", "translated": "Traduit par", "edited": "Édité par",
           "source": "Source", "back": "Retour au texte", "subjects": "Sujets"},
    "ru": {"contents": "Содержание", "by": "", "translated": "Перевод:", "edited": "Под редакцией",
           "source": "Источник", "back": "Назад к тексту", "subjects": "Темы"},
}


@dataclass(frozen=True)
class Page:
    """One EPUB content document, before EPUB-specific finishing."""

    name: str  # file name inside the EPUB
    title: str
    kind: str  # titlepage, nav, part, section, colophon
    markup: str


class Renderer:
    def __init__(self, templates: Path | None = None):
        loaders = [jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES))]
        if templates is not None:
            loaders.insert(0, jinja2.FileSystemLoader(str(templates)))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["fragment"] = lambda s: Markup(s or "")

    def _context(self, book: Book) -> dict:
        lang = book.metadata.language.split("-")[0]
        return {"book": book, "meta": book.metadata, "toc": book_toc(book), "ui": {**UI["en"], **UI.get(lang, {})}}

    def epub_pages(self, book: Book) -> list[Page]:
        """Every content document of the EPUB, in reading order (the nav comes second)."""
        ctx = self._context(book)
        pages = [Page("title.xhtml", book.metadata.title, "titlepage",
                      self.env.get_template("epub/titlepage.xhtml").render(ctx))]
        pages.append(Page("nav.xhtml", ctx["ui"]["contents"], "nav", self.env.get_template("epub/nav.xhtml").render(ctx)))
        counter = 0
        for p_index, part in enumerate(book.parts, 1):
            if part.title:
                pages.append(Page(f"part-{p_index}.xhtml", part.title, "part",
                                  self.env.get_template("epub/part.xhtml").render(ctx, part=part)))
            for text in part.texts:
                for s_index, section in enumerate(text.sections):
                    counter += 1
                    pages.append(Page(f"c{counter:03d}.xhtml", section.title, "section",
                                      self.env.get_template("epub/section.xhtml").render(
                                          ctx, text=text, section=section, first=s_index == 0)))
                if not text.sections:  # a text with no body still gets its title page
                    counter += 1
                    pages.append(Page(f"c{counter:03d}.xhtml", text.metadata.title, "section",
                                      self.env.get_template("epub/section.xhtml").render(
                                          ctx, text=text, section=None, first=True)))
        pages.append(Page("colophon.xhtml", ctx["toc"][-1].title, "colophon",
                          self.env.get_template("epub/colophon.xhtml").render(ctx)))
        return pages

    def print_html(self, book: Book, profile: str = "book") -> str:
        """The whole book as one HTML document for WeasyPrint."""
        return self.env.get_template("print/book.html").render(self._context(book), profile=profile)


def stylesheet_paths(styles: Path | None, medium: str) -> list[Path]:
    """common.css then the medium's sheet; a user styles folder overrides file by file."""
    found = []
    for name in ("common.css", f"{medium}.css"):
        user = styles / name if styles else None
        found.append(user if user and user.is_file() else DEFAULT_STYLES / name)
    return found
