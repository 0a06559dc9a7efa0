"""A right-to-left site (Arabic) lays out as its readers read: the page says dir="rtl", and the
theme's CSS uses logical properties, so rules and indents sit at the start of the line, on the right.
Checked in Chromium on a screenshot: the pixels of the TL;DR's rule are at the box's right edge."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import brief, write_site
from judges.server import make_server, serving
from sitegen.pipeline import BuildOptions, build
from test_browser import browser  # noqa: F401 - the fixture: Debian's Chromium through Playwright

ARABIC = {
    "Key takeaways": "أهم النقاط",
    "In this brief": "في هذا الموجز",
    "Timeline": "التسلسل الزمني",
}


def _site(root: Path, language: str) -> Path:
    catalog = "".join(f'"{k}": "{v}"\n' for k, v in ARABIC.items()) if language == "ar" else ""
    return write_site(root, {
        "sitegen.yaml": f"title: موجز\nlanguage: {language}\n",
        "i18n/ar.yaml": catalog,
        "content/briefs/grid.md": brief("مناقصة الشبكة", extra="""
            tldr: {what_changed: "مناقصة جديدة", why_it_matters: "الأسعار"}
            takeaways: ["نقطة أولى", "نقطة ثانية"]
            timeline:
              - {date: 2026-04, event: "إعلان"}
              - {date: 2026-05, event: "مناقصة"}
            """, body="## تحليل\n\nنص التحليل."),
    })


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_rules_and_indents_sit_at_the_start_of_the_line(browser, tmp_path: Path, language: str,  # noqa: F811
                                                        direction: str) -> None:
    site = _site(tmp_path / "site", language)
    build(BuildOptions(site, workers=1))
    html = (site / "public" / "briefs" / "grid" / "index.html").read_text(encoding="utf-8")
    assert ('dir="rtl"' in html) == (direction == "rtl")
    if language == "ar":
        assert "أهم النقاط" in html  # the site's own catalog; what it lacks shows in English
    page = browser.new_page(viewport={"width": 900, "height": 1400})
    with serving(make_server(site / "public", base="/")) as origin:  # pages link /assets/style.css
        _check_layout(page, origin + "/briefs/grid/", direction)


def _check_layout(page, url: str, direction: str) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    try:
        page.goto(url)
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == direction
        box = page.locator(".toc").bounding_box()
        assert box is not None
        shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
        rule = page.evaluate("getComputedStyle(document.querySelector('.toc')).borderInlineStartColor")
        # The 3px rule: find which edge of the contents box carries it in the screenshot.
        y = int(box["y"] + box["height"] / 2)
        left = shot.getpixel((int(box["x"]) + 1, y))
        right = shot.getpixel((int(box["x"] + box["width"]) - 2, y))
        background = shot.getpixel((int(box["x"] + box["width"] / 2), int(box["y"]) + 2))
        ruled, plain = (right, left) if direction == "rtl" else (left, right)
        assert ruled != background, f"no rule at the start edge ({rule})"
        assert plain == background
        # Headings start on the reading side.
        heading = page.locator("h1").bounding_box()
        assert heading is not None
        text_edge = page.evaluate("""() => { const r = document.createRange();
            r.selectNodeContents(document.querySelector('h1')); const b = r.getBoundingClientRect();
            return [b.left, b.right]; }""")
        if direction == "rtl":
            assert abs(text_edge[1] - (heading["x"] + heading["width"])) < 2
        else:
            assert abs(text_edge[0] - heading["x"]) < 2
    finally:
        page.close()
