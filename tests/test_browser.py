"""Live reload and the error overlay in a real browser: Playwright driving Debian's Chromium
against `sitegen serve` run exactly as an author runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, brief, write_site

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RELOAD_WITHIN_MS = 2000


def _require_browser() -> None:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[test]')")
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a missing browser is a broken setup, never a silent skip
        pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    site = write_site(tmp_path / "site", {
        "sitegen.yaml": "title: Live\nbase_url: https://user.github.io/repo/\n",
        "content/briefs/alpha.md": brief("Alpha launch", extra="tags: [chips]", body="The original body."),
        "content/briefs/beta.md": brief("Beta launch", date="2026-04-20", extra="tags: [power]"),
    })
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", str(site), "--port", "0"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert " at http://127.0.0.1:" in line, line
        yield site, line.split(" at ")[1].split(" ")[0]
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


def test_edit_break_fix_and_add_in_the_browser(browser, served: tuple[Path, str]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    site, url = served
    alpha = site / "content/briefs/alpha.md"
    page = browser.new_page()
    page.goto(url + "briefs/alpha/")
    expect(page.locator("main")).to_contain_text("The original body.")
    page.wait_for_function("window.sitegenLive === true")  # the reload script is listening

    # Edit the body on disk: the open page shows the new text by itself within 2 s.
    alpha.write_text(brief("Alpha launch", extra="tags: [chips]", body="A freshly edited body."), encoding="utf-8")
    saved = time.monotonic()
    expect(page.locator("main")).to_contain_text("A freshly edited body.", timeout=RELOAD_WITHIN_MS)
    assert time.monotonic() - saved < RELOAD_WITHIN_MS / 1000

    # Break the front matter: an overlay names the file and the line, the last good page stays.
    alpha.write_text(brief("Alpha launch", extra="audiance: [Investors]", body="Broken."), encoding="utf-8")
    overlay = page.locator("#sitegen-error-overlay")
    expect(overlay).to_be_visible(timeout=5000)
    expect(overlay).to_contain_text("content/briefs/alpha.md:8:1: error: unknown key 'audiance'")
    expect(page.locator("main")).to_contain_text("A freshly edited body.")

    # Fix it: the overlay goes away and the page shows the fixed brief.
    alpha.write_text(brief("Alpha relaunched", extra="audience: [Investors]", body="Fixed body."), encoding="utf-8")
    expect(page.locator("main")).to_contain_text("Fixed body.", timeout=5000)
    expect(page.locator("h1")).to_contain_text("Alpha relaunched")
    expect(overlay).to_have_count(0)

    # Add a brief: the home page lists it.
    home = browser.new_page()
    home.goto(url)
    expect(home.locator("main")).to_contain_text("Beta launch")
    home.wait_for_function("window.sitegenLive === true")
    (site / "content/briefs/gamma.md").write_text(brief("Gamma arrives", date="2026-05-06"), encoding="utf-8")
    expect(home.locator("main")).to_contain_text("Gamma arrives", timeout=5000)
    home.close()
    page.close()
