"""Where Octavo's own files are: the built-in templates and styles, and the user's cache folder.

In a checkout they are the repository's top-level ``templates/`` and ``styles/`` (the folders a
user copies from) and ``docs/diagnostics.md``; an installed wheel carries the same files inside the
package (``octavo/templates``, ``octavo/styles``, ``octavo/docs``, mapped in pyproject.toml).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path

from . import __version__

PACKAGE = Path(__file__).resolve().parent


def data_folder(name: str) -> Path:
    """The built-in folder ``name`` ("templates" or "styles"): inside the package when installed,
    else next to it in the checkout."""
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent / name


TEMPLATES = data_folder("templates")
STYLES = data_folder("styles")
DIAGNOSTICS = data_folder("docs") / "diagnostics.md"  # the catalogue of codes: octavo --explain reads it


CACHE_VARIABLE = "OCTAVO_CACHE_DIR"


def user_cache(name: str) -> Path | None:
    """A folder ``name`` in the user's own cache, for what Octavo loads as code (compiled templates):
    ``$OCTAVO_CACHE_DIR``, else ``$XDG_CACHE_HOME/octavo``, else ``~/.cache/octavo``, then a folder
    per Octavo version. Never the output folder, which others may write (a shared drive, a cluster's
    scratch space). None, and nothing is cached, when ``OCTAVO_CACHE_DIR`` is set empty, or the folder
    cannot be made, is not the user's own, or others may write it."""
    override = os.environ.get(CACHE_VARIABLE)
    if override is not None:
        if not override:
            return None
        base = Path(override)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = Path(xdg) / "octavo" if os.path.isabs(xdg) else Path.home() / ".cache" / "octavo"
    folder = base / __version__ / name
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for path in (base, folder):
            info = path.stat()
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None
    except (OSError, RuntimeError):  # no home folder, a read-only disk: compiling costs a little time
        return None
    return folder



def read_kept(path: Path | None) -> bytes | None:
    """A file kept in the user's cache by :func:`keep`, or None when it is missing or does not
    check out against its SHA-256 (a damaged file is never trusted)."""
    try:
        stored = path.read_bytes() if path is not None else b""
    except OSError:
        return None
    digest, data = stored[:32], stored[32:]
    if not data or hashlib.sha256(data).digest() != digest:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return data


def keep(path: Path | None, data: bytes, most: int) -> None:
    """Keep ``data`` at ``path`` with its SHA-256, written whole or not at all, and prune the folder's
    files of the same suffix to the ``most`` recently used. A cache: a full disk or a read-only folder
    only costs the next build the time."""
    if path is None:
        return
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        part.write_bytes(hashlib.sha256(data).digest() + data)
        os.replace(part, path)
        kept = sorted(path.parent.glob(f"*{path.suffix}"), key=lambda p: p.stat().st_mtime)
        for old in kept[:max(0, len(kept) - most)]:
            old.unlink()
    except OSError:
        with contextlib.suppress(OSError):
            part.unlink()
