#!/usr/bin/env python3
"""Octavo: build EPUB and PDF editions. See README.md or `python build.py --help`."""
import sys

from octavo.cli import command

if __name__ == "__main__":
    sys.exit(command())
