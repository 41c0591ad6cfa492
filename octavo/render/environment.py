"""The Jinja environment: the built-in templates (a user's folder first), compiled once per process
and on disk, autoescaping on, undefined names errors, template mistakes as diagnostics at their file
and line. The only module that imports Jinja."""
from __future__ import annotations

import functools
import pickle
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import messages
from ..diagnostics import ERROR, Diagnostic, Location, OctavoError
from ..resources import TEMPLATES as DEFAULT_TEMPLATES
from .credits import listing, subjects
from .typography import NUMERAL, poem_list, poem_number, running_head, small_capitals, without_stop


def fill(message: str, **values) -> Markup:
    """A catalogue message with its ``{placeholders}`` filled: text is escaped, ready markup (a link,
    ``<code>`` names) is kept."""
    return Markup.escape(message).format(**values)


# --- the template environment: compiled once per process (and on disk), errors at file and line ---

class _Template(jinja2.Template):
    def render(self, *args, **kwargs) -> str:
        try:
            return super().render(*args, **kwargs)
        except jinja2.TemplateError as exc:  # a mistake in a template, most likely the user's own
            raise OctavoError([template_diagnostic(exc)]) from exc


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):  # damaged: compile again
            bucket.reset()


@functools.lru_cache(maxsize=16)
def environment(templates: Path | None = None, cache: Path | None = None) -> jinja2.Environment:
    """The Jinja environment over the built-in templates, a user folder first; one per process."""
    loaders = [jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES))]
    if templates is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(templates)))
    bytecode = None
    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            bytecode = _BytecodeCache(str(cache))
        except OSError:  # an unwritable cache folder only costs compiling
            bytecode = None
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode,
    )
    env.template_class = _Template
    # ready markup from this module passes; anything else is escaped (templates of older versions)
    env.filters["fragment"] = lambda value: value if isinstance(value, Markup) else Markup.escape(value or "")
    env.filters["fill"] = fill  # a catalogue sentence with its {placeholders} filled, escaped
    env.filters["direction"] = messages.direction
    env.filters["listing"] = listing  # credits: the archive's sections, without the title
    env.filters["subjects"] = subjects  # credits: tags as subjects
    env.filters["running"] = running_head  # print: a running head that never wraps
    env.filters["caps"] = lambda title: " caps" if small_capitals(title) else ""  # a class: set in small capitals
    env.filters["numeral"] = lambda title: bool(NUMERAL.fullmatch(title or ""))  # a poem's number as its title
    env.filters["poem_number"] = poem_number  # (number, rest) of "XVIII. THE BOOK OF MARTYRS."
    env.filters["poem_list"] = _poem_list
    env.filters["without_stop"] = without_stop  # contents: "I. LIFE." listed as "I. LIFE"
    return env


def _poem_list(items) -> str:
    """poem_list of a list of contents entries; the credits closing a book's list are not a poem."""
    poems = [e for e in items if e.kind != "colophon"]
    return poem_list([e.title for e in poems], not any(e.children for e in poems), all(e.first_line for e in poems))


def check_templates(templates: Path) -> list[Diagnostic]:
    """Compile every template of a user's folder: syntax errors at their file and line, before any build."""
    env = environment(templates)
    problems = []
    for name in jinja2.FileSystemLoader(str(templates)).list_templates():
        try:
            env.get_template(name)
        except jinja2.TemplateError as exc:
            problems.append(template_diagnostic(exc))
    return problems


def template_diagnostic(exc: jinja2.TemplateError) -> Diagnostic:
    """A Jinja error as a diagnostic at the template's file and line (syntax errors carry them; for
    errors while rendering, Jinja puts the template's lines into the traceback)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = Location(Path(exc.filename), exc.lineno) if exc.filename else None
        return Diagnostic(ERROR, "template.syntax", f"template syntax error: {exc.message}", where)
    where, tb = None, exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xhtml", ".xml", ".opf", ".j2")) and Path(filename).is_file():
            where = Location(Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template not found: {exc.name}"
    else:
        message = f"template error: {exc.message or type(exc).__name__}"
    return Diagnostic(ERROR, "template.error", message, where)

