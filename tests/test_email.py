"""Per-audience week digests, their weekly feeds, and the weekly email: its HTML in Chromium at
600 and 375 px (with and without its <style>), its links, size cap, plain text and `sitegen digest`."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from conftest import brief, site_bytes
from sitegen.emailhtml import email_fragment, plain_text, preheader, wrap
from sitegen.pages.week_email import EMAIL_MAX_BRIEFS, GMAIL_CLIP_BYTES
from test_browser import browser  # noqa: F401 - the fixture: Debian's Chromium through Playwright

BASE_URL = "https://example.org/repo/"
WEEK = "weekly/2026-w20/"


def _files() -> dict[str, str]:
    return {
        "sitegen.yaml": f"title: Test desk\nbase_url: {BASE_URL}\n",
        "content/briefs/lead.md": brief("Lead <story> & more", "2026-05-12T09:00:00Z", extra="""
            weight: 5
            audience: [Investors, Developers]
            tags: [chips]
            tldr:
              what_changed: "Prices **rose** 12%, see [the ledger](../other/) and [source](https://example.com/x)"
              why_it_matters: "Margins <script>alert(1)</script>shrink"
              what_to_do_next: "Rebalance toward *memory* makers"
            metrics: [{label: Revenue, value: 12.5, unit: "$B", change: "+3%"}]
        """),
        "content/briefs/second.md": brief("Second story", "2026-05-13T09:00:00Z", extra="""
            audience: [Investors]
            tldr:
              what_changed: "A second change"
              what_to_do_next: "Call your broker"
        """),
        "content/briefs/devs.md": brief("Developer story", "2026-05-14T09:00:00Z", extra="""
            audience: [Developers]
            tldr: {what_changed: "An SDK shipped", what_to_do_next: "Upgrade the SDK"}
        """),
        "content/briefs/other.md": brief("Other week", "2026-05-04T09:00:00Z", extra="audience: [Investors]"),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import run_cli, write_site

    site = write_site(tmp_path_factory.mktemp("email") / "site", _files())
    result = run_cli("build", str(site))
    assert result.returncode == 0, result.stderr
    return site


# --- the per-audience digest page and its feed ------------------------------------------------------

def test_audience_digest_lists_only_that_audience_and_gathers_what_to_do(built: Path) -> None:
    public = built / "public"
    page = (public / WEEK / "investors/index.html").read_text()
    assert "<h1>For Investors</h1>" in page and "11–17 May 2026 · 2 briefs: what to do this week" in page
    assert "<title>For Investors: week 20, 2026 · Test desk</title>" in page
    assert "Lead &lt;story&gt; &amp; more" in page and "Second story" in page
    assert "Developer story" not in page and "Other week" not in page
    todo = re.search(r'<section class="todo".*?</section>', page, re.S).group(0)
    assert "What to do this week" in todo
    assert re.findall(r"<li>(.*?) <span", todo) == ["Rebalance toward <em>memory</em> makers", "Call your broker"]
    assert 'href="/repo/briefs/lead/"' in todo and 'href="/repo/briefs/second/"' in todo
    assert 'href="/repo/audiences/investors/weekly.xml"' in page
    assert 'href="/repo/weekly/2026-w20/developers/"' in page  # the week's other audiences
    week = (public / WEEK / "index.html").read_text()
    assert 'href="/repo/weekly/2026-w20/investors/">Investors <span class="count">2' in week
    devs = (public / WEEK / "developers/index.html").read_text()
    assert "Upgrade the SDK" in devs and "Call your broker" not in devs


def test_each_audience_has_a_valid_weekly_feed(built: Path) -> None:
    d = feedparser.parse(str(built / "public/audiences/investors/weekly.xml"))
    assert not d.bozo, d.get("bozo_exception")
    assert d.version == "atom10"
    assert [e.link for e in d.entries] == [BASE_URL + "weekly/2026-w20/investors/", BASE_URL + "weekly/2026-w19/investors/"]
    assert d.entries[0].title == "Investors: Week 20, 2026 · 11–17 May 2026 · 2 briefs"
    assert "Call your broker" in d.entries[0].content[0].value
    assert "Developer story" not in d.entries[0].content[0].value
    devs = feedparser.parse(str(built / "public/audiences/developers/weekly.xml"))
    assert not devs.bozo and len(devs.entries) == 1


def test_emails_are_not_pages_of_the_sitemap(built: Path) -> None:
    sitemap = (built / "public/sitemap.xml").read_text()
    assert BASE_URL + "weekly/2026-w20/investors/" in sitemap
    assert "email" not in sitemap


# --- the email ---------------------------------------------------------------------------------------

def _hrefs(html: str) -> list[str]:
    return re.findall(r'<a\b[^>]*\bhref="([^"]*)"', html)


def test_email_links_are_absolute_and_front_matter_is_escaped(built: Path) -> None:
    html = (built / "public" / WEEK / "email.html").read_text()
    hrefs = _hrefs(html)
    assert hrefs and all(urlsplit(h).scheme in ("http", "https") for h in hrefs), hrefs
    inside = [h for h in hrefs if not h.startswith("https://example.com/")]
    assert all(h.startswith(BASE_URL) for h in inside), inside
    assert BASE_URL + "briefs/other/" in hrefs  # a relative link in a TL;DR, resolved against its brief
    assert "Lead &lt;story&gt; &amp; more" in html and "<story>" not in html
    for banned in ("<script", "<img", "<link", "javascript:", 'src="'):
        assert banned not in html.lower()
    outside_comments = re.sub(r"<!--.*?-->", "", html, flags=re.S)  # Outlook's conditional comments
    assert '<style data-css-inline="keep">' in html and outside_comments.count("<style") == 1  # the rest is inlined
    assert re.search(r'<a href="https://example.org/repo/briefs/lead/" style="[^"]*color:', html)


def test_email_preheader_is_the_lead_what_changed_as_plain_text(built: Path) -> None:
    html = (built / "public" / WEEK / "email.html").read_text()
    pre = re.search(r'<div class="preheader" style="([^"]*)">([^<&͏]*)', html)
    assert "display: none" in pre.group(1)
    assert pre.group(2) == "Prices rose 12%, see the ledger and source"
    assert html.index('class="preheader"') < html.index("<table")


def test_email_text_is_wrapped_with_full_urls(built: Path) -> None:
    text = (built / "public" / WEEK / "email.txt").read_text()
    assert text.startswith("Test desk: Week 20, 2026\nWeek 20 · 11–17 May 2026 · 3 briefs\n")
    assert "1. Lead <story> & more\n" in text  # plain text: nothing escaped
    assert "Read the brief: https://example.org/repo/briefs/lead/" in text
    assert "the ledger (https://example.org/repo/briefs/other/)" in " ".join(text.split())
    assert "alert" not in text and "<script" not in text
    long = [line for line in text.splitlines() if len(line) > 72 and " " in line.strip()]
    assert not long, long


LAYOUT = """() => {
  const box = document.querySelector('table.container').getBoundingClientRect();
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.display !== 'none' && s.visibility !== 'hidden' && s.opacity !== '0'; };
  return {scroll: document.documentElement.scrollWidth, inner: innerWidth, width: box.width, left: box.left,
          text: document.body.innerText, preheader: visible(document.querySelector('.preheader')),
          links: [...document.querySelectorAll('a')].map(a => [a.href, getComputedStyle(a).color, a.getAttribute('style') || ''])};
}"""


@pytest.mark.parametrize("audience", ["", "investors/"], ids=["week", "audience"])
@pytest.mark.parametrize("strip_style", [False, True], ids=["with-style", "style-stripped"])
@pytest.mark.parametrize("width", [600, 375])
def test_email_in_chromium(built: Path, browser, width: int, strip_style: bool, audience: str) -> None:  # type: ignore[no-untyped-def]
    """At 600 and 375 px: one column no wider than 600 px, no sideways scroll, every link absolute;
    and the same with every <style> removed (clients that strip it read the inlined CSS only)."""
    html = (built / "public" / WEEK / audience / "email.html").read_text()
    if strip_style:
        html = re.sub(r"<style\b.*?</style>", "", html, flags=re.S)
        assert "<style" not in html
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.set_content(html)
    got = page.evaluate(LAYOUT)
    page.close()
    assert got["scroll"] <= got["inner"] == width
    assert got["width"] <= 600 and got["left"] >= 0
    if width > 600:
        assert got["width"] == 600
    for needed in ("Test desk", "Week 20, 2026", "Lead <story> & more", "Second story", "What changed:",
                   "Prices rose 12%", "Read the brief"):
        assert needed in got["text"], needed
    assert not got["preheader"], "the preheader is preview text, never shown in the body"
    assert ("Developer story" in got["text"]) == (audience == "")
    if audience:
        assert "What to do this week" in got["text"] and "Call your broker" in got["text"]
    for href, color, style in got["links"]:
        assert href.startswith(("https://example.org/repo/", "https://example.com/")), href
        assert "color:" in style, f"{href}: its colour must be inline"
        assert color != "rgb(0, 0, 0)"


def test_email_reads_in_dark_mode(built: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """The kept <style> re-colours the email for a dark system setting (clients that support it)."""
    html = (built / "public" / WEEK / "email.html").read_text()
    page = browser.new_page(viewport={"width": 600, "height": 800}, color_scheme="dark")
    page.set_content(html)
    bg = page.evaluate("getComputedStyle(document.querySelector('table.container')).backgroundColor")
    fg = page.evaluate("getComputedStyle(document.querySelector('.hook')).color")
    page.close()
    assert bg == "rgb(18, 20, 23)" and fg == "rgb(230, 233, 236)"


# --- a big week: the cap and the size ----------------------------------------------------------------

@pytest.mark.parametrize(("repeat", "capped_by"), [(12, "count"), (40, "size")])
def test_big_week_is_capped_under_gmail_clipping(make_site, cli, repeat: int, capped_by: str) -> None:  # type: ignore[no-untyped-def]
    """40 briefs in one week: the email shows the most important ones (at most EMAIL_MAX_BRIEFS,
    fewer when their TL;DRs are long) and links to the recap for the rest, under 102 KB."""
    long = " ".join(["Prices rose across [the market](https://example.com/m) and the grid"] * repeat)
    files = {"sitegen.yaml": f"base_url: {BASE_URL}\n"}
    for i in range(40):
        files[f"content/briefs/b{i:02d}.md"] = brief(
            f"Brief {i:02d} with a long enough title to wrap", f"2026-05-{11 + i % 7:02d}T{i % 24:02d}:00:00Z", extra=f"""
            weight: {100 - i}
            audience: [Investors]
            metrics: [{{label: Revenue, value: {i}, unit: "$B", change: "+{i}%"}}, {{label: Margin, value: 3, unit: "%"}}]
            tldr: {{what_changed: "{long}", why_it_matters: "{long}", what_to_do_next: "{long}"}}
        """)
    site = make_site(files)
    assert cli("build", str(site)).returncode == 0
    for rel in (WEEK, WEEK + "investors/"):
        html = (site / "public" / rel / "email.html").read_bytes()
        assert len(html) < GMAIL_CLIP_BYTES, (rel, len(html))
        shown = html.count(b'<p class="read"')
        assert shown == EMAIL_MAX_BRIEFS if capped_by == "count" else 1 <= shown < EMAIL_MAX_BRIEFS
        more = 40 - shown
        assert f"{more} more briefs in the recap →".encode() in html
        assert f'href="{BASE_URL}{rel}"'.encode() in html
        text = (site / "public" / rel / "email.txt").read_text()
        assert f"{more} more briefs in the recap: {BASE_URL}{rel}" in text
        assert text.count("Read the brief: ") == shown
        # the most important come first: weight orders the week
        assert b"Brief 00 " in html and f"Brief {shown:02d} ".encode() not in html


def test_a_small_week_shows_every_brief(built: Path) -> None:
    html = (built / "public" / WEEK / "email.html").read_text()
    assert html.count('<p class="read"') == 3 and "more brief" not in html
    assert len(html.encode()) < 20_000


# --- sitegen digest ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "rel"), [
    ((), "email.html"), (("--format", "text"), "email.txt"),
    (("--audience", "Investors"), "investors/email.html"), (("-a", "developers", "-f", "text"), "developers/email.txt"),
], ids=["html", "text", "audience", "audience-text"])
def test_digest_prints_the_built_email(built: Path, cli, args: tuple[str, ...], rel: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("digest", "2026-W20", str(built), *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (built / "public" / WEEK / rel).read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message", "hint"), [
    (("2026-w21",), "error: no published brief falls in week '2026-w21'", "hint: did you mean '2026-w20'"),
    (("latest",), "error: no published brief falls in week 'latest'", "hint: a week is written YYYY-wWW, like 2026-w20"),
    (("2026-w20", "--audience", "Investor"), "error: no brief of 2026-w20 is for the audience 'Investor'",
     "hint: did you mean 'Investors'?"),
], ids=["unknown-week", "not-a-week", "unknown-audience"])
def test_digest_mistakes_are_errors_with_hints(built: Path, cli, args: tuple[str, ...], message: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    week, *rest = args
    result = cli("digest", week, str(built), *rest)
    assert result.returncode == 1
    assert f"content/briefs:1:1: {message}" in result.stderr and hint in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_digest_builds_nothing(built: Path, cli) -> None:  # type: ignore[no-untyped-def]
    before = site_bytes(built / "public")
    assert cli("digest", "2026-w20", str(built)).returncode == 0
    assert site_bytes(built / "public") == before


# --- the helpers -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fragment", "html", "text"), [
    ('<a href="/x/">x</a>', '<a href="https://e.org/x/">x</a>', "x (https://e.org/x/)"),
    ('<a href="javascript:alert(1)">j</a>', "j", "j"),
    ('<img src="a.png" alt="a &lt;chart&gt;">', "a &lt;chart&gt;", "a <chart>"),
    ("<script>bad()</script><strong>ok</strong>", "<strong>ok</strong>", "ok"),
    ('<a href="https://e.com/">https://e.com/</a>', '<a href="https://e.com/">https://e.com/</a>', "https://e.com/"),
    ("<p>para <em>open", "para <em>open</em>", "para open"),
], ids=["relative-link", "script-link", "image", "script", "bare-url", "unclosed"])
def test_email_fragment_and_plain_text(fragment: str, html: str, text: str) -> None:
    assert email_fragment(fragment, "https://e.org/briefs/a/") == html
    assert plain_text(email_fragment(fragment, "https://e.org/briefs/a/")) == text


def test_wrap_and_preheader() -> None:
    url = "https://example.org/" + "x" * 80
    assert wrap(f"see {url} now", "   ") == f"   see\n   {url}\n   now"
    assert wrap("a " * 40, "  ", "- ").splitlines()[0].startswith("- a a")
    assert all(len(line) <= 72 for line in wrap("word " * 50, "   ").splitlines())
    cut = preheader("<strong>Big</strong> " + "news " * 60)
    assert cut.startswith("Big news") and cut.endswith("…") and len(cut) <= 140
