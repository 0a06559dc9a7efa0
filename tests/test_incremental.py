"""Incremental rebuilds: only affected pages are re-rendered, and after any sequence of edits,
additions, renames and deletions the live output is byte-identical to a clean build."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toy_pages
from conftest import brief, write_site
from sitegen.errors import BuildFailed
from sitegen.pages.registry import DEFAULT, Registry
from sitegen.pipeline import BuildOptions, build
from sitegen.serve.incremental import LiveSite, content_changes
from sitegen.serve.watch import ChangeBatch, classify_batch


def tree(root: Path) -> dict[str, bytes]:
    """Every file but the search index: LiveSite leaves indexing to serve's session."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).as_posix().startswith("pagefind/")}


def reported(site: Path, *paths: Path) -> ChangeBatch:
    """What the watcher reports when these paths change."""
    return classify_batch(site, paths)


def clean_build(site: Path, out: Path, kinds: Registry | None = None) -> dict[str, bytes] | None:
    try:
        build(BuildOptions(site, output=out, workers=1, page_kinds=kinds, no_cache=True))
    except BuildFailed:
        return None
    return tree(out)


# --- which pages a change re-renders -------------------------------------------------------

BASE = {
    "sitegen.yaml": "title: Inc\n",
    "content/briefs/solar.md": brief("Solar panels", date="2026-05-04T09:00:00+00:00",
                                     extra="tags: [energy]", body="Photovoltaic output rose."),
    "content/briefs/chips.md": brief("Chip fab", date="2026-04-01T09:00:00+00:00",
                                     extra="tags: [semis]", body="Lithography yields improved."),
    "content/about.md": "---\ntitle: About\n---\nWho we are.\n",
}


@pytest.fixture
def live(tmp_path: Path) -> tuple[Path, LiveSite]:
    site = write_site(tmp_path / "site", BASE)
    ls = LiveSite(BuildOptions(site, workers=1), tmp_path / "live")
    ls.rebuild()
    return site, ls


def test_nothing_changed_renders_nothing(live: tuple[Path, LiveSite]) -> None:
    _, ls = live
    result = ls.rebuild()
    assert result.rendered == () and result.written == () and result.removed == ()


def test_body_edit_rerenders_only_that_brief(live: tuple[Path, LiveSite]) -> None:
    site, ls = live
    f = site / "content/briefs/solar.md"
    f.write_text(brief("Solar panels", date="2026-05-04T09:00:00+00:00", extra="tags: [energy]",
                       body="Photovoltaic output rose sharply."), encoding="utf-8")
    result = ls.rebuild(reported(site, f))
    assert result.rendered == ("briefs/solar/index.html",)
    assert result.way == "body", "a body edit takes the fast path"
    assert b"rose sharply" in (ls.output / "briefs/solar/index.html").read_bytes()
    assert b"rose sharply" in (ls.output / "feed.xml").read_bytes(), "feeds carry bodies"


def test_body_edit_after_a_failed_rebuild_is_not_patched(live: tuple[Path, LiveSite]) -> None:
    """While another file is broken, a clean build fails; the fast path must not hide that."""
    site, ls = live
    broken = site / "content/briefs/chips.md"
    broken.write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        ls.rebuild(reported(site, broken))
    f = site / "content/briefs/solar.md"
    f.write_text(brief("Solar panels", date="2026-05-04T09:00:00+00:00", extra="tags: [energy]",
                       body="Photovoltaic output rose sharply."), encoding="utf-8")
    with pytest.raises(BuildFailed):
        ls.rebuild(reported(site, f))


def test_front_matter_edit_rerenders_the_pages_that_show_it(live: tuple[Path, LiveSite]) -> None:
    site, ls = live
    f = site / "content/briefs/solar.md"
    f.write_text(brief("Solar panels everywhere", date="2026-05-04T09:00:00+00:00", extra="tags: [energy]",
                       body="Photovoltaic output rose."), encoding="utf-8")
    result = ls.rebuild(reported(site, f))
    rendered = set(result.rendered)
    assert result.way == "shape", "same briefs, same order: only the jobs that show it are made again"
    assert {"briefs/solar/index.html", "index.html", "tags/energy/index.html"} <= rendered
    assert not rendered & {"about/index.html", "briefs/chips/index.html", "tags/semis/index.html"}


