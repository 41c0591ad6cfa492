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
of the seed's 0.24 s, to free what the operating system frees anyway. A process about to end freezes them first (:func:`before_exit`)."""
from __future__ import annotations

import gc

USUAL = gc.get_threshold()  # the interpreter's (700, 10, 10) unless someone changed it before us
START = 100_000


def collect_less() -> None:
    gc.set_threshold(START, *USUAL[1:])


def collect_as_usual() -> None:
    gc.set_threshold(*USUAL)


def before_exit() -> None:
    """The objects alive now are left to the OS: the shutdown's collections skip them. Only for a
    process that ends next (build.py, the ``octavo`` command), never a caller that goes on (a test,
    --serve's builds): it would never collect them again. Shutdown is otherwise as usual: ``atexit``
    (the kept caches are saved then), open files flushed and closed, threads joined."""
    gc.freeze()
