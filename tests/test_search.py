"""Search with Pagefind: the real binary indexes real builds, and Chromium searches them.

The site is built under a base path and served by a plain HTTP server, as GitHub Pages serves a
project site. Without a Pagefind binary the build must still succeed and say so in one line.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.request
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, brief, run_cli, tree_bytes, write_site
from judges.server import make_server, serving
from test_browser import browser  # noqa: F401 - the fixture: Debian's Chromium through Playwright

from sitegen.search import ENV, SHARD_ENV, find_binary

BODY_ONLY = "quetzalcoatlus"
"""A word only in one brief's body: not in any title, summary, tag or list page."""
DRAFT_ONLY = "xylophonicity"


def _require_pagefind() -> None:
    binary, why = find_binary()
    if binary is None:  # the test extra installs pagefind-bin: a missing binary is a broken setup
        pytest.fail(f"search tests need Pagefind: {why}")


def _site(root: Path) -> Path:
    return write_site(root, {
        "sitegen.yaml": "title: Searchable\n",
        "content/briefs/alpha.md": brief("Alpha chips", extra="audience: [Investors]\ntags: [chips]",
                                         body=f"The {BODY_ONLY} contract was signed in secret."),
        "content/briefs/beta.md": brief("Beta chips", date="2026-04-20",
                                        extra="audience: [Engineers]\ntags: [chips]",
                                        body=f"Another {BODY_ONLY} deal, for engineers only."),
        "content/briefs/gamma.md": brief("Gamma draft", date="2026-04-21", extra="draft: true",
                                         body=f"The {DRAFT_ONLY} of this draft must never be found."),
    })


