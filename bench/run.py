#!/usr/bin/env python3
"""Octavo's speed and memory, each figure a ratio against its peer measured in the same run.

    pip install -e '.[test,bench]'
    python bench/run.py [--repeat 3] [--quick] [--only NAME ...]

Every build runs as a whole process, as a user runs it (imports included); we report the median
wall time of ``--repeat`` runs, the CPU time and the peak resident memory (of the process and its
workers), and the load average when it started (the machine is shared: at a load above the number
of cores, -j 2 cannot get two cores). Trust the ratios, not the seconds. Peers:

- seed-epub: the seed essay's EPUB against Pandoc's (``-M lang=en --toc``). Goal <= 0.6x.
- corpus-j2: the shared corpus (all 28 texts; EPUB and PDF, or EPUB only with ``--quick``) with
  ``-j 2`` against ``-j 1``, both ``--force``. Goal <= 0.6x.
- unchanged: the corpus built again with nothing changed, against the ``-j 1`` build. Goal <= 0.5 s.
- long-pdf: a 700-page PDF (the seed's body 20 times, laid out in chunks and stitched) with ``-j 2``
  against Pandoc with ``--pdf-engine=weasyprint`` on the same text. Goal <= 0.6x. Beside it, the same
  build with ``-j 1`` and in one piece (stitching off), each against Pandoc.
- long-web: the web edition (``--format html``, ``-j 1``) of the seed's body 20 times (about 700
  printed pages), against Pandoc's ``-s --toc -o x.html`` on the same text, interleaved. Goal: at
  most Pandoc's CPU time (<= 1.0x, judged on CPU seconds: the machine is shared).
- largest-pdf: the largest corpus text's PDF (Wealth of Nations, stitched, ``-j 1``), peak memory.
  Goal <= 300 MiB; its peer is the same text's PDF in one piece.
- preflight: the preflight (reading the laid-out pages and checking them, ``--check``) on Capital
  ch. 15 (214 A5 pages, tables and footnotes), against the layout of the same book, in one process,
  medians of ``--repeat`` runs of each phase. Goal <= 0.1x.

``--compare REF`` runs other measures: the same builds on this tree and on git ref ``REF`` (checked out
with ``git worktree add`` into a temporary folder; the current tree is never touched), and Pandoc,
interleaved round by round, each through bench/stages.py so that every run also gives the CPU time
of each stage. It prints, per measure, the CPU seconds (user + system of the process and its
children: on a shared machine wall time means little), the ratios this/REF and each against
Pandoc, whether both trees wrote the same bytes, and each stage's share of both. Its measures:
seed-epub, seed-pdf, long-epub, long-pdf (the seed's body 20 times; ``-j 1``), ``--only`` picks some;
``--scale`` adds the seed's body at 1x, 2x, 4x and 8x (EPUB and PDF) to show how each stage grows;
``--cold`` gives every measured build an empty user cache folder (a first build: no compiled
templates, static font instances or generated covers kept from an earlier build).

Results are also written to ``bench/results/latest.json`` (not committed); bench/RESULTS.md keeps
the figures with machine and date. Speed is never asserted in tests.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SEED = ROOT / "sources" / "stalin-trotskyism-or-leninism-1924.md"
LARGEST = CORPUS / "smith-wealth-of-nations.md"
OCTAVO = [sys.executable, str(ROOT / "build.py")]
ONE_PIECE = [sys.executable, "-c", "import sys; from octavo import cli, stitch; stitch.LONG = float('inf'); "
             "sys.exit(cli.main())"]  # the same build, never stitched: the peer of a stitched PDF
# as a user runs it: no SOURCE_DATE_EPOCH, and modules cached as .pyc files, as an installed package has them
ENV = {**{k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PYTHONDONTWRITEBYTECODE")},
       "PYTHONPATH": str(ROOT)}


def measure(cmd: list[str], repeat: int = 1) -> dict:
    """Median wall seconds and peak RSS (MiB) of ``repeat`` runs of a whole process."""
    times, peaks, cpu, load = [], [], [], []
    for _ in range(repeat):
        load.append(os.getloadavg()[0])
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        cpu.append(usage.ru_utime + usage.ru_stime)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(cmd)}\n"
                             f"{proc.stderr.read().decode()[-2000:]}")
        proc.stderr.close()
    return {"seconds": statistics.median(times), "peak_mib": max(peaks), "cpu_seconds": statistics.median(cpu),
            "load": statistics.mean(load)}


def pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def figure(name: str, what: str, ours: dict, peer_name: str, peer: dict | None, goal: str, met: bool | None,
           note: str = "") -> dict:
    ratio = ours["seconds"] / peer["seconds"] if peer else None
    return {"name": name, "what": what, "octavo": ours, "peer_name": peer_name, "peer": peer, "ratio": ratio,
            "goal": goal, "met": met, "note": note}


def seed_epub(tmp: Path, repeat: int) -> dict:
    octavo = [*OCTAVO, str(SEED), "--format", "epub", "-o", str(tmp / "seed"), "-q", "--force", "-j", "1"]
    peer_cmd = [pandoc(), str(SEED), "-f", "markdown", "-M", "lang=en", "--toc", "-o", str(tmp / "seed.epub")]
    runs = {"ours": [], "peer": []}
    for _ in range(repeat):  # interleaved, so both see the same machine (it is shared)
        runs["ours"].append(measure(octavo))
        runs["peer"].append(measure(peer_cmd))
    ours, peer = _median(runs["ours"]), _median(runs["peer"])
    ratio = ours["seconds"] / peer["seconds"]
    return figure("seed-epub", "seed EPUB, whole process", ours, "Pandoc EPUB", peer, "<= 0.6x", ratio <= 0.6)


def _median(runs: list[dict]) -> dict:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def corpus(tmp: Path, formats: str, repeat: int) -> list[dict]:
    inputs = [str(p) for p in sorted(CORPUS.glob("*.md"))]
    out = tmp / "corpus"
    runs = {1: [], 2: []}
    for _ in range(repeat):  # interleaved, so both see the same machine (it is shared)
        for jobs in (1, 2):
            runs[jobs].append(measure([*OCTAVO, *inputs, "--format", formats, "-o", str(out), "-q", "--force",
                                       "-j", str(jobs)]))
    one, two = (_median(runs[j]) for j in (1, 2))
    unchanged = measure([*OCTAVO, *inputs, "--format", formats, "-o", str(out), "-q"], 3)
    what = f"corpus ({len(inputs)} texts, {'EPUB and PDF' if formats == 'epub,pdf' else 'EPUB'})"
    r = two["seconds"] / one["seconds"]
    return [figure("corpus-j2", f"{what}, -j 2", two, "-j 1", one, "<= 0.6x", r <= 0.6),
            figure("unchanged", f"{what}, unchanged rebuild", unchanged, "-j 1 full build", one, "<= 0.5 s",
                   unchanged["seconds"] <= 0.5)]


def repeated_seed(folder: Path, times: int, name: str = "long-seed") -> Path:
    """The seed essay with its body repeated ``times`` times (the front matter once)."""
    text = SEED.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    source = folder / f"{name}.md"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(head + "\n---\n" + "\n\n".join([body] * times), encoding="utf-8")
    return source


def long_pdf(tmp: Path) -> list[dict]:
    source = repeated_seed(tmp / "long", 20)
    build = lambda command, jobs: measure([*command, str(source), "--format", "pdf", "-o", str(tmp / "long"),  # noqa: E731
                                          "-q", "--force", "-j", str(jobs)])
    two, one, whole = build(OCTAVO, 2), build(OCTAVO, 1), build(ONE_PIECE, 1)
    peer = measure([pandoc(), str(source), "-f", "markdown", "-M", "lang=en", "--toc", "--pdf-engine=weasyprint",
                    "-o", str(tmp / "long" / "pandoc.pdf")])
    pages = _pages(tmp / "long" / "long-seed.pdf")
    what = f"{pages}-page PDF (seed body x20)"
    figures = []
    for name, ours, how in (("long-pdf", two, "stitched, -j 2"), ("long-pdf-j1", one, "stitched, -j 1"),
                            ("long-pdf-whole", whole, "one piece")):
        ratio = ours["seconds"] / peer["seconds"]
        figures.append(figure(name, f"{what}, {how}", ours, "Pandoc via WeasyPrint", peer, "<= 0.6x", ratio <= 0.6))
    return figures


def long_web(tmp: Path, repeat: int) -> dict:
    """The web edition of a 700-page text against Pandoc's standalone HTML with contents."""
    source = repeated_seed(tmp / "long-web", 20)
    octavo = [*OCTAVO, str(source), "--format", "html", "-o", str(tmp / "long-web"), "-q", "--force", "-j", "1"]
    peer_cmd = [pandoc(), str(source), "-f", "markdown", "-s", "--toc", "-M", "lang=en",
                "-o", str(tmp / "long-web" / "pandoc.html")]
    runs = {"ours": [], "peer": []}
    for _ in range(repeat):  # interleaved, so both see the same machine (it is shared)
        runs["ours"].append(measure(octavo))
        runs["peer"].append(measure(peer_cmd))
    ours, peer = _median(runs["ours"]), _median(runs["peer"])
    met = ours["cpu_seconds"] <= peer["cpu_seconds"]
    return figure("long-web", "web edition of the seed body x20 (--format html, -j 1)", ours,
                  "Pandoc -s --toc HTML", peer, "<= 1.0x CPU", met, "judged on CPU seconds")


