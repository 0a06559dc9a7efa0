"""What a reader sees, in a real browser: the demo site at phone width, and the brief's contents."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, brief, run_cli
from judges.server import make_server, serving
from test_browser import CHROMIUM, CHROMIUM_ARGS, _require_browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The repository's demo site, built under a project-site base path and served."""
    out = tmp_path_factory.mktemp("demo") / "public"
    built = run_cli("build", str(REPO), "--output", str(out), "--base-url", "https://octo.github.io/repo/")
    assert built.returncode == 0, built.stderr
    with serving(make_server(out, "/repo/")) as url:
        yield out, url.rstrip("/") + "/repo/"


@pytest.fixture(scope="module")
def phone() -> Iterator[object]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_context(viewport={"width": 390, "height": 844})
        browser.close()


def test_no_page_of_the_demo_scrolls_sideways_on_a_phone(demo: tuple[Path, str], phone) -> None:  # type: ignore[no-untyped-def]
    out, url = demo
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                   if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8"))  # a moved brief's redirect: it leaves
    assert len(pages) > 50
    page = phone.new_page()
    wide = []
    for rel in pages:
        page.goto(url + rel.removesuffix("index.html"))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"{rel}: {width}px")
    page.close()
    assert not wide, "pages wider than the screen: " + ", ".join(wide)


def test_contents_links_land_on_their_sections(demo: tuple[Path, str], phone) -> None:  # type: ignore[no-untyped-def]
    _, url = demo
    page = phone.new_page()
    page.goto(url + "briefs/nimbus-q3-earnings/")
    links = page.locator("nav.toc a")
    labels = links.all_inner_texts()
    assert labels[:4] == ["TL;DR", "Key metrics", "Corrections", "Deep insight"] and len(labels) >= 5
    for i, label in enumerate(labels):
        links.nth(i).click()
        target = page.locator(links.nth(i).get_attribute("href") or "")
        assert target.inner_text().startswith(label)
        box = target.bounding_box()
        assert box is not None and 0 <= box["y"] < 844 / 2, f"{label} is not at the top after the click: {box}"
    page.close()


def test_contents_list_the_sections_shown_from_four_on(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    three = "tldr: {what_changed: Prices rose.}\ntakeaways: [Budget more.]"
    four = three + "\nmetrics:\n  - {label: Price, value: 3, unit: '$'}"
    site = make_site({"content/briefs/three.md": brief("Three", extra=three),
                      "content/briefs/four.md": brief("Four", extra=four)})
    assert cli("build", str(site)).returncode == 0
    short = (site / "public/briefs/three/index.html").read_text(encoding="utf-8")
    assert 'class="toc"' not in short  # three sections: a map would only repeat the page
    page = (site / "public/briefs/four/index.html").read_text(encoding="utf-8")
    targets = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', page.split('class="toc"')[1].split("</nav>")[0])
    assert targets == [("tldr-h", "TL;DR"), ("metrics-h", "Key metrics"), ("analysis-h", "Deep insight"),
                       ("takeaways-h", "Key takeaways")]
    for anchor, _ in targets:
        assert f'id="{anchor}"' in page


def test_share_is_a_compact_row_of_plain_links(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"sitegen.yaml": "base_url: https://octo.github.io/repo/\n",
                      "content/briefs/a.md": brief("Chips & power: what's next?")})
    assert cli("build", str(site)).returncode == 0
    page = (site / "public/briefs/a/index.html").read_text(encoding="utf-8")
    row = page.split('<nav class="share" aria-label="Share this brief">')[1].split("</nav>")[0]
    assert "<h2" not in row and "<script" not in row
    hrefs = re.findall(r'href="([^"]+)"', row)
    assert hrefs[0] == "https://octo.github.io/repo/briefs/a/"  # the copy-link control: the page itself
    assert [h.split("?")[0] for h in hrefs[1:]] == [
        "mailto:", "https://x.com/intent/post", "https://www.linkedin.com/sharing/share-offsite/",
        "https://bsky.app/intent/compose", "https://mastodonshare.com/"]
    # The title travels URL-encoded (no raw & or quote can break out of the attribute).
    assert all("Chips" not in h or "Chips%20%26%20power" in h or "Chips+%26+power" in h for h in hrefs[1:])
    assert re.findall(r'<span class="visually-hidden">(Share (?:on|by) )</span>', row) == ["Share by "] + ["Share on "] * 4
