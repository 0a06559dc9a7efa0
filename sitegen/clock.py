"""The build's one clock: `--now`, else SOURCE_DATE_EPOCH, else the system clock.

Nothing else in sitegen reads the time while building, so a build is a function of its
input and this one value: two builds at the same "now" give the same bytes, and a test
can build the same site at two moments (a prediction that is open today is overdue next
month).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from sitegen.codes import Code
from sitegen.errors import BuildFailed, Diagnostic, SourceLocation

ENV = "SOURCE_DATE_EPOCH"
OPTION = "--now"


def build_now(option: str | None, tz: ZoneInfo, environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The moment a build is made at, aware. Raises BuildFailed for an unreadable value."""
    env = os.environ if environ is None else environ
    if option is not None:
        when = parse_moment(option, tz)
        if when is None:
            raise BuildFailed([Diagnostic(SourceLocation(OPTION, 1, 1), f"--now '{option}' is not a date or datetime",
                                          "write --now 2026-12-01 or --now 2026-12-01T09:30:00+01:00",
                                          code=Code.BAD_OPTION)])
        return when
    epoch = env.get(ENV, "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise BuildFailed([Diagnostic(SourceLocation(ENV, 1, 1), f"{ENV} '{epoch}' is not a whole number of seconds",
                                          "set it to a Unix timestamp such as 1764579600, or unset it",
                                          code=Code.BAD_OPTION)]) from None
    return dt.datetime.now(dt.timezone.utc)


def parse_moment(text: str, tz: ZoneInfo) -> dt.datetime | None:
    """'2026-12-01' (midnight in `tz`), or an ISO 8601 datetime (no offset: `tz`)."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=tz)


def stable_window(now: dt.datetime, tz: ZoneInfo, events: Iterable[dt.datetime]) -> tuple[dt.datetime, dt.datetime]:
    """The span around `now` in which a build's output does not change with the clock: within
    the same day in `tz` (what is overdue is by date) and between the `events` (moments a
    brief goes live or expires) on either side of `now`."""
    local = now.astimezone(tz)
    start = dt.datetime.combine(local.date(), dt.time(), tz)
    end = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tz)
    for e in events:
        if e <= now:
            start = max(start, e)
        else:
            end = min(end, e)
    return start, end