def _built_and_served(site: Path, *options: str, env: dict[str, str] | None = None) -> Iterator[tuple[Path, str]]:
    """`site` built under /repo/ with the real Pagefind, served on loopback: (output folder, site URL)."""
    _require_pagefind()
    out = site / "public"
    server = make_server(out, "/repo/")
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}/repo/"
    r = run_cli("build", str(site), *options, "--base-url", url, env={ENV: "", **(env or {})})
    assert r.returncode == 0, r.stderr
    assert "search is off" not in r.stderr
    with serving(server):
        yield out, url


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The site built with drafts."""
    yield from _built_and_served(_site(tmp_path_factory.mktemp("search") / "site"), "--drafts")


def _results(page, url: str, query: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(f"{url}search/?q={query}")
    expect(page.locator(".pagefind-ui__message")).to_be_visible(timeout=10_000)
    return page.locator(".pagefind-ui__result-link")


def test_the_nav_search_box_finds_a_brief_by_a_body_word_and_the_audience_filter_narrows(
        browser, built: tuple[Path, str]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    out, url = built
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(url + "briefs/alpha/")
    page.fill("#site-search-q", BODY_ONLY)  # the plain GET form in every page's header
    page.click(".site-search button")
    expect(page).to_have_url(f"{url}search/?q={BODY_ONLY}")
    links = page.locator(".pagefind-ui__result-link")
    expect(links).to_have_count(2, timeout=10_000)
    assert sorted(links.evaluate_all("els => els.map(e => e.getAttribute('href'))")) == [
        "/repo/briefs/alpha/", "/repo/briefs/beta/"]
    expect(page.locator(".pagefind-ui__result-excerpt").first).to_contain_text(BODY_ONLY)  # a snippet

    # Narrow by audience: the brief without that audience goes away.
    page.locator(".pagefind-ui__filter-name", has_text="audience").click()
    page.get_by_label("Investors").check()
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "/repo/briefs/alpha/")

    assert all(u.startswith(url) for u in requests), [u for u in requests if not u.startswith(url)]
    page.close()


def test_every_filter_is_offered(browser, built: tuple[Path, str]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    _, url = built
    page = browser.new_page()
    _results(page, url, BODY_ONLY)
    for name in ("audience", "tag", "source", "week"):
        expect(page.locator(".pagefind-ui__filter-name", has_text=name)).to_have_count(1)
    page.close()


def test_every_filter_is_offered_when_the_filter_index_comes_slowly(  # type: ignore[no-untyped-def]
        browser, built: tuple[Path, str]) -> None:
    """A search that finishes before every filter chunk has loaded must not lose filter groups.

    One filter chunk comes at once and the others a second later, as on a slow network: a first
    search (?q=) run in between would count only the first chunk's group, and keep it.
    """
    from playwright.sync_api import expect

    out, _ = built
    first: list[str] = []

    def delay(path: str) -> float:
        if not path.endswith(".pf_filter"):
            return 0.0
        first[:] = first or [path]
        return 0.0 if path == first[0] else 1.5

    server = make_server(out, "/repo/", delay=delay)
    with serving(server) as origin:
        page = browser.new_page()
        _results(page, f"{origin}/repo/", BODY_ONLY)
        expect(page.locator(".pagefind-ui__result-link")).to_have_count(2)
        for name in ("audience", "tag", "source", "week"):
            expect(page.locator(".pagefind-ui__filter-name", has_text=name)).to_have_count(1)
        page.close()
    assert first, "the search page loaded no filter chunk"


def test_a_result_snippet_keeps_the_tldr_labels_apart_from_their_values(  # type: ignore[no-untyped-def]
        browser, built: tuple[Path, str]) -> None:
    from playwright.sync_api import expect

    _, url = built
    page = browser.new_page()
    expect(_results(page, url, "Investors")).to_have_count(1)
    excerpt = page.locator(".pagefind-ui__result-excerpt").first.inner_text()
    assert "Who should care Investors" in excerpt, excerpt  # not "careInvestors"
    page.close()


def test_drafts_are_never_indexed(browser, built: tuple[Path, str]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    out, url = built
    assert (out / "briefs/gamma/index.html").is_file()  # built with --drafts: the page exists
    page = browser.new_page()
    links = _results(page, url, DRAFT_ONLY)
    expect(page.locator(".pagefind-ui__message")).to_contain_text("No results")
    expect(links).to_have_count(0)
    expect(_results(page, url, "Gamma")).to_have_count(0)  # not even by its title
    page.close()


def test_only_brief_pages_are_indexed(browser, built: tuple[Path, str]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    _, url = built
    page = browser.new_page()
    links = _results(page, url, "chips")  # on the home page, the tag page and both briefs
    expect(links).to_have_count(2)
    hrefs = sorted(links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    assert hrefs == ["/repo/briefs/alpha/", "/repo/briefs/beta/"]
    page.close()


def test_the_search_page_without_javascript_points_to_the_lists(browser, built: tuple[Path, str]) -> None:  # type: ignore[no-untyped-def]
    _, url = built
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "search/?q=anything")
    assert "Searching needs JavaScript" in page.inner_text("main")
    assert page.locator("main a[href='/repo/tags/']").count() == 1
    context.close()


# --------------------------------------------------------------------------- search off


@pytest.mark.parametrize("binary", ["/nonexistent/pagefind", "fails", "off"], ids=["missing", "failing", "off"])
def test_without_a_working_pagefind_the_site_builds_and_one_line_says_search_is_off(
        tmp_path: Path, binary: str) -> None:
    site = _site(tmp_path / "site")
    if binary == "fails":
        script = tmp_path / "pagefind"
        script.write_text("#!/bin/sh\necho 'pagefind: simulated crash' >&2\nexit 3\n")
        script.chmod(0o755)
        binary = str(script)
    r = run_cli("build", str(site), env={ENV: binary})
    assert r.returncode == 0, r.stderr
    lines = [line for line in r.stderr.splitlines() if "search is off" in line]
    assert len(lines) == 1, r.stderr
    if binary == str(tmp_path / "pagefind"):
        assert "simulated crash" in lines[0]
    assert (site / "public/briefs/alpha/index.html").is_file()
    assert (site / "public/search/index.html").is_file()
    assert not (site / "public/pagefind").exists()


def test_the_pagefind_package_is_found_without_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    binary, why = find_binary()
    assert binary is not None and os.access(binary, os.X_OK), why


# --------------------------------------------------------------------------- atomic output


def test_a_failed_build_leaves_the_site_and_its_index_as_they_were(tmp_path: Path) -> None:
    _require_pagefind()
    site = _site(tmp_path / "site")
    assert run_cli("build", str(site), env={ENV: ""}).returncode == 0
    before = tree_bytes(site / "public")
    assert any(k.startswith("pagefind/") for k in before)
    (site / "content/briefs/delta.md").write_text(brief("Delta", extra="tags: 3") + "new words\n", encoding="utf-8")
    r = run_cli("build", str(site), env={ENV: ""})
    assert r.returncode == 1
    assert tree_bytes(site / "public") == before


def test_the_index_is_made_in_the_staging_folder_before_the_swap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind sees the complete staged site, never public/ itself."""
    _require_pagefind()
    from sitegen import pipeline, search

    site = _site(tmp_path / "site")
    seen: list[Path] = []
    real = search.index_site

    def spy(folder: Path, output: Path | None = None, background: bool = False):  # type: ignore[no-untyped-def]
        seen.append(folder)
        assert (folder / "briefs/alpha/index.html").is_file() and (folder / "search/index.html").is_file()
        assert not (site / "public").exists()  # nothing swapped in yet
        return real(folder, output, background)

    monkeypatch.setattr(search, "index_site", spy)
    pipeline.build(pipeline.BuildOptions(site, workers=1))
    assert len(seen) == 1 and seen[0] != site / "public"
    assert (site / "public/pagefind/pagefind-ui.js").is_file()


