"""Run pure per-item functions over chunks, in forked worker processes when it pays off.

Workers are forked after the inputs exist, so the (large, read-only) inputs are
inherited rather than pickled; each task names only a slice of them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

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
