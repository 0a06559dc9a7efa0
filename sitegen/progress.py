"""Progress of a build: a live line per stage on a terminal, and each stage's time.

A build that takes longer than about a second shows, on stderr and only on a terminal,
one redrawn line: the stage, its count, and an ETA. Nothing is printed otherwise (a log
or a pipe gets just the summary line), and the line is cleared when the build ends, so
what stays on screen is the same either way. `timings` feeds `build --timings`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO, TypeVar

T = TypeVar("T")

QUIET_SECONDS = 1.0
"""A build shorter than this shows no progress line at all: it would only flicker."""
REDRAW_SECONDS = 0.1


@dataclass(frozen=True)
class StageTime:
    name: str
    count: int
    seconds: float


class Progress:
    """Stages in order; `live` draws the line (pass a terminal's stderr), else it only times."""

    def __init__(self, stream: TextIO | None = None, live: bool = False):
        self.stream = stream
        self.live = live and stream is not None
        self.started = time.perf_counter()
        self.timings: list[StageTime] = []
        self._shown = False
        self._drawn_at = 0.0

    def stage(self, name: str, items: Iterable[T], total: int | None = None) -> Iterator[T]:
        """Yield `items`, counting them as stage `name` (of `total`, when known, for the ETA)."""
        start = time.perf_counter()
        done = 0
        try:
            for item in items:
                yield item
                done += 1
                if self.live:
                    self._draw(name, done, total, start)
        finally:
            self.timings.append(StageTime(name, done, time.perf_counter() - start))

    def timed(self, name: str, count: int = 0) -> _Timed:
        """A stage without a count to show as it runs (`with progress.timed('assemble'):`)."""
        return _Timed(self, name, count)

    def _draw(self, name: str, done: int, total: int | None, start: float) -> None:
        now = time.perf_counter()
        if now - self.started < QUIET_SECONDS or now - self._drawn_at < REDRAW_SECONDS:
            return
        self._drawn_at = now
        line = f"{name} {done:,}"
        if total:
            line += f"/{total:,} ({100 * done // total}%)"
            rate = done / max(now - start, 1e-9)
            if done < total and rate > 0:
                line += f", about {_eta((total - done) / rate)} left"
        assert self.stream is not None
        self.stream.write(f"\r\x1b[2K{line}")
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        """Clear the live line (the caller prints the summary)."""
        if self._shown and self.stream is not None:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._shown = False

    def report(self) -> str:
        """The stages' times as a small table (`build --timings`)."""
        total = sum(t.seconds for t in self.timings)
        width = max((len(t.name) for t in self.timings), default=5)
        lines = [f"{'stage':<{width}}  {'items':>8}  {'seconds':>8}"]
        lines += [f"{t.name:<{width}}  {t.count or '':>8}  {t.seconds:8.2f}" for t in self.timings]
        lines.append(f"{'total':<{width}}  {'':>8}  {total:8.2f}")
        return "\n".join(lines)


class _Timed:
    def __init__(self, progress: Progress, name: str, count: int):
        self.progress, self.name, self.count = progress, name, count

    def __enter__(self) -> None:
        self.start = time.perf_counter()
        if self.progress.live:
            self.progress._draw(self.name, 0, None, self.start)

    def __exit__(self, *exc: object) -> None:
        self.progress.timings.append(StageTime(self.name, self.count, time.perf_counter() - self.start))


def _eta(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))}s"
    return f"{int(seconds // 60)}m{round(seconds % 60):02d}s"

