#!/usr/bin/env python3
"""Every book's EPUB reading text, to compare the output of two versions of Octavo.

    python bench/epub_text.py dump OUT [--root CHECKOUT]   # build the books, write OUT/NAME.txt
    python bench/epub_text.py diff BEFORE AFTER            # list every difference

The books are the shared corpus, the lessons, the seed (sources/*.md) and the volumes
(volumes/*.toml), built as EPUB only (``--force -j 1``) by ``CHECKOUT/build.py``, so a copy of
another commit (``git archive main | tar -x -C /tmp/base``) builds with its own code. Each book's
text is its package metadata (one ``dc:``/``meta`` element a line) and then each spine document's
blocks in reading order, one line per block (its tag, class and text, whitespace collapsed; a
``pre`` keeps every character, its line ends written \\n). The build's diagnostics go to OUT/diagnostics.txt.
"""
from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "td", "th", "caption", "dt", "dd",
          "figcaption", "hr", "div", "section", "aside", "header", "footer", "table", "tr", "ul", "ol", "dl"}
XHTML = "{http://www.w3.org/1999/xhtml}"


def inputs(root: Path) -> list[Path]:
    found = sorted((SHARED / "corpus").glob("*.md")) + sorted((SHARED / "lessons").glob("*.md"))
    return found + sorted((root / "sources").glob("*.md")) + sorted((root / "volumes").glob("*.toml"))


def blocks(el, out: list[str]) -> None:
    """One line per block that holds text of its own (nested blocks get their own lines)."""
    tag = etree.QName(el).localname
    own, inner = [el.text or ""], []
    for child in el:
        if not isinstance(child.tag, str):
            own.append(child.tail or "")
            continue
        if etree.QName(child).localname in BLOCKS:
            blocks(child, inner)
        else:
            own.append("".join(child.itertext()))
        own.append(child.tail or "")
    text = "".join(own)
    text = text.replace("\n", "\\n") if tag == "pre" else " ".join(text.split())  # a pre: every character
    if text or tag == "hr" or (not inner and tag not in ("div", "section")):
        label = tag + ("." + el.get("class").replace(" ", ".") if el.get("class") else "")
        out.append(f"{label}: {text}")
    out.extend(inner)


def reading_text(epub: Path) -> str:
    lines: list[str] = []
    with zipfile.ZipFile(epub) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        for el in opf.find("{*}metadata"):
            if isinstance(el.tag, str) and etree.QName(el).localname != "meta" or el.get("property") not in (
                    None, "dcterms:modified"):
                name = el.get("property") or etree.QName(el).localname
                lines.append(f"meta {name}: {' '.join((el.text or '').split())}")
        items = {i.get("id"): i.get("href") for i in opf.iter("{*}item")}
        for ref in opf.iter("{*}itemref"):
            href = items[ref.get("idref")]
            lines.append(f"=== {href}")
            doc = etree.fromstring(z.read(base + href))
            body = doc.find(f"{XHTML}body")
            out: list[str] = []
            for child in body:
                blocks(child, out)
            lines += out
    return "\n".join(lines) + "\n"


def dump(out: Path, root: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([sys.executable, str(root / "build.py"), "--format", "epub", "--force", "-j", "1",
                               "-o", tmp, *map(str, inputs(root))], cwd=root, capture_output=True, text=True)
        log = "\n".join(sorted((done.stdout + done.stderr).replace(tmp, "OUT").replace(str(root), "ROOT")
                                .replace(str(SHARED), "SHARED").splitlines()))
        (out / "diagnostics.txt").write_text(log + "\n")
        for epub in sorted(Path(tmp).glob("*.epub")):
            (out / (epub.stem + ".txt")).write_text(reading_text(epub))


def diff(before: Path, after: Path) -> int:
    changed = 0
    names = sorted({p.name for p in before.glob("*.txt")} | {p.name for p in after.glob("*.txt")})
    for name in names:
        a = (before / name).read_text().splitlines() if (before / name).exists() else []
        b = (after / name).read_text().splitlines() if (after / name).exists() else []
        lines = list(difflib.unified_diff(a, b, f"before/{name}", f"after/{name}", n=1, lineterm=""))
        if lines:
            changed += 1
            print("\n".join(lines))
    print(f"{changed} of {len(names)} files differ", file=sys.stderr)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--root", type=Path, default=ROOT)
    c = sub.add_parser("diff")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.root.resolve())
        return 0
    return diff(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
