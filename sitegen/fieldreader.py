"""Reads typed values out of located YAML, with a location for every problem.

FieldReader is what every front-matter contract is checked with: each method takes the
path of a value in the document and returns the checked value, or None after recording a
`path:line:col` diagnostic with a hint. It never raises, so a build reports every mistake.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sitegen.codes import Code
from sitegen.errors import Diagnostic, SourceLocation, line_of
from sitegen.hints import did_you_mean
from sitegen.urls import MAX_SLUG_BYTES, SLUG_RE
from sitegen.yamlnodes import Located, Path

DATE_ONLY_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}\Z", re.ASCII)
MIN_YEAR, MAX_YEAR = 2, 9998
MAX_LABEL = 100
"""Characters in a tag, audience or source name: each becomes a folder name (255 bytes at most)."""


@dataclass
class FieldReader:
    """Reads typed values out of located YAML, collecting diagnostics instead of raising."""

    doc: Located
    path: str
    text: str
    line_offset: int
    """File line of YAML line 1, minus one."""
    diags: list[Diagnostic] = field(default_factory=list)

    def location(self, p: Path, key: bool = False) -> SourceLocation:
        line, col = self.doc.where(p, key=key)
        return SourceLocation(self.path, line + self.line_offset, col)

    def error(self, p: Path, message: str, hint: str = "", key: bool = False, *, code: Code) -> None:
        loc = self.location(p, key)
        self.diags.append(Diagnostic(loc, message, hint, line_of(self.text, loc.line), code=code))

    def known_keys(self, p: Path, mapping: dict[str, Any], known: tuple[str, ...], what: str) -> None:
        for k in mapping:
            if k not in known:
                self.error(p + (k,), f"unknown key '{k}' in {what}", did_you_mean(k, known), key=True,
                           code=Code.UNKNOWN_KEY)

    def string(self, p: Path, value: Any, name: str, *, empty_ok: bool = False) -> str | None:
        if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
            self.error(p, f"'{name}' must be a string", _quote_hint(value), code=Code.WRONG_TYPE)
            return None
        if isinstance(value, (int, float)):
            value = str(value)  # `unit: 5` or a numeric label is still meaningful text
        if not empty_ok and not value.strip():
            self.error(p, f"'{name}' must not be empty", "write some text, or remove the key", code=Code.EMPTY_VALUE)
            return None
        return value

    def boolean(self, p: Path, value: Any, name: str) -> bool | None:
        if not isinstance(value, bool):
            self.error(p, f"'{name}' must be true or false", f"write {name}: true or {name}: false, without quotes",
                       code=Code.WRONG_TYPE)
            return None
        return value

    def number(self, p: Path, value: Any, name: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.error(p, f"'{name}' must be a number", f"write a plain number, e.g. {name}: 10", code=Code.WRONG_TYPE)
            return None
        return float(value)

    def mapping(self, p: Path, value: Any, name: str, keys: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(p, f"'{name}' must be a mapping with keys: {', '.join(keys)}",
                       f"indent the keys under '{name}:' or write them as {{{keys[0]}: ...}}", code=Code.WRONG_TYPE)
            return None
        self.known_keys(p, value, keys, f"'{name}'")
        return value

    def sequence(self, p: Path, value: Any, name: str) -> list[Any] | None:
        if not isinstance(value, list):
            self.error(p, f"'{name}' must be a list", f"write it as a list, e.g. {name}: [first, second]",
                       code=Code.WRONG_TYPE)
            return None
        return value

    def strings(self, p: Path, value: Any, name: str, *, labels: bool = False) -> tuple[str, ...]:
        items = self.sequence(p, value, name)
        if items is None:
            return ()
        out = []
        for i, item in enumerate(items):
            s = (self.label if labels else self.string)(p + (i,), item, f"{name}[{i}]")
            if s is not None:
                out.append(s)
        return tuple(out)

    def label(self, p: Path, value: Any, name: str) -> str | None:
        """A short name that also becomes a URL segment and a folder name (tags, audiences, sources)."""
        s = self.string(p, value, name)
        if s is not None and len(s) > MAX_LABEL:
            self.error(p, f"'{name}' is {len(s)} characters long; the limit is {MAX_LABEL}",
                       "use a short label: it becomes a page address", code=Code.TOO_LONG)
            return None
        return s

    def slug(self, p: Path, value: Any) -> str | None:
        """A brief or page slug: one URL segment that is also a folder name."""
        s = self.string(p, value, "slug")
        if s is None:
            return None
        if not SLUG_RE.match(s):
            self.error(p, f"invalid slug '{s}'",
                       "a slug is one URL segment: letters, digits, '-' and '_' (no '/', '..', spaces or control characters)",
                       code=Code.INVALID_SLUG)
            return None
        if len(s.encode()) > MAX_SLUG_BYTES:
            self.error(p, f"slug is too long for a folder name ({len(s.encode())} bytes as UTF-8; the limit is {MAX_SLUG_BYTES})",
                       "shorten it; the title can stay long", code=Code.TOO_LONG)
            return None
        return s

    def url(self, p: Path, value: Any, name: str) -> str | None:
        s = self.string(p, value, name)
        if s is None:
            return None
        try:
            parts = urlsplit(s.strip())
        except ValueError:  # e.g. an unclosed IPv6 bracket
            parts = urlsplit("")
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            self.error(p, f"'{name}' must be an http or https URL, got '{s}'",
                       "use a full address such as https://example.com/article", code=Code.INVALID_URL)
            return None
        return s.strip()

    def datetime(self, p: Path, value: Any, name: str, tz: ZoneInfo) -> tuple[dt.datetime, bool] | None:
        """(aware datetime, has_time). Bare dates are midnight in the site timezone."""
        if isinstance(value, bool) or not isinstance(value, str):
            self.error(p, f"'{name}' must be a date (YYYY-MM-DD) or a datetime (YYYY-MM-DDTHH:MM:SS+08:00)",
                       f"e.g. {name}: 2026-05-02 or {name}: 2026-05-02T08:14:00+08:00", code=Code.WRONG_TYPE)
            return None
        s = value.strip()
        try:
            if DATE_ONLY_RE.match(s):
                d = dt.date.fromisoformat(_pad_date(s))
                return self._in_range(p, name, s, dt.datetime(d.year, d.month, d.day, tzinfo=tz), False)
            when = dt.datetime.fromisoformat(s)
        except ValueError as e:
            self.error(p, f"'{name}' is not a valid date: '{s}' ({e})",
                       "write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS with an optional offset such as +08:00",
                       code=Code.INVALID_DATE)
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=tz)
        return self._in_range(p, name, s, when, True)

    def _in_range(self, p: Path, name: str, s: str, when: dt.datetime, has_time: bool) -> tuple[dt.datetime, bool] | None:
        # Later stages convert to UTC and step by days and weeks: keep clear of year 1 and 9999.
        try:
            ok = MIN_YEAR <= when.astimezone(dt.timezone.utc).year <= MAX_YEAR
        except (OverflowError, ValueError):
            ok = False
        if not ok:
            self.error(p, f"'{name}' is out of range: '{s}'", f"use a year between {MIN_YEAR} and {MAX_YEAR}",
                       code=Code.INVALID_DATE)
            return None
        return when, has_time


def _pad_date(s: str) -> str:
    y, m, d = s.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"


def _quote_hint(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return "a list or mapping was found; write a single text value"
    if isinstance(value, bool):
        return "YAML reads yes/no/true/false as a boolean; put the text in quotes"
    return "write a text value in quotes"
