"""Story arcs: briefs naming one story get a story page (latest status, briefs newest first,
one merged timeline, metric series), a feed, an index entry, and a line on each brief."""

from __future__ import annotations

import datetime as dt
import re

import feedparser
from conftest import brief

from sitegen.errors import SourceLocation
from sitegen.model import Brief, RelatedLink, Source, TimelineEntry
from sitegen.stories import MAX_AUTO, auto_groups, group_stories, merged_timeline, with_story_mates


def _site(make_site, config: str = ""):  # type: ignore[no-untyped-def]
    return make_site({
        "sitegen.yaml": "title: Desk\n" + config,
        "content/briefs/first.md": brief("Chip plan announced", "2026-03-02T09:00:00Z", extra="""
            story: chip-launch
            timeline:
              - {date: 2025-11, event: "Design **taped out**"}
              - {date: 2026-03-01, event: Board approves the plan}
            metrics: [{label: Units, value: 10, unit: k, series: chip-units}]
            """),
        "content/briefs/second.md": brief("Chip ships", "2026-04-10T09:00:00Z", extra="""
            story: chip-launch
            tldr: {what_changed: "First **units** shipped", why_it_matters: Revenue starts}
            timeline:
              - {date: 2025-11, event: "Design taped out."}
              - {date: 2026-04-09, event: First customer delivery}
            metrics: [{label: Units, value: 25, unit: k, series: chip-units}]
            """),
        "content/briefs/alone.md": brief("Unrelated news", "2026-04-11T09:00:00Z"),
    })


