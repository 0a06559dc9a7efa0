"""The brief front-matter contract: strict validation with a location for every problem.

validate_brief() turns located YAML data into checked plain values (strings still raw
Markdown); it never stops at the first problem, so a build reports every mistake at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sitegen.errors import SourceLocation
from sitegen.fieldreader import FieldReader
from sitegen.urls import MAX_SLUG_BYTES, SLUG_RE
from sitegen.yamlnodes import Path

BRIEF_KEYS = (
    "title", "date", "slug", "source", "summary", "ai_generated", "weight", "tldr", "audience",
    "tags", "metrics", "takeaways", "comparison", "deep_dive", "predictions", "timeline", "related",
    "draft",
)
REQUIRED = ("title", "date", "source", "summary")
PAGE_KEYS = ("title", "slug", "summary", "draft")
SOURCE_KEYS = ("name", "url", "lang", "published")
TLDR_KEYS = ("what_changed", "why_it_matters", "what_to_do_next")
METRIC_KEYS = ("label", "value", "unit", "change")
COMPARISON_KEYS = ("title", "columns", "rows")
PREDICTION_KEYS = ("claim", "rationale")
TIMELINE_KEYS = ("date", "event")

LANG_RE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*\Z")
TIMELINE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z", re.ASCII)


@dataclass(frozen=True)
class TimelineValue:
    date: str
    event: str


@dataclass(frozen=True)
class BriefFields:
    """Checked front matter. Text fields are still raw Markdown; dates are aware."""

    title: str
    date: dt.datetime
    has_time: bool
    slug: str | None
    slug_path: Path
    source: dict[str, Any]
    summary: str
    ai_generated: bool
    weight: float
    tldr: dict[str, str]
    audience: tuple[str, ...]
    tags: tuple[str, ...]
    metrics: tuple[dict[str, str], ...]
    takeaways: tuple[str, ...]
    comparison: dict[str, Any] | None
    deep_dive: tuple[str, ...]
    predictions: tuple[dict[str, str], ...]
    timeline: tuple[TimelineValue, ...]
    related: tuple[str, ...]
    related_locations: tuple[SourceLocation, ...]
    draft: bool


def check_slug(r: FieldReader, p: Path, value: Any) -> str | None:
    s = r.string(p, value, "slug")
    if s is None:
        return None
    if not SLUG_RE.match(s):
        r.error(p, f"invalid slug '{s}'",
                "a slug is one URL segment: letters, digits, '-' and '_' (no '/', '..', spaces or control characters)")
        return None
    if len(s.encode()) > MAX_SLUG_BYTES:
        r.error(p, f"slug is too long for a folder name ({len(s.encode())} bytes as UTF-8; the limit is {MAX_SLUG_BYTES})",
                "shorten it; the title can stay long")
        return None
    return s


def validate_brief(r: FieldReader, tz: ZoneInfo) -> BriefFields | None:
    data = r.doc.data
    if not isinstance(data, dict):
        r.error((), "front matter must be a mapping of keys to values",
                "write lines such as 'title: ...' between the --- lines")
        return None
    r.known_keys((), data, BRIEF_KEYS, "brief front matter")
    for key in REQUIRED:
        if key not in data:
            r.error((), f"missing required key '{key}'", _REQUIRED_HINTS[key])

    title = r.string(("title",), data["title"], "title") if "title" in data else None
    summary = r.string(("summary",), data["summary"], "summary") if "summary" in data else None
    when = r.datetime(("date",), data["date"], "date", tz) if "date" in data else None
    slug = check_slug(r, ("slug",), data["slug"]) if "slug" in data else None

    source: dict[str, Any] = {}
    if "source" in data:
        m = r.mapping(("source",), data["source"], "source", SOURCE_KEYS)
        if m is not None:
            for key in ("name", "url"):
                if key not in m:
                    r.error(("source",), f"missing required key 'source.{key}'",
                            "source needs a name and an http(s) url", key=True)
            if "name" in m:
                source["name"] = r.label(("source", "name"), m["name"], "source.name")
            if "url" in m:
                source["url"] = r.url(("source", "url"), m["url"], "source.url")
            if "lang" in m:
                lang = r.string(("source", "lang"), m["lang"], "source.lang")
                if lang is not None and not LANG_RE.match(lang):
                    r.error(("source", "lang"), f"'source.lang' is not a BCP 47 language tag: '{lang}'",
                            "use a tag such as 'en', 'zh' or 'pt-BR'")
                else:
                    source["lang"] = lang
            if "published" in m:
                pub = r.datetime(("source", "published"), m["published"], "source.published", tz)
                source["published"] = pub[0] if pub else None

    tldr: dict[str, str] = {}
    if "tldr" in data:
        m = r.mapping(("tldr",), data["tldr"], "tldr", TLDR_KEYS)
        for key in TLDR_KEYS if m else ():
            if key in m:  # type: ignore[operator]
                s = r.string(("tldr", key), m[key], f"tldr.{key}")  # type: ignore[index]
                if s is not None:
                    tldr[key] = s

    metrics = []
    for i, item in enumerate(r.sequence(("metrics",), data["metrics"], "metrics") or [] if "metrics" in data else []):
        p = ("metrics", i)
        m = r.mapping(p, item, f"metrics[{i}]", METRIC_KEYS)
        if m is None:
            continue
        metric: dict[str, str] = {}
        if "label" not in m:
            r.error(p, f"metrics[{i}] is missing 'label'", "every metric needs a label, e.g. {label: Revenue, value: 12}")
        else:
            metric["label"] = r.string(p + ("label",), m["label"], "label") or ""
        if "value" in m:
            v = m["value"]
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                r.error(p + ("value",), "metric 'value' must be a number or text", "e.g. value: 37.6 or value: \"n/a\"")
            else:
                metric["value"] = str(v)
        for key in ("unit", "change"):
            if key in m:
                metric[key] = r.string(p + (key,), m[key], key) or ""
        metrics.append(metric)

    comparison = None
    if "comparison" in data:
        m = r.mapping(("comparison",), data["comparison"], "comparison", COMPARISON_KEYS)
        if m is not None:
            comparison = _comparison(r, m)

    predictions = []
    for i, item in enumerate(r.sequence(("predictions",), data["predictions"], "predictions") or [] if "predictions" in data else []):
        p = ("predictions", i)
        m = r.mapping(p, item, f"predictions[{i}]", PREDICTION_KEYS)
        if m is None:
            continue
        if "claim" not in m:
            r.error(p, f"predictions[{i}] is missing 'claim'", "write {claim: ..., rationale: ...}")
            continue
        pred = {"claim": r.string(p + ("claim",), m["claim"], "claim") or ""}
        if "rationale" in m:
            pred["rationale"] = r.string(p + ("rationale",), m["rationale"], "rationale") or ""
        predictions.append(pred)

    timeline = []
    for i, item in enumerate(r.sequence(("timeline",), data["timeline"], "timeline") or [] if "timeline" in data else []):
        p = ("timeline", i)
        m = r.mapping(p, item, f"timeline[{i}]", TIMELINE_KEYS)
        if m is None:
            continue
        for key in TIMELINE_KEYS:
            if key not in m:
                r.error(p, f"timeline[{i}] is missing '{key}'", "write {date: 2020-12, event: ...}")
        if "date" in m and "event" in m:
            d = _timeline_date(r, p + ("date",), m["date"])
            e = r.string(p + ("event",), m["event"], "event")
            if d is not None and e is not None:
                timeline.append(TimelineValue(d, e))

    related: list[str] = []
    related_locations: list[SourceLocation] = []
    if "related" in data:
        for i, value in enumerate(r.sequence(("related",), data["related"], "related") or []):
            s = r.string(("related", i), value, f"related[{i}]")
            if s is not None:
                related.append(s.strip())
                related_locations.append(r.location(("related", i)))

    ai_generated = bool(r.boolean(("ai_generated",), data["ai_generated"], "ai_generated")) if "ai_generated" in data else False
    draft = bool(r.boolean(("draft",), data["draft"], "draft")) if "draft" in data else False
    weight = r.number(("weight",), data["weight"], "weight") if "weight" in data else 0.0
    audience = r.strings(("audience",), data["audience"], "audience", labels=True) if "audience" in data else ()
    tags = r.strings(("tags",), data["tags"], "tags", labels=True) if "tags" in data else ()
    takeaways = r.strings(("takeaways",), data["takeaways"], "takeaways") if "takeaways" in data else ()
    deep_dive = r.strings(("deep_dive",), data["deep_dive"], "deep_dive") if "deep_dive" in data else ()

    if r.diags or title is None or summary is None or when is None:
        return None
    return BriefFields(
        title=title, date=when[0], has_time=when[1], slug=slug, slug_path=("slug",),
        source=source, summary=summary, ai_generated=ai_generated, weight=weight or 0.0, tldr=tldr,
        audience=audience, tags=tags, metrics=tuple(metrics), takeaways=takeaways,
        comparison=comparison, deep_dive=deep_dive, predictions=tuple(predictions),
        timeline=tuple(timeline), related=tuple(related), related_locations=tuple(related_locations),
        draft=draft,
    )


_REQUIRED_HINTS = {
    "title": "add a line such as: title: \"What happened\"",
    "date": "add a line such as: date: 2026-05-02T08:14:00+08:00",
    "source": "add source: with name: and url: under it",
    "summary": "add a one-line hook: summary: \"...\"",
}


def _comparison(r: FieldReader, m: dict[str, Any]) -> dict[str, Any] | None:
    p = ("comparison",)
    title = r.string(p + ("title",), m["title"], "comparison.title") if "title" in m else "Competitor analysis"
    if "columns" not in m or "rows" not in m:
        r.error(p, "'comparison' needs both 'columns' and 'rows'",
                "columns: [Feature, A, B] and rows: [[Price, low, high]]")
        return None
    columns = r.strings(p + ("columns",), m["columns"], "comparison.columns")
    rows_in = r.sequence(p + ("rows",), m["rows"], "comparison.rows") or []
    rows = []
    for i, row in enumerate(rows_in):
        cells = r.strings(p + ("rows", i), row, f"comparison.rows[{i}]")
        if isinstance(row, list) and len(row) != len(columns):
            r.error(p + ("rows", i), f"comparison row {i + 1} has {len(row)} cells but there are {len(columns)} columns",
                    "give every row exactly one cell per column")
        rows.append(cells)
    if not columns:
        r.error(p + ("columns",), "'comparison.columns' must not be empty", "list the column headings, e.g. columns: [Feature, A, B]")
    return {"title": title or "Competitor analysis", "columns": columns, "rows": tuple(rows)}


def _timeline_date(r: FieldReader, p: Path, value: Any) -> str | None:
    s = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(s, str) or not (match := TIMELINE_RE.match(s.strip())):
        r.error(p, f"timeline date must be YYYY, YYYY-MM or YYYY-MM-DD, got '{value}'",
                "quote it if needed, e.g. date: \"2020-12\"")
        return None
    y, mo, d = match.groups()
    try:
        dt.date(int(y), int(mo or 1), int(d or 1))
    except ValueError as e:
        r.error(p, f"timeline date '{s}' is not a real date ({e})", "check the month (01-12) and the day")
        return None
    return s.strip()


def validate_page(r: FieldReader) -> tuple[str, str | None, str, bool] | None:
    """(title, slug, summary, draft) of a plain page."""
    data = r.doc.data if r.doc.data is not None else {}
    if not isinstance(data, dict):
        r.error((), "front matter must be a mapping of keys to values",
                "write lines such as 'title: ...' between the --- lines")
        return None
    r.known_keys((), data, PAGE_KEYS, "page front matter")
    if "title" not in data:
        r.error((), "missing required key 'title'", _REQUIRED_HINTS["title"])
    title = r.string(("title",), data["title"], "title") if "title" in data else None
    slug = check_slug(r, ("slug",), data["slug"]) if "slug" in data else None
    summary = r.string(("summary",), data["summary"], "summary") if "summary" in data else ""
    draft = bool(r.boolean(("draft",), data["draft"], "draft")) if "draft" in data else False
    if r.diags or title is None:
        return None
    return title, slug, summary or "", draft
