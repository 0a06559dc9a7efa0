"""End to end: tests/sites/<name>/ builds exactly into tests/sites/<name>/expected/.

After an intended output change: `python tests/regen_golden.py`, then review `git diff tests/sites/`.
"""

from __future__ import annotations

import re

import difflib
from pathlib import Path

import pytest

from conftest import REPO, site_bytes, theme_page_scripts, tree_bytes, unsafe_markup
from regen_golden import CARD, FONTS, GOLDEN_SITES
from sitegen.pipeline import BuildOptions, build

REGEN = "if this change is intended, run `python tests/regen_golden.py` and review `git diff tests/sites/`"


def golden_diff(expected: dict[str, bytes], actual: dict[str, bytes], max_lines: int = 400) -> str:
    out: list[str] = []
    for path in sorted(expected.keys() - actual.keys()):
        out.append(f"missing from the build: {path}")
    for path in sorted(actual.keys() - expected.keys()):
        out.append(f"not in expected/: {path}")
    for path in sorted(expected.keys() & actual.keys()):
        if expected[path] != actual[path]:
            old = expected[path].decode("utf-8", "replace").splitlines(keepends=True)
            new = actual[path].decode("utf-8", "replace").splitlines(keepends=True)
            out.extend(line.rstrip("\n") for line in difflib.unified_diff(
                old, new, f"expected/{path}", f"built/{path}", n=2))
    if len(out) > max_lines:
        out = out[:max_lines] + [f"... {len(out) - max_lines} more lines"]
    return "\n".join(out)


@pytest.mark.parametrize("name", GOLDEN_SITES)
def test_site_matches_golden_output(tmp_path: Path, name: str) -> None:
    site = REPO / "tests" / "sites" / name
    build(BuildOptions(site, output=tmp_path / "public", workers=1))
    expected = tree_bytes(site / "expected")  # regen_golden keeps no index: it is not reproducible
    actual = {k: v for k, v in site_bytes(tmp_path / "public").items()
              if not k.endswith("/" + CARD) and not k.startswith(FONTS + "/")}
    assert expected, f"tests/sites/{name}/expected/ is empty: {REGEN}"
    assert actual == expected, f"output differs from tests/sites/{name}/expected/ ({REGEN}):\n" + golden_diff(
        expected, actual)


def test_golden_diff_names_missing_extra_and_changed_lines() -> None:
    diff = golden_diff({"a.html": b"one\ntwo\n", "gone.html": b""}, {"a.html": b"one\n2\n", "new.html": b""})
    assert diff.splitlines() == [
        "missing from the build: gone.html", "not in expected/: new.html",
        "--- expected/a.html", "+++ built/a.html", "@@ -1,2 +1,2 @@", " one", "-two", "+2"]


EXPECTED = REPO / "tests" / "sites" / "basic" / "expected"


def test_golden_brief_shows_every_part_under_the_base_path() -> None:
    """What the golden files must contain, so regenerating cannot silently bless a regression."""
    page = (EXPECTED / "briefs/lattice-battery-recall/index.html").read_text(encoding="utf-8")
    contents = re.search(r'<nav class="toc".*?</nav>', page, re.S)
    assert contents is not None, "a brief with every section has a table of contents"
    assert re.findall(r'href="#([\w-]+)"', contents.group()) == [
        "tldr-h", "metrics-h", "analysis-h", "takeaways-h", "comparison-h", "deep-dive-h", "predictions-h", "timeline-h"]
    for script in theme_page_scripts():  # dark mode's two scripts, exactly as the theme writes them
        page, found = re.subn(script, "", page, count=1)
        assert found == 1
    assert unsafe_markup(page) == [] and 'alert("never")' not in page
    html = page.replace(contents.group(), "")  # the sections themselves, in page order
    html = html[html.index("<main"):]  # (the head's og:image:alt repeats the card's metric)
    order = ["<h1>Lattice Cells Recalls", 'hreflang="en-GB"', '<time datetime="2026-03-10T09:30:00+01:00">',
             "collected in 45m", 'class="hook"', "What changed", "Who should care", "Units recalled",
             "AI-generated analysis", "<kbd>E-17</kbd>", "Key takeaways", "<details", "Recall approaches compared",
             "Technical deep dive", "Future implications", "Timeline", "/repo/weekly/2026-w11/",
             "Related updates", "/repo/briefs/lattice-firmware-cap/",
             "All content rights belong to the original publisher. Original source: <a", "Grid &amp; Storage Ledger</a></p>"]
    positions = [html.find(marker) for marker in order]
    assert -1 not in positions, [m for m, p in zip(order, positions) if p == -1]
    assert positions == sorted(positions), "brief sections out of order"
    for href in ('href="/briefs/', 'href="/tags/', 'href="/weekly/'):
        assert href not in html, f"internal link without the /repo/ base path: {href}"


def test_golden_cjk_source_and_tag() -> None:
    html = (EXPECTED / "briefs/yunhe-grid-tender/index.html").read_text(encoding="utf-8")
    assert 'Original source: <a href="https://nengyuan.example.cn/articles/20260312" hreflang="zh" lang="zh">能源观察</a>' in html
    assert (EXPECTED / "tags/中国/index.html").is_file()
    assert '<h2 id="招标要点"' in html


def test_golden_pagination_and_extras() -> None:
    assert (EXPECTED / "page/2/index.html").is_file()  # per_page: 2 and three briefs
    assert "Sitemap: https://example.org/repo/sitemap.xml" in (EXPECTED / "robots.txt").read_text()
    sitemap = (EXPECTED / "sitemap.xml").read_text()
    assert "<loc>https://example.org/repo/about/</loc>" in sitemap
    assert (EXPECTED / ".nojekyll").is_file() and (EXPECTED / "404.html").is_file()
