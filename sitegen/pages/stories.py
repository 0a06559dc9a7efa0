"""/stories/ and /stories/<slug>/: each story's briefs newest first, its latest status (the
newest brief's TL;DR), one merged timeline, its metric series, and an Atom feed per story."""

from __future__ import annotations

from collections.abc import Sequence

from sitegen.config import SiteConfig
from sitegen.memo import NO_MEMO, Memo
from sitegen.model import Brief, OutputFile, Site
from sitegen.pages.feeds import brief_feed
from sitegen.pages.kind import Cards, Edit, PageKind, Reads
from sitegen.messages import N_
from sitegen.render import Job, PageEntry, PageMeta
from sitegen.series import Series, sparkline
from sitegen.stories import Story, merged_timeline
from sitegen.urls import STORIES_PATH, feed_path, output_file, story_path


def story_series(site: Site, story: Story) -> tuple[Series, ...]:
    """The metric series that any brief of the story is part of."""
    members = set(story.slugs)
    return tuple(s for s in site.series.values() if any(p.slug in members for p in s.points))


def stories_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    if not site.stories:
        return []
    return [stories_index_job(site, cards, memo), *(story_page_job(site, cards, story, memo) for story in site.stories)]


def remake_stories_jobs(site: Site, cards: Cards, memo: Memo, edit: Edit) -> list[Job]:
    """The pages of the stories an edited brief is part of (they show its card and timeline), and
    the index when a card changed (it shows each story's latest)."""
    if not site.stories:
        return []
    index = [stories_index_job(site, cards, memo)] if edit.cards else []
    return index + [story_page_job(site, cards, story, memo) for story in site.stories
                    if not edit.briefs.isdisjoint(story.slugs)]


def stories_index_job(site: Site, cards: Cards, memo: Memo) -> Job:
    c = site.config
    latest = tuple(cards[s.slugs[0]] for s in site.stories)
    return memo.get("stories", (c, site.stories, latest), lambda: index_job(c, site.stories, latest))


def story_page_job(site: Site, cards: Cards, story: Story, memo: Memo) -> Job:
    c = site.config
    items = tuple(cards[s] for s in story.slugs)
    timelines = tuple(site.by_slug[s].timeline for s in story.slugs)
    series = story_series(site, story)
    return memo.get(("stories", story.slug), (c, story, items, timelines, series),
                    lambda: story_job(c, story, items, dict(zip(story.slugs, timelines)), series))


def index_job(c: SiteConfig, stories: tuple[Story, ...], latest: tuple[Brief, ...]) -> Job:
    context = {
        "page": PageMeta(c.messages.gettext("Stories"),
                         c.messages.gettext("The stories %(site)s follows, each brief by brief.", site=c.title),
                         STORIES_PATH, "stories"),
        "stories": tuple(zip(stories, latest)),
    }
    return Job(output_file(STORIES_PATH), "stories.html", context, "stories index")


def story_job(c: SiteConfig, story: Story, items: tuple[Brief, ...], timelines: dict[str, tuple[object, ...]],
              series: tuple[Series, ...]) -> Job:
    rel = story_path(story.slug)
    n = len(items)
    context = {
        "page": PageMeta(story.title, c.messages.ngettext(
            "%(title)s: %(num)s update, newest first, with one timeline.",
            "%(title)s: %(num)s updates, newest first, with one timeline.", n, title=story.title), rel, "story"),
        "story": story,
        "latest": items[0],
        "items": items,
        "timeline": merged_timeline(items, timelines),  # type: ignore[arg-type]
        "history": tuple((s, sparkline(tuple(p.value for p in s.points))) for s in series if len(s.points) > 1),
        "feed_rel": feed_path(rel),
    }
    return Job(output_file(rel), "story.html", context, f"story {story.slug}")


def story_feeds(site: Site, pages: Sequence[PageEntry] = (), memo: Memo = NO_MEMO) -> list[OutputFile]:
    c = site.config
    files = []
    for story in site.stories:
        briefs = tuple(site.by_slug[s] for s in story.slugs[: c.feed_count])
        rel = feed_path(story_path(story.slug))
        files.append(memo.get(rel, (c, story.title, briefs),
                              lambda rel=rel, story=story, briefs=briefs: brief_feed(  # type: ignore[misc]
                                  site, rel, f"{c.title}: {story.title}", story_path(story.slug), briefs)))
    return files


def _nav(site: Site) -> tuple[tuple[str, str], ...]:
    return ((N_("Stories"), STORIES_PATH),) if site.stories else ()


KIND = PageKind("stories", Reads.SHAPE | Reads.CARDS | Reads.BODIES, jobs=stories_jobs, remake=remake_stories_jobs,
                files=story_feeds,
                reserved=("stories",), nav=_nav)
