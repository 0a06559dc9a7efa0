"""The home page as a reader sees it: a lead brief with its TL;DR, then briefs grouped by
week, audience chips that filter without JavaScript, and the site's brand."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import brief, linked_css

from sitegen.colors import accent_palette


def _site(make_site, per_page: int = 3, extra_files: dict[str, str] | None = None,  # type: ignore[no-untyped-def]
          config: str = "") -> Path:
    files = {
        "sitegen.yaml": f"title: Desk\nper_page: {per_page}\n{config}",
        # weeks: 2026-w20 (11, 12 May), 2026-w19 (4, 5 May)
        "content/briefs/newest.md": brief("Newest brief", "2026-05-12T09:00:00Z", extra="""
            audience: [Investors, Developers]
            tldr: {what_changed: "Prices **fell** sharply", why_it_matters: Margins}
            metrics:
              - {label: Revenue, value: 37.6, unit: "$B", change: "+12%"}
            """),
        "content/briefs/second.md": brief("Second brief", "2026-05-11T09:00:00Z", extra="audience: [Investors]"),
        "content/briefs/third.md": brief("Third brief", "2026-05-05T09:00:00Z", extra="audience: [Developers]"),
        "content/briefs/fourth.md": brief("Fourth brief", "2026-05-04T09:00:00Z", extra="audience: [Investors]"),
        "content/briefs/fifth.md": brief("Fifth brief", "2026-05-04T08:00:00Z"),
        **(extra_files or {}),
    }
    return make_site(files)


def _titles(html: str, cls: str) -> list[str]:
    return re.findall(rf'class="{cls}"[^>]*><a href="[^"]+">([^<]+)</a>', html)


def test_first_page_leads_with_the_newest_brief_and_groups_the_rest_by_week(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    assert cli("build", str(site)).returncode == 0
    home = (site / "public/index.html").read_text()
    lead = home[home.index('<article class="lead"'):home.index("</article>")]
    assert "Newest brief" in lead and "Prices <strong>fell</strong> sharply" in lead
    assert "$37.6B" in lead and "▲" in lead  # the lead's metrics, formatted
    assert home.count("Newest brief</a>") == 1  # the lead is not listed again below
    groups = re.findall(r'<h2 class="week-group-h" id="wk-([^"]+)"><a href="([^"]+)">([^<]+)</a>', home)
    assert groups == [("2026-w20", "/weekly/2026-w20/", "Week 20"), ("2026-w19", "/weekly/2026-w19/", "Week 19")]
    assert _titles(home, "card-title") == ["Second brief", "Third brief"]
    assert "<h1" in home and home.count("<h1") == 1


def test_later_pages_have_no_lead_and_every_brief_is_listed_once(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    assert cli("build", str(site)).returncode == 0
    page2 = (site / "public/page/2/index.html").read_text()
    assert 'class="lead"' not in page2
    assert _titles(page2, "card-title") == ["Fourth brief", "Fifth brief"]
    assert re.findall(r'id="wk-([^"]+)"', page2) == ["2026-w19"]  # a week split over two pages heads both


def test_audience_chips_link_to_audience_pages_with_counts(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    assert cli("build", str(site)).returncode == 0
    chip = r'<li><a href="(/audiences/[^"]+/)">([^<]+) <span class="count">(\d+)<span class="visually-hidden"> briefs?</span></span></a></li>'
    home = (site / "public/index.html").read_text()
    assert re.findall(chip, home) == [("/audiences/investors/", "Investors", "3"),
                                      ("/audiences/developers/", "Developers", "2")]
    for rel, _, _ in re.findall(chip, home):
        assert (site / "public" / rel.strip("/") / "index.html").is_file()
    # On a week page the chips count that week's briefs, so they lead to that week's digest for
    # each audience (pages/week_audience.py) rather than to every brief of the audience.
    week = (site / "public/weekly/2026-w20/index.html").read_text()
    week_chip = chip.replace("/audiences/", "/weekly/2026-w20/")
    assert re.findall(week_chip, week) == [("/weekly/2026-w20/investors/", "Investors", "2"),
                                           ("/weekly/2026-w20/developers/", "Developers", "1")]
    for rel, _, _ in re.findall(week_chip, week):
        assert (site / "public" / rel.strip("/") / "index.html").is_file()


def test_brand_accent_and_logo(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site, config="brand:\n  accent: '#ff6a00'\n  logo: brand/mark.svg\n",
                 extra_files={"static/brand/mark.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n"})
    assert cli("build", str(site)).returncode == 0
    page = (site / "public/briefs/third/index.html").read_text()
    assert '<img class="site-logo" src="/brand/mark.svg" alt="" width="32" height="32">' in page
    assert (site / "public/brand/mark.svg").is_file()
    palette = accent_palette("#ff6a00")
    css = linked_css(site / "public", page)
    assert f"--accent:light-dark({palette['light']['--accent']},{palette['dark']['--accent']});" in css


def test_no_brand_keys_no_logo_and_theme_colours(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    assert cli("build", str(site)).returncode == 0
    page = (site / "public/index.html").read_text()
    assert '<img class="site-logo"' not in page and "--brand:#" not in page
    assert "@media screen{:root{" not in linked_css(site / "public", page)  # no accent override
