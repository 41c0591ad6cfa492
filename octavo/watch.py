"""--watch: build, then build again whenever something the build reads changes.

What is watched is what the last build read: each input (a source, a manifest), the texts of each
volume, each image by its resolved name (and each name a missing image was looked for at, so its
appearing is seen and nothing else in its folder is), the files of ``--templates`` and the style
sheets of ``--styles``; and, where new inputs may appear (``sources/`` and ``volumes/`` with no
INPUT, a folder given as INPUT), a new ``.md`` or ``.toml``. Never the output folder, the cache,
a log or any other file: an editor's temporary files (``.#name.md``, ``name.md~``, ``.name.swp``)
and unrelated files never start a build. Each rebuild goes through the cache, so only what changed
is built. A broken input is reported and watching goes on; Ctrl-C ends it quietly (exit status 0).
The only module that knows watchfiles.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .atomic import TMP_MARK
from .cache import FOLDER
from .config import Config

INPUT_SUFFIXES = (".md", ".toml")


@dataclass
class Watched:
    """The files one build read, and the folders where a new input may appear: ``watched(change,
    path)`` says whether a change matters."""

    files: set[Path] = field(default_factory=set)  # resolved: each file a change to which is rebuilt
    new_inputs: set[Path] = field(default_factory=set)  # folders where a new .md or .toml is a new input
    trees: list[tuple[Path, tuple[str, ...]]] = field(default_factory=list)  # --templates (any file), --styles (.css)
    never: list[Path] = field(default_factory=list)  # the output folder (and its cache)

    def __call__(self, change, path: str) -> bool:
        p = Path(path).absolute()
        if _temporary(p.name) or any(p.is_relative_to(n) for n in self.never) or FOLDER in p.parts:
            return False
        resolved = p.resolve()
        if resolved in self.files or p in self.files:
            return True
        if p.parent.resolve() in self.new_inputs and p.suffix.lower() in INPUT_SUFFIXES:
            return True
        return any(resolved.is_relative_to(root) and (not suffixes or p.suffix.lower() in suffixes)
                   for root, suffixes in self.trees)

    def folders(self) -> list[Path]:
        """The fewest folders that hold everything watched (watchfiles watches each one's tree)."""
        found = {f.parent for f in self.files} | self.new_inputs | {root for root, _ in self.trees}
        found = {f for f in found if f.is_dir()}
        return sorted(f for f in found if not any(f != g and f.is_relative_to(g) for g in found))


def watched(config: Config, report=None) -> Watched:
    """What the build of ``config`` reads, from its report (None before the first build: the inputs)."""
    w = Watched(never=[config.output.absolute().resolve()])
    if not config.inputs:
        w.new_inputs |= {(config.project / "sources").resolve(), (config.project / "volumes").resolve()}
    for path in config.inputs:
        if path.is_dir():
            w.new_inputs.add(path.resolve())
    for path in config.all_inputs():
        w.files.add(path.absolute().resolve())
        if not path.exists():
            w.new_inputs.add(path.absolute().parent.resolve())  # a missing input: seen when it appears
        elif path.suffix.lower() == ".toml":  # its texts, even when one has errors (the volume read none)
            w.files |= {(path.parent / text).absolute().resolve() for text in _texts(path)}
    for result in report.results if report is not None else ():
        w.files |= {p.absolute().resolve() for p in result.reads}
    if config.templates is not None:
        w.trees.append((config.templates.resolve(), ()))
    if config.styles is not None:
        w.trees.append((config.styles.resolve(), (".css",)))
    return w


def _texts(manifest: Path) -> list[str]:
    import tomllib

    try:
        texts = tomllib.loads(manifest.read_text(encoding="utf-8-sig")).get("texts", [])
    except (OSError, ValueError):
        return []
    return [t["source"] for t in texts if isinstance(t, dict) and isinstance(t.get("source"), str)] \
        if isinstance(texts, list) else []


def _temporary(name: str) -> bool:
    """An editor's or a build's temporary file: never a change to the book."""
    return (name.startswith((".#", "#", ".~")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".bak", "#"))
            or TMP_MARK in name or name.isdigit())  # vim writes a file named 4913 to test the folder


def watch(config: Config, rebuild: Callable[[], tuple[int, object]]) -> int:
    """Run ``rebuild`` now and after every change until interrupted (Ctrl-C: exit status 0)."""
    try:
        return _watch(config, rebuild)
    except KeyboardInterrupt:
        return 0


def _watch(config: Config, rebuild: Callable[[], tuple[int, object]]) -> int:
    import logging

    from watchfiles import watch as changes

    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # its "KeyboardInterrupt caught": Ctrl-C is quiet

    report = _safely(rebuild)
    while True:
        what = watched(config, report)
        folders = what.folders()
        print(f"watching {len(folders)} folder{'s' if len(folders) != 1 else ''} for changes (Ctrl-C stops)",
              flush=True)
        for batch in changes(*folders, watch_filter=what, debounce=400, raise_interrupt=False):
            names = sorted({Path(p).name for _, p in batch})
            print(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}", flush=True)
            report = _safely(rebuild)
            now = watched(config, report)
            if now != what:  # another image, a text a manifest now names, a new source
                break
        else:
            return 0  # interrupted


def _safely(rebuild: Callable[[], tuple[int, object]]):
    """The report of one build (None if it stopped); watching goes on whatever one build did."""
    try:
        return rebuild()[1]
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001
        print(f"error: the build stopped: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return None
