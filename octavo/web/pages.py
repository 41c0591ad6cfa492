"""Which pages the web edition has, and their markup from the templates.

In: a Book, the Renderer, the web flavour. Out: ``WebPage`` records in reading order, each with its
markup as the templates made it (XHTML, finished by finish.py). The split follows the EPUB's:

- a short text (or a handout, or a text of one section) is one page, ``index.html``: title,
  contents, the text, credits;
- a long text: ``index.html`` (cover, title, contents, credits) and one page per section, named as
  the EPUB names its files (``c001.html`` for ``c001.xhtml``);
- a volume: ``index.html``, a page per titled part (``part-1.html``) and one per text
  (``text-1.html``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import model as m
from ..render import LONG_TEXT, CoverView, Renderer, SectionView, text_length

WORDS = {  # the web edition's own interface words; English where a language has none
    "en": {
        "search": "Search this book",
        "skip": "Skip to the text",
        "trail": "Where you are",
        "pager": "Pages",
        "previous": "Previous",
        "next": "Next",
        "page_mark": "Page {n} of the print edition",
    },
    "de": {
        "search": "Dieses Buch durchsuchen",
        "skip": "Zum Text springen",
        "trail": "Sie sind hier",
        "pager": "Seiten",
        "previous": "Zurück",
        "next": "Weiter",
        "page_mark": "Seite {n} der Druckausgabe",
    },
    "fr": {
        "search": "Chercher dans ce livre",
        "skip": "Aller au texte",
        "trail": "Vous êtes ici",
        "pager": "Pages",
        "previous": "Précédent",
        "next": "Suivant",
        "page_mark": "Page {n} de l’édition imprimée",
    },
    "es": {
        "search": "Buscar en este libro",
        "skip": "Ir al texto",
        "trail": "Usted está aquí",
        "pager": "Páginas",
        "previous": "Anterior",
        "next": "Siguiente",
        "page_mark": "Página {n} de la edición impresa",
    },
    "it": {
        "search": "Cerca in questo libro",
        "skip": "Vai al testo",
        "trail": "Sei qui",
        "pager": "Pagine",
        "previous": "Precedente",
        "next": "Successivo",
        "page_mark": "Pagina {n} dell’edizione a stampa",
    },
    "ru": {
        "search": "Поиск по книге",
        "skip": "К тексту",
        "trail": "Вы здесь",
        "pager": "Страницы",
        "previous": "Назад",
        "next": "Далее",
        "page_mark": "Страница {n} печатного издания",
    },
}


def web_words(language: str) -> dict[str, str]:
    words = dict(WORDS["en"])
    words.update(WORDS.get((language or "en").split("-")[0].lower(), {}))
    return words


@dataclass
class WebPage:
    name: str  # file name in the folder
    title: str
    kind: str  # index, part, text, section
    texts: tuple[m.Text, ...] = ()  # the texts (or the text) whose words this page holds
    sections: tuple[SectionView, ...] = ()  # a section page: its section; else every section of its texts
    header: bool = False  # the page opens with its text's title block
    part: m.Part | None = None
    language: str = "en"
    trail: tuple[tuple[str | None, str], ...] = ()  # where-am-I: (href or None for this page, title)
    previous: tuple[str, str] | None = None
    next: tuple[str, str] | None = None
    markup: str = field(default="", repr=False)


def one_page(book: m.Book, profile: str) -> bool:
    """A handout, a short text or a text of one section is read on one page."""
    if book.is_volume:
        return False
    text = book.texts[0]
    return profile == "handout" or len(text.sections) <= 1 or text_length(text) <= LONG_TEXT


def plan(book: m.Book, renderer: Renderer, flavour, profile: str) -> list[WebPage]:
    """The pages of the site in reading order, with their trails and previous/next links."""
    views = renderer.sections(book, flavour)
    meta = book.metadata
    index = WebPage("index.html", meta.title, "index", language=meta.language)
    pages = [index]
    if one_page(book, profile):
        index.texts = book.texts
    elif not book.is_volume:
        text = book.texts[0]
        for n, view in enumerate(views[text.id], 1):
            pages.append(WebPage(f"c{n:03d}.html", view.title, "section", (text,), (view,), header=n == 1,
                                 language=text.metadata.language,
                                 trail=(("index.html", meta.title), (None, view.title))))
    else:
        counter = 0
        for p_index, part in enumerate(book.parts, 1):
            part_trail: tuple = (("index.html", meta.title),)
            if part.title:
                name = f"part-{p_index}.html"
                pages.append(WebPage(name, part.title, "part", part=part, language=meta.language,
                                     trail=(*part_trail, (None, part.title))))
                part_trail = (*part_trail, (name, part.title))
            for text in part.texts:
                counter += 1
                pages.append(WebPage(f"text-{counter}.html", text.metadata.title, "text", (text,), header=True,
                                     language=text.metadata.language,
                                     trail=(*part_trail, (None, text.metadata.title))))
    index.trail = ((None, meta.title),)
    for before, after in zip(pages, pages[1:]):
        before.next = (after.name, after.title)
        after.previous = (before.name, before.title)
    return pages


def render_pages(book: m.Book, renderer: Renderer, flavour, profile: str, cover: CoverView | None,
                 search: bool) -> list[WebPage]:
    """Every page's markup from the web templates (``web/index.html``, ``web/page.html``)."""
    ctx = renderer.context(book, cover, flavour)
    ctx.update(web=web_words(book.metadata.language), search=search, profile=profile)
    # a handout of one text without sections lists no contents: they would name the text alone
    ctx["contents"] = not (len(ctx["toc"]) == 2 and not ctx["toc"][0].children and not book.is_volume)
    pages = plan(book, renderer, flavour, profile)
    for page in pages:
        template = "web/index.html" if page.kind == "index" else "web/page.html"
        page.markup = renderer.env.get_template(template).render(ctx, page=page, part=page.part)
    return pages
