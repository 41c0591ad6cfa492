"""The seed's document model, as a readable dump, is a golden file: ids, kinds and lines.

The dump lists every section, block, note and note reference with its id and the file line it
was written on, and its whole text (a changed word shows as a diff too). A change to the model shows up here as a diff
to read. To accept an intended change: ``OCTAVO_UPDATE_GOLDEN=1 python -m pytest tests/test_model_golden.py``.
"""
from __future__ import annotations

import os
from pathlib import Path

from conftest import SEED, load
from octavo import model as m

GOLDEN = Path(__file__).with_name("golden") / "seed-model.txt"


def dump(text: m.Text) -> str:
    lines = [f"text {text.metadata.title!r} ({text.path.name})"]
    for section in text.sections:
        title = section.title if section.title is not None else f"<{section.kind}>"
        lines.append(f"section {section.id} {section.kind} {title!r} line {section.where.line}")
        lines += _blocks(section.blocks, 1)
        for note in section.notes:
            lines.append(f"  note {note.id} #{note.number} [{note.label}] line {note.where.line} "
                         f"refs {', '.join(note.refs) or '-'}")
            lines += _blocks(note.blocks, 2)
    return "\n".join(lines) + "\n"


def _blocks(blocks, depth: int) -> list[str]:
    out = []
    for block in blocks:
        name = type(block).__name__.lower()
        words = _words(block)
        out.append(f"{'  ' * depth}{name} {block.id} line {block.where.line}" + (f": {words}" if words else ""))
        out += _blocks(m.child_blocks(block), depth + 1)
    return out


def _words(block) -> str:
    inlines = getattr(block, "inlines", None)
    if inlines is None and isinstance(block, m.Verse):
        inlines = tuple(i for line in block.lines for i in line)
    if inlines is None:
        return ""
    refs = [f"->{i.note}" for i in _inline_refs(inlines)]
    return m.plain_text(inlines) + (f" [{' '.join(refs)}]" if refs else "")


def _inline_refs(inlines):
    for item in inlines:
        if isinstance(item, m.NoteRef):
            yield item
        elif isinstance(item, (m.Span, m.Link)):
            yield from _inline_refs(item.children)


def test_the_seed_model_matches_its_golden_dump():
    text, _ = load(SEED)
    written = dump(text)
    if os.environ.get("OCTAVO_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(written, encoding="utf-8")
    assert written == GOLDEN.read_text(encoding="utf-8")


def test_two_builds_give_the_same_ids_and_lines():
    first, _ = load(SEED)
    second, _ = load(SEED)
    assert dump(first) == dump(second)


def test_every_block_of_the_seed_has_an_id_unique_in_the_book_and_a_line():
    text, _ = load(SEED)
    blocks = [b for s in text.sections for b in m.walk_blocks(s.blocks)]
    blocks += [b for n in text.notes for b in m.walk_blocks(n.blocks)]
    ids = [b.id for b in blocks] + [s.id for s in text.sections] + [n.id for n in text.notes]
    assert len(ids) == len(set(ids))
    assert all(b.where.line and b.where.path == SEED for b in blocks)
