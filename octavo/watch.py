"""--watch: build, then build again whenever an input, an image, a template or a style changes.

The folders watched are those of the inputs (with no INPUT: ``sources/`` and ``volumes/``, so new
sources are picked up), of each volume's texts, and ``--templates``, ``--styles`` and ``--assets``;
never the output folder. Each rebuild goes through the cache, so only what changed is built. A
broken input is reported and watching goes on; Ctrl-C stops. The only module that knows watchfiles.
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Callable

from .atomic import TMP_MARK
from .cache import FOLDER
from .config import Config


def watch(config: Config, rebuild: Callable[[], int]) -> int:
    """Run ``rebuild`` now and after every change until interrupted; returns the last exit status."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes

    status = _safely(rebuild)
    while True:
        folders = watched_folders(config)
        print(f"watching {len(folders)} folder{'s' if len(folders) != 1 else ''} for changes (Ctrl-C stops)",
              flush=True)
        output = config.output.absolute()
        keep = DefaultFilter()

        def relevant(change, path: str) -> bool:
            p = Path(path)
            return (keep(change, path) and TMP_MARK not in p.name and FOLDER not in p.parts
                    and not p.is_relative_to(output))

        for batch in changes(*folders, watch_filter=relevant, debounce=400, raise_interrupt=False):
            names = sorted({Path(p).name for _, p in batch})
            print(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}", flush=True)
            status = _safely(rebuild)
            if watched_folders(config) != folders:  # a manifest now names another folder
                break
        else:
            return status  # interrupted


def _safely(rebuild: Callable[[], int]) -> int:
    try:
        return rebuild()
    except Exception as exc:  # noqa: BLE001 - watching goes on whatever one build did
        print(f"error: the build stopped: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1


def watched_folders(config: Config) -> list[Path]:
    inputs = list(config.inputs) or [config.project / "sources", config.project / "volumes"]
    folders = []
    for path in inputs:
        folders.append(path if path.is_dir() else path.parent)
        manifests = sorted(path.glob("*.toml")) if path.is_dir() else [path] if path.suffix == ".toml" else []
        for manifest in manifests:
            folders += [(manifest.parent / text).parent for text in _texts(manifest)]
    folders += [f for f in (config.templates, config.styles, *config.assets) if f is not None]
    found = {f.resolve() for f in folders if f.is_dir()}
    return sorted(f for f in found if not any(f != g and f.is_relative_to(g) for g in found))


def _texts(manifest: Path) -> list[str]:
    try:
        texts = tomllib.loads(manifest.read_text(encoding="utf-8-sig")).get("texts", [])
    except (OSError, ValueError):
        return []
    return [t["source"] for t in texts if isinstance(t, dict) and isinstance(t.get("source"), str)]
