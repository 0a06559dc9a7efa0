"""Metric history: metrics that name the same `series` across briefs form one time series.

A series is dated by its briefs, oldest first. Its points must share one unit and have
numbers for values, or the reader would see a line joining dollars to percent; a mismatch
is an error naming both briefs. The sparkline geometry is computed here, so the template
only draws it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.codes import Code
from sitegen.errors import Diagnostic
from sitegen.model import Brief
from sitegen.numbers import ENGLISH, Separators, format_value, parse_decimal


@dataclass(frozen=True)
class Point:
    date: dt.datetime
    value: float
    shown: str
    """The value as the brief shows it ($37.6B)."""
    slug: str


@dataclass(frozen=True)
class Series:
    name: str
    unit: str
    points: tuple[Point, ...]
    """Oldest first."""


def _number(value: str) -> float | None:
    """A value the page prints as a number (numbers.parse_decimal), as a float to draw."""
    d = parse_decimal(value)
    return float(d) if d is not None and d.is_finite() else None


def group_series(briefs: Iterable[Brief], seps: Separators = ENGLISH) -> tuple[dict[str, Series], list[Diagnostic]]:
    """name -> Series over these briefs, and every mismatch found; values shown with `seps`."""
    diags: list[Diagnostic] = []
    points: dict[str, list[Point]] = {}
    first: dict[str, tuple[str, Brief]] = {}  # series -> (unit, the brief that set it)
    for b in sorted(briefs, key=lambda b: (b.date, b.slug)):
        for m in b.metrics:
            if not m.series:
                continue
            assert m.series_location is not None
            number = _number(m.value)
            if number is None:
                diags.append(Diagnostic(m.series_location, f"metric '{m.label}' is in series '{m.series}' but its value "
                                        f"'{m.value}' is not a number", "a series is drawn as a line: give a number, "
                                        "or remove 'series'", code=Code.SERIES_MISMATCH))
                continue
            if m.series in first and first[m.series][0] != m.unit:
                unit, other = first[m.series]
                diags.append(Diagnostic(m.series_location, f"series '{m.series}' mixes units: '{m.unit}' here, "
                                        f"'{unit}' in {other.source_path}",
                                        "use one unit for every metric of a series (convert the values), or name another series",
                                        code=Code.SERIES_MISMATCH))
                continue
            first.setdefault(m.series, (m.unit, b))
            points.setdefault(m.series, []).append(Point(b.date, number, format_value(m.value, m.unit, seps), b.slug))
    return {name: Series(name, first[name][0], tuple(pts)) for name, pts in sorted(points.items())}, diags


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    path: str
    """SVG path data of the line."""
    dots: tuple[tuple[float, float], ...]
    """Each point's (x, y)."""
    low: int
    high: int
    """Indexes of the lowest and highest points (the first of equals)."""


def sparkline(values: tuple[float, ...], width: int = 160, height: int = 40, pad: float = 4.0) -> Sparkline:
    """Points spaced evenly (briefs, not days: the line shows updates, not a calendar)."""
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    step = (width - 2 * pad) / max(1, len(values) - 1)
    dots = tuple((round(pad + i * step, 1), round(height - pad - (v - lo) / span * (height - 2 * pad), 1))
                 if hi != lo else (round(pad + i * step, 1), height / 2)
                 for i, v in enumerate(values))
    path = "M" + " L".join(f"{x} {y}" for x, y in dots)
    return Sparkline(width, height, path, dots, values.index(lo), values.index(hi))
