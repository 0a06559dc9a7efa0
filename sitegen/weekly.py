"""ISO-week assignment and grouping of briefs into weekly recaps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sitegen.localize import format_range
from sitegen.messages import Messages
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


def week_label(key: str, messages: Messages) -> str:
    """'Week 18, 2026' for '2026-w18'; '2026年第18周', 'KW 18/2026' in other languages."""
    year, week = year_and_week(key)
    return messages.gettext("Week %(week)s, %(year)s", week=week, year=year)


def week_short(week: Week, messages: Messages) -> str:
    """'Week 18' ('第18周', 'KW 18'): a week on the home page, under its year's dates."""
    return messages.gettext("Week %(week)s", week=week.number)


def week_range(week: Week, messages: Messages) -> str:
    """'27 Apr – 3 May 2026' (years shown on both ends only when they differ)."""
    return format_range(week.start, week.end, messages.language)


def brief_count(n: int, messages: Messages) -> str:
    """'1 brief', '3 briefs' (each language's plural rule)."""
    return messages.ngettext("%(num)s brief", "%(num)s briefs", n)


def week_heading(week: Week, n: int, messages: Messages) -> str:
    """'Week 18 · 27 Apr – 3 May 2026 · 3 briefs': a recap's heading, its email's too."""
    return " · ".join((week_short(week, messages), week_range(week, messages), brief_count(n, messages)))
