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
