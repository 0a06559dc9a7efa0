"""Dates, ranges, numbers and percentages as each language writes them (CLDR through Babel)."""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.localize import format_day, format_moment, format_percent, format_range, separators
from sitegen.numbers import format_value

MAY_2 = dt.datetime(2026, 5, 2, 8, 14, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.mark.parametrize(("lang", "day", "moment"), [
    ("en", "2 May 2026", "2 May 2026, 08:14 UTC+08:00"),
    ("de", "2. Mai 2026", "2. Mai 2026, 08:14 UTC+08:00"),
    ("fr", "2 mai 2026", "2 mai 2026, 08:14 UTC+08:00"),
    ("es", "2 de mayo de 2026", "2 de mayo de 2026, 08:14 UTC+08:00"),
    ("zh", "2026年5月2日", "2026年5月2日 08:14 UTC+08:00"),
    ("ja", "2026年5月2日", "2026年5月2日 08:14 UTC+08:00"),
], ids=lambda v: str(v))
def test_days_and_moments(lang: str, day: str, moment: str) -> None:
    assert format_day(MAY_2, lang) == day
    assert format_day(MAY_2.date(), lang) == day
    assert format_moment(MAY_2, lang) == moment


@pytest.mark.parametrize(("lang", "start", "end", "shown"), [
    ("en", (2026, 4, 27), (2026, 5, 3), "27 Apr – 3 May 2026"),
    ("en", (2026, 5, 4), (2026, 5, 10), "4–10 May 2026"),
    ("en", (2026, 12, 28), (2027, 1, 3), "28 Dec 2026 – 3 Jan 2027"),
    ("de", (2026, 5, 4), (2026, 5, 10), "4.–10. Mai 2026"),
    ("zh", (2026, 12, 28), (2027, 1, 3), "2026年12月28日\u2009–\u20092027年1月3日"),
], ids=lambda v: str(v))
def test_week_ranges(lang: str, start: tuple[int, int, int], end: tuple[int, int, int], shown: str) -> None:
    assert format_range(dt.date(*start), dt.date(*end), lang) == shown


@pytest.mark.parametrize(("lang", "value", "unit", "shown"), [
    ("en", 60000, "", "60,000"),
    ("en", 19, "$", "$19"),
    ("de", 60000, "", "60.000"),
    ("de", 37.6, "$B", "$37,6B"),  # a scale the author wrote keeps its place
    ("de", 19, "€", "19\u00a0€"),  # a plain amount takes the symbol after it, as German writes it
    ("fr", 19, "€/month", "19\u00a0€/month"),
    ("fr", 1234567.5, "", "1\u202f234\u202f567,5"),
    ("zh", 60000.5, "", "60,000.5"),
], ids=lambda v: str(v))
def test_metric_values(lang: str, value: float, unit: str, shown: str) -> None:
    assert format_value(value, unit, separators(lang)) == shown


@pytest.mark.parametrize(("lang", "rate", "shown"), [
    ("en", 0.625, "63%"), ("de", 0.5, "50\u00a0%"), ("fr", 1.0, "100\u00a0%"), ("zh", 0.25, "25%"),
], ids=lambda v: str(v))
def test_percentages_round_half_up(lang: str, rate: float, shown: str) -> None:
    assert format_percent(rate, lang) == shown
