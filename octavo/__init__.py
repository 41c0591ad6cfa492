"""Octavo: Markdown sources with YAML front matter -> EPUB 3 and PDF editions from one model."""

__version__ = "0.1.0"