def test_a_new_brief_rebuilds_every_job(live: tuple[Path, LiveSite]) -> None:
    site, ls = live
    f = site / "content/briefs/wind.md"
    f.write_text(brief("Wind farms", date="2026-05-05T09:00:00+00:00", extra="tags: [energy]"), encoding="utf-8")
    result = ls.rebuild(reported(site, f))
    assert result.way == "full"
    assert b"Wind farms" in (ls.output / "index.html").read_bytes()


def test_layout_edit_rerenders_the_pages_that_use_it(live: tuple[Path, LiveSite]) -> None:
    site, ls = live
    layout = site / "layouts/partials/brief-share.html"
    layout.parent.mkdir(parents=True)
    layout.write_text("<p>Share me</p>\n", encoding="utf-8")
    rendered = set(ls.rebuild(reported(site, layout)).rendered)
    assert rendered == {"briefs/solar/index.html", "briefs/chips/index.html"}
    assert b"Share me" in (ls.output / "briefs/chips/index.html").read_bytes()


def test_config_edit_rerenders_everything(live: tuple[Path, LiveSite]) -> None:
    site, ls = live
    before = ls.rebuild().pages
    (site / "sitegen.yaml").write_text("title: Renamed\n", encoding="utf-8")
    assert len(ls.rebuild(reported(site, site / "sitegen.yaml")).rendered) == before


