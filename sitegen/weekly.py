"""ISO-week assignment and grouping of briefs into weekly recaps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sitegen.model import Brief, Week


def week_key(when: dt.datetime, tz: ZoneInfo) -> str:
    """'2026-w18': ISO 8601 week-numbering year and two-digit week, in the site timezone."""
    year, week, _ = when.astimezone(tz).isocalendar()
    return f"{year}-w{week:02d}"


def group_weeks(briefs: Iterable[Brief], tz: ZoneInfo) -> tuple[tuple[Week, ...], dict[str, str]]:
    """Weeks newest first; inside a week, higher weight first, then newer, then slug."""
    groups: dict[tuple[int, int], list[Brief]] = defaultdict(list)
    for b in briefs:
        year, number, _ = b.date.astimezone(tz).isocalendar()
        groups[(year, number)].append(b)
    weeks = []
    week_of: dict[str, str] = {}
    for (year, number), members in sorted(groups.items(), reverse=True):
        members.sort(key=lambda b: (-b.weight, -b.date.timestamp(), b.slug))
        start = dt.date.fromisocalendar(year, number, 1)
        key = f"{year}-w{number:02d}"
        weeks.append(Week(key, year, number, start, start + dt.timedelta(days=6), tuple(b.slug for b in members)))
        for b in members:
            week_of[b.slug] = key
    return tuple(weeks), week_of


def week_label(key: str) -> str:
    """'Week 18, 2026' for '2026-w18'."""
    year, week = key.split("-w")
    return f"Week {int(week)}, {year}"


def week_range(week: Week) -> str:
    """'27 Apr – 3 May 2026' (years shown on both ends only when they differ)."""
    a, b = week.start, week.end
    if a.year != b.year:
        return f"{a.day} {a:%b %Y} – {b.day} {b:%b %Y}"
    if a.month != b.month:
        return f"{a.day} {a:%b} – {b.day} {b:%b %Y}"
    return f"{a.day}–{b.day} {b:%b %Y}"
