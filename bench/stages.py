#!/usr/bin/env python3
"""One build, with the CPU time of each stage of the pipeline (bench/run.py runs it in a process of its own).

    python bench/stages.py TREE OUT.json -- BUILD ARGUMENTS...

``TREE`` is the checkout whose ``octavo`` package is built with (this one, or a ``--compare`` ref's
temporary worktree). Each stage is a list of the functions that do its work, named by module and
qualified name; a function is wrapped when its module is first imported, so what the build imports
lazily stays lazy, and a function a ref does not have is skipped (its stage reads 0). Times are
*exclusive* CPU seconds of this process (``time.process_time``): a stage called inside another (the
page-list inside the EPUB writer, the margin numbers inside the layout) is taken out of the outer
one, so the stages add up to at most the whole. What no stage claims (interpreter start, imports,
argument parsing, the build cache, the report) is ``other``; CPU time of child processes (``git log``
for the book's date, the writers forked by ``-j 2``) is ``children``. Measure with ``-j 1``. The build
ends as build.py ends it (``cli.command`` where the tree has one, else ``cli.main``): the process's
shutdown is in the whole process's CPU time that bench/run.py reads.
"""
from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import json
import resource
import sys
import time

STAGES: dict[str, tuple[str, ...]] = {
    "read": ("octavo.sources:read_source", "octavo.volume:read_manifest"),
    "dialect": ("octavo.languages:language_of", "octavo.dialect:prepare"),
    "parse": ("octavo.markup:parse_text",),
    "resolve": ("octavo.resolve:build_text", "octavo.volume:volume_book", "octavo.pipeline:single_book"),
    "date": ("octavo.pipeline:book_date",),
    "render": ("octavo.render:Renderer.print_html", "octavo.render:Renderer.toc", "octavo.render:Renderer.epub_pages",
               "octavo.print_edition:flavour", "octavo.pipeline:paragraph_numbers", "octavo.stitch:split"),
    "cover": ("octavo.cover:book_cover",),
    "glyph check": ("octavo.glyphs:unprintable",),
    "layout": ("octavo.pdf:layout",),
    "margin numbers": ("octavo.pdf:numbers_to_the_wide_margin",),
    "footnote checks": ("octavo.pdf:misplaced_footnotes", "octavo.pdf:placed_footnotes",
                        "octavo.print_edition:lost_footnotes"),
    "page-list": ("octavo.pagelist:page_breaks", "octavo.epub:_mark_pages"),
    "preflight": ("octavo.print_edition:preflight",),
    "write EPUB": ("octavo.epub:write_epub",),
    "write PDF": ("octavo.pdf:write", "octavo.stitch:stitch"),
    "write web": ("octavo.web:write_site",),  # the web edition's pages (its Pagefind index is a stage of its own)
    "search index": ("octavo.web.search:index",),
    "validation": ("octavo.validate:check_books", "octavo.pipeline:check_outputs"),
}

_clock = time.process_time
_seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
_calls: dict[str, int] = dict.fromkeys(STAGES, 0)
_stack: list[list] = []  # [stage, start, seconds of stages inside it]
_wrapped: dict[int, object] = {}  # id(original) -> wrapper, so a name imported twice is wrapped once


def _timed(stage: str, function):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        frame = [stage, _clock(), 0.0]
        _stack.append(frame)
        try:
            return function(*args, **kwargs)
        finally:
            _stack.pop()
            spent = _clock() - frame[1]
            _seconds[stage] += spent - frame[2]
            _calls[stage] += 1
            if _stack:
                _stack[-1][2] += spent
    timed.__bench_stage__ = stage
    return timed


_targets: dict[str, list[tuple[str, str]]] = {}
for _stage, _names in STAGES.items():
    for _name in _names:
        _module, _qualname = _name.split(":")
        _targets.setdefault(_module, []).append((_qualname, _stage))


def _patch(module) -> None:
    for qualname, stage in _targets.get(module.__name__, ()):
        owner, _, attr = qualname.rpartition(".")
        holder = getattr(module, owner, None) if owner else module
        original = getattr(holder, attr, None) if holder is not None else None
        if original is None or hasattr(original, "__bench_stage__"):
            continue
        wrapper = _wrapped.setdefault(id(original), _timed(stage, original))
        setattr(holder, attr, wrapper)
        # a module imported earlier with ``from .x import name`` holds the unwrapped function
        for other in list(sys.modules.values()):
            if getattr(other, "__name__", "").startswith("octavo") and other is not module:
                for key, value in list(vars(other).items()):
                    if value is original:
                        setattr(other, key, wrapper)


class _Finder(importlib.abc.MetaPathFinder):
    """Wraps the stages' functions in each octavo module right after it is executed."""

    def find_spec(self, name, path=None, target=None):
        if name != "octavo" and not name.startswith("octavo."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            _patch(module)
        spec.loader.exec_module = exec_module
        return spec


def main() -> int:
    tree, out, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    sys.path.insert(0, tree)
    sys.meta_path.insert(0, _Finder())
    from octavo import cli

    sys.argv = [sys.argv[0], *rest]
    ends = getattr(cli, "command", cli.main)  # as build.py runs it: main, then what a process that ends does
    try:
        status = ends()
    except SystemExit as exc:
        status = exc.code
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = _clock()
    stages = {k: round(v, 4) for k, v in _seconds.items()}
    stages["other"] = round(total - sum(_seconds.values()), 4)
    stages["children"] = round(children.ru_utime + children.ru_stime, 4)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"status": status, "cpu_seconds": round(total, 4), "stages": stages, "calls": _calls,
                   "rusage_self": me.ru_utime + me.ru_stime, "peak_mib": me.ru_maxrss / 1024}, handle, indent=1)
    return 0 if status in (0, None) else int(status)


if __name__ == "__main__":
    sys.exit(main())
