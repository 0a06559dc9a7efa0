"""Week assignment: ISO 8601 weeks in the site timezone, across year boundaries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sitegen.errors import SourceLocation
from sitegen.model import Brief, Source

from sitegen.weekly import group_weeks, week_key, year_and_week

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("when", "tz", "expected"),
    [
        ("2026-01-01T12:00:00+00:00", "UTC", "2026-w01"),  # Thursday: week 1 of 2026
        ("2027-01-01T12:00:00+00:00", "UTC", "2026-w53"),  # Friday: 2026 has 53 weeks
        ("2027-01-03T23:59:00+00:00", "UTC", "2026-w53"),  # Sunday closes week 53
        ("2027-01-04T00:00:00+00:00", "UTC", "2027-w01"),  # Monday opens 2027-w01
        ("2025-12-29T00:00:00+00:00", "UTC", "2026-w01"),  # December day in next ISO year
        ("2025-12-28T23:00:00+00:00", "UTC", "2025-w52"),
        ("2026-05-02T08:14:00+08:00", "UTC", "2026-w18"),
        ("2026-03-09T00:30:00+00:00", "UTC", "2026-w11"),  # single-digit weeks get two digits
        # The same instant lands in different weeks depending on the site timezone.
        ("2026-01-04T20:00:00+00:00", "UTC", "2026-w01"),  # Sunday evening in London
        ("2026-01-04T20:00:00+00:00", "Asia/Shanghai", "2026-w02"),  # already Monday in Shanghai
        ("2026-01-05T02:00:00+00:00", "America/Los_Angeles", "2026-w01"),  # still Sunday in LA
    ],
    ids=["2026-01-01", "2027-01-01-w53", "w53-sunday", "w01-monday", "dec-in-next-year", "w52",
         "offset-date", "two-digit", "utc-sunday", "shanghai-monday", "la-sunday"],
)
def test_week_key(when: str, tz: str, expected: str) -> None:
    """week_key is the one definition of a week: group_weeks files briefs under it (next test)."""
    instant = dt.datetime.fromisoformat(when)
    assert week_key(instant, ZoneInfo(tz)) == expected
    iso_year, iso_week, _ = instant.astimezone(ZoneInfo(tz)).isocalendar()
    assert year_and_week(expected) == (iso_year, iso_week)


def test_group_weeks_files_each_brief_under_its_week_key_newest_week_first() -> None:
    def brief_at(slug: str, when: str) -> Brief:
        return Brief(source_path=f"{slug}.md", slug=slug, slug_location=SourceLocation(f"{slug}.md"), title=slug,
                     date=dt.datetime.fromisoformat(when), has_time=True, source=Source("N", "https://e.com/"),
                     summary=slug, body_html="")

    tz = ZoneInfo("Asia/Shanghai")
    briefs = [brief_at("a", "2026-12-31T12:00:00+00:00"), brief_at("b", "2027-01-03T20:00:00+00:00"),
              brief_at("c", "2027-01-10T12:00:00+00:00")]  # b is already Monday 2027-01-04 in Shanghai
    weeks, week_of = group_weeks(briefs, tz)
    assert [(w.key, w.year, w.number, w.start.isoformat(), w.slugs) for w in weeks] == [
        ("2027-w01", 2027, 1, "2027-01-04", ("c", "b")), ("2026-w53", 2026, 53, "2026-12-28", ("a",))]
    assert week_of == {b.slug: week_key(b.date, tz) for b in briefs}


def test_week_pages_for_dates_without_offset_use_site_timezone(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import brief

    site = make_site({
        "sitegen.yaml": "timezone: Asia/Tokyo\n",
        # 2027-01-04 00:30 in Tokyo is Monday of 2027-w01; in UTC it would be Sunday of 2026-w53.
        "content/briefs/a.md": brief("Early Monday", date="2027-01-04T00:30:00"),
        "content/briefs/b.md": brief("New Year's Day", date="2027-01-01"),
    })
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    public = site / "public"
    assert (public / "weekly/2027-w01/index.html").is_file()
    assert (public / "weekly/2026-w53/index.html").is_file()
    a = (public / "briefs/a/index.html").read_text()
    assert 'href="/weekly/2027-w01/"' in a
    b = (public / "briefs/b/index.html").read_text()
    assert 'href="/weekly/2026-w53/"' in b
    assert 'datetime="2027-01-04T00:30:00+09:00"' in a


def test_week_page_is_a_digest(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import brief

    site = make_site({
        "content/briefs/low.md": brief("Low weight newest", date="2026-05-03T10:00:00+00:00", extra="""
            tags: [chips]
            audience: [Investors]
            tldr: {what_changed: "Prices **rose**"}
            metrics: [{label: Revenue, value: 12.5, unit: "$B", change: "+3%"}]
        """),
        "content/briefs/high.md": brief("High weight older", date="2026-04-27T09:00:00+00:00", extra="""
            weight: 10
            tags: [chips, cloud]
            audience: [Investors, Developers]
        """),
        "content/briefs/prev.md": brief("Two weeks earlier", date="2026-04-14T09:00:00+00:00"),
        "content/briefs/next.md": brief("A later week", date="2026-05-20T09:00:00+00:00"),
    })
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    page = (site / "public/weekly/2026-w18/index.html").read_text()
    assert "Week 18 · 27 Apr – 3 May 2026 · 2 briefs" in page
    assert page.index("High weight older") < page.index("Low weight newest")  # weight first
    assert "Prices <strong>rose</strong>" in page  # TL;DR rendered in the digest
    assert "Revenue" in page and "$12.5B" in page and "+3%" in page  # metrics table
    assert 'href="/tags/chips/">chips <span class="count">(2)</span>' in page
    assert 'href="/weekly/2026-w18/investors/">Investors <span class="count">2<span class="visually-hidden"> briefs</span></span>' in page
    # previous/next go to the nearest non-empty weeks, skipping empty ones
    assert 'href="/weekly/2026-w16/"' in page and 'href="/weekly/2026-w21/"' in page
    assert '"@type": "ItemList"' in page
    archive = (site / "public/weekly/index.html").read_text()
    assert archive.index("2026-w21") < archive.index("2026-w18") < archive.index("2026-w16")
