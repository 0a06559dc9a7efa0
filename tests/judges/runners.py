"""Run one judge and turn its verdict into a list of human-readable problems ([] = pass)."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from judges.tools import CHROMIUM_FLAGS

LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


THEME_KEY = "sitegen-theme"
"""Where the theme's dark-mode button stores the reader's choice (layouts/base.html)."""


def axe_violations(page: Any, url: str, axe_js: str, color_scheme: str = "light",
                   theme: str | None = None) -> tuple[int | None, list[str]]:
    """Load url in a Playwright page, run axe-core, return (HTTP status, one line per violating node).
    `theme` ("dark" or "light") is a choice made with the theme button, stored before the page loads."""
    page.emulate_media(color_scheme=color_scheme)
    if theme:
        page.goto(url, wait_until="load")
        page.evaluate("([key, theme]) => localStorage.setItem(key, theme)", [THEME_KEY, theme])
    response = page.goto(url, wait_until="load")
    label = color_scheme + (f", theme button: {theme}" if theme else "")
    problems = []
    if theme:
        applied = page.evaluate("document.documentElement.dataset.theme ?? null")
        page.evaluate("key => localStorage.removeItem(key)", THEME_KEY)
        if applied != theme:
            problems.append(f"{url} [{label}] the stored theme was not applied: data-theme={applied!r}")
    page.add_script_tag(path=axe_js)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    problems += [
        f"{url} [{label}] {v['impact']} {v['id']}: {v['help']} -> {' '.join(map(str, node['target']))}"
        for v in result["violations"] for node in v["nodes"]
    ]
    return (response.status if response else None), problems


def lighthouse(binary: str, chromium: str, url: str, report: Path, minimum: float) -> tuple[dict[str, float | None], list[str]]:
    """Run Lighthouse (mobile, the default form factor); return category scores and problems."""
    cmd = [binary, url, "--quiet", "--output=json", f"--output-path={report}",
           f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
           f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}"]
    proc = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": chromium}, capture_output=True,
                          text=True, timeout=300)
    if proc.returncode != 0 or not report.is_file():
        return {}, [f"lighthouse exited {proc.returncode}: {proc.stderr.strip()[-2000:]}"]
    data = json.loads(report.read_text(encoding="utf-8"))
    problems = []
    if data.get("runtimeError"):
        problems.append(f"runtimeError: {data['runtimeError']}")
    scores = {k: c["score"] for k, c in data["categories"].items()}
    for k, s in scores.items():
        if s is None or s < minimum:
            problems.append(f"{k} score {s} < {minimum}")
    if problems:  # name the audits that cost points
        for key, audit in data["audits"].items():
            if audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings") \
                    and audit.get("score") is not None and audit["score"] < 0.9:
                problems.append(f"  audit {key}: {audit['title']} (score {audit['score']}) "
                                f"{audit.get('displayValue', '')}")
    return scores, problems


def url_to_file(out: Path, base_url: str, url: str) -> Path | None:
    """The output file an absolute URL under base_url is served from, or None if outside/missing."""
    if not url.startswith(base_url):
        return None
    rel = unquote(urlsplit(url).path[len(urlsplit(base_url).path):])
    path = out / rel
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def feed_files(out: Path) -> list[Path]:
    """Every Atom or RSS document in the output, found by its root element."""
    found = []
    for path in sorted(out.rglob("*.xml")):
        try:
            root = next(ET.iterparse(path, events=("start",)))[1]
        except (ET.ParseError, StopIteration):
            continue  # xmllint reports malformed files
        if local_name(root.tag) in ("feed", "rss", "RDF"):
            found.append(path)
    return found


def json_feed_files(out: Path) -> list[Path]:
    """Every JSON Feed (https://jsonfeed.org/) in the output, found by its version key."""
    found = []
    for path in sorted(out.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
            found.append(path)
    return found


def json_feed_problems(path: Path, out: Path, base_url: str) -> list[str]:
    """JSON Feed 1.1 required members (feedparser 6.0 reads only XML feeds), valid RFC 3339
    dates, and item URLs that resolve."""
    data = json.loads(path.read_text(encoding="utf-8"))
    problems = [f"feed lacks {k}" for k in ("title", "items") if not data.get(k)]
    for i, item in enumerate(data.get("items") or []):
        if not item.get("id"):
            problems.append(f"item {i} lacks id")
        if not (item.get("content_html") or item.get("content_text")):
            problems.append(f"item {i} lacks content_html/content_text")
        for k in ("date_published", "date_modified"):
            if k in item and not _rfc3339(item[k]):
                problems.append(f"item {i} {k} is not RFC 3339: {item[k]!r}")
        url = item.get("url", "")
        if url and url_to_file(out, base_url, url) is None:
            problems.append(f"item {i} url {url} does not resolve to a file under {base_url}")
    return problems


def _rfc3339(value: object) -> bool:
    import datetime as dt

    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


def feed_problems(path: Path, out: Path, base_url: str) -> list[str]:
    """feedparser's verdict plus RFC 4287 / RSS 2.0 required elements and links that resolve."""
    import feedparser  # a test dependency; imported late so a missing one is reported by require()

    d = feedparser.parse(str(path))  # a local path: no network
    problems = []
    if d.bozo:
        problems.append(f"not well-formed (bozo): {d.bozo_exception!r}")
    if not d.version:
        problems.append("feed format not recognised")
    atom = d.version.startswith("atom")
    feed_keys = ("id", "title", "updated") if atom else ("title", "link")
    entry_keys = ("id", "title", "updated", "link") if atom else ("id", "title", "link", "published")
    problems += [f"feed lacks {k}" for k in feed_keys if not d.feed.get(k)]
    if not d.entries:
        problems.append("feed has no entries")
    for i, e in enumerate(d.entries):
        problems += [f"entry {i} lacks {k}" for k in entry_keys if not e.get(k)]
        link = e.get("link", "")
        if link and url_to_file(out, base_url, link) is None:
            problems.append(f"entry {i} link {link} does not resolve to a file under {base_url}")
    return problems


def sitemap_problems(path: Path, out: Path, base_url: str) -> list[str]:
    """Every <loc> is absolute, under the base URL, and names a page that exists."""
    root = ET.parse(path).getroot()
    locs = [el.text or "" for el in root.iter() if local_name(el.tag) == "loc"]
    problems = [] if locs else ["no <loc> entries"]
    for loc in locs:
        if url_to_file(out, base_url, loc.strip()) is None:
            problems.append(f"<loc>{loc}</loc> does not resolve to a file under {base_url}")
    return problems
