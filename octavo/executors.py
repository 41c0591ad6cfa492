"""Where inputs are built: in this process, in local worker processes, or on a Dask cluster.

Every executor takes the same jobs (picklable: an input, its output name, the Config) and calls
``done(index, result)`` as each one finishes, in whatever order they finish. A job is one whole
input: WeasyPrint's pages cannot cross processes. Local workers are started once and build one
input after another (imports paid once per worker), the largest inputs first; a worker that dies
(a segfault, an out-of-memory kill) fails only the input it was building, and a fresh worker
takes over the rest.
"""
from __future__ import annotations

import os
import signal
from collections import deque
from typing import Callable

Started = Callable[[int, int | None], None]  # (job index, worker pid or None)
Done = Callable[[int, object], None]  # (job index, result)


def run_serial(jobs: list, work: Callable, order: list[int], started: Started, done: Done) -> None:
    for index in order:
        started(index, None)
        done(index, work(jobs[index]))


def run_local(jobs: list, work: Callable, order: list[int], workers: int, started: Started, done: Done,
              crashed: Callable[[object, str], object]) -> None:
    """Build ``jobs`` in ``workers`` processes, in ``order``; ``crashed(job, why)`` makes the result of a
    job whose worker died."""
    import multiprocessing  # only here: a build in this process never pays for it
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    pending = deque(order)
    pool = [_Worker(context, work) for _ in range(min(workers, len(order)))]
    try:
        while pending or any(w.job is not None for w in pool):
            for n, worker in enumerate(pool):
                if worker.job is None and pending:
                    if not worker.process.is_alive():  # died while idle: nothing of ours was lost
                        worker.close()
                        pool[n] = worker = _Worker(context, work)
                    worker.give(pending.popleft(), jobs)
                    started(worker.job, worker.process.pid)
            busy = [w for w in pool if w.job is not None]
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for n, worker in enumerate(pool):
                if worker.job is None or (worker.conn not in ready and worker.process.sentinel not in ready):
                    continue
                index, result = worker.take()
                if result is None:  # the worker died with this input: only this input fails
                    result = crashed(jobs[index], _death(worker.process))
                    worker.close()
                    pool[n] = _Worker(context, work)
                done(index, result)
    finally:
        for worker in pool:
            worker.close()


class _Worker:
    def __init__(self, context, work: Callable):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work), daemon=True)
        self.process.start()
        child.close()
        self.job: int | None = None

    def give(self, index: int, jobs: list) -> None:
        self.job = index
        try:
            self.conn.send((index, jobs[index]))
        except (OSError, ValueError):  # it died just now: take() reports the crash
            pass

    def take(self) -> tuple[int, object | None]:
        """(index, result) of the job it was given; result None if the worker died instead."""
        index, self.job = self.job, None
        try:
            if self.conn.poll():
                answer_index, result = self.conn.recv()
                if answer_index == index:
                    return index, result
        except (EOFError, OSError):
            pass
        self.process.join(timeout=5)
        return index, None

    def close(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.conn.close()
        self.process.join(timeout=1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _serve(conn, work: Callable) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        index, job = item
        conn.send((index, work(job)))


def _death(process) -> str:
    code = process.exitcode
    if code is None:
        return "its worker process stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        cause = {"SIGKILL": " (killed: out of memory?)", "SIGSEGV": " (a segmentation fault)",
                 "SIGABRT": " (aborted)", "SIGBUS": " (a bus error)"}.get(name, "")
        return f"its worker process died of {name}{cause}"
    return f"its worker process exited with status {code}"


def run_dask(jobs: list, work: Callable, order: list[int], address: str, started: Started, done: Done,
             crashed: Callable[[object, str], object], unavailable: Callable[[object, str], object]) -> None:
    """Each job a task on the Dask cluster at ``address`` (dask://HOST:PORT or tcp://HOST:PORT);
    ``unavailable(job, why)`` makes the result of a job when there is no cluster to send it to."""
    from concurrent.futures import as_completed

    try:
        from distributed import Client  # the optional extra: pip install 'octavo[dask]'

        client = Client(dask_address(address), timeout="10s")
    except ImportError:
        return _none_built(jobs, order, unavailable, "the Dask executor needs: pip install 'octavo[dask]'", done)
    except (OSError, TimeoutError) as exc:
        return _none_built(jobs, order, unavailable, f"cannot reach the Dask scheduler at {address} ({exc})", done)
    with client:
        executor = client.get_executor(pure=False)  # pure=False: equal jobs are still separate tasks
        futures = {}
        for index in order:
            futures[executor.submit(work, jobs[index])] = index
            started(index, None)
        for future in as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker, a task Dask gave up on
                result = crashed(jobs[index], f"the cluster could not build it ({type(exc).__name__}: {exc})")
            done(index, result)


def _none_built(jobs: list, order: list[int], unavailable: Callable, why: str, done: Done) -> None:
    for index in order:
        done(index, unavailable(jobs[index], why))


def dask_address(address: str) -> str:
    """dask://HOST:PORT -> tcp://HOST:PORT (Dask has no dask:// scheme); other schemes as given."""
    return "tcp://" + address[len("dask://"):] if address.startswith("dask://") else address
