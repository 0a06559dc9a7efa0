"""Run pure per-item functions over chunks, in forked worker processes when it pays off.

Workers are forked after the inputs exist, so the (large, read-only) inputs are
inherited rather than pickled; each task names only a slice of them.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, TypeVar

from sitegen import collector

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_FOR_WORKERS = 400
CHUNK = 64

# Per-worker-process inputs, set once by the pool initializer (never in the parent).
_worker_inputs: dict[str, Any] = {}


def _init(fn: Callable[[Any], Any], items: Sequence[Any]) -> None:
    # Pool.terminate() ends workers with SIGTERM. A Python-level handler inherited from the
    # parent (`serve` installs one) may never run: a signal that lands just before the worker
    # blocks on the task queue's lock is only seen when that wait returns, which is never.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_inputs["fn"] = fn
    _worker_inputs["items"] = items


def _run_slice(bounds: tuple[int, int]) -> list[Any]:
    fn, items = _worker_inputs["fn"], _worker_inputs["items"]
    return [fn(items[i]) for i in range(*bounds)]


def _run_bounds(bounds: tuple[int, int]) -> Sequence[Any]:
    return _worker_inputs["fn"](*bounds)  # type: ignore[no-any-return]


def map_slices(fn: Callable[[int, int], Sequence[R]], size: int, workers: int | None = None,
               chunk: int = CHUNK) -> Iterator[R]:
    """fn(lo, hi) over consecutive slices of range(size), `chunk` long: the results of all
    slices in order. For work that is cheaper done for many items at once (arrays)."""
    workers = default_workers() if workers is None else workers
    bounds = [(i, min(i + chunk, size)) for i in range(0, size, chunk)]
    if workers <= 1 or size < MIN_ITEMS_FOR_WORKERS or "fork" not in multiprocessing.get_all_start_methods():
        for lo, hi in bounds:
            yield from fn(lo, hi)
        return
    ctx = multiprocessing.get_context("fork")
    with collector.frozen():
        pool = ctx.Pool(workers, initializer=_init, initargs=(fn, ()))
    with pool:
        for results in pool.imap(_run_bounds, bounds):
            yield from results


def beside(fn: Callable[..., R], args: tuple[Any, ...], mine: Callable[[], T]) -> tuple[R, T]:
    """(fn(*args), mine()): fn in a fresh Python process while this one runs mine.

    Fresh, not forked: while a forked child is alive, every page either process writes is
    copied first (a page fault each), and Python writes to every object it reads (reference
    counts), so work over many small objects ran 25-80% slower in the parent alone. fn and
    args travel pickled (fn by name), so they must be small and plain; if the process cannot
    be started or fails (it prints why), fn runs here."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    try:
        proc = subprocess.Popen([sys.executable, "-c", "from sitegen.parallel import _serve; _serve()"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    except OSError:
        return fn(*args), mine()
    assert proc.stdin is not None and proc.stdout is not None
    try:
        data = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)  # while Python starts there
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    # Fed from a thread: the pipe takes 64 KB at a time, and the new process reads only once
    # it has started (a quarter of a second).
    feeder = threading.Thread(target=_feed, args=(proc.stdin, data), daemon=True)
    feeder.start()
    try:
        own = mine()
        out = proc.stdout.read()
    except BaseException:
        proc.kill()
        raise
    finally:
        proc.stdout.close()
        proc.wait()
        feeder.join()
    if proc.returncode != 0:
        return fn(*args), own
    return pickle.loads(out), own


def _feed(pipe: IO[bytes], data: bytes) -> None:
    with contextlib.suppress(BrokenPipeError), pipe:
        pipe.write(data)


def _serve() -> None:
    """The other end of `beside`."""
    # A short-lived process that allocates much and frees little: collecting cycles would
    # rescan its inputs again and again (half of its time).
    gc.disable()
    fn, args = pickle.load(sys.stdin.buffer)
    sys.stdout.buffer.write(pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL))


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def map_ordered(fn: Callable[[T], R], items: Sequence[T], workers: int | None = None,
                chunk: int = CHUNK) -> Iterator[R]:
    """fn over items, results in input order, streamed as they complete; a worker takes
    `chunk` consecutive items at a time."""
    workers = default_workers() if workers is None else workers
    if workers <= 1 or len(items) < MIN_ITEMS_FOR_WORKERS or "fork" not in multiprocessing.get_all_start_methods():
        yield from (fn(item) for item in items)
        return
    bounds = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
    ctx = multiprocessing.get_context("fork")
    with collector.frozen():
        pool = ctx.Pool(workers, initializer=_init, initargs=(fn, items))
    with pool:
        for results in pool.imap(_run_slice, bounds):
            yield from results
