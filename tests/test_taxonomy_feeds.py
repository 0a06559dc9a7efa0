"""Taxonomy pages, pagination, feeds (parsed by feedparser) and page metadata."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from sitegen.urls import is_email, taxonomy_slug
from conftest import brief


@pytest.mark.parametrize(
    ("name", "slug"),
    [("AI Capex", "ai-capex"), ("Enterprise & Security Teams", "enterprise-and-security-teams"),
     ("虎嗅", "虎嗅"), ("ＡＩ", "ai"), ("C++", "c"), ("  --Edge--  ", "edge"), ("Ünïcode Straße", "ünïcode-strasse"),
     ("a_b", "a-b"), ("???", "x")],
    ids=["spaces", "ampersand", "cjk", "fullwidth", "symbols", "trim", "casefold", "underscore", "empty"],
)
def test_taxonomy_slug_rule(name: str, slug: str) -> None:
    assert taxonomy_slug(name) == slug


def _site(make_site, n: int = 5, per_page: int = 2):  # type: ignore[no-untyped-def]
    files = {"sitegen.yaml": f"base_url: https://example.org/repo/\nper_page: {per_page}\ntitle: Test desk\n"}
    for i in range(n):
        files[f"content/briefs/b{i}.md"] = (
            f'---\ntitle: "Brief {i}"\ndate: 2026-05-{10 + i:02d}T08:00:00+00:00\n'
            f'source: {{name: 虎嗅, url: "https://www.huxiu.com/{i}.html", lang: zh}}\n'
            f'summary: "Hook {i}"\ntags: [chips{", cloud" if i % 2 else ""}]\naudience: [Investors]\n---\nBody {i}.\n')
    return make_site(files)


def test_taxonomy_pages_and_pagination(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    public = site / "public"
    # 5 briefs, 2 per page: /, /page/2/, /page/3/ and the same under each taxonomy term.
    assert (public / "page/3/index.html").is_file() and not (public / "page/4").exists()
    page2 = (public / "page/2/index.html").read_text()
    assert 'rel="prev" href="/repo/"' in page2 and 'rel="next" href="/repo/page/3/"' in page2
    assert page2.index("Brief 2") < page2.index("Brief 1")  # newest first
    assert (public / "tags/chips/page/3/index.html").is_file()
    assert (public / "tags/cloud/index.html").is_file() and not (public / "tags/cloud/page/2").exists()
    assert (public / "audiences/investors/index.html").is_file()
    source = public / "sources/虎嗅/index.html"
    assert source.is_file()
    tags_index = (public / "tags/index.html").read_text()
    assert 'href="/repo/tags/chips/">chips</a> <span class="count">(5)</span>' in tags_index
    brief_page = (public / "briefs/b1/index.html").read_text()
    assert 'href="/repo/tags/cloud/"' in brief_page
    assert 'href="/repo/audiences/investors/"' in brief_page
    assert 'href="/repo/sources/%E8%99%8E%E5%97%85/"' in brief_page  # readable URL, percent-encoded link


def test_two_names_with_one_slug_are_an_error(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "content/briefs/a.md": brief("A", extra="tags: [AI]"),
        "content/briefs/b.md": brief("B", date="2026-05-03T08:00:00+00:00", extra="tags: [ai]"),
    })
    result = cli("build", str(site))
    assert result.returncode == 1
    assert "content/briefs/b.md:8:8: error: tag 'ai' and 'AI' (content/briefs/a.md:8:8) both map to the URL slug 'ai'" \
        in result.stderr
    assert not (site / "public").exists()


def test_feeds_parse_and_carry_required_elements(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    assert cli("build", str(site)).returncode == 0
    public = site / "public"
    feeds = ["feed.xml", "weekly/feed.xml", "tags/chips/feed.xml", "tags/cloud/feed.xml", "audiences/investors/feed.xml"]
    for rel in feeds:
        d = feedparser.parse(str(public / rel))
        assert not d.bozo, (rel, d.get("bozo_exception"))
        assert d.version == "atom10"
        for key in ("id", "title", "updated"):
            assert d.feed.get(key), (rel, key)
        assert d.entries
        for e in d.entries:
            assert e.get("id") and e.get("title") and e.get("updated"), rel
            assert e.link.startswith("https://example.org/repo/")
    main = feedparser.parse(str(public / "feed.xml"))
    # updated comes from the newest entry, not the clock
    assert main.feed.updated == "2026-05-14T08:00:00+00:00"
    assert [e.title for e in main.entries] == [f"Brief {i}" for i in range(4, -1, -1)]
    weekly = feedparser.parse(str(public / "weekly/feed.xml"))
    assert weekly.entries[0].link == "https://example.org/repo/weekly/2026-w20/"
    assert "Brief 4" in weekly.entries[0].content[0].value
    data = json.loads((public / "feed.json").read_text())
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == "https://example.org/repo/feed.json"
    assert [item["id"] for item in data["items"]][0] == "https://example.org/repo/briefs/b4/"
    assert all(item["date_published"] for item in data["items"])


def test_feed_count_limits_entries(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    (site / "sitegen.yaml").write_text("feed:\n  count: 2\n")
    assert cli("build", str(site)).returncode == 0
    assert len(feedparser.parse(str(site / "public/feed.xml")).entries) == 2
    assert len(json.loads((site / "public/feed.json").read_text())["items"]) == 2


def test_every_page_has_metadata(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    assert cli("build", str(site)).returncode == 0
    public = site / "public"
    for page in public.rglob("*.html"):
        html = page.read_text()
        rel = page.relative_to(public).as_posix()
        if is_email(rel):
            continue  # an email is not a web page (test_email.py checks what it needs)
        assert re.search(r"<title>[^<]+</title>", html), rel
        assert '<meta name="description" content="' in html, rel
        assert '<link rel="canonical" href="https://example.org/repo/' in html, rel
        assert '<meta property="og:title"' in html and '<meta name="twitter:card"' in html, rel
        assert 'rel="alternate" type="application/atom+xml"' in html, rel
    article = (public / "briefs/b1/index.html").read_text()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', article, re.S).group(1))
    assert data["@type"] == "NewsArticle"
    assert data["datePublished"] == "2026-05-11T08:00:00+00:00"
    assert data["isBasedOn"] == "https://www.huxiu.com/1.html"
    assert data["publisher"]["name"] == "Test desk"
    week = (public / "weekly/2026-w20/index.html").read_text()
    assert '"@type": "ItemList"' in week


def test_sitemap_lists_every_page_with_absolute_urls(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    assert cli("build", str(site)).returncode == 0
    public = site / "public"
    sitemap = (public / "sitemap.xml").read_text()
    locs = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    pages = {p.relative_to(public).as_posix() for p in public.rglob("index.html")}
    from urllib.parse import quote
    expected = {"https://example.org/repo/" + quote(p[: -len("index.html")]) for p in pages}
    assert locs == expected
    assert "Sitemap: https://example.org/repo/sitemap.xml" in (public / "robots.txt").read_text()
