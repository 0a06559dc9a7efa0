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


def year_and_week(key: str) -> tuple[int, int]:
    """The inverse of week_key: '2026-w18' -> (2026, 18)."""
    year, week = key.split("-w")
    return int(year), int(week)


def group_weeks(briefs: Iterable[Brief], tz: ZoneInfo) -> tuple[tuple[Week, ...], dict[str, str]]:
    """Weeks newest first; inside a week, higher weight first, then newer, then slug."""
    groups: dict[str, list[Brief]] = defaultdict(list)
    for b in briefs:
        groups[week_key(b.date, tz)].append(b)
    weeks = []
    week_of: dict[str, str] = {}
    for key, members in sorted(groups.items(), key=lambda kv: year_and_week(kv[0]), reverse=True):
        members.sort(key=lambda b: (-b.weight, -b.date.timestamp(), b.slug))
        year, number = year_and_week(key)
        start = dt.date.fromisocalendar(year, number, 1)
        weeks.append(Week(key, year, number, start, start + dt.timedelta(days=6), tuple(b.slug for b in members)))
        for b in members:
            week_of[b.slug] = key
    return tuple(weeks), week_of


def week_label(key: str) -> str:
    """'Week 18, 2026' for '2026-w18'."""
    year, week = year_and_week(key)
    return f"Week {week}, {year}"


def week_range(week: Week) -> str:
    """'27 Apr – 3 May 2026' (years shown on both ends only when they differ)."""
    a, b = week.start, week.end
    if a.year != b.year:
        return f"{a.day} {a:%b %Y} – {b.day} {b:%b %Y}"
    if a.month != b.month:
        return f"{a.day} {a:%b} – {b.day} {b:%b %Y}"
    return f"{a.day}–{b.day} {b:%b %Y}"


def brief_count(n: int) -> str:
    """'1 brief', '3 briefs'."""
    return f"{n} brief{'s' if n != 1 else ''}"


def week_heading(week: Week, n: int) -> str:
    """'Week 18 · 27 Apr – 3 May 2026 · 3 briefs': a recap's heading, its email's too."""
    return f"Week {week.number} · {week_range(week)} · {brief_count(n)}"
