"""classify_change: which file events trigger which kind of rebuild (a pure function, table-tested);
and the periodic rescan that catches the events a watcher misses."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path, PurePath

import pytest

from conftest import brief, write_site

from sitegen.serve.incremental import first_way
from sitegen.serve.rescan import relook, rescan
from sitegen.serve.watch import ChangeBatch, ChangeKind, EventSource, classify_batch, classify_change, watch_site

SITE = Path("/home/me/site")
"""Only a name: nothing here touches the file system."""

CASES = [
    ("sitegen.yaml", ChangeKind.CONFIG),
    ("content/briefs/aws-capex.md", ChangeKind.BRIEF),
    ("content/briefs/#notes.md", ChangeKind.BRIEF),  # discover reads it, so a change to it matters
    ("content/about.md", ChangeKind.PAGE),
    ("content/briefs.md", ChangeKind.PAGE),
    ("content/briefs", ChangeKind.CONTENT_FOLDER),
    ("content", ChangeKind.CONTENT_FOLDER),
    ("layouts/brief.html", ChangeKind.LAYOUT),
    ("layouts/partials/brief-tldr.html", ChangeKind.LAYOUT),
    ("layouts/style.css", ChangeKind.LAYOUT),
    ("static/img/logo.png", ChangeKind.STATIC),
    ("static", ChangeKind.STATIC),
    # Not read by a build: no rebuild.
    ("public/index.html", None),
    ("public/briefs/x/index.html", None),
    (".git/index", None),
    (".sitegen-cache/parse.pickle", None),
    ("README.md", None),
    ("sitegen.yaml.bak", None),
    ("content/briefs/notes.txt", None),
    ("content/briefs/drafts/deep.md", None),
    ("content/img/photo.png", None),
    # Editor temp, swap and backup files.
    ("content/briefs/.aws-capex.md.swp", None),
    ("content/briefs/aws-capex.md~", None),
    ("content/briefs/#aws-capex.md#", None),
    ("content/briefs/.#aws-capex.md", None),
    ("layouts/4913", None),
    ("layouts/.brief.html.swp", None),
    ("static/.DS_Store", None),
]


@pytest.mark.parametrize(("rel", "kind"), CASES, ids=[c[0] for c in CASES])
def test_classify_change(rel: str, kind: ChangeKind | None) -> None:
    assert classify_change(SITE, SITE / rel) is kind


@pytest.mark.parametrize("path", ["/home/me/other/content/briefs/x.md", "/home/me/site-2/sitegen.yaml", "/"],
                         ids=["other-site", "sibling-prefix", "root"])
def test_paths_outside_the_site_are_ignored(path: str) -> None:
    assert classify_change(SITE, PurePath(path)) is None


def test_classify_batch_keeps_only_relevant_paths() -> None:
    batch = classify_batch(SITE, [str(SITE / "layouts/base.html"), str(SITE / "public/index.html"),
                                  str(SITE / "content/briefs/a.md"), str(SITE / "layouts/base.html")])
    assert batch.kinds == {ChangeKind.BRIEF, ChangeKind.LAYOUT}
    assert [(c.kind, c.rel) for c in batch.changes] == [(ChangeKind.BRIEF, "content/briefs/a.md"),
                                                        (ChangeKind.LAYOUT, "layouts/base.html")]
    assert not classify_batch(SITE, [str(SITE / "public/x.html")])


def test_merged_batches_hold_each_path_once() -> None:
    a = classify_batch(SITE, [SITE / "content/briefs/a.md", SITE / "static/x.css"])
    b = classify_batch(SITE, [SITE / "content/briefs/a.md", SITE / "sitegen.yaml"])
    assert [c.rel for c in (a | b).changes] == ["content/briefs/a.md", "sitegen.yaml", "static/x.css"]


@pytest.mark.parametrize(("rels", "way"), [
    ([], "shape"),
    (["content/briefs/a.md"], "body"),
    (["content/briefs/a.md", "content/briefs/b.md"], "body"),
    (["content/briefs/a.md", "content/about.md"], "shape"),
    (["static/x.css"], "shape"),
    (["content/briefs/a.md", "layouts/brief.html"], "full"),
    (["sitegen.yaml"], "full"),
    (["content/briefs"], "full"),
], ids=lambda v: "+".join(v) if isinstance(v, list) else v)
def test_the_first_way_a_rebuild_tries_follows_the_kinds(rels: list[str], way: str) -> None:
    assert first_way(classify_batch(SITE, [SITE / r for r in rels])) == way
    assert first_way(None) == "full"  # nothing known: the first build


# --- the periodic rescan: what the watcher misses ------------------------------------------

def deaf(seconds: float = 60) -> EventSource:
    """A watcher that misses every event: it only ever reports nothing, for `seconds`."""
    def events(site_dir: Path, stop: threading.Event, tick_ms: int) -> Iterator[set[str]]:
        end = time.monotonic() + seconds
        while not stop.is_set() and time.monotonic() < end:
            yield set()
            time.sleep(tick_ms / 1000)
    return events


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {
        "sitegen.yaml": "title: Rescanned\n",
        "content/briefs/alpha.md": brief("Alpha", body="First body."),
        "content/briefs/beta.md": brief("Beta"),
        "layouts/partials/brief-share.html": "<p>share</p>\n",
        "static/css/extra.css": "p{}",
    })


def test_rescan_reports_added_edited_and_removed_files(site: Path) -> None:
    seen, changed = rescan(site, {})
    assert sorted(Path(p).relative_to(site).as_posix() for p in changed) == [
        "content/briefs/alpha.md", "content/briefs/beta.md", "layouts/partials/brief-share.html",
        "sitegen.yaml", "static/css/extra.css"]
    assert rescan(site, seen)[1] == []
    (site / "content/briefs/alpha.md").write_text(brief("Alpha", body="Second body."), encoding="utf-8")
    (site / "content/briefs/beta.md").unlink()
    (site / "static/css/more.css").write_text("b{}", encoding="utf-8")
    assert sorted(Path(p).relative_to(site).as_posix() for p in rescan(site, seen)[1]) == [
        "content/briefs/alpha.md", "content/briefs/beta.md", "static/css/more.css"]


def test_a_path_the_watcher_reported_is_not_reported_again_by_the_rescan(site: Path) -> None:
    seen, _ = rescan(site, {})
    edited = site / "content/briefs/alpha.md"
    edited.write_text(brief("Alpha", body="Second body."), encoding="utf-8")
    assert rescan(site, seen)[1] == [str(edited)]
    assert rescan(site, relook(seen, [edited]))[1] == []


def test_the_watch_loop_reports_what_the_watcher_missed(site: Path) -> None:
    stop = threading.Event()
    batches = watch_site(site, stop, rescan_every=0.05, events=deaf())
    assert next(batches) == ChangeBatch()  # armed: nothing built yet
    (site / "content/briefs/alpha.md").write_text(brief("Alpha", body="Second body."), encoding="utf-8")
    (site / "layouts/partials/brief-share.html").unlink()
    batch = next(batches, None)
    stop.set()
    assert batch is not None, "the watcher reported nothing and the rescan found nothing"
    assert [(c.kind, c.rel) for c in batch.changes] == [(ChangeKind.BRIEF, "content/briefs/alpha.md"),
                                                        (ChangeKind.LAYOUT, "layouts/partials/brief-share.html")]


def _reported(events: Iterator[set[str]], wanted: str, seconds: float, again: Path | None = None) -> bool:
    """Whether a path ending in `wanted` comes out of `events` within `seconds` (writing
    `again` each half second, for a folder the watcher is about to take up)."""
    deadline = time.monotonic() + seconds
    wrote = 0.0
    while time.monotonic() < deadline:
        if again is not None and time.monotonic() - wrote > 0.5:
            again.write_text(f"{time.monotonic()}\n")
            wrote = time.monotonic()
        if any(raw.endswith(wanted) for raw in next(events)):
            return True
    return False


def test_the_real_watcher_reports_inputs_and_a_folder_made_later_but_never_watches_the_output(
        tmp_path: Path) -> None:
    from sitegen.serve.watch import watchfiles_events

    site = write_site(tmp_path / "site", {"sitegen.yaml": "title: Watched\n",
                                          "content/briefs/a.md": brief("A"),
                                          "public/briefs/a/index.html": "<p>built</p>"})
    stop = threading.Event()
    events = watchfiles_events(site, stop, 50)
    try:
        next(events)  # armed
        (site / "content/briefs/a.md").write_text(brief("A, edited"), encoding="utf-8")
        assert _reported(events, "content/briefs/a.md", 10)
        (site / "sitegen.yaml").write_text("title: Watched again\n", encoding="utf-8")
        assert _reported(events, "sitegen.yaml", 10)
        # The output is not watched (at 10,000 briefs its 18,000 folders took seconds to watch).
        (site / "public/briefs/a/index.html").write_text("<p>rebuilt</p>", encoding="utf-8")
        assert not _reported(events, "public/briefs/a/index.html", 1.5)
        # A layouts/ folder made while serving is watched from then on.
        (site / "layouts").mkdir()
        assert _reported(events, "layouts/base.html", 10, again=site / "layouts/base.html")
    finally:
        stop.set()
        events.close()
