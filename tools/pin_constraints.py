#!/usr/bin/env python3
"""Write constraints.txt: every package Octavo and its test extra pull in, at the installed version.

Run it after a green run of both test tiers with the constraints dropped (see CONTRIBUTING.md):
the versions installed then are the ones known to pass, and CI installs exactly those.

    python tools/pin_constraints.py > constraints.txt
"""
from __future__ import annotations

import re
import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOTS = ("octavo[test]",)


def closure(roots: tuple[str, ...]) -> dict[str, str]:
    """Canonical name -> installed version, for the roots and everything they require (with the
    environment markers of this interpreter)."""
    pinned: dict[str, str] = {}
    pending = [Requirement(r) for r in roots]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        req = pending.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            sys.exit(f"{req.name} is not installed: install the project with its test extra first")
        if key[0] != "octavo":
            pinned[key[0]] = dist.version
        for spec in dist.requires or ():
            child = Requirement(spec)
            environment = [{"extra": extra} for extra in req.extras] or [{"extra": ""}]
            if child.marker is None or any(child.marker.evaluate(env) for env in environment):
                pending.append(child)
    return pinned


def main() -> None:
    pinned = closure(ROOTS)
    print("# Versions known to pass both test tiers; CI installs with `-c constraints.txt`.")
    print("# Made by tools/pin_constraints.py; see CONTRIBUTING.md for how to move them forward.")
    for name in sorted(pinned):
        if not re.fullmatch(r"[a-z0-9.-]+", name):
            continue
        print(f"{name}=={pinned[name]}")


if __name__ == "__main__":
    main()
