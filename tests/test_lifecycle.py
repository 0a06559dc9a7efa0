"""The editorial lifecycle: scheduled and expiring briefs (as of the build clock), updates and
corrections, and what `check` says is coming."""

from __future__ import annotations

import json
import re

import feedparser
import pytest
from conftest import brief, tree_bytes

SCHEDULED = "publish_at: 2026-06-01T09:00:00Z\ntags: [chips]\naudience: [Investors]"
EXPIRING = "expires: 2026-06-01T09:00:00Z"


def _site(make_site):  # type: ignore[no-untyped-def]
    return make_site({
        "sitegen.yaml": "base_url: https://example.org/\n",
        "content/briefs/always.md": brief("Always here", "2026-05-20T09:00:00Z"),
        "content/briefs/later.md": brief("Goes live later", "2026-05-25T09:00:00Z", extra=SCHEDULED),
        "content/briefs/fading.md": brief("Comes down", "2026-05-21T09:00:00Z", extra=EXPIRING),
    })


def _everything(public) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(p.read_text(errors="replace") for p in public.rglob("*") if p.is_file()
                     and p.suffix in (".html", ".xml", ".json") and "pagefind" not in p.parts)


@pytest.mark.parametrize(("now", "live", "gone"), [
    ("2026-06-01T08:59:59Z", "fading", "later"),
    ("2026-06-01T09:00:00Z", "later", "fading"),
])
def test_the_same_site_at_two_moments(make_site, cli, now: str, live: str, gone: str) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    result = cli("build", str(site), "--now", now)
    assert result.returncode == 0, result.stderr
    public = site / "public"
    assert (public / f"briefs/{live}/index.html").is_file()
    assert not (public / f"briefs/{gone}").exists()
    everything = _everything(public)
    assert f"/briefs/{live}/" in everything and f"/briefs/{gone}/" not in everything  # feeds, sitemap, lists, weeks
    if gone == "later":
        assert not (public / "tags/chips").exists() and not (public / "audiences/investors").exists()


def test_source_date_epoch_is_the_clock_and_builds_are_reproducible(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    env = {"SOURCE_DATE_EPOCH": "1780304400", "SITEGEN_PAGEFIND": "off"}  # 2026-06-01T09:00:00Z
    assert cli("build", str(site), env=env).returncode == 0
    first = tree_bytes(site / "public")
    assert "briefs/later/index.html" in first and "briefs/fading/index.html" not in first
    assert cli("build", str(site), env=env).returncode == 0
    assert tree_bytes(site / "public") == first


def test_drafts_preview_shows_a_banner_and_keeps_it_out_of_search(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    assert cli("build", str(site), "--drafts", "--now", "2026-05-30").returncode == 0
    page = (site / "public/briefs/later/index.html").read_text()
    assert "Scheduled: goes live <time datetime=\"2026-06-01T09:00:00+00:00\">1 Jun 2026, 09:00 UTC</time>" in page
    assert "data-pagefind-body" not in page
    assert "data-pagefind-body" in (site / "public/briefs/always/index.html").read_text()


def test_check_lists_what_goes_live_or_expires_next(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    result = cli("check", str(site), "--now", "2026-05-31T09:00:00Z")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("scheduled:")]
    assert lines == ["scheduled: content/briefs/fading.md expires 1 Jun 2026, 09:00 UTC (in 24 h)",
                     "scheduled: content/briefs/later.md goes live 1 Jun 2026, 09:00 UTC (in 24 h)"]


def test_updated_and_corrections(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "sitegen.yaml": "base_url: https://example.org/\n",
        "content/briefs/fixed.md": brief("Fixed brief", "2026-05-04T09:00:00Z", extra="""
            updated: 2026-05-13T10:00:00Z
            corrections:
              - {date: 2026-05-13, note: "An earlier version gave revenue as **$36.7B**."}
            """),
        "content/briefs/next-week.md": brief("Next week's news", "2026-05-12T09:00:00Z"),
    })
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    public = site / "public"
    page = (public / "briefs/fixed/index.html").read_text()
    assert 'Updated <time datetime="2026-05-13T10:00:00+00:00">13 May 2026</time>' in page
    box = page[page.index('<section class="corrections"'):]
    assert "An earlier version gave revenue as <strong>$36.7B</strong>." in box[: box.index("</section>")]
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert (ld["datePublished"], ld["dateModified"]) == ("2026-05-04T09:00:00+00:00", "2026-05-13T10:00:00+00:00")
    sitemap = (public / "sitemap.xml").read_text()
    assert "<loc>https://example.org/briefs/fixed/</loc><lastmod>2026-05-13T10:00:00+00:00</lastmod>" in sitemap
    feed = feedparser.parse((public / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.title == "Fixed brief")
    assert (entry.published, entry.updated) == ("2026-05-04T09:00:00+00:00", "2026-05-13T10:00:00+00:00")
    week = (public / "weekly/2026-w20/index.html").read_text()  # the week of the update
    updated = week[week.index('id="week-updated-h"'):]
    assert "Fixed brief" in updated[: updated.index("</section>")]
    assert 'id="week-updated-h"' not in (public / "weekly/2026-w19/index.html").read_text()


@pytest.mark.parametrize(("extra", "message", "hint"), [
    ("updated: 2026-05-01", "content/briefs/a.md:8:10: error: 'updated' is before 'date'", "cannot be earlier"),
    ("corrections: [{date: 2026-05-03}]", "content/briefs/a.md:8:15: error: corrections[0] is missing 'note'",
     "{date: 2026-05-03, note:"),
    ("publish_at: 2026-06-01\nexpires: 2026-05-30", "content/briefs/a.md:9:10: error: 'expires' is not after 'publish_at'",
     "live for some time"),
])
def test_lifecycle_mistakes(make_site, cli, extra: str, message: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief("A", "2026-05-02T08:14:00+08:00", extra=extra)})
    result = cli("build", str(site))
    assert result.returncode == 1
    assert message in result.stderr and hint in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
