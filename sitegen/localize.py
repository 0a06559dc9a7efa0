"""Dates, week ranges and number separators as readers of a language write them (Babel, CLDR).

Only what people read is localized: `datetime` attributes, JSON-LD, sitemaps and feed
timestamps stay ISO 8601. English keeps the site's own unambiguous style ("2 May 2026",
"27 Apr – 3 May 2026"); other languages take CLDR's long date ("2. Mai 2026", "2026年5月2日")
and CLDR's interval format for week ranges ("27. Apr. – 3. Mai 2026").
"""

from __future__ import annotations

import datetime as dt

from babel import Locale
from babel.dates import format_date, format_interval, get_datetime_format
from babel.numbers import format_percent as babel_percent
from babel.numbers import get_decimal_symbol, get_group_symbol

from sitegen.numbers import ENGLISH, Separators


def _base(language: str) -> str:
    return language.split("-")[0].lower()


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language, sep="-")
    except (ValueError, TypeError, LookupError):  # config refuses unknown codes before this
        return Locale.parse("en")


def format_day(when: dt.date | dt.datetime, language: str = "en") -> str:
    """'2 May 2026' in English; CLDR's long date elsewhere: '2. Mai 2026', '2026年5月2日'."""
    if _base(language) == "en":
        return f"{when.day} {when.strftime('%b %Y')}"
    day = when.date() if isinstance(when, dt.datetime) else when
    return format_date(day, "long", locale=_locale(language))


def format_moment(when: dt.datetime, language: str = "en") -> str:
    """'2 May 2026, 08:14 UTC+08:00': a day and a time as the author wrote it (24-hour clock)."""
    offset = when.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    time = f"{when:%H:%M} {zone}"
    if _base(language) == "en":
        return f"{format_day(when)}, {time}"
    return get_datetime_format("medium", locale=_locale(language)).replace("{1}", format_day(when, language)).replace("{0}", time)


def format_range(start: dt.date, end: dt.date, language: str = "en") -> str:
    """'27 Apr – 3 May 2026' (years on both ends only when they differ); CLDR's interval elsewhere."""
    a, b = start, end
    if _base(language) != "en":
        return format_interval(a, b, "yMMMd", locale=_locale(language))
    if a.year != b.year:
        return f"{a.day} {a:%b %Y} – {b.day} {b:%b %Y}"
    if a.month != b.month:
        return f"{a.day} {a:%b} – {b.day} {b:%b %Y}"
    return f"{a.day}–{b.day} {b:%b %Y}"


def separators(language: str = "en") -> Separators:
    """Grouping and decimal marks, and where a currency symbol goes ('1.234,5 €' in German)."""
    if _base(language) == "en":
        return ENGLISH
    locale = _locale(language)
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    return Separators(get_group_symbol(locale), get_decimal_symbol(locale),
                      currency_last=pattern.rstrip().endswith("¤"))


def format_percent(rate: float, language: str = "en") -> str:
    """A share as a whole percentage, rounded half up: '63%', '63 %' (German), '63 %' (French)."""
    whole = int(rate * 100 + 0.5) if rate >= 0 else -int(-rate * 100 + 0.5)
    return babel_percent(whole / 100, locale=_locale(language))