def test_story_page(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    page = (site / "public/stories/chip-launch/index.html").read_text()
    assert "<h1>Chip plan announced</h1>" in page  # no title in sitegen.yaml: the first brief's
    status = page[page.index('id="status-h"'):]
    status = status[: status.index("</section>")]
    assert "Chip ships" in status and "First <strong>units</strong> shipped" in status
    updates = page[page.index('id="story-briefs-h"'):]
    assert updates.index("Chip ships") < updates.index("Chip plan announced") and "Unrelated" not in page
    timeline = page[page.index('id="story-timeline-h"'):]
    events = re.findall(r"<li(?: class=\"is-brief\")?><time>([^<]+)</time> (.*?)</li>", timeline)
    assert events == [
        ("2025-11", "Design <strong>taped out</strong>"),  # listed by both briefs: kept once, the first one's
        ("2026-03-01", "Board approves the plan"),
        ("2026-03-02", '<a href="/briefs/first/">Chip plan announced</a>'),
        ("2026-04-09", "First customer delivery"),
        ("2026-04-10", '<a href="/briefs/second/">Chip ships</a>'),
    ]
    assert "Chip units over 2 briefs" in page  # the story's metric series, drawn
    assert 'href="/stories/chip-launch/feed.xml"' in page


def test_brief_line_index_feed_and_nav(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site, config="stories:\n  chip-launch: The chip launch\n")
    result = cli("build", str(site))
    assert result.returncode == 0, result.stderr
    public = site / "public"
    first = (public / "briefs/first/index.html").read_text()
    assert 'Part of the story: <a href="/stories/chip-launch/">The chip launch</a> · 2 updates' in first
    assert "Part of the story" not in (public / "briefs/alone/index.html").read_text()
    index = (public / "stories/index.html").read_text()
    assert '<a href="/stories/chip-launch/">The chip launch</a>' in index and "2 updates" in index
    assert '<a href="/stories/">Stories</a>' in (public / "index.html").read_text()
    feed = feedparser.parse((public / "stories/chip-launch/feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Desk: The chip launch"
    assert [e.title for e in feed.entries] == ["Chip ships", "Chip plan announced"]


def test_no_story_no_pages(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"content/briefs/a.md": brief("A")})
    assert cli("build", str(site)).returncode == 0
    assert not (site / "public/stories").exists()
    assert 'href="/stories/"' not in (site / "public/index.html").read_text()


def test_bad_story_keys(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"sitegen.yaml": "stories:\n  'no spaces': Title\n",
                      "content/briefs/a.md": brief("A", extra="story: ../up")})
    result = cli("build", str(site))
    assert result.returncode == 1
    assert "sitegen.yaml:2:3: error: 'no spaces' is not a story slug" in result.stderr
    assert "content/briefs/a.md:8:8: error: invalid slug '../up'" in result.stderr


def _brief(slug: str, day: int) -> Brief:
    return Brief(f"{slug}.md", slug, SourceLocation("x", 1, 1), slug.title(),
                 dt.datetime(2026, 5, day, tzinfo=dt.timezone.utc), False, Source("S", "https://e.com"), "s", "")


def test_merged_timeline_keeps_order_and_merges_same_words() -> None:
    timelines = {"a": (TimelineEntry("2026", "Launch &amp; <em>plan</em>"), TimelineEntry("2026-05-01", "X")),
                 "b": (TimelineEntry("2026", "launch &amp; plan!"), TimelineEntry("2026-05", "Y"))}
    events = merged_timeline([_brief("b", 3), _brief("a", 2)], timelines)
    assert [(e.date, e.html, e.slug, e.published) for e in events] == [
        ("2026", "Launch &amp; <em>plan</em>", "a", False),
        ("2026-05", "Y", "b", False),
        ("2026-05-01", "X", "a", False),
        ("2026-05-02", "A", "a", True),
        ("2026-05-03", "B", "b", True),
    ]


def _links(*slugs: str) -> tuple[RelatedLink, ...]:
    return tuple(RelatedLink(s, False) for s in slugs)


def test_briefs_that_chain_strongly_become_a_story_and_weak_ties_stay_apart() -> None:
    briefs = [_brief(s, d) for s, d in (("e", 9), ("d", 8), ("c", 7), ("b", 6), ("a", 5), ("x", 4))]
    related = {
        "a": _links("b", "c"), "b": _links("a", "c"), "c": _links("b", "a", "d"),  # a, b, c: each in the others' top 2
        "d": _links("c", "e"),  # d lists c, but c has d third: one-sided at rank 2, no tie
        "e": _links("d"),  # d and e tie each other, but a pair is no story
        "x": _links("a"),
    }
    assert auto_groups(briefs, related) == [[briefs[2], briefs[3], briefs[4]]]  # c, b, a: newest first
    stories = group_stories(briefs, {}, related)
    assert [(s.slug, s.title, s.slugs) for s in stories] == [("a", "A", ("c", "b", "a"))]  # named after its first brief


def test_named_stories_are_never_regrouped() -> None:
    from dataclasses import replace

    briefs = [replace(_brief("c", 7), story="saga"), _brief("b", 6), _brief("a", 5)]
    related = {"a": _links("b", "c"), "b": _links("a", "c"), "c": _links("b", "a")}
    assert auto_groups(briefs, related) == []  # only two briefs are free
    assert [(s.slug, s.slugs) for s in group_stories(briefs, {"saga": "The saga"}, related)] == [("saga", ("c",))]


def test_a_big_cluster_is_a_topic_not_a_story() -> None:
    briefs = [_brief(f"b{i}", i + 1) for i in range(MAX_AUTO + 1)]
    slugs = [b.slug for b in briefs]
    related = {s: _links(*(slugs[(k + d) % len(slugs)] for d in (1, -1))) for k, s in enumerate(slugs)}  # a ring
    assert auto_groups(briefs, related) == []


def test_story_mates_join_related_links_nearest_first_after_pinned_ones() -> None:
    briefs = [_brief(s, d) for s, d in (("d", 9), ("c", 8), ("b", 7), ("a", 6), ("x", 5))]
    story = group_stories([], {})  # no stories: links unchanged
    related = {"b": (RelatedLink("x", False, True), RelatedLink("x2", False), RelatedLink("a", False))}
    assert with_story_mates(briefs, related, story, 5) == related
    from sitegen.stories import Story
    saga = Story("saga", "Saga", ("d", "c", "b", "a"))
    out = with_story_mates(briefs, related, (saga,), 4)
    assert out["b"] == (RelatedLink("x", False, True),  # pinned stays first
                        RelatedLink("c", True), RelatedLink("a", False),  # the nearest updates, newer ones "later"
                        RelatedLink("d", True))  # at most `count`: the automatic x2 gives way
    assert [link.slug for link in out["d"]] == ["c", "b", "a"]