# --------------------------------------------------------------------------- serve


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.read()
    except OSError:
        return None


def test_serve_makes_the_index_and_refreshes_it_after_an_edit(tmp_path: Path) -> None:
    _require_pagefind()
    site = _site(tmp_path / "site")
    (site / "sitegen.yaml").write_text("title: Searchable\nbase_url: https://user.github.io/repo/\n")
    env = {**os.environ, ENV: "", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", str(site), "--port", "0"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert " at http://127.0.0.1:" in line, line
        url = line.split(" at ")[1].split(" ")[0]
        assert url.endswith("/repo/")

        def entry() -> bytes | None:
            return _get(url + "pagefind/pagefind-entry.json")

        deadline = time.monotonic() + 30
        while entry() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        first = entry()
        assert first is not None, "serve never made the search index"
        assert _get(url + "pagefind/pagefind-ui.js")
        (site / "content/briefs/alpha.md").write_text(
            brief("Alpha chips", extra="audience: [Investors]\ntags: [chips]", body="A whole new body."),
            encoding="utf-8")
        deadline = time.monotonic() + 30
        while entry() == first and time.monotonic() < deadline:
            time.sleep(0.2)
        assert entry() not in (None, first), "the index was not refreshed after a body edit"
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


# --------------------------------------------------------------------------- shards

OLD_ONLY = "pterodactylic"
"""A word only in the body of the oldest brief, alone in its year's shard."""
SHARED = "ornithopter"
"""A word in one brief of each of two shards."""


def _sharded_site(root: Path) -> Path:
    """Five briefs over three years: with two pages per index, a shard a year."""
    return write_site(root, {
        "sitegen.yaml": "title: Sharded\n",
        "content/briefs/y24.md": brief("Oldest grid brief", date="2024-03-02", extra="audience: [Regulators]",
                                       body=f"The {OLD_ONLY} tender was the first of its kind."),
        "content/briefs/y25a.md": brief("Mid grid brief", date="2025-06-01", extra="audience: [Investors]",
                                        body=f"An {SHARED} deal closed."),
        "content/briefs/y25b.md": brief("Mid chip brief", date="2025-07-01", body="Chips again."),
        "content/briefs/y26a.md": brief("New grid brief", date="2026-04-01", extra="audience: [Engineers]",
                                        body=f"Another {SHARED} deal, this year."),
        "content/briefs/y26b.md": brief("New chip brief", date="2026-04-02", body="Chips once more."),
    })


def test_pages_are_split_into_shards_by_period_only_past_the_limit() -> None:
    import datetime as dt

    from sitegen.search import split_by_period

    def d(y: int, m: int) -> dt.datetime:
        return dt.datetime(y, m, 1, tzinfo=dt.timezone.utc)

    pages = [("b/1", d(2024, 1)), ("b/2", d(2025, 2)), ("b/3", d(2025, 11)), ("b/4", d(2026, 5))]
    assert [(s.name, s.pages) for s in split_by_period(pages, 4)] == [("", ("b/1", "b/2", "b/3", "b/4"))]
    assert [(s.name, s.pages) for s in split_by_period(pages, 3)] == [
        ("", ("b/4",)), ("2025", ("b/2", "b/3")), ("2024", ("b/1",))]
    # a year past the limit is split by half-year, then by quarter, then by month
    halves = [("h/1", d(2025, 2)), ("h/2", d(2025, 3)), ("h/3", d(2025, 9)), ("h/4", d(2025, 10))]
    assert [(s.name, s.pages) for s in split_by_period(halves, 3)] == [("", ("h/3", "h/4")), ("2025-h1", ("h/1", "h/2"))]
    many = [(f"p/{i}", d(2025, 1 + i % 2)) for i in range(4)] + [("p/9", d(2025, 12))]
    assert [s.name for s in split_by_period(many, 3)] == ["", "2025-02", "2025-01"]
    assert split_by_period(many, 3)[0].pages == ("p/9",)
    # a brief added to one year leaves the other years' shards as they were
    more = split_by_period([*pages, ("b/5", d(2026, 6))], 3)
    assert [(s.name, s.pages) for s in more[1:]] == [("2025", ("b/2", "b/3")), ("2024", ("b/1",))]


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The sharded site, two pages per index."""
    yield from _built_and_served(_sharded_site(tmp_path_factory.mktemp("shards") / "site"), env={SHARD_ENV: "2"})


def test_a_large_site_gets_one_index_per_year_listed_for_the_search_page(sharded: tuple[Path, str]) -> None:
    import json

    out, _ = sharded
    bundle = out / "pagefind"
    assert json.loads((bundle / "sitegen-shards.json").read_text()) == {"merge": ["2025/", "2024/"]}
    for shard, pages in (("", 2), ("2025/", 2), ("2024/", 1)):
        entry = json.loads((bundle / shard / "pagefind-entry.json").read_text())
        assert entry["languages"]["en"]["page_count"] == pages
    assert not (out / ".sitegen-search").exists()
    # The search page loads Pagefind's code from the newest shard only: the others carry none
    # (the Chromium test below searches them all with it).
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-ui.js").is_file()
    for shard in ("2025", "2024"):
        assert not [f.name for f in (bundle / shard).iterdir() if f.suffix in (".js", ".css", ".pagefind")]


def test_the_search_page_searches_every_shard(browser, sharded: tuple[Path, str]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    _, url = sharded
    page = browser.new_page()
    links = _results(page, url, OLD_ONLY)
    expect(links).to_have_count(1)
    assert links.first.get_attribute("href") == "/repo/briefs/y24/"
    links = _results(page, url, SHARED)
    expect(links).to_have_count(2)
    assert sorted(links.nth(i).get_attribute("href") for i in range(2)) == ["/repo/briefs/y25a/", "/repo/briefs/y26a/"]
    # filters come from every shard, and narrow across them
    page.locator(".pagefind-ui__filter-name", has_text="audience").click()
    for audience in ("Regulators", "Investors", "Engineers"):  # one from each shard
        expect(page.get_by_label(audience)).to_have_count(1)
    page.get_by_label("Engineers").check()
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "/repo/briefs/y26a/")
    page.close()


def _indexed_pages(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Fills with the brief pages of each site Pagefind is run on, from now on."""
    from sitegen import search

    indexed: list[list[str]] = []
    real = search.index_site

    def spy(folder: Path, output: Path | None = None, background: bool = False):  # type: ignore[no-untyped-def]
        indexed.append(sorted(str(p.relative_to(folder)) for p in folder.glob("briefs/*/index.html")))
        return real(folder, output, background)

    monkeypatch.setattr(search, "index_site", spy)
    return indexed


def test_an_edit_indexes_again_only_its_own_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _require_pagefind()
    from sitegen import pipeline

    monkeypatch.setenv(ENV, "")
    monkeypatch.setenv(SHARD_ENV, "2")
    site = _sharded_site(tmp_path / "site")
    pipeline.build(pipeline.BuildOptions(site, workers=1))
    before = tree_bytes(site / "public/pagefind")
    indexed = _indexed_pages(monkeypatch)
    (site / "content/briefs/y25b.md").write_text(brief("Mid chip brief", date="2025-07-01", body="Chips, edited."),
                                                 encoding="utf-8")
    pipeline.build(pipeline.BuildOptions(site, workers=1))
    assert indexed == [["briefs/y25a/index.html", "briefs/y25b/index.html"]]
    after = tree_bytes(site / "public/pagefind")
    for name, data in after.items():
        if not name.startswith("2025/") and name != "sitegen-shards.json":
            assert before.get(name) == data, name  # the other shards' files are the same, linked from the cache
    assert any(n.startswith("2025/") and before.get(n) != d for n, d in after.items())


def test_a_shard_that_fails_leaves_no_bundle_and_one_line_says_search_is_off(tmp_path: Path) -> None:
    """Pagefind failing on one shard of three: no half-made search (the newest shard alone
    would look like a search of everything), the site builds, one line says why."""
    binary, _ = find_binary()
    assert binary is not None
    site = _sharded_site(tmp_path / "site")
    script = tmp_path / "pagefind"
    script.write_text('#!/bin/sh\ncase "$2" in */1) echo "pagefind: simulated crash" >&2; exit 3;; esac\n'
                      f'exec "{binary}" "$@"\n')
    script.chmod(0o755)
    r = run_cli("build", str(site), env={ENV: str(script), SHARD_ENV: "2"})
    assert r.returncode == 0, r.stderr
    lines = [line for line in r.stderr.splitlines() if "search is off" in line]
    assert len(lines) == 1 and "simulated crash" in lines[0], r.stderr
    assert (site / "public/briefs/y24/index.html").is_file()
    assert not (site / "public/pagefind").exists() and not (site / "public/.sitegen-search").exists()


def test_serve_indexes_again_only_the_shard_whose_pages_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _require_pagefind()
    from sitegen import pipeline, search
    from sitegen.serve.search import SearchRefresher

    monkeypatch.setenv(ENV, "")
    site = _sharded_site(tmp_path / "site")
    out = tmp_path / "live"
    pipeline.build(pipeline.BuildOptions(site, out, workers=1, no_cache=True))
    _, loaded = pipeline.load_site(pipeline.BuildOptions(site, out, workers=1, no_cache=True))
    plan = search.shard_plan(loaded, limit=2)
    assert [s.name for s in plan] == ["", "2025", "2024"]
    indexed = _indexed_pages(monkeypatch)
    refresher = SearchRefresher(out, lambda: plan, lambda line: None, tmp_path / "cache")
    refresher._index_once()
    assert len(indexed) == 3
    page = out / "briefs/y24/index.html"  # serve writes a changed page as a new file
    fresh = page.with_name("new.html")
    fresh.write_text(page.read_text().replace(OLD_ONLY, "brontosaurian"))
    os.replace(fresh, page)
    indexed.clear()
    refresher._index_once()
    assert indexed == [["briefs/y24/index.html"]]
    import gzip
    import json

    texts = [gzip.decompress(p.read_bytes()) for p in (out / "pagefind/2024/fragment").iterdir()]
    assert any(b"brontosaurian" in t for t in texts) and not any(OLD_ONLY.encode() in t for t in texts)
    assert json.loads((out / "pagefind/sitegen-shards.json").read_text()) == {"merge": ["2025/", "2024/"]}
