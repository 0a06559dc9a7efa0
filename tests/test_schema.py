"""schema: the brief front-matter contract, one row per rule."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sitegen.errors import Diagnostic
from sitegen.fieldreader import FieldReader
from sitegen.schema import validate_brief, validate_page
from sitegen.yamlnodes import load_located

TZ = ZoneInfo("Asia/Shanghai")
VALID = (
    'title: "T"\n'
    "date: 2026-05-02T08:14:00+08:00\n"
    "source: {name: N, url: 'https://example.com/a'}\n"
    'summary: "S"\n'
)
"""Four lines; test rows append keys from line 5 on."""


def check(yaml_text: str) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    reader = FieldReader(load_located(yaml_text), "b.md", yaml_text, 0)
    return validate_brief(reader, TZ), reader.diags


def ok(extra: str = "", base: str = VALID) -> dict[str, Any]:
    fields, diags = check(base + extra)
    assert not diags, [d.format() for d in diags]
    assert fields is not None
    return fields


def test_longest_accepted_labels_and_slug() -> None:
    f = ok(f"slug: {'长' * 66}\ntags: [{'t' * 100}]\n")
    assert len(f["slug"].encode()) == 198 and len(f["tags"][0]) == 100


def test_minimal_brief_and_defaults() -> None:
    f = ok()
    assert set(f) == {"title", "date", "source", "summary"}  # absent keys get their defaults in the model
    assert (f["title"], f["summary"]) == ("T", "S")
    assert f["source"] == {"name": "N", "url": "https://example.com/a"}
    assert f["date"] == (dt.datetime(2026, 5, 2, 8, 14, tzinfo=dt.timezone(dt.timedelta(hours=8))), True)


def test_every_field() -> None:
    f = ok(
        "slug: every-field\n"
        "ai_generated: true\n"
        "weight: 2.5\n"
        "tldr: {what_changed: a, why_it_matters: b, what_to_do_next: c}\n"
        "audience: [Developers]\n"
        "tags: [chips, 虎嗅]\n"
        "metrics:\n  - {label: Revenue, value: 37.6, unit: $B, change: '+28%'}\n  - {label: Share, value: n/a}\n"
        "takeaways: [one, two]\n"
        "comparison: {columns: [F, A], rows: [[x, y]]}\n"
        "deep_dive: [deep]\n"
        "predictions: [{claim: c1, rationale: r1}, {claim: c2}]\n"
        "timeline: [{date: 2020, event: e1}, {date: 2020-12, event: e2}, {date: 2021-01-31, event: e3}]\n"
        "related: [other]\n"
        "draft: true\n",
        base=VALID.replace("url: 'https://example.com/a'}",
                           "url: 'https://example.com/a', lang: zh-Hans, published: 2026-05-02T08:00:00+08:00}"),
    )
    assert f["slug"] == "every-field" and f["ai_generated"] is True and f["weight"] == 2.5 and f["draft"] is True
    assert f["source"]["lang"] == "zh-Hans" and f["source"]["published"].hour == 8
    assert f["tldr"] == {"what_changed": "a", "why_it_matters": "b", "what_to_do_next": "c"}
    assert f["tags"] == ("chips", "虎嗅") and f["audience"] == ("Developers",)
    assert f["metrics"] == ({"label": "Revenue", "value": "37.6", "unit": "$B", "change": "+28%"},
                            {"label": "Share", "value": "n/a"})
    assert f["comparison"] == {"title": "Competitor analysis", "columns": ("F", "A"), "rows": (("x", "y"),)}
    assert [p.get("rationale") for p in f["predictions"]] == ["r1", None]
    assert [(t.date, t.event) for t in f["timeline"]] == [("2020", "e1"), ("2020-12", "e2"), ("2021-01-31", "e3")]
    [(slug, where)] = f["related"]
    assert slug == "other" and str(where) == "b.md:19:11"


@pytest.mark.parametrize(("date", "expected", "has_time"), [
    ("2026-05-02", dt.datetime(2026, 5, 2, tzinfo=TZ), False),
    ("2026-5-2", dt.datetime(2026, 5, 2, tzinfo=TZ), False),
    ("2026-05-02T08:14:00", dt.datetime(2026, 5, 2, 8, 14, tzinfo=TZ), True),
    ("2026-05-02 08:14", dt.datetime(2026, 5, 2, 8, 14, tzinfo=TZ), True),
    ("2026-05-02T08:14:00Z", dt.datetime(2026, 5, 2, 8, 14, tzinfo=dt.timezone.utc), True),
    ("'2026-05-02T08:14:00-04:00'", dt.datetime(2026, 5, 2, 12, 14, tzinfo=dt.timezone.utc), True),
], ids=["date", "unpadded-date", "no-offset-gets-site-tz", "space-separator", "zulu", "offset"])
def test_dates(date: str, expected: dt.datetime, has_time: bool) -> None:
    when, with_time = ok(base=VALID.replace("2026-05-02T08:14:00+08:00", date))["date"]
    assert when == expected and when.tzinfo is not None and with_time is has_time


def add(extra: str) -> str:
    """VALID with keys appended from line 5 on."""
    return VALID + extra


def sub(line: int, new: str) -> str:
    """VALID with its 1-based `line` replaced."""
    lines = VALID.splitlines(keepends=True)
    lines[line - 1] = new
    return "".join(lines)


def row(text: str, where: str, message: str, id: str):  # type: ignore[no-untyped-def]
    return pytest.param(text, where, message, id=id)


# (front matter, expected line:col, part of the message)
INVALID = [
    row(sub(1, "title: [x]\n"), "1:8", "'title' must be a string", "title-list"),
    row(sub(1, 'title: "  "\n'), "1:8", "'title' must not be empty", "title-blank"),
    row(sub(1, "title: yes\n"), "1:8", "'title' must be a string", "title-bool"),
    row(add("tags: 5\n"), "5:7", "'tags' must be a list", "tags-scalar"),
    row(add("tags: [a, [b]]\n"), "5:11", "'tags[1]' must be a string", "tags-nested"),
    row(add("audience: Developers\n"), "5:11", "'audience' must be a list", "audience-scalar"),
    row(add("draft: 'no'\n"), "5:8", "'draft' must be true or false", "draft-string"),
    row(add("ai_generated: 1\n"), "5:15", "'ai_generated' must be true or false", "ai-generated-int"),
    row(add("weight: heavy\n"), "5:9", "'weight' must be a number", "weight-text"),
    row(add("weight: .nan\n"), "5:9", "'weight' must be a number", "weight-nan"),
    row(add("weight: .inf\n"), "5:9", "'weight' must be a number", "weight-inf"),
    row(add("audiance: [x]\n"), "5:1", "unknown key 'audiance'", "unknown-key"),
    row(sub(3, "source: {name: N, url: 'https://e.com', langs: en}\n"), "3:41", "unknown key 'langs' in 'source'",
        "unknown-source-key"),
    row(add("tldr: {what_changd: x}\n"), "5:8", "unknown key 'what_changd' in 'tldr'", "unknown-tldr-key"),
    row(add("tldr: just text\n"), "5:7", "'tldr' must be a mapping", "tldr-scalar"),
    row(add("metrics: [{value: 3}]\n"), "5:11", "metrics[0] is missing 'label'", "metric-no-label"),
    row(add("metrics: [{label: L, value: [1]}]\n"), "5:29", "metric 'value' must be a number or text",
        "metric-value-list"),
    row(add("comparison: {columns: [A, B], rows: [[1, 2], [3]]}\n"), "5:46",
        "row 2 has 1 cells but there are 2 columns", "comparison-row-length"),
    row(add("comparison: {columns: [A, B]}\n"), "5:13", "needs both 'columns' and 'rows'", "comparison-no-rows"),
    row(add("comparison: {columns: [], rows: []}\n"), "5:23", "'comparison.columns' must not be empty",
        "comparison-no-columns"),
    row(add("predictions: [{rationale: r}]\n"), "5:15", "predictions[0] is missing 'claim'", "prediction-no-claim"),
    row(add("timeline: [{date: 2020/12, event: e}]\n"), "5:19", "timeline date must be YYYY, YYYY-MM or YYYY-MM-DD",
        "timeline-slashes"),
    row(add("timeline: [{date: 20-12, event: e}]\n"), "5:19", "timeline date must be", "timeline-two-digit-year"),
    row(add("timeline: [{date: '٢٠٢٠', event: e}]\n"), "5:19", "timeline date must be", "timeline-non-ascii-digits"),
    row(add("timeline: [{date: 2020-13, event: e}]\n"), "5:19", "is not a real date", "timeline-month-13"),
    row(add("timeline: [{event: e}]\n"), "5:12", "timeline[0] is missing 'date'", "timeline-no-date"),
    row(add("related: other\n"), "5:10", "'related' must be a list", "related-scalar"),
    row(add("slug: ../../x\n"), "5:7", "invalid slug '../../x'", "slug-dotdot"),
    row(add("slug: /etc/x\n"), "5:7", "invalid slug", "slug-absolute"),
    row(add('slug: "a\\nb"\n'), "5:7", "invalid slug", "slug-newline"),
    row(add('slug: "x\\n"\n'), "5:7", "invalid slug", "slug-trailing-newline"),
    row(add('slug: "a\\tb"\n'), "5:7", "invalid slug", "slug-tab"),
    row(add("slug: a b\n"), "5:7", "invalid slug", "slug-space"),
    row(add("slug: ..\n"), "5:7", "invalid slug", "slug-parent"),
    row(add("slug: a\\\\b\n"), "5:7", "invalid slug", "slug-backslash"),
    row(add(f"slug: {'长' * 67}\n"), "5:7", "slug is too long for a folder name (201 bytes", "slug-too-many-bytes"),
    row(add(f"tags: [ok, {'t' * 101}]\n"), "5:12", "'tags[1]' is 101 characters long; the limit is 100", "tag-too-long"),
    row(add(f"audience: [{'a' * 101}]\n"), "5:12", "'audience[0]' is 101 characters long", "audience-too-long"),
    row(sub(3, f"source: {{name: {'n' * 101}, url: 'https://e.com'}}\n"), "3:16", "'source.name' is 101 characters",
        "source-name-too-long"),
    row("[not, a, mapping]\n", "1:1", "front matter must be a mapping", "not-a-mapping"),
]


@pytest.mark.parametrize(("text", "where", "message"), INVALID)
def test_invalid(text: str, where: str, message: str) -> None:
    fields, diags = check(text)
    assert fields is None
    shown = [f"{d.location.line}:{d.location.col} {d.message}" for d in diags]
    assert any(s.startswith(f"{where} ") and message in s for s in shown), shown
    assert all(d.hint for d in diags), [d.format() for d in diags]


@pytest.mark.parametrize(("date", "message"), [
    ("2026-13-45", "is not a valid date"),
    ("2026-02-30", "is not a valid date"),
    ("'2026-05-02T25:00:00'", "is not a valid date"),
    ("'2026-05-02T08:00:00+25:00'", "is not a valid date"),
    ("20260502", "must be a date"),
    ("[2026]", "must be a date"),
    ("yesterday", "is not a valid date"),
    ("9999-12-31", "out of range"),
    ("'0001-01-01T00:00:00+12:00'", "out of range"),
], ids=["month-13", "feb-30", "hour-25", "offset-25h", "number", "list", "word", "year-9999", "before-year-1-utc"])
def test_invalid_dates_point_at_the_value(date: str, message: str) -> None:
    fields, diags = check(VALID.replace("2026-05-02T08:14:00+08:00", date))
    assert fields is None and len(diags) == 1
    assert (diags[0].location.line, diags[0].location.col) == (2, 7) and message in diags[0].message


@pytest.mark.parametrize("key", ["title", "date", "source", "summary"])
def test_missing_required_key(key: str) -> None:
    text = "".join(line + "\n" for line in VALID.splitlines() if not line.startswith(key))
    fields, diags = check(text)
    assert fields is None
    assert [d.message for d in diags] == [f"missing required key '{key}'"]
    assert key in diags[0].hint


@pytest.mark.parametrize(("source", "where", "message"), [
    ("source: {name: N}\n", "3:1", "missing required key 'source.url'"),
    ("source:\n  url: https://e.com/\n", "3:1", "missing required key 'source.name'"),
    ("source: {name: N, url: 'ftp://e.com/x'}\n", "3:24", "must be an http or https URL"),
    ("source: {name: N, url: 'javascript:alert(1)'}\n", "3:24", "must be an http or https URL"),
    ("source: {name: N, url: 'JAVASCRIPT://e.com/%0aalert(1)'}\n", "3:24", "must be an http or https URL"),
    ("source: {name: N, url: 'https:/no-host'}\n", "3:24", "must be an http or https URL"),
    ("source: {name: N, url: 'https://[::1'}\n", "3:24", "must be an http or https URL"),
    ("source: {name: N, url: 'https://e.com/', lang: 'en\\n'}\n", "3:48", "not a BCP 47 language tag"),
    ("source: {name: N, url: 'https://e.com/', lang: 'e n'}\n", "3:48", "not a BCP 47 language tag"),
    ("source: {name: N, url: 'https://e.com/', published: 'soon'}\n", "3:53", "'source.published' is not a valid date"),
    ("source: https://e.com/\n", "3:9", "'source' must be a mapping"),
], ids=["no-url", "no-name", "ftp", "javascript", "javascript-upper", "no-host", "bad-ipv6", "lang-newline",
        "lang-space", "published-bad", "scalar"])
def test_invalid_source(source: str, where: str, message: str) -> None:
    fields, diags = check(sub(3, source))
    assert fields is None
    assert [f"{d.location.line}:{d.location.col}" for d in diags] == [where] and message in diags[0].message


def test_all_errors_of_a_file_are_collected() -> None:
    fields, diags = check("title: [x]\ndate: 2026-13-01\ntags: 5\naudiance: []\n")
    assert fields is None
    assert sorted(f"{d.location.line}:{d.location.col}" for d in diags) == [
        "1:1", "1:1", "1:8", "2:7", "3:7", "4:1"]  # + missing source and summary, at the mapping


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("title: About\n", ("About", None, "", False)),
    ("title: About\nslug: about-us\nsummary: s\ndraft: true\n", ("About", "about-us", "s", True)),
], ids=["minimal", "every-key"])
def test_page(yaml_text: str, expected: tuple[object, ...]) -> None:
    reader = FieldReader(load_located(yaml_text), "p.md", yaml_text, 0)
    assert validate_page(reader) == expected and not reader.diags


@pytest.mark.parametrize(("yaml_text", "message"), [
    ("", "missing required key 'title'"),
    ("title: About\ndate: 2026-01-01\n", "unknown key 'date' in page front matter"),
    ("- a\n", "front matter must be a mapping"),
], ids=["empty", "brief-key", "list"])
def test_invalid_page(yaml_text: str, message: str) -> None:
    reader = FieldReader(load_located(yaml_text), "p.md", yaml_text, 0)
    assert validate_page(reader) is None
    assert message in reader.diags[0].message
