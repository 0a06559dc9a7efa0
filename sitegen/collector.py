"""sitegen and the cyclic garbage collector: each use scoped, and undone by its caller.

sitegen's big heaps hold almost no reference cycles: parsed briefs, cards, page jobs and
related indexes are frozen dataclasses, tuples and dicts, freed by reference counting. The
cyclic collector can only rescan them, again and again as they grow. So:

- paused(): no cyclic collection during one allocation-heavy step (related scoring);
  the collector's previous state is restored on the way out.
- frozen(): while worker processes are forked, so their collections do not walk (and copy)
  the heap they inherit; and while a build renders the site it loaded.
- settle() / release(): `sitegen serve` keeps one site alive from one rebuild to the next.
  After a full rebuild, settle() collects and then freezes what is alive (gc.freeze), so
  collections during small rebuilds and while serving do not rescan 10,000 briefs each
  time. The next settle() unfreezes first, so the cycles of a replaced site are still
  freed; release() (when serve stops) unfreezes.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """What is alive is moved out of the collector's reach (gc.freeze) until the block ends.
    Around forking worker processes, so a worker's collections do not walk the inherited heap
    (walking it writes to every object's header, which copies each page the worker shares with
    the parent); and in a build once the site is loaded, so the stages after it do not rescan
    10,000 briefs at each full collection (a third of a one-brief rebuild's CPU at 10,000)."""
    was_frozen = gc.get_freeze_count() > 0  # serve's settle() froze its site: leave that to it
    gc.freeze()
    try:
        yield
    finally:
        if not was_frozen:
            gc.unfreeze()


def settle() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def release() -> None:
    gc.unfreeze()
