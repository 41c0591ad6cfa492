#!/usr/bin/env python3
"""Speed, memory and validity of Octavo against Pandoc, measured in the same run.

    pip install -e '.[test,bench]'
    python bench/run.py [--repeat 3] [--large] [INPUT.md ...]

Each build runs as a whole process, as a user runs it (imports included), ``--repeat`` times; we
report the median wall time and the peak resident memory, and the ratio Octavo / Pandoc. The
machine is shared and noisy: trust the ratios, not the seconds. Pandoc's EPUB gets ``-M lang``
(without it EPUBCheck rejects its language "C") and its PDF uses ``--pdf-engine=weasyprint``, so
both sides use the same PDF renderer. Both sides' EPUBs then go through EPUBCheck.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
SEED = ROOT / "sources" / "stalin-trotskyism-or-leninism-1924.md"
DEFAULT_INPUTS = [SEED, CORPUS / "marx-capital-v1-ch15.md"]
LARGE_INPUTS = [CORPUS / "smith-wealth-of-nations.md"]


def measure(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in KiB of the process and its waited children, exit status)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss, proc.returncode


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def run(inputs: list[Path], repeat: int) -> list[dict]:
    pandoc = pandoc_path()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for source in inputs:
            lang = "en"
            cases = {
                ("epub", "octavo"): [sys.executable, str(ROOT / "build.py"), str(source), "-q", "--format", "epub",
                                     "-o", str(out / "octavo")],
                ("epub", "pandoc"): [pandoc, str(source), "-f", "markdown", "-M", f"lang={lang}", "--toc",
                                     "-o", str(out / "pandoc" / f"{source.stem}.epub")],
                ("pdf", "octavo"): [sys.executable, str(ROOT / "build.py"), str(source), "-q", "--format", "pdf",
                                    "-o", str(out / "octavo")],
                ("pdf", "pandoc"): [pandoc, str(source), "-f", "markdown", "-M", f"lang={lang}", "--toc",
                                    "--pdf-engine=weasyprint", "-o", str(out / "pandoc" / f"{source.stem}.pdf")],
            }
            (out / "pandoc").mkdir(exist_ok=True)
            for (fmt, tool), cmd in cases.items():
                runs = [measure(cmd, ROOT) for _ in range(repeat)]
                rows.append({
                    "input": source.name, "size_kb": round(source.stat().st_size / 1024), "format": fmt,
                    "tool": tool, "seconds": statistics.median(r[0] for r in runs),
                    "peak_mib": max(r[1] for r in runs) / 1024, "ok": all(r[2] == 0 for r in runs),
                })
        rows += epubcheck_rows(out, inputs)
    return rows


def epubcheck_rows(out: Path, inputs: list[Path]) -> list[dict]:
    from octavo.assemble import slugify
    from octavo.validate import epubcheck

    books = {("octavo", s.name): out / "octavo" / f"{slugify(s.stem)}.epub" for s in inputs}
    books.update({("pandoc", s.name): out / "pandoc" / f"{s.stem}.epub" for s in inputs})
    present = {k: p for k, p in books.items() if p.exists()}
    results = epubcheck(list(present.values()))
    return [{"input": name, "tool": tool, "format": "epubcheck", "errors": len(results[p].errors),
             "warnings": len(results[p].warnings)} for (tool, name), p in present.items()]


def table(rows: list[dict]) -> str:
    lines = ["| input | format | Octavo s | Pandoc s | time ratio | Octavo MiB | Pandoc MiB |",
             "|---|---|---|---|---|---|---|"]
    timed = [r for r in rows if r["format"] in ("epub", "pdf")]
    for r in timed:
        if r["tool"] != "octavo":
            continue
        p = next(x for x in timed if x["input"] == r["input"] and x["format"] == r["format"] and x["tool"] == "pandoc")
        lines.append(f"| {r['input']} ({r['size_kb']} KB) | {r['format']} | {r['seconds']:.2f} | {p['seconds']:.2f} "
                     f"| {r['seconds'] / p['seconds']:.2f}x | {r['peak_mib']:.0f} | {p['peak_mib']:.0f} |")
    lines += ["", "| input | tool | EPUBCheck errors | warnings |", "|---|---|---|---|"]
    lines += [f"| {r['input']} | {r['tool']} | {r['errors']} | {r['warnings']} |" for r in rows if r["format"] == "epubcheck"]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", action="store_true", help="also the 2.2 MB Wealth of Nations")
    args = parser.parse_args()
    inputs = args.inputs or [p for p in DEFAULT_INPUTS + (LARGE_INPUTS if args.large else []) if p.exists()]
    rows = run(inputs, args.repeat)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps(rows, indent=2))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