def largest_pdf(tmp: Path) -> dict:
    build = lambda command: measure([*command, str(LARGEST), "--format", "pdf", "-o", str(tmp / "largest"),  # noqa: E731
                                     "-q", "--force", "-j", "1"])
    ours, peer = build(OCTAVO), build(ONE_PIECE)
    met = ours["peak_mib"] <= 300
    return figure("largest-pdf", f"{LARGEST.name} PDF (stitched), peak memory", ours, "one piece", peer,
                  "<= 300 MiB", met)


PREFLIGHT_BOOK = CORPUS / "marx-capital-v1-ch15.md"


def preflight_cost(repeat: int) -> dict:
    """The preflight's time against the layout's, for the same laid-out book, in this process."""
    sys.path.insert(0, str(ROOT))
    from octavo import pdf
    from octavo import preflight as checks
    from octavo.config import Config
    from octavo.pipeline import load_book, Result
    from octavo.print_edition import flavour
    from octavo.render import Renderer, stylesheet_paths

    config = Config(inputs=(PREFLIGHT_BOOK,))
    book = load_book(PREFLIGHT_BOOK, config, Result(PREFLIGHT_BOOK))
    renderer = Renderer()
    printed = flavour(book, config, pdf.footnote_room(config.paper))
    html, toc = renderer.print_html(book, "book", None, printed), renderer.toc(book, printed)
    sheets = stylesheet_paths(None, "print", ())
    runs = {"layout": [], "preflight": []}
    for _ in range(repeat):
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        laid = pdf.layout(book, html, toc, sheets, paper=config.paper)
        runs["layout"].append({"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu,
                               "peak_mib": 0, "load": load})
        wall, cpu = time.perf_counter(), time.process_time()
        found = checks.check(pdf.page_views(laid), laid.labels, laid.root)
        checks.diagnostics(found, checks.block_places(book), laid.root, None)
        runs["preflight"].append({"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu,
                                  "peak_mib": 0, "load": load})
        pages = len(laid.document.pages)
        del laid
    ours, peer = _median(runs["preflight"]), _median(runs["layout"])
    ratio = ours["seconds"] / peer["seconds"]
    return figure("preflight", f"preflight of {PREFLIGHT_BOOK.stem} ({pages} pages)", ours,
                  "its layout", peer, "<= 0.1x", ratio <= 0.1, "in one process; peak memory not measured")


