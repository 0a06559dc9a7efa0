"""Pure data: what a site is made of. No I/O, no rendering, nothing mutable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from collections.abc import Mapping

from sitegen.config import SiteConfig
from sitegen.errors import SourceLocation


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    lang: str = ""
    published: dt.datetime | None = None


@dataclass(frozen=True)
class Tldr:
    """Each part is inline HTML (rendered from inline Markdown), '' when absent."""

    what_changed: str = ""
    why_it_matters: str = ""
    what_to_do_next: str = ""

    def __bool__(self) -> bool:
        return bool(self.what_changed or self.why_it_matters or self.what_to_do_next)


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    """Display text: numbers keep the author's precision (37.6 stays 37.6)."""
    unit: str = ""
    change: str = ""


@dataclass(frozen=True)
class Comparison:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Prediction:
    claim: str
    """Inline HTML."""
    rationale: str = ""
    """Inline HTML, '' when absent."""


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    """YYYY, YYYY-MM or YYYY-MM-DD, as written."""
    event: str
    """Inline HTML."""


@dataclass(frozen=True)
class Brief:
    source_path: str
    """Path shown in diagnostics, relative to the site directory."""
    slug: str
    slug_location: SourceLocation
    title: str
    date: dt.datetime
    """Timezone-aware; a bare date is midnight in the site timezone."""
    has_time: bool
    """False when the author wrote a date without a time."""
    source: Source
    summary: str
    body_html: str
    ai_generated: bool = False
    weight: float = 0.0
    tldr: Tldr = Tldr()
    audience: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    metrics: tuple[Metric, ...] = ()
    takeaways: tuple[str, ...] = ()
    comparison: Comparison | None = None
    deep_dive: tuple[str, ...] = ()
    predictions: tuple[Prediction, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    related: tuple[str, ...] = ()
    """Pinned related slugs, in the author's order."""
    related_locations: tuple[SourceLocation, ...] = ()
    draft: bool = False
    term_locations: tuple[tuple[str, str, SourceLocation], ...] = ()
    """(taxonomy, name, where) for each tag, audience and the source name: for slug clashes."""


@dataclass(frozen=True)
class Page:
    """A plain page from content/*.md."""

    source_path: str
    slug: str
    slug_location: SourceLocation
    title: str
    summary: str
    body_html: str


@dataclass(frozen=True)
class OutputFile:
    path: str
    """Relative to the output folder, '/'-separated, e.g. 'briefs/x/index.html'."""
    data: bytes


@dataclass(frozen=True)
class Week:
    key: str
    """'2026-w18'."""
    year: int
    number: int
    start: dt.date
    """Monday."""
    end: dt.date
    """Sunday."""
    slugs: tuple[str, ...]
    """Briefs of the week, most important first (weight, then newest)."""


@dataclass(frozen=True)
class RelatedLink:
    slug: str
    later: bool
    """True when the related brief is newer: shown as a "Later update"."""
    pinned: bool = False


@dataclass(frozen=True)
class Term:
    name: str
    """As first written by an author."""
    slug: str
    slugs: tuple[str, ...]
    """Briefs with this term, newest first."""


@dataclass(frozen=True)
class Taxonomy:
    key: str
    """'tags', 'audiences' or 'sources': also the URL prefix."""
    singular: str
    """'Tag', 'Audience', 'Source'."""
    terms: tuple[Term, ...]
    """Sorted by name (casefolded)."""


@dataclass(frozen=True)
class Site:
    """Everything the render stage needs; built once per build by assemble()."""

    config: SiteConfig
    briefs: tuple[Brief, ...]
    """Published briefs, newest first (ties: slug)."""
    pages: tuple[Page, ...]
    by_slug: Mapping[str, Brief]
    weeks: tuple[Week, ...]
    """Newest first."""
    week_of: Mapping[str, str]
    """Brief slug -> week key."""
    related: Mapping[str, tuple[RelatedLink, ...]]
    taxonomies: tuple[Taxonomy, ...] = ()
    """tags, audiences, sources."""
