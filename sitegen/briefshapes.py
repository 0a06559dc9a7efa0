"""How each kind of brief field is read and turned into model values.

A reader checks the YAML value of one field and returns it checked (text still raw
Markdown), or None after reporting a located diagnostic; its path is (field name,).
A builder turns a checked value into the Brief attributes it sets; `md` renders inline
Markdown for fields marked as Markdown and returns text unchanged for the others.
The field table (brieffields.py) names one reader and, where needed, one builder per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from urllib.parse import urlsplit

from sitegen.codes import Code
from sitegen.fieldreader import FieldReader
from sitegen.hints import did_you_mean
from sitegen.model import OUTCOMES, Comparison, Correction, Metric, Prediction, Source, TimelineEntry, Tldr
from sitegen.urls import is_safe_url
from sitegen.yamlnodes import Path

Reader = Callable[[FieldReader, Path, Any, ZoneInfo], Any]
Inline = Callable[[str], str]
Builder = Callable[[Any, Inline], dict[str, Any]]

SOURCE_KEYS = ("name", "url", "lang", "published")
TLDR_KEYS = ("what_changed", "why_it_matters", "what_to_do_next")
METRIC_KEYS = ("label", "value", "unit", "change", "series")
COMPARISON_KEYS = ("title", "columns", "rows")
PREDICTION_KEYS = ("claim", "rationale", "resolve_by", "outcome", "outcome_note", "resolved_in")
TIMELINE_KEYS = ("date", "event")

LANG_RE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*\Z")
TIMELINE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z", re.ASCII)


def _name(p: Path) -> str:
    return str(p[0])


# --- plain values: the FieldReader method of their type ------------------------------------

def text(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> str | None:
    return r.string(p, value, _name(p))


def texts(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> tuple[str, ...]:
    return r.strings(p, value, _name(p))


def labels(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> tuple[str, ...]:
    """Names that become term pages (tags, audiences): short, one URL segment each."""
    return r.strings(p, value, _name(p), labels=True)


def flag(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> bool:
    return bool(r.boolean(p, value, _name(p)))


def number(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> float:
    return r.number(p, value, _name(p)) or 0.0


def slug(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> str | None:
    return r.slug(p, value)


def when(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> tuple[dt.datetime, bool] | None:
    """(aware datetime, has_time)."""
    return r.datetime(p, value, _name(p), tz)


IMAGE_PATH_RE = re.compile(r"^[^\W_][\w.-]*(?:/[\w.-]+)*\Z", re.UNICODE)
"""A site path of an image: letters, digits, '-', '_', '.' in segments, no leading '/'."""


def image(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> tuple[str, Any] | None:
    """(image, where): an image to share the brief with, a path in the site's static/ folder or an
    https URL; where it is written, for the build's check that static/ has the file."""
    s = _image(r, p, value)
    return None if s is None else (s, r.location(p))


def build_image(value: tuple[str, Any] | str, md: Inline) -> dict[str, Any]:
    image, where = value if isinstance(value, tuple) else (value, None)
    return {"image": image, "image_location": where}


def _image(r: FieldReader, p: Path, value: Any) -> str | None:
    s = r.string(p, value, _name(p))
    if s is None:
        return None
    s = s.strip()
    if not is_safe_url(s):
        r.error(p, f"'image' must not be a {s.split(':', 1)[0].strip().lower()}: URL",
                "use a file in static/ (image: images/chart.png) or an https URL", code=Code.INVALID_VALUE)
        return None
    if "://" in s or ":" in s.split("/", 1)[0]:
        if urlsplit(s).scheme.lower() != "https" or not urlsplit(s).netloc:
            r.error(p, f"'image' must be an https URL or a path in static/, got '{s}'",
                    "use a file in static/ (image: images/chart.png) or an https URL", code=Code.INVALID_VALUE)
            return None
        return s
    if not IMAGE_PATH_RE.match(s) or any(part in (".", "..") for part in s.split("/")):
        r.error(p, f"'image' is not a path in static/: '{s}'",
                "write the path inside static/ without a leading '/', e.g. image: images/chart.png",
                code=Code.INVALID_VALUE)
        return None
    return s


