"""Render the lesson pictures in docs/ from real builds of the Carpentries' "Pipes and Filters"
episode (../shared/lessons) as a handout, in its three --solutions modes.

    python tools/lesson_pictures.py

docs/lesson-teacher.png: a page of the teacher's copy (--solutions inline), an exercise with its
solution in place; docs/lesson-student-end.png: the same exercise in the student copy with the
solutions at the end, beside the Solutions page; docs/lesson-student-omit.png: the same exercise
in the student copy without solutions.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from octavo.config import Config  # noqa: E402
from octavo.pipeline import build  # noqa: E402

LESSON = ROOT.parent / "shared" / "lessons" / "swc-shell-pipefilter-workbench.md"
EXERCISE = "Exercise 5"


def page_with(doc, *needles: str) -> int:
    """The first page whose text has every needle."""
    for index, page in enumerate(doc):
        text = page.get_textpage().get_text_range()
        if all(n in text for n in needles):
            return index
    raise LookupError(needles)


def draw(doc, indices: list[int], dest: Path, scale: float = 1.0) -> None:
    images = [doc[i].render(scale=scale).to_pil().convert("L") for i in indices]
    sheet = Image.new("L", (sum(i.width for i in images) + 12 * (len(images) - 1), max(i.height for i in images)), 160)
    x = 0
    for image in images:
        sheet.paste(image, (x, 0))
        x += image.width + 12
    sheet.save(dest, optimize=True)


def main() -> int:
    with tempfile.TemporaryDirectory() as out:
        docs = {}
        for mode in ("inline", "end", "omit"):
            report = build(Config(inputs=(LESSON,), output=Path(out) / mode, formats=("pdf",), profile="handout", paper="A4",
                                  solutions=mode))
            if not report.ok:
                print(f"the build failed ({mode})", file=sys.stderr)
                return 1
            docs[mode] = pdfium.PdfDocument(str(Path(out) / mode / f"{LESSON.stem}.pdf"))
        draw(docs["inline"], [page_with(docs["inline"], EXERCISE)], ROOT / "docs" / "lesson-teacher.png", 1.1)
        end = docs["end"]
        draw(end, [page_with(end, EXERCISE), page_with(end, "Solutions", "Back to exercise")],
             ROOT / "docs" / "lesson-student-end.png")
        draw(docs["omit"], [page_with(docs["omit"], EXERCISE)], ROOT / "docs" / "lesson-student-omit.png", 1.1)
        for doc in docs.values():
            doc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