def _pages(pdf: Path) -> int:
    try:
        import pypdfium2

        return len(pypdfium2.PdfDocument(str(pdf)))
    except Exception:  # noqa: BLE001 - the page count only labels the figure
        return 0


def table(figures: list[dict]) -> str:
    lines = ["| figure | Octavo | peer | ratio | CPU s, Octavo / peer | peak MiB, Octavo / peer | load | goal | met |",
             "|---|---|---|---|---|---|---|---|---|"]
    for f in figures:
        o, p = f["octavo"], f["peer"]
        lines.append(f"| {f['what']} | {o['seconds']:.2f} s | {f['peer_name']} {p['seconds']:.2f} s | {f['ratio']:.2f}x "
                     f"| {o['cpu_seconds']:.2f} / {p['cpu_seconds']:.2f} | {o['peak_mib']:.0f} / {p['peak_mib']:.0f} "
                     f"| {(o['load'] + p['load']) / 2:.1f} | {f['goal']} | "
                     f"{'yes' if f['met'] else 'no'}{' — ' + f['note'] if f['note'] else ''} |")
    return "\n".join(lines)


# --- --compare REF: the same builds on another git ref, side by side, stage by stage ----------------

STAGES_SCRIPT = Path(__file__).resolve().parent / "stages.py"
COMPARED = ("seed-epub", "seed-pdf", "long-epub", "long-pdf")


def ref_tree(ref: str, tmp: Path) -> Path:
    """``ref`` checked out (detached) in a temporary worktree; the current tree is not touched."""
    tree = tmp / "ref-tree"
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(tree), ref], cwd=ROOT, check=True)
    return tree