def build_when(value: tuple[dt.datetime, bool], md: Inline) -> dict[str, Any]:
    return {"date": value[0], "has_time": value[1]}


def build_moment(name: str) -> Builder:
    """For an optional datetime field: the Brief attribute `name` (has_time is not kept)."""
    def build(value: tuple[dt.datetime, bool] | None, md: Inline) -> dict[str, Any]:
        return {name: value[0] if value else None}
    return build


CORRECTION_KEYS = ("date", "note")


def corrections(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> tuple[tuple[dt.datetime, str], ...]:
    out = []
    for q, m in _items(r, p, value, CORRECTION_KEYS):
        for key in CORRECTION_KEYS:
            if key not in m:
                r.error(q, f"corrections[{q[-1]}] is missing '{key}'",
                        "write {date: 2026-05-03, note: What was wrong and what it says now}", code=Code.MISSING_KEY)
        if "date" in m and "note" in m:
            when = r.datetime(q + ("date",), m["date"], "date", tz)
            note = r.string(q + ("note",), m["note"], "note")
            if when is not None and note is not None:
                out.append((when[0], note))
    return tuple(out)


def build_corrections(value: tuple[tuple[dt.datetime, str], ...], md: Inline) -> dict[str, Any]:
    return {"corrections": tuple(Correction(when, md(note)) for when, note in value)}


def build_nothing(value: Any, md: Inline) -> dict[str, Any]:
    """For a field another step turns into the model (the slug falls back to the file name)."""
    return {}


# --- nested shapes ------------------------------------------------------------------------

def source(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> dict[str, Any] | None:
    m = r.mapping(p, value, "source", SOURCE_KEYS)
    if m is None:
        return None
    out: dict[str, Any] = {}
    for key in ("name", "url"):
        if key not in m:
            r.error(p, f"missing required key 'source.{key}'", "source needs a name and an http(s) url", key=True,
                    code=Code.MISSING_KEY)
    if "name" in m:
        out["name"] = r.label(p + ("name",), m["name"], "source.name")
    if "url" in m:
        out["url"] = r.url(p + ("url",), m["url"], "source.url")
    if "lang" in m:
        lang = r.string(p + ("lang",), m["lang"], "source.lang")
        if lang is not None and not LANG_RE.match(lang):
            r.error(p + ("lang",), f"'source.lang' is not a BCP 47 language tag: '{lang}'",
                    "use a tag such as 'en', 'zh' or 'pt-BR'", code=Code.INVALID_VALUE)
        else:
            out["lang"] = lang
    if "published" in m:
        pub = r.datetime(p + ("published",), m["published"], "source.published", tz)
        out["published"] = pub[0] if pub else None
    return out


def build_source(value: dict[str, Any], md: Inline) -> dict[str, Any]:
    return {"source": Source(value["name"], value["url"], value.get("lang") or "", value.get("published"))}


def tldr(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> dict[str, str]:
    m = r.mapping(p, value, "tldr", TLDR_KEYS)
    out: dict[str, str] = {}
    for key in TLDR_KEYS if m else ():
        if key in m:  # type: ignore[operator]
            s = r.string(p + (key,), m[key], f"tldr.{key}")  # type: ignore[index]
            if s is not None:
                out[key] = s
    return out


def build_tldr(value: dict[str, str], md: Inline) -> dict[str, Any]:
    return {"tldr": Tldr(**{k: md(v) for k, v in value.items()})}


def _items(r: FieldReader, p: Path, value: Any, keys: tuple[str, ...]) -> list[tuple[Path, dict[str, Any]]]:
    """(path, mapping) of each well-formed item of a list of mappings."""
    name = _name(p)
    out = []
    for i, item in enumerate(r.sequence(p, value, name) or []):
        m = r.mapping(p + (i,), item, f"{name}[{i}]", keys)
        if m is not None:
            out.append((p + (i,), m))
    return out


def metrics(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> tuple[dict[str, Any], ...]:
    out = []
    for q, m in _items(r, p, value, METRIC_KEYS):
        metric: dict[str, Any] = {}
        if "label" not in m:
            r.error(q, f"metrics[{q[-1]}] is missing 'label'", "every metric needs a label, e.g. {label: Revenue, value: 12}",
                    code=Code.MISSING_KEY)
        else:
            metric["label"] = r.string(q + ("label",), m["label"], "label") or ""
        if "value" in m:
            v = m["value"]
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                r.error(q + ("value",), "metric 'value' must be a number or text", "e.g. value: 37.6 or value: \"n/a\"",
                        code=Code.WRONG_TYPE)
            else:
                metric["value"] = str(v)
        for key in ("unit", "change"):
            if key in m:
                metric[key] = r.string(q + (key,), m[key], key) or ""
        if "series" in m:
            series = r.slug(q + ("series",), m["series"])
            if series is not None:
                metric["series"] = series
                metric["series_location"] = r.location(q + ("series",))
        out.append(metric)
    return tuple(out)


def build_metrics(value: tuple[dict[str, Any], ...], md: Inline) -> dict[str, Any]:
    return {"metrics": tuple(Metric(m.get("label", ""), m.get("value", ""), m.get("unit", ""), m.get("change", ""),
                                    m.get("series", ""), m.get("series_location"))
                             for m in value)}


def comparison(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> dict[str, Any] | None:
    m = r.mapping(p, value, "comparison", COMPARISON_KEYS)
    if m is None:
        return None
    title = r.string(p + ("title",), m["title"], "comparison.title") if "title" in m else "Competitor analysis"
    if "columns" not in m or "rows" not in m:
        r.error(p, "'comparison' needs both 'columns' and 'rows'",
                "columns: [Feature, A, B] and rows: [[Price, low, high]]", code=Code.MISSING_KEY)
        return None
    columns = r.strings(p + ("columns",), m["columns"], "comparison.columns")
    rows = []
    for i, row in enumerate(r.sequence(p + ("rows",), m["rows"], "comparison.rows") or []):
        cells = r.strings(p + ("rows", i), row, f"comparison.rows[{i}]")
        if isinstance(row, list) and len(row) != len(columns):
            r.error(p + ("rows", i), f"comparison row {i + 1} has {len(row)} cells but there are {len(columns)} columns",
                    "give every row exactly one cell per column", code=Code.ROW_LENGTH)
        rows.append(cells)
    if not columns:
        r.error(p + ("columns",), "'comparison.columns' must not be empty",
                "list the column headings, e.g. columns: [Feature, A, B]", code=Code.EMPTY_VALUE)
    return {"title": title or "Competitor analysis", "columns": columns, "rows": tuple(rows)}


def build_comparison(value: dict[str, Any] | None, md: Inline) -> dict[str, Any]:
    if not value:
        return {"comparison": None}
    return {"comparison": Comparison(md(value["title"]), tuple(map(md, value["columns"])),
                                     tuple(tuple(map(md, row)) for row in value["rows"]))}


def predictions(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> tuple[dict[str, str], ...]:
    out = []
    for q, m in _items(r, p, value, PREDICTION_KEYS):
        if "claim" not in m:
            r.error(q, f"predictions[{q[-1]}] is missing 'claim'", "write {claim: ..., rationale: ...}",
                    code=Code.MISSING_KEY)
            continue
        pred: dict[str, Any] = {"claim": r.string(q + ("claim",), m["claim"], "claim") or ""}
        for key in ("rationale", "outcome_note"):
            if key in m:
                pred[key] = r.string(q + (key,), m[key], key) or ""
        if "resolve_by" in m:
            when = r.datetime(q + ("resolve_by",), m["resolve_by"], "resolve_by", tz)
            if when is not None:
                pred["resolve_by"] = when[0].date()
        if "outcome" in m:
            outcome = r.string(q + ("outcome",), m["outcome"], "outcome")
            if outcome is not None and outcome not in OUTCOMES:
                r.error(q + ("outcome",), f"unknown outcome '{outcome}'",
                        did_you_mean(outcome, OUTCOMES, "use one of"), code=Code.INVALID_VALUE)
            elif outcome is not None and "resolve_by" not in m:
                r.error(q + ("outcome",), "a prediction with an 'outcome' needs 'resolve_by'",
                        "add resolve_by: YYYY-MM-DD, the date by which the prediction was to come true",
                        code=Code.NEEDS_KEY)
            elif outcome is not None:
                pred["outcome"] = outcome
        if "resolved_in" in m:
            slug = r.slug(q + ("resolved_in",), m["resolved_in"])
            if slug is not None:
                pred["resolved_in"] = slug
                pred["resolved_in_location"] = r.location(q + ("resolved_in",))
        out.append(pred)
    return tuple(out)


def build_predictions(value: tuple[dict[str, Any], ...], md: Inline) -> dict[str, Any]:
    return {"predictions": tuple(
        Prediction(md(p["claim"]), md(p.get("rationale", "")), p.get("resolve_by"), p.get("outcome", ""),
                   md(p.get("outcome_note", "")), p.get("resolved_in", ""), p.get("resolved_in_location"))
        for p in value)}


@dataclass(frozen=True)
class TimelineValue:
    date: str
    event: str


def timeline(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> tuple[TimelineValue, ...]:
    out = []
    for q, m in _items(r, p, value, TIMELINE_KEYS):
        for key in TIMELINE_KEYS:
            if key not in m:
                r.error(q, f"timeline[{q[-1]}] is missing '{key}'", "write {date: 2020-12, event: ...}",
                        code=Code.MISSING_KEY)
        if "date" in m and "event" in m:
            d = _timeline_date(r, q + ("date",), m["date"])
            e = r.string(q + ("event",), m["event"], "event")
            if d is not None and e is not None:
                out.append(TimelineValue(d, e))
    return tuple(out)


def _timeline_date(r: FieldReader, p: Path, value: Any) -> str | None:
    s = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(s, str) or not (match := TIMELINE_RE.match(s.strip())):
        r.error(p, f"timeline date must be YYYY, YYYY-MM or YYYY-MM-DD, got '{value}'",
                "quote it if needed, e.g. date: \"2020-12\"", code=Code.INVALID_DATE)
        return None
    y, mo, d = match.groups()
    try:
        dt.date(int(y), int(mo or 1), int(d or 1))
    except ValueError as e:
        r.error(p, f"timeline date '{s}' is not a real date ({e})", "check the month (01-12) and the day",
                code=Code.INVALID_DATE)
        return None
    return s.strip()


def build_timeline(value: tuple[TimelineValue, ...], md: Inline) -> dict[str, Any]:
    return {"timeline": tuple(TimelineEntry(t.date, md(t.event)) for t in value)}


def related(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> tuple[tuple[str, Any], ...]:
    """(slug, where) of each pinned related brief: assembly reports an unknown slug there."""
    out = []
    for i, item in enumerate(r.sequence(p, value, "related") or []):
        s = r.string(p + (i,), item, f"related[{i}]")
        if s is not None:
            out.append((s.strip(), r.location(p + (i,))))
    return tuple(out)


def build_related(value: tuple[tuple[str, Any], ...], md: Inline) -> dict[str, Any]:
    return {"related": tuple(s for s, _ in value), "related_locations": tuple(loc for _, loc in value)}


def aliases(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> tuple[tuple[str, Any], ...]:
    """(old slug, where) of each earlier address of the brief."""
    out = []
    for i, item in enumerate(r.sequence(p, value, "aliases") or []):
        s = r.slug(p + (i,), item)
        if s is not None:
            out.append((s, r.location(p + (i,))))
    return tuple(out)


def located_text(r: FieldReader, p: Path, value: Any, tz: ZoneInfo) -> tuple[str, Any] | None:
    """(text, where): assembly checks it against other briefs and reports there (lang, translation_of)."""
    s = r.string(p, value, str(p[-1]))
    return None if s is None else (s.strip(), r.location(p))


def build_located(name: str) -> Builder:
    """{name: text, name_location: where}; absent: ("", None)."""
    def build(value: tuple[str, Any] | str, md: Inline) -> dict[str, Any]:
        text, where = value if isinstance(value, tuple) else (value, None)
        return {name: text, f"{name}_location": where}
    return build


def build_aliases(value: tuple[tuple[str, Any], ...], md: Inline) -> dict[str, Any]:
    return {"aliases": tuple(s for s, _ in value), "alias_locations": tuple(loc for _, loc in value)}