def test_a_template_error_after_some_pages_rendered_leaves_the_output_untouched(
        live: tuple[Path, LiveSite]) -> None:
    """Rendered pages are staged on disk as they arrive; a failure discards them all."""
    site, ls = live
    before = tree(ls.output)
    layout = site / "layouts/partials/brief-share.html"
    layout.parent.mkdir(parents=True)
    layout.write_text("{{ no_such_variable }}\n", encoding="utf-8")
    (site / "content/about.md").write_text("---\ntitle: About us\n---\nWho we are now.\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        ls.rebuild(reported(site, layout, site / "content/about.md"))
    assert tree(ls.output) == before
    assert not (ls.output / ".sitegen-staging").exists()
    layout.unlink()
    ls.rebuild(reported(site, layout))
    assert b"Who we are now." in (ls.output / "about/index.html").read_bytes()
    assert not (ls.output / ".sitegen-staging").exists()


def test_a_failed_rebuild_leaves_the_output_untouched(live: tuple[Path, LiveSite]) -> None:
    site, ls = live
    before = tree(ls.output)
    (site / "content/briefs/solar.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        ls.rebuild(reported(site, site / "content/briefs/solar.md"))
    assert tree(ls.output) == before


def test_after_an_unexpected_error_the_next_rebuild_checks_every_file(
        live: tuple[Path, LiveSite], monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug (or Ctrl-C) that stops a rebuild before it read the reported files must not lose
    them: the next rebuild, told only of a later edit, still shows the first one."""
    site, ls = live
    from sitegen import pipeline
    load_config = pipeline.load_config

    def fail_once(*args: object) -> object:
        monkeypatch.setattr(pipeline, "load_config", load_config)
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "load_config", fail_once)
    about = site / "content/about.md"
    about.write_text("---\ntitle: About\n---\nWho we are, edited.\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        ls.rebuild(reported(site, about))
    solar = site / "content/briefs/solar.md"
    solar.write_text(brief("Solar panels", date="2026-05-04T09:00:00+00:00", extra="tags: [energy]",
                           body="Photovoltaic output rose again."), encoding="utf-8")
    ls.rebuild(reported(site, solar))
    assert b"Who we are, edited." in (ls.output / "about/index.html").read_bytes()
    assert b"rose again" in (ls.output / "briefs/solar/index.html").read_bytes()


# --- the property: incremental == clean ----------------------------------------------------

SLUGS = ["alpha", "beta", "gamma", "delta"]
TITLES = ["Alpha rises", "Beta falls", "Gamma & co", "Δ 变化"]
TAGS = ["[ai]", "[ai, chips]", "[energy]", "[]"]
DATES = ["2026-05-04T09:00:00+00:00", "2026-05-05", "2026-04-20T23:30:00+08:00", "2026-03-01"]
BODIES = ["Short body.", "A longer body about chips and AI.\n\n## Details\n\nMore text.", "Energy *news*."]
LAYOUTS = [None, "<footer class='x'>custom share</footer>\n", "{% include 'default/partials/brief-share.html' %}<hr>\n"]

# Extras that tie briefs together beyond related links: a metric series drawn on every brief
# in it, a prediction settled in another brief (listed on /predictions/), a story.
EXTRAS = ["", "", "metrics: [{label: Backlog, value: 12, unit: '$B', series: backlog}]",
          "metrics: [{label: Backlog, value: 9.5, unit: '$B', series: backlog}]",
          "predictions: [{claim: Soon, resolve_by: 2026-06-01, outcome: hit, resolved_in: alpha}]",
          "story: saga\ntimeline: [{date: 2026-01, event: It began}]"]

brief_text = st.builds(
    lambda title, date, tags, body, related, more: brief(
        title, date=date, body=body,
        extra=f"tags: {tags}" + (f"\nrelated: [{related}]" if related else "") + (f"\n{more}" if more else "")),
    st.sampled_from(TITLES), st.sampled_from(DATES), st.sampled_from(TAGS), st.sampled_from(BODIES),
    st.sampled_from([None, None, "alpha"]), st.sampled_from(EXTRAS),
)
operation = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(SLUGS), brief_text),
    st.tuples(st.just("body"), st.sampled_from(SLUGS), st.sampled_from(BODIES)),
    st.tuples(st.just("delete"), st.sampled_from(SLUGS), st.none()),
    st.tuples(st.just("rename"), st.sampled_from(SLUGS), st.sampled_from(SLUGS)),
    st.tuples(st.just("break"), st.sampled_from(SLUGS), st.none()),
    st.tuples(st.just("layout"), st.none(), st.sampled_from(LAYOUTS)),
    st.tuples(st.just("config"), st.none(), st.sampled_from([1, 2, 20])),
    st.tuples(st.just("static"), st.none(), st.sampled_from([None, "body{}", "p{}"])),
    st.tuples(st.just("page"), st.none(), st.sampled_from([None, "About us.", "About [alpha](/briefs/alpha/)."])),
)


def apply(site: Path, op: tuple[str, object, object]) -> list[Path]:
    """Change the site on disk; return the paths touched (what the watcher would report)."""
    kind, a, b = op
    briefs = site / "content/briefs"
    if kind == "write":
        path = briefs / f"{a}.md"
        path.write_text(str(b), encoding="utf-8")
        return [path]
    if kind == "body":  # the same front matter, another body: the fast path
        path = briefs / f"{a}.md"
        if path.exists():
            head, sep, _ = path.read_text(encoding="utf-8").partition("\n---\n")
            path.write_text(head + sep + str(b) + "\n", encoding="utf-8")
        return [path]
    if kind == "delete":
        path = briefs / f"{a}.md"
        path.unlink(missing_ok=True)
        return [path]
    if kind == "rename":
        src, dst = briefs / f"{a}.md", briefs / f"{b}.md"
        if src.exists() and src != dst:
            src.rename(dst)
        return [src, dst]
    if kind == "break":
        path = briefs / f"{a}.md"
        path.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
        return [path]
    if kind == "layout":
        path = site / "layouts/partials/brief-share.html"
        if b is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(str(b), encoding="utf-8")
        return [path]
    if kind == "config":
        path = site / "sitegen.yaml"
        path.write_text(f"title: Prop\nper_page: {b}\nbase_url: https://example.org/sub/\n", encoding="utf-8")
        return [path]
    if kind == "static":
        path = site / "static/css/extra.css"
        if b is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(str(b), encoding="utf-8")
        return [path]
    path = site / "content/about.md"
    if b is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(f"---\ntitle: About\n---\n{b}\n", encoding="utf-8")
    return [path]


EXAMPLES = int(os.environ.get("SITEGEN_SERVE_EXAMPLES", "30"))
"""Random edit sequences tried; a slow run: SITEGEN_SERVE_EXAMPLES=200 python -m pytest tests/test_incremental.py"""


REGISTRIES = [None, DEFAULT.with_kind(toy_pages.TITLES).with_kind(toy_pages.SIZES)]
"""The default kinds, and with two kinds registered by a test (tests/toy_pages.py)."""


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=7), st.sampled_from(REGISTRIES))
def test_incremental_output_equals_a_clean_build(ops: list[tuple[str, object, object]],
                                                 kinds: Registry | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = write_site(root / "site", {
            "content/briefs/alpha.md": brief("Alpha rises", extra="tags: [ai]"),
            "content/briefs/beta.md": brief("Beta falls", date="2026-04-20", extra="tags: [ai, chips]"),
            **(toy_pages.TEMPLATES if kinds is not None else {}),
        })
        ls = LiveSite(BuildOptions(site, workers=1, page_kinds=kinds), root / "live")
        ls.rebuild()
        for i, op in enumerate(ops):
            touched = apply(site, op)
            expected = clean_build(site, root / f"clean-{i}", kinds)
            before = tree(ls.output)
            try:
                ls.rebuild(reported(site, *touched))
            except BuildFailed:
                assert expected is None, f"incremental failed but a clean build succeeded after {ops[:i + 1]}"
                assert tree(ls.output) == before, "a failed rebuild changed the served output"
                continue
            assert expected is not None, f"a clean build failed but incremental succeeded after {ops[:i + 1]}"
            got = tree(ls.output)
            assert sorted(got) == sorted(expected), f"different files after {ops[:i + 1]}"
            for rel in expected:
                assert got[rel] == expected[rel], f"{rel} differs after {ops[:i + 1]}"


# --- discovery from the watcher's report ---------------------------------------------------

def test_rediscover_matches_a_full_listing_after_adds_and_deletes(tmp_path: Path) -> None:
    from sitegen.content import discover, rediscover
    site = write_site(tmp_path / "site", BASE)
    before, _ = discover(site)
    new = site / "content/briefs/apple.md"
    new.write_text(brief("Apple"), encoding="utf-8")
    gone = site / "content/briefs/chips.md"
    gone.unlink()
    (site / "content/briefs/notes.txt").write_text("x", encoding="utf-8")
    changed = content_changes(reported(site, new, gone, site / "content/briefs/notes.txt", site / "sitegen.yaml"), site)
    assert [f.shown for f in changed] == ["content/briefs/apple.md", "content/briefs/chips.md"]
    assert rediscover(site, before, changed) == discover(site)[0]


def test_rediscover_keeps_the_same_listing_for_edits(tmp_path: Path) -> None:
    from sitegen.content import discover, rediscover
    site = write_site(tmp_path / "site", BASE)
    before, _ = discover(site)
    assert rediscover(site, before, content_changes(reported(site, site / "content/briefs/solar.md"), site)) is before


def test_rediscover_lists_again_for_links(tmp_path: Path) -> None:
    from sitegen.content import discover, rediscover
    site = write_site(tmp_path / "site", BASE)
    before, _ = discover(site)
    (site / "content/briefs/link.md").symlink_to(site / "content/briefs/solar.md")
    assert rediscover(site, before, content_changes(reported(site, site / "content/briefs/link.md"), site)) is None


@pytest.mark.parametrize("folder", ["content", "content/briefs"])
def test_a_changed_content_folder_is_listed_again(tmp_path: Path, folder: str) -> None:
    """A folder moved in or out is one event: the files in it are not reported one by one."""
    site = write_site(tmp_path / "site", BASE)
    ls = LiveSite(BuildOptions(site, workers=1), tmp_path / "live")
    ls.rebuild()
    moved = write_site(tmp_path / "elsewhere", {"wind.md": brief("Wind farms", extra="tags: [energy]")})
    (site / "content/briefs").rename(tmp_path / "old-briefs")
    moved.rename(site / "content/briefs")
    assert content_changes(reported(site, site / folder), site) is None
    result = ls.rebuild(reported(site, site / folder))
    assert result.way == "full"
    assert (ls.output / "briefs/wind/index.html").exists() and not (ls.output / "briefs/solar").exists()
    assert tree(ls.output) == clean_build(site, tmp_path / "clean")
