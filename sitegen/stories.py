"""Story arcs: the briefs that follow one story (a chip launch, an earnings cycle) over time.

A brief names its story with `story: slug`. Every brief naming a slug is in that story;
its title comes from sitegen.yaml's `stories:` or else from the story's first brief. A
story page merges the timelines of its briefs, so this module also owns that merge.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sitegen.model import Brief, TimelineEntry


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    slugs: tuple[str, ...]
    """Its briefs, newest first."""


def group_stories(briefs: Iterable[Brief], titles: Mapping[str, str]) -> tuple[Story, ...]:
    """Stories of these briefs (newest first), ordered by their newest brief."""
    members: dict[str, list[Brief]] = {}
    for b in briefs:  # newest first, so each story's list is too
        if b.story:
            members.setdefault(b.story, []).append(b)
    return tuple(Story(slug, titles.get(slug) or bs[-1].title, tuple(b.slug for b in bs)) for slug, bs in members.items())


@dataclass(frozen=True)
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
