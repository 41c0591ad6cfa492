"""What a build prints: diagnostics as they come, one line per output, a summary. The only module
that knows rich.

On a terminal: a progress bar for the batch, a spinner with the elapsed time for each book being
built (a long PDF shows it is alive), and a summary table. Anywhere else (a log, a pipe): plain
lines only, flushed as each book finishes, ``still building NAME (2 min)`` every minute for a book
that takes long, and a one-line summary, ``N inputs: B built, U unchanged, F failed, W warnings``.
Diagnostics go to stderr (``FILE:LINE: LEVEL: MESSAGE [CODE]``), in line order, repeated warnings
of one code in one file as one line (``-v``: each); everything else to stdout.
"""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from .diagnostics import ERROR, WARNING, Diagnostic, condensed, in_line_order


HEARTBEAT = 60.0  # seconds between "still building" lines in a log


class Display:
    def __init__(self, quiet: bool = False, verbose: bool = False, out=None, err=None, terminal: bool | None = None,
                 heartbeat: float = HEARTBEAT):
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.quiet, self.verbose = quiet, verbose
        self.terminal = self.out.isatty() if terminal is None else terminal
        self.progress = None
        self.tasks: dict[Path, int] = {}
        self.heartbeat = heartbeat
        self.running: dict[Path, list[float]] = {}  # inputs being built -> [started, next line due] (a log's heartbeat)
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.beating: threading.Thread | None = None
        self.printed: set[Diagnostic] = set()  # a text's findings, said once though a volume reads it too

    # --- the build's events (octavo.pipeline.Events) ---

    def planned(self, inputs: list[Path]) -> None:
        if not self.terminal or self.quiet or len(inputs) == 0:
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(file=self.out)
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.fields[count]}"), TimeElapsedColumn(), console=console,
                                 transient=True)
        self.total, self.done = len(inputs), 0
        self.batch = self.progress.add_task("building", total=self.total, count=f"0/{self.total}")
        self.progress.start()

    def started(self, path: Path, pid: int | None) -> None:
        if self.progress is not None:
            self.tasks[path] = self.progress.add_task(path.name, total=None, count="")  # a bar that pulses
        elif not self.terminal and not self.quiet:
            with self.lock:
                now = time.monotonic()
                self.running[path] = [now, now + self.heartbeat]
            if self.beating is None:
                self.beating = threading.Thread(target=self._beat, name="octavo-heartbeat", daemon=True)
                self.beating.start()

    def _beat(self) -> None:
        """In a log: a line now and then for each book still being built, so a long PDF shows it is alive."""
        while not self.stopped.wait(self.heartbeat / 4):
            now = time.monotonic()
            with self.lock:  # held while printing: a book's own lines never come before its last beat
                for path, times in self.running.items():
                    if now >= times[1]:
                        times[1] = now + self.heartbeat
                        self._print(f"still building {path} ({_duration(now - times[0])})", self.out)

    def finished(self, result) -> None:
        with self.lock:
            self.running.pop(result.input, None)
        fresh = [d for d in result.diagnostics if d not in self.printed
                 and d.code != "build.skipped"]  # its reason was printed once, above; FAILED says the rest
        self.printed.update(fresh)
        for diagnostic in in_line_order(fresh) if self.verbose else condensed(fresh):
            if diagnostic.level == ERROR or not self.quiet:
                self._print(str(diagnostic), self.err)
        if not result.ok:
            reason = next(d for d in result.diagnostics if d.level == ERROR)
            self._print(f"FAILED {result.input}: {reason.message}", self.out)
        elif not self.quiet and (not result.unchanged or self.verbose):
            verb = "unchanged" if result.unchanged else "wrote"
            for path in result.outputs:
                self._print(f"{verb} {path}", self.out)
        if self.progress is not None:
            task = self.tasks.pop(result.input, None)
            if task is not None:
                self.progress.remove_task(task)
            self.done += 1
            self.progress.update(self.batch, completed=self.done, count=f"{self.done}/{self.total}")

    # --- the end ---

    def close(self) -> None:
        self.stopped.set()
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def summary(self, report) -> None:
        self.close()
        counts = tally(report)
        if self.terminal:
            from rich.console import Console
            from rich.table import Table

            omitted = counts["solutions_omitted"]
            table = Table(title=f"{counts['inputs']} input{'s' if counts['inputs'] != 1 else ''}", title_justify="left",
                          caption=f"{omitted} solution{'s' if omitted != 1 else ''} left out" if omitted else None)
            for name, style in (("built", "green"), ("unchanged", "dim"), ("failed", "red"), ("warnings", "yellow")):
                table.add_column(name, justify="right", style=style if counts[name] else None)
            table.add_row(*(str(counts[name]) for name in ("built", "unchanged", "failed", "warnings")))
            Console(file=self.out).print(table)
        else:
            self._print(summary_line(counts), self.out)

    def checked(self, problems: list[Diagnostic]) -> None:
        """Mistakes in the user's templates and styles, once for the batch."""
        for problem in problems:
            if problem.level == ERROR or not self.quiet:
                self._print(str(problem), self.err)

    def _print(self, line: str, stream) -> None:
        if self.progress is not None and (stream is self.out or stream.isatty()):
            self.progress.console.print(line, markup=False, highlight=False, soft_wrap=True,
                                        style="red" if stream is self.err and ": error: " in line else None)
        else:
            print(line, file=stream, flush=True)


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes and seconds else f"{minutes} min" if minutes else f"{seconds} s"


def tally(report) -> dict[str, int]:
    """Inputs by status, and warnings: each finding once, though a volume repeats its texts'."""
    statuses = [r.status for r in report.results]
    found = {d for r in report.results for d in r.diagnostics} | set(report.problems)
    warnings = sum(d.level == WARNING for d in found)
    # --solutions omit: each input's note counts the solutions it left out (resolve.py)
    omitted = sum(d.count for r in report.results for d in r.diagnostics if d.code == "solutions.omitted")
    return {"inputs": len(statuses), "built": statuses.count("built"), "unchanged": statuses.count("unchanged"),
            "failed": statuses.count("failed"), "warnings": warnings, "solutions_omitted": omitted}


def summary_line(counts: dict[str, int]) -> str:
    omitted = counts.get("solutions_omitted", 0)
    return (f"{counts['inputs']} input{'s' if counts['inputs'] != 1 else ''}: {counts['built']} built, "
            f"{counts['unchanged']} unchanged, {counts['failed']} failed, {counts['warnings']} warnings"
            + (f", {omitted} solution{'s' if omitted != 1 else ''} left out" if omitted else ""))
