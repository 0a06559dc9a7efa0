"""parallel: forked workers give results in order and always die on Pool.terminate(); `beside`
runs a function in a fresh process, or here when that process fails."""

from __future__ import annotations

import os
import signal

import pytest

from sitegen.parallel import MIN_ITEMS_FOR_WORKERS, beside, map_ordered


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


def _where(tag: str) -> tuple[str, int]:
    return tag, os.getpid()


def _fails_elsewhere(parent: int) -> int:
    if os.getpid() != parent:
        raise SystemExit(3)  # as if the other process could not do it (it prints why)
    return parent


def _fails(message: str) -> None:
    raise ValueError(message)


def test_beside_runs_the_function_in_another_process_while_the_caller_works() -> None:
    (tag, pid), mine = beside(_where, ("x",), lambda: os.getpid())
    assert tag == "x" and pid != os.getpid() and mine == os.getpid()


def test_beside_runs_the_function_here_when_the_other_process_fails() -> None:
    assert beside(_fails_elsewhere, (os.getpid(),), lambda: "mine") == (os.getpid(), "mine")
    with pytest.raises(ValueError, match="bad input"):  # a real error is still raised, here
        beside(_fails, ("bad input",), lambda: None)
