"""Octavo: Markdown sources with YAML front matter -> EPUB 3 and PDF editions from one model."""

__version__ = "0.1.0"

from .code_cache import install as _keep_dataclass_code  # noqa: E402 (needs __version__: the cache folder's name)
from .pattern_cache import install as _keep_pattern_programs  # noqa: E402

_keep_dataclass_code()  # before any module of Octavo defines a dataclass
_keep_pattern_programs()  # before the libraries and Octavo's modules compile their expressions
