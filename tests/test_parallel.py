"""parallel: forked workers give results in order and always die on Pool.terminate()."""

from __future__ import annotations

import signal

from sitegen.parallel import MIN_ITEMS_FOR_WORKERS, map_ordered


def test_results_come_back_in_input_order() -> None:
    items = list(range(MIN_ITEMS_FOR_WORKERS * 3))
    assert list(map_ordered(lambda x: x * x, items, workers=2)) == [x * x for x in items]


def _sigterm_is_default(_: int) -> bool:
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_workers_do_not_inherit_a_python_sigterm_handler() -> None:
    """`serve` installs a SIGTERM handler; a worker that inherited it could miss the SIGTERM of
    Pool.terminate() (sent just before it blocks on the queue lock) and hang the rebuild forever."""
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        assert all(map_ordered(_sigterm_is_default, range(MIN_ITEMS_FOR_WORKERS * 2), workers=2))
    finally:
        signal.signal(signal.SIGTERM, previous)
