"""A site in two languages: the default at the root, the other under /zh/, each with its own home,
weeks, taxonomies, feeds and search; translations linked both ways with hreflang and a switcher."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import brief
from sitegen.pipeline import BuildOptions, build

EN = brief("Grid tender", "2026-05-02T08:14:00+08:00",
           extra="tags: [grid]\naudience: [Utilities]\nrelated: [grid-prices]")
EN_OTHER = brief("Grid prices", "2026-05-01T08:00:00+08:00", extra="tags: [grid]\naudience: [Utilities]")
ZH = brief("电网招标", "2026-05-02T09:00:00+08:00",
           extra="lang: zh\ntranslation_of: grid-tender\ntags: [电网]\naudience: [公用事业]")


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    for rel, text in {
        "sitegen.yaml": "title: Desk\nbase_url: https://example.org/desk/\nlanguage: en\nlanguages: [en, zh]\n",
        "content/briefs/grid-tender.md": EN,
        "content/briefs/grid-prices.md": EN_OTHER,
        "content/briefs/grid-tender-zh.md": ZH,
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("SITEGEN_CARDS", "off")
    build(BuildOptions(root, workers=1))
    mp.undo()
    return root / "public"


def _read(public: Path, rel: str) -> str:
    return (public / rel).read_text(encoding="utf-8")


def test_each_language_has_its_own_pages_the_default_at_the_root(public: Path) -> None:
    home, zh_home = _read(public, "index.html"), _read(public, "zh/index.html")
    assert '<html lang="en">' in home and '<html lang="zh">' in zh_home
    assert "Grid tender" in home and "电网招标" not in home
    assert "电网招标" in zh_home and "Grid prices" not in zh_home
    assert "最新简报" in zh_home  # the theme speaks Chinese there
    for rel in ("zh/briefs/grid-tender-zh/index.html", "zh/weekly/2026-w18/index.html", "zh/tags/电网/index.html",
                "zh/audiences/公用事业/index.html", "zh/search/index.html", "zh/feed.xml", "zh/weekly/feed.xml"):
        assert (public / rel).is_file(), rel
    assert not (public / "briefs" / "grid-tender-zh").exists()
    assert 'xml:lang="zh"' in _read(public, "zh/feed.xml")
    assert not (public / "zh" / "robots.txt").exists()  # hosts read it at the root only
    assert _read(public, "robots.txt").endswith("Sitemap: https://example.org/desk/sitemap.xml\n"
                                                "Sitemap: https://example.org/desk/zh/sitemap.xml\n")


def test_static_files_and_search_stay_at_the_root(public: Path) -> None:
    page = _read(public, "zh/search/index.html")
    assert 'href="/desk/favicon.svg"' in page
    assert 'data-bundle="/desk/pagefind/"' in page


def test_translations_link_each_other_with_hreflang_and_a_switcher(public: Path) -> None:
    en, zh = _read(public, "briefs/grid-tender/index.html"), _read(public, "zh/briefs/grid-tender-zh/index.html")
    pair = ['<link rel="alternate" hreflang="en" href="https://example.org/desk/briefs/grid-tender/">',
            '<link rel="alternate" hreflang="zh" href="https://example.org/desk/zh/briefs/grid-tender-zh/">']
    for page in (en, zh):
        for link in pair:
            assert link in page
    assert re.search(r'<a href="https://example.org/desk/zh/briefs/grid-tender-zh/" hreflang="zh" lang="zh">中文</a>', en)
    assert re.search(r'hreflang="zh" lang="zh" aria-current="page">中文</a>', zh)
    # A brief without a translation has no alternates; its switcher leads to each language's home.
    other = _read(public, "briefs/grid-prices/index.html")
    assert 'rel="alternate" hreflang' not in other
    assert '<a href="https://example.org/desk/zh/" hreflang="zh" lang="zh">中文</a>' in other


def test_home_pages_are_each_others_alternates(public: Path) -> None:
    for rel in ("index.html", "zh/index.html"):
        page = _read(public, rel)
        assert '<link rel="alternate" hreflang="en" href="https://example.org/desk/">' in page
        assert '<link rel="alternate" hreflang="zh" href="https://example.org/desk/zh/">' in page


def test_related_updates_stay_within_a_language(public: Path) -> None:
    related = _read(public, "briefs/grid-tender/index.html").split('id="related-h"')[1].split("</section>")[0]
    assert "Grid prices" in related
    assert "电网招标" not in related and "/zh/" not in related


def test_a_site_in_one_language_is_unchanged_by_lang_equal_to_its_own(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"sitegen.yaml": "title: Desk\n", "content/briefs/a.md": brief(extra="lang: en")})
    build(BuildOptions(site, workers=1))
    assert not (site / "public" / "en").exists()
    assert 'hreflang="en" href' not in (site / "public" / "briefs" / "a" / "index.html").read_text(encoding="utf-8")


def test_check_warns_for_each_language_that_misses_messages(make_site) -> None:  # type: ignore[no-untyped-def]
    from sitegen.check import check_site

    site = make_site({"sitegen.yaml": "languages: [en, zh, pt]\nbase_url: https://example.org/\n",
                      "content/briefs/a.md": brief()})
    [warning] = check_site(BuildOptions(site, workers=1)).warnings
    assert warning.format().startswith("i18n/pt.yaml:1:1: warning: ")


def test_serve_shows_every_language_as_a_clean_build_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import site_bytes, write_site
    from sitegen.serve.incremental import LiveSite
    from sitegen.serve.watch import classify_batch

    monkeypatch.setenv("SITEGEN_CARDS", "off")
    site = write_site(tmp_path / "site", {
        "sitegen.yaml": "title: Desk\nbase_url: https://example.org/desk/\nlanguage: en\nlanguages: [en, zh]\n",
        "content/briefs/grid-tender.md": EN, "content/briefs/grid-prices.md": EN_OTHER,
        "content/briefs/grid-tender-zh.md": ZH})
    live = LiveSite(BuildOptions(site, workers=1), tmp_path / "live")
    live.rebuild()
    zh = site / "content/briefs/grid-tender-zh.md"
    for i, text in enumerate((None, ZH.replace("电网招标", "电网招标结果"), ZH + "\n补充说明。\n")):
        if text is not None:
            zh.write_text(text, encoding="utf-8")
            live.rebuild(classify_batch(site, [zh]))
        build(BuildOptions(site, output=tmp_path / f"clean-{i}", workers=1, no_cache=True))
        served = site_bytes(tmp_path / "live")
        assert any(rel.startswith("zh/briefs/grid-tender-zh/") for rel in served)
        assert served == site_bytes(tmp_path / f"clean-{i}"), f"after edit {i}"


def test_a_brief_with_no_related_update_in_its_language_gets_them_from_the_others(make_site) -> None:  # type: ignore[no-untyped-def]
    """The issue's rule: related updates stay within one language unless there are no same-language
    candidates. Tags are often shared across languages (slugs), so they find the other versions."""
    site = make_site({
        "sitegen.yaml": "title: Desk\nbase_url: https://example.org/desk/\nlanguage: en\nlanguages: [en, zh]\n",
        "content/briefs/grid-tender.md": EN,
        "content/briefs/grid-prices.md": EN_OTHER,
        "content/briefs/battery-plant.md": brief("Battery plant opens", "2026-05-03T08:00:00+08:00",
                                                 extra="tags: [batteries, storage]"),
        "content/briefs/chuneng.md": brief("储能工厂投产", "2026-05-04T08:00:00+08:00",
                                           extra="lang: zh\ntags: [batteries, storage]"),
        "content/briefs/dianwang.md": brief("电网价格", "2026-05-01T09:00:00+08:00",
                                            extra="lang: zh\ntags: [电网]\nrelated: [grid-prices]"),
    })
    build(BuildOptions(site, workers=1))
    public = site / "public"

    def related(rel: str) -> str:
        page = _read(public, rel)
        return page.split('id="related-h"')[1].split("</section>")[0] if 'id="related-h"' in page else ""

    # Alone in Chinese: the English brief on the same story, marked as English and linked across.
    zh = related("zh/briefs/chuneng/index.html")
    assert '<a href="/desk/briefs/battery-plant/" hreflang="en" lang="en">Battery plant opens</a>' in zh
    assert '<span class="badge" lang="en">English</span>' in zh
    assert "Grid" not in zh
    # And the other way: the English battery brief has no English mate either.
    en = related("briefs/battery-plant/index.html")
    assert '<a href="/desk/zh/briefs/chuneng/" hreflang="zh" lang="zh">储能工厂投产</a>' in en
    assert "<span class=\"badge\">Later update</span>" in en
    # A brief with a same-language related update keeps to its language.
    grid = related("briefs/grid-tender/index.html")
    assert "Grid prices" in grid and "/zh/" not in grid and "hreflang" not in grid
    # A related: slug in another language is honoured, as the author pinned it.
    pinned = related("zh/briefs/dianwang/index.html")
    assert '<a href="/desk/briefs/grid-prices/" hreflang="en" lang="en">Grid prices</a>' in pinned
    # `sitegen related` explains a brief of any language, cross-language links included.
    from conftest import run_cli

    explained = run_cli("related", "chuneng", str(site))
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.startswith("Related candidates for chuneng (content/briefs/chuneng.md, zh)")
    assert re.search(r"^battery-plant \(English\)\s.*other language\s+yes$", explained.stdout, re.M), explained.stdout


def test_each_language_shows_the_site_title_as_its_catalog_translates_it(make_site) -> None:  # type: ignore[no-untyped-def]
    """The site's own words go through i18n/<lang>.yaml like the theme's; check names the ones missing."""
    from sitegen.check import check_site

    files = {"sitegen.yaml": "title: Grid Desk\ndescription: Power news.\nbase_url: https://example.org/\n"
                             "language: en\nlanguages: [en, zh]\n",
             "content/briefs/grid-tender.md": EN, "content/briefs/grid-prices.md": EN_OTHER,
             "content/briefs/grid-tender-zh.md": ZH}
    site = make_site(files)
    warnings = [w.format() for w in check_site(BuildOptions(site, workers=1)).warnings]
    assert any(w.startswith("i18n/zh.yaml:1:1: warning: the site's title and description have no Chinese version")
               for w in warnings), warnings
    (site / "i18n").mkdir()
    (site / "i18n" / "zh.yaml").write_text('"Grid Desk": "电网观察"\n"Power news.": "电力新闻。"\n', encoding="utf-8")
    assert not [w for w in check_site(BuildOptions(site, workers=1)).warnings if "site's title" in w.message]
    build(BuildOptions(site, workers=1))
    zh, en = _read(site / "public", "zh/index.html"), _read(site / "public", "index.html")
    assert "<title>电网观察</title>" in zh and '<meta name="description" content="电力新闻。">' in zh
    assert "<title>Grid Desk</title>" in en and "电网观察" not in en
    assert "<title>电网观察</title>" in _read(site / "public", "zh/feed.xml").replace('<title type="text">', "<title>")


def test_a_config_mistake_is_the_only_error_not_every_brief_in_a_second_language(make_site) -> None:  # type: ignore[no-untyped-def]
    from sitegen.errors import BuildFailed

    site = make_site({"sitegen.yaml": "languages: [en, zh]\nper_page: 0\ntimezone: Mars/Olympus\n",
                      "content/briefs/a.md": brief(), "content/briefs/b.md": brief(extra="lang: zh")})
    with pytest.raises(BuildFailed) as info:
        build(BuildOptions(site, workers=1))
    # Before: the defaults stood in for the whole file, so b.md was "not one of the site's languages".
    assert [d.format().split(": error: ")[0] for d in info.value.diagnostics] == [
        "sitegen.yaml:2:11", "sitegen.yaml:3:11"]
