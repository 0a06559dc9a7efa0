"""Dark mode and print, in a real browser (Playwright driving Debian's Chromium) on the demo site
built under a project-site base path: the theme button, its stored choice, and the printed brief."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_browser import browser as chromium  # noqa: F401 - fixture: one Debian Chromium for the module
from test_reader import demo  # noqa: F401 - fixture: the demo site, built under /repo/ and served

KEY = "sitegen-theme"
WHITE, DARK = "rgb(255, 255, 255)", "rgb(18, 20, 23)"  # --bg in the light and the dark palette
BRIEF = "briefs/nimbus-q3-earnings/"
BACKGROUND = "getComputedStyle(document.documentElement).backgroundColor"


def _state(page) -> tuple[str | None, str, str | None]:  # type: ignore[no-untyped-def]
    """(<html data-theme>, the page's background colour, the stored choice)."""
    return (page.evaluate("document.documentElement.dataset.theme ?? null"), page.evaluate(BACKGROUND),
            page.evaluate(f"localStorage.getItem('{KEY}')"))


def test_the_choice_persists_across_pages_and_reloads(demo: tuple[Path, str], chromium) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from playwright.sync_api import expect

    _, url = demo
    context = chromium.new_context(viewport={"width": 390, "height": 844}, color_scheme="light")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    button = page.get_by_role("button", name=re.compile("^Theme: "))
    expect(button).to_be_visible()
    assert button.get_attribute("type") == "button"
    box = button.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44, f"touch target at 390 px: {box}"
    expect(button).to_have_accessible_name("Theme: Auto")
    assert _state(page) == (None, WHITE, None)  # no choice: the system's (light) look

    button.click()  # on a light system the first press shows the other look
    expect(button).to_have_accessible_name("Theme: Dark")
    assert _state(page) == ("dark", DARK, "dark")

    page.locator(f'a[href$="/{BRIEF}"]').first.click()  # a brief, through a link as a reader goes
    page.wait_for_url(f"**/{BRIEF}")
    assert _state(page) == ("dark", DARK, "dark")
    expect(page.get_by_role("button", name="Theme: Dark")).to_be_visible()
    page.reload()
    assert _state(page) == ("dark", DARK, "dark")

    button.click()
    expect(button).to_have_accessible_name("Theme: Light")
    assert _state(page) == ("light", WHITE, "light")
    button.click()  # back to following the system: nothing stored
    expect(button).to_have_accessible_name("Theme: Auto")
    assert _state(page) == (None, WHITE, None)

    page.emulate_media(color_scheme="dark")  # the system turns dark: Auto follows it
    assert _state(page) == (None, DARK, None)
    button.click()  # on a dark system the first press shows light, and keeps it
    expect(button).to_have_accessible_name("Theme: Light")
    page.goto(url)
    assert _state(page) == ("light", WHITE, "light")
    assert errors == []
    context.close()


# Runs before any script of the page: note the first read of the stored choice (is <body> parsed
# yet? what does <html> say once the reading script is done?) and what the first frame is painted with.
WATCH_FIRST_PAINT = """
(() => {
  const seen = window.__theme = {};
  const getItem = Storage.prototype.getItem;
  Storage.prototype.getItem = function (key) {
    if (key === "%s" && !("read" in seen)) {
      seen.read = {bodyParsed: document.body !== null};
      queueMicrotask(() => { seen.read.theme = document.documentElement.dataset.theme ?? null; });
    }
    return getItem.call(this, key);
  };
  requestAnimationFrame(() => {
    seen.firstFrame = {theme: document.documentElement.dataset.theme ?? null, background: %s};
  });
})();
""" % (KEY, BACKGROUND)


@pytest.mark.parametrize("stored, system, background", [("dark", "light", DARK), ("light", "dark", WHITE)],
                         ids=["dark-on-a-light-system", "light-on-a-dark-system"])
def test_a_stored_choice_is_there_before_the_first_paint(demo: tuple[Path, str], chromium, stored: str, system: str,  # type: ignore[no-untyped-def]  # noqa: F811
                                                         background: str) -> None:
    _, url = demo
    context = chromium.new_context(color_scheme=system)
    context.add_init_script(f"localStorage.setItem('{KEY}', '{stored}')")
    context.add_init_script(WATCH_FIRST_PAINT)
    page = context.new_page()
    page.goto(url + BRIEF)
    page.wait_for_function("window.__theme.firstFrame !== undefined")
    seen = page.evaluate("window.__theme")
    # Read in <head>, before any of <body> exists, and applied by the time that script ends.
    assert seen["read"] == {"bodyParsed": False, "theme": stored}
    # The first frame is painted in the stored look, not the system's (no flash of the wrong theme).
    assert seen["firstFrame"] == {"theme": stored, "background": background}
    context.close()


def test_without_storage_the_button_still_works_for_the_page(demo: tuple[Path, str], chromium) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Privacy modes where localStorage throws: nothing breaks, the choice lasts for the page."""
    from playwright.sync_api import expect

    _, url = demo
    context = chromium.new_context(color_scheme="light")
    context.add_init_script("Object.defineProperty(window, 'localStorage', "
                            "{get() { throw new DOMException('denied', 'SecurityError'); }})")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + BRIEF)
    button = page.locator("#theme-toggle")
    expect(button).to_have_accessible_name("Theme: Auto")
    button.click()
    expect(button).to_have_accessible_name("Theme: Dark")
    assert page.evaluate(BACKGROUND) == DARK
    page.goto(url)
    expect(page.get_by_role("button", name="Theme: Auto")).to_be_visible()
    assert page.evaluate(BACKGROUND) == WHITE
    assert errors == []
    context.close()


def test_without_javascript_there_is_no_dead_button_and_the_system_look_applies(demo: tuple[Path, str], chromium) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _, url = demo
    context = chromium.new_context(java_script_enabled=False, color_scheme="dark")
    page = context.new_page()
    page.goto(url + BRIEF)
    assert page.locator("#theme-toggle").count() == 1 and not page.locator("#theme-toggle").is_visible()
    assert page.get_by_role("button", name=re.compile("Theme")).count() == 0  # hidden from assistive tech too
    assert page.evaluate(BACKGROUND) == DARK
    assert page.locator('meta[name="color-scheme"]').get_attribute("content") == "light dark"
    context.close()


def test_print_shows_the_brief_and_its_source_without_the_site_chrome(demo: tuple[Path, str], chromium) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    out, url = demo
    context = chromium.new_context(color_scheme="dark")
    context.add_init_script(f"localStorage.setItem('{KEY}', 'dark')")  # printing from dark mode
    page = context.new_page()
    page.goto(url + BRIEF)
    page.emulate_media(media="print")
    hidden = {"navigation links": ".site-nav ul", "search form": "form.site-search", "theme button": "#theme-toggle",
              "skip link": ".skip-link", "share row": "nav.share", "contents": "nav.toc",
              "related updates": "section.related", "site credit in the footer": ".site-footer > p:not(.rights)"}
    for what, selector in hidden.items():
        assert page.locator(selector).count() >= 1, f"{what} ({selector}) is not on the page at all"
        assert not page.locator(selector).first.is_visible(), f"{what} is printed"
    for what, selector in {"title": "h1", "TL;DR": "section.tldr", "metrics": "section.metrics",
                           "the competitor table, collapsed on screen": ".comparison table",
                           "the source credit": ".rights"}.items():
        assert page.locator(selector).first.is_visible(), f"{what} is not printed"
    # Black on white, whatever the screen theme.
    assert page.evaluate(BACKGROUND) in (WHITE, "rgba(0, 0, 0, 0)")
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    # The source's full URL is printed after its name in the byline; internal links print no URL.
    source = page.locator(".byline a.source")
    href = source.get_attribute("href") or ""
    assert href.startswith("https://")
    after = source.evaluate("a => getComputedStyle(a, '::after').content")
    assert after == f'" ({href})"', after
    tag = page.locator(".brief-header .tags a").first
    assert tag.evaluate("a => getComputedStyle(a, '::after').content") in ("none", "normal")
    context.close()


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_every_demo_brief_prints_on_at_most_two_a4_pages(demo: tuple[Path, str], chromium) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    out, url = demo
    briefs = sorted(p.parent.name for p in (out / "briefs").glob("*/index.html")
                    if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8"))  # not a moved brief's redirect
    assert len(briefs) >= 10
    context = chromium.new_context(color_scheme="dark")
    page = context.new_page()
    pages = {}
    for slug in briefs:
        page.goto(f"{url}briefs/{slug}/")
        pages[slug] = _pdf_pages(page.pdf(format="A4"))
    assert min(pages.values()) >= 1, pages  # the PDF page count is read right
    assert max(pages.values()) <= 2, {slug: n for slug, n in pages.items() if n > 2}
    context.close()
