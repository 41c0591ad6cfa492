"""File-system-safe names for outputs and ids."""
from __future__ import annotations

import hashlib
import re
import unicodedata


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:  # e.g. a name in Chinese: keep it recognisable and unique
        slug = "text-" + hashlib.sha1(name.encode()).hexdigest()[:8]
    return slug[:80]


def unused(wanted: str, taken) -> str:
    """``wanted``, or with a number after it (``-2``, ``-3``, ...) when ``taken`` already holds it."""
    found, n = wanted, 1
    while found in taken:
        n += 1
        found = f"{wanted}-{n}"
    return found
