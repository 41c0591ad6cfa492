"""Where Octavo's own files are: the built-in templates and styles.

In a checkout they are the repository's top-level ``templates/`` and ``styles/`` (the folders a
user copies from); an installed wheel carries the same folders inside the package
(``octavo/templates``, ``octavo/styles``, mapped in pyproject.toml).
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def data_folder(name: str) -> Path:
    """The built-in folder ``name`` ("templates" or "styles"): inside the package when installed,
    else next to it in the checkout."""
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent / name


TEMPLATES = data_folder("templates")
STYLES = data_folder("styles")