def drop_tree(tree: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)


def staged(tree: Path, args: list[str], tmp: Path, cold: bool = False) -> dict:
    """One build by ``tree``'s Octavo as a whole process: its CPU time (with children), peak memory,
    wall time, and each stage's CPU seconds (bench/stages.py). ``cold``: with an empty user cache
    folder (no compiled templates, static fonts or covers kept: a first build)."""
    report = tmp / "stages.json"
    env = {**ENV, "PYTHONPATH": str(tree)}
    if cold:
        env["OCTAVO_CACHE_DIR"] = tempfile.mkdtemp(prefix="cache-", dir=tmp)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(STAGES_SCRIPT), str(tree), str(report), "--", *args], cwd=tree,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    errors = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}) in {tree}: {' '.join(args)}\n{errors[-2000:]}")
    stages = json.loads(report.read_text())
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024,
            "load": load, "stages": stages["stages"]}


def compare_measures(tmp: Path, wanted: list[str], scale: bool) -> list[tuple[str, str, Path, str]]:
    """(name, label, source, format) of each measure."""
    seed_like = {"seed": SEED, "long": repeated_seed(tmp / "sources", 20)}
    measures = []
    for name in wanted:
        text, fmt = name.split("-")
        label = {"seed": "seed", "long": "seed body x20"}[text]
        measures.append((name, f"{label} {fmt.upper()}", seed_like[text], fmt))
    if scale:
        for times in (1, 2, 4, 8):
            source = repeated_seed(tmp / "sources", times, f"seed-x{times}")
            for fmt in ("epub", "pdf"):
                measures.append((f"x{times}-{fmt}", f"seed body x{times} {fmt.upper()}", source, fmt))
    return measures


