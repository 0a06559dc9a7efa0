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


def test_moved_brief_redirects_from_every_alias(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "sitegen.yaml": "base_url: https://example.org/repo/\n",
        "content/briefs/new-name.md": brief("Renamed brief", extra="aliases: [old-name, older-name]"),
    })
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    public = site / "public"
    for old in ("old-name", "older-name"):
        page = (public / f"briefs/{old}/index.html").read_text()
        assert '<meta http-equiv="refresh" content="0; url=/repo/briefs/new-name/">' in page
        assert '<link rel="canonical" href="https://example.org/repo/briefs/new-name/">' in page
        assert '<meta name="robots" content="noindex">' in page
        assert '<a href="/repo/briefs/new-name/">Renamed brief</a>' in page
    sitemap = (public / "sitemap.xml").read_text()
    assert "briefs/new-name/" in sitemap and "old-name" not in sitemap
    checked = cli("check", str(site))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_redirect_replaced_by_a_static_file_fails_check(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "content/briefs/new-name.md": brief("Renamed brief", extra="aliases: [old-name]"),
        "layouts/redirect.html": "<!doctype html><title>x</title><p>gone</p>\n",
    })
    result = cli("check", str(site))
    assert result.returncode == 1
    assert "content/briefs/new-name.md:8:11: error: alias 'old-name' does not redirect to /briefs/new-name/" in result.stderr


@pytest.mark.parametrize(("files", "message"), [
    ({"content/briefs/a.md": brief("A", extra="aliases: [b]"), "content/briefs/b.md": brief("B")},
     "content/briefs/a.md:8:11: error: alias 'b' is the slug of content/briefs/b.md"),
    ({"content/briefs/a.md": brief("A", extra="aliases: [old]"), "content/briefs/b.md": brief("B", extra="aliases: [old]")},
     "content/briefs/b.md:8:11: error: alias 'old' is also an alias of content/briefs/a.md"),
    ({"content/briefs/a.md": brief("A", extra="aliases: [a]")}, "content/briefs/a.md:8:11: error: alias 'a' is its own slug"),
    ({"content/briefs/a.md": brief("A", extra="aliases: [../x]")}, "content/briefs/a.md:8:11: error: invalid slug '../x'"),
])
def test_alias_collisions_name_both_files(make_site, cli, files: dict[str, str], message: str) -> None:  # type: ignore[no-untyped-def]
    site = make_site(files)
    result = cli("build", str(site))
    assert result.returncode == 1
    assert message in result.stderr, result.stderr


FULL = """
metrics: [{label: Revenue, value: 37.6, unit: "$B", change: "+28%"}]
takeaways: ["Margins **widened**"]
comparison: {columns: [Vendor, Price], rows: [[Acme, "<low>"]]}
deep_dive: ["Deep *detail*"]
predictions: [{claim: Prices fall, rationale: Supply grows}]
timeline: [{date: 2026-04, event: Launch}]
"""


def test_full_and_summary_feeds(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief("A", extra=FULL, body="The **analysis**.")})
    assert cli("build", str(site)).returncode == 0
    feed = feedparser.parse((site / "public/feed.xml").read_bytes())
    assert not feed.bozo
    content = feed.entries[0].content[0].value
    for part in ("Revenue: <strong>$37.6B</strong> (+28%)", "The <strong>analysis</strong>.", "Margins <strong>widened</strong>",
                 "<td>&lt;low&gt;</td>", "Deep <em>detail</em>", "<li>Prices fall Supply grows</li>", "2026-04: Launch"):
        assert part in content, part
    (site / "sitegen.yaml").write_text("feed: {content: summary}\n")
    assert cli("build", str(site)).returncode == 0
    content = feedparser.parse((site / "public/feed.xml").read_bytes()).entries[0].content[0].value
    assert "A one-line hook" in content and "analysis" not in content and "Revenue" not in content


def test_a_feed_stays_under_its_size_limit(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    body = "Long analysis paragraph. " * 400  # about 10 KB a brief
    files = {f"content/briefs/b{i:02d}.md": brief(f"Brief {i}", f"2026-05-{i + 1:02d}T09:00:00Z", body=body)
             for i in range(8)}
    site = make_site({"sitegen.yaml": "feed: {max_kb: 32}\n", **files})
    assert cli("build", str(site)).returncode == 0
    data = (site / "public/feed.xml").read_bytes()
    assert len(data) <= 32 * 1024
    feed = feedparser.parse(data)
    assert not feed.bozo
    titles = [e.title for e in feed.entries]
    assert titles == [f"Brief {i}" for i in range(7, -1, -1)]  # every entry kept: the oldest as summaries
    assert "Long analysis" in feed.entries[0].content[0].value and "Long analysis" not in feed.entries[-1].content[0].value
    (site / "sitegen.yaml").write_text("feed: {max_kb: 16}\n")
    files = {f"content/briefs/c{i:02d}.md": brief(f"More {i}", f"2026-06-{1 + i // 24:02d}T{i % 24:02d}:00:00Z")
             for i in range(200)}
    for rel, text in files.items():
        (site / rel).write_text(text)
    assert cli("build", str(site)).returncode == 0
    data = (site / "public/feed.xml").read_bytes()
    assert len(data) <= 16 * 1024 and not feedparser.parse(data).bozo
    assert feedparser.parse(data).entries[0].title == "More 199"  # the newest is never left out


@pytest.mark.parametrize(("config", "message"), [
    ("feed: {content: everything}\n", "sitegen.yaml:1:17: error: feed.content must be one of: full, summary"),
    ("feed: {max_kb: 1}\n", "sitegen.yaml:1:16: error: feed.max_kb must be at least 16"),
])
def test_feed_config_mistakes(make_site, cli, config: str, message: str) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"sitegen.yaml": config, "content/briefs/a.md": brief("A")})
    result = cli("build", str(site))
    assert result.returncode == 1 and message in result.stderr, result.stderr
