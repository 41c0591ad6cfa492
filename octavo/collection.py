"""How often Python's cycle collector runs in a build process.

A one-shot build allocates some 40,000 objects that live to its end (modules, templates, the model)
and makes few reference cycles. With the default threshold (a collection every 700 new objects) the
collector visits them again and again and finds next to nothing: ~10 ms of the seed's EPUB (0.25 s).
So a build collects every 100,000 new objects, until a layout starts: WeasyPrint's boxes and styles
make cycles by the thousand, and a long PDF is collected as usual (its peak memory is a goal).
The price is garbage kept a little longer: the seed x20's EPUB peaks at 69 MiB instead of 59 (same
CPU). Below 100,000 the seed's build still meets one collection (50,000: 7 ms for that one).

When the process ends, the interpreter's shutdown collects again, more than once, over everything
still alive (45,000 objects the collector tracks after the seed's EPUB, 14-19 ms a collection): ~0.04 s
of the seed's 0.24 s, to free what the operating system frees anyway. A process about to end
freezes them first (:func:`before_exit`).

When a one-shot build comes to its first layout, what lives then (modules, templates, the model, the
print HTML: ~80,000 objects for the seed) is frozen (``gc.freeze``): the layout's collections, as
usual, no longer visit it again and again. The seed's PDF spent 0.11 s of CPU collecting, 0.045 s
so. Frozen objects are still freed by their reference counts; only a cycle among them would wait
for the end of ``main``, which thaws them. Once per process: a second book's layout (``-j 1`` over a
corpus) freezes nothing more, so no book's leftovers are kept for good. Processes that live on
(``--watch``, ``--serve``) never freeze."""
from __future__ import annotations

import gc

USUAL = gc.get_threshold()  # the interpreter's (700, 10, 10) unless someone changed it before us
START = 100_000
_froze: list[bool] = []  # [True] while what this module froze is frozen


def collect_less() -> None:
    gc.set_threshold(START, *USUAL[1:])


def collect_as_usual() -> None:
    gc.set_threshold(*USUAL)
    if _froze:
        _froze.clear()
        gc.unfreeze()


def collect_for_layout() -> None:
    """Collect as usual from here (a layout is starting); in a one-shot build, first freeze what
    lives (once per process: see above)."""
    one_shot = gc.get_threshold()[0] == START
    gc.set_threshold(*USUAL)
    if one_shot and not gc.get_freeze_count():
        gc.freeze()
        _froze.append(True)


def before_exit() -> None:
    """The objects alive now are left to the OS: the shutdown's collections skip them. Only for a
    process that ends next (build.py, the ``octavo`` command), never a caller that goes on (a test,
    --serve's builds): it would never collect them again. Shutdown is otherwise as usual: ``atexit``
    (the kept caches are saved then), open files flushed and closed, threads joined."""
    gc.freeze()