def compare(ref: str, wanted: list[str], repeat: int, scale: bool, peer: bool = True, cold: bool = False) -> dict:
    """Every measure on this tree, on ``ref`` and by Pandoc, interleaved ``repeat`` times; medians.
    ``cold``: every measured build starts with an empty user cache folder."""
    results = {"ref": ref, "cold": cold, "measures": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        other = ref_tree(ref, tmp)
        try:
            trees = {"this": ROOT, "ref": other}
            for who, tree in trees.items():  # compiles each tree's modules to .pyc files: not measured
                staged(tree, [str(SEED), "--format", "epub", "-o", str(tmp / "warm-up" / who), "-q", "--force",
                              "-j", "1"], tmp)
            for name, label, source, fmt in compare_measures(tmp, wanted, scale):
                runs = {"this": [], "ref": [], "pandoc": []}
                outputs = {}
                for round_ in range(repeat):
                    for who, tree in trees.items():
                        out = tmp / "out" / who / name
                        got = staged(tree, [str(source), "--format", fmt, "-o", str(out), "-q", "--force",
                                            "-j", "1"], tmp, cold)
                        outputs[who] = out / f"{source.stem}.{fmt}"
                        runs[who].append(got)
                    if peer:
                        pdf = ["--pdf-engine=weasyprint"] if fmt == "pdf" else []
                        runs["pandoc"].append(measure([pandoc(), str(source), "-f", "markdown", "-M", "lang=en",
                                                       "--toc", *pdf, "-o", str(tmp / f"pandoc.{fmt}")]))
                same = outputs["this"].read_bytes() == outputs["ref"].read_bytes()
                entry = {"name": name, "what": label, "same_bytes": same, "runs": repeat}
                for who, got in runs.items():
                    if got:
                        entry[who] = _median([{k: v for k, v in g.items() if k != "stages"} for g in got])
                        if who != "pandoc":
                            entry[who]["stages"] = {stage: statistics.median(g["stages"][stage] for g in got)
                                                    for stage in got[0]["stages"]}
                results["measures"].append(entry)
                print(compare_line(entry), flush=True)
        finally:
            drop_tree(other)
    return results


def compare_line(entry: dict) -> str:
    this, ref, peer = entry["this"], entry["ref"], entry.get("pandoc")
    line = (f"{entry['what']}: CPU {this['cpu_seconds']:.2f} s this, {ref['cpu_seconds']:.2f} s ref "
            f"({this['cpu_seconds'] / ref['cpu_seconds']:.2f}x)")
    if peer:
        line += f", Pandoc {peer['cpu_seconds']:.2f} s"
    return line + f"; same bytes: {'yes' if entry['same_bytes'] else 'NO'}"


def compare_tables(results: dict) -> str:
    ref = results["ref"]
    lines = [f"CPU seconds (user + system, with children), median of {results['measures'][0]['runs']} interleaved "
             f"run(s); this tree against {ref} and Pandoc:", "",
             f"| measure | this | {ref} | this / {ref} | Pandoc | this / Pandoc | {ref} / Pandoc | wall this / Pandoc "
             f"| peak MiB this / {ref} | same bytes | load |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for m in results["measures"]:
        this, other, peer = m["this"], m["ref"], m.get("pandoc")
        vs = (lambda x: f"{x['cpu_seconds'] / peer['cpu_seconds']:.2f}x") if peer else (lambda x: "-")
        lines.append(f"| {m['what']} | {this['cpu_seconds']:.2f} | {other['cpu_seconds']:.2f} | "
                     f"{this['cpu_seconds'] / other['cpu_seconds']:.2f}x | {peer['cpu_seconds'] if peer else 0:.2f} | "
                     f"{vs(this)} | {vs(other)} | "
                     f"{this['seconds'] / peer['seconds'] if peer else 0:.2f}x | {this['peak_mib']:.0f} / "
                     f"{other['peak_mib']:.0f} | {'yes' if m['same_bytes'] else 'NO'} | {this['load']:.1f} |")
    for m in results["measures"]:
        this, other = m["this"]["stages"], m["ref"]["stages"]
        total_this, total_ref = m["this"]["cpu_seconds"], m["ref"]["cpu_seconds"]
        lines += ["", f"{m['what']}: CPU seconds by stage (share of the whole process's CPU)", "",
                  f"| stage | this | {ref} | this / {ref} |", "|---|---|---|---|"]
        for stage in this:
            a, b = this[stage], other.get(stage, 0.0)
            if a < 0.0005 and b < 0.0005:
                continue
            lines.append(f"| {stage} | {a:.3f} ({100 * a / total_this:.0f} %) | {b:.3f} ({100 * b / total_ref:.0f} %) "
                         f"| {a / b if b else float('inf'):.2f}x |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each short measurement (median)")
    parser.add_argument("--corpus-repeat", type=int, default=1, help="interleaved -j 1 / -j 2 corpus runs (median)")
    parser.add_argument("--quick", action="store_true", help="EPUB-only corpus, no long or largest PDF")
    parser.add_argument("--only", nargs="*", choices=("seed-epub", "corpus", "long-pdf", "long-web", "largest-pdf",
                                                     "preflight",
                                                     *COMPARED[1:]))
    parser.add_argument("--compare", metavar="REF", help="the same builds on git ref REF, side by side, stage by stage")
    parser.add_argument("--scale", action="store_true", help="with --compare: the seed's body 1, 2, 4 and 8 times")
    parser.add_argument("--no-peer", action="store_true", help="with --compare: without Pandoc")
    parser.add_argument("--cold", action="store_true", help="with --compare: each build with an empty user cache "
                        "folder (no compiled templates, static fonts or covers kept: a first build)")
    args = parser.parse_args()
    if args.compare:
        wanted = [m for m in COMPARED if m in (args.only if args.only is not None else COMPARED)]
        results = compare(args.compare, wanted, args.repeat, args.scale, peer=not args.no_peer, cold=args.cold)
        machine = f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, {date.today()}"
        folder = ROOT / "bench" / "results"
        folder.mkdir(exist_ok=True)
        (folder / "compare.json").write_text(json.dumps({"machine": machine, **results}, indent=2))
        print(f"\n{machine}; load average at the end: {os.getloadavg()[0]:.1f}\n")
        print(compare_tables(results))
        return 0
    wanted = set(args.only or ("seed-epub", "corpus", "long-pdf", "long-web", "largest-pdf", "preflight"))
    if args.quick:
        wanted -= {"long-pdf", "largest-pdf"}
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if "seed-epub" in wanted:
            figures.append(seed_epub(tmp, args.repeat))
        if "corpus" in wanted:
            figures += corpus(tmp, "epub" if args.quick else "epub,pdf", args.corpus_repeat)
        if "long-pdf" in wanted:
            figures += long_pdf(tmp)
        if "long-web" in wanted:
            figures.append(long_web(tmp, args.repeat))
        if "largest-pdf" in wanted:
            figures.append(largest_pdf(tmp))
        if "preflight" in wanted:
            figures.append(preflight_cost(args.repeat))
    machine = f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, {date.today()}"
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps({"machine": machine, "figures": figures}, indent=2))
    print(f"{machine}; load average before the run ended: {os.getloadavg()[0]:.1f}\n")
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
