"""Story arcs: the briefs that follow one story (a chip launch, an earnings cycle) over time.

A brief names its story with `story: slug`. Every brief naming a slug is in that story;
its title comes from sitegen.yaml's `stories:` or else from the story's first brief.
Briefs that name no story are grouped automatically when they chain strongly through
related updates (see STRONG_RANK). A story page merges the timelines of its briefs, so
this module also owns that merge.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sitegen.model import Brief, RelatedLink, TimelineEntry
from sitegen.slotted import fast_state


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    slugs: tuple[str, ...]
    """Its briefs, newest first."""


STRONG_RANK = 2
"""Two briefs chain strongly when each is among the other's first STRONG_RANK related updates
(pinned or automatic, so a "Later update" counts both ways). A weaker tie, one-sided or
further down a list, never joins two briefs into a story."""
MIN_AUTO, MAX_AUTO = 3, 8
"""Sizes of an automatic story: a pair is only a follow-up; a larger group is a topic, not a story."""


def group_stories(briefs: Sequence[Brief], titles: Mapping[str, str],
                  related: Mapping[str, Sequence[RelatedLink]] | None = None) -> tuple[Story, ...]:
    """Stories of these briefs (newest first): named ones, then those found through `related`,
    each story's briefs newest first, the stories ordered by their newest brief."""
    members: dict[str, list[Brief]] = {}
    for b in briefs:  # newest first, so each story's list is too
        if b.story:
            members.setdefault(b.story, []).append(b)
    for group in auto_groups(briefs, related or {}):
        oldest = group[-1]
        if oldest.slug not in members:  # a named story wins the slug
            members[oldest.slug] = group
    order = {b.slug: k for k, b in enumerate(briefs)}
    stories = [Story(slug, titles.get(slug) or bs[-1].title, tuple(b.slug for b in bs)) for slug, bs in members.items()]
    return tuple(sorted(stories, key=lambda s: order[s.slugs[0]]))


def auto_groups(briefs: Sequence[Brief], related: Mapping[str, Sequence[RelatedLink]]) -> list[list[Brief]]:
    """Groups of MIN_AUTO to MAX_AUTO briefs without a `story:` that chain strongly (STRONG_RANK),
    each newest first."""
    free = {b.slug: b for b in briefs if not b.story}
    top = {s: {link.slug for link in related.get(s, ())[:STRONG_RANK]} for s in free}
    parent = {s: s for s in free}

    def root(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for a, near in top.items():
        for b in near:
            if b in free and a in top[b]:
                parent[root(a)] = root(b)
    groups: dict[str, list[Brief]] = {}
    for b in briefs:  # newest first
        if b.slug in free:
            groups.setdefault(root(b.slug), []).append(b)
    return [g for g in groups.values() if MIN_AUTO <= len(g) <= MAX_AUTO]


@fast_state
@dataclass(frozen=True, slots=True)
class Event:
    date: str
    """YYYY, YYYY-MM or YYYY-MM-DD: sorts in time order as text."""
    html: str
    """Inline HTML (sanitized when the brief was parsed)."""
    slug: str
    """The brief it came from."""
    published: bool = False
    """The publication of a brief of the story, rather than an event from a timeline."""


_TAG = re.compile(r"<[^>]+>")


def _same_event_key(e: Event) -> tuple[str, str]:
    text = html.unescape(_TAG.sub("", e.html)).casefold()
    return e.date, " ".join(re.findall(r"\w+", text))


def merged_timeline(briefs: Iterable[Brief], timelines: Mapping[str, tuple[TimelineEntry, ...]]) -> tuple[Event, ...]:
    """Every timeline event of these briefs and each brief's publication, oldest first; an event
    that several briefs list (same date, same words) is kept once, from the oldest brief."""
    events: list[Event] = []
    for b in sorted(briefs, key=lambda b: (b.date, b.slug)):
        events.append(Event(b.date.date().isoformat(), html.escape(b.title), b.slug, published=True))
        events += [Event(t.date, t.event, b.slug) for t in timelines.get(b.slug, ())]
    seen: set[tuple[str, str]] = set()
    kept = []
    for e in events:
        key = _same_event_key(e)
        if key not in seen:
            seen.add(key)
            kept.append(e)
    return tuple(sorted(kept, key=lambda e: e.date))  # stable: same-day events keep brief order


def with_story_mates(briefs: Sequence[Brief], related: Mapping[str, tuple[RelatedLink, ...]],
                     stories: Sequence[Story], count: int) -> dict[str, tuple[RelatedLink, ...]]:
    """Related links with each brief's story-mates added: pinned links first, then the briefs of
    its story nearest in time (an earlier one, or a newer one shown as a "Later update"), then
    the automatic ones, at most `count` in all. A reader of one update always reaches the next."""
    position = {b.slug: k for k, b in enumerate(briefs)}  # newest first
    out = dict(related)
    for story in stories:
        for slug in story.slugs:
            links = related.get(slug, ())
            pinned = [link for link in links if link.pinned]
            mates = sorted((s for s in story.slugs if s != slug), key=lambda s: abs(position[s] - position[slug]))
            taken = {link.slug for link in pinned}
            merged = pinned + [RelatedLink(s, position[s] < position[slug]) for s in mates if s not in taken]
            taken.update(s for s in mates)
            merged += [link for link in links if not link.pinned and link.slug not in taken]
            out[slug] = tuple(merged[:max(count, len(pinned))])
    return out
