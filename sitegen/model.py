"""Pure data: what a site is made of. No I/O, no rendering, nothing mutable."""

from __future__ import annotations

import datetime as dt
import functools
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.config import SiteConfig
from sitegen.errors import SourceLocation
from sitegen.slotted import fast_state


class PackedHtml:
    """HTML kept compressed (UTF-8, zlib): a brief's body is most of a parsed site's memory
    (10,000 generated briefs: 92 MB as str, 20 MB packed), and only its own page and the
    full-content feeds read it. `str()` gives the HTML back; equal HTML packs to equal bytes."""

    __slots__ = ("packed",)
    packed: bytes

    def __init__(self, packed: bytes) -> None:
        object.__setattr__(self, "packed", packed)

    @classmethod
    def pack(cls, html: str) -> PackedHtml:
        return cls(zlib.compress(html.encode("utf-8"), 1))

    def __str__(self) -> str:
        return zlib.decompress(self.packed).decode("utf-8")

    def strip(self) -> str:
        return str(self).strip()

    def __len__(self) -> int:
        return len(str(self))

    def __bool__(self) -> bool:
        return bool(self.packed) and bool(str(self))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedHtml):
            return self.packed == other.packed
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PackedHtml is immutable")

    def __reduce__(self) -> tuple[type, tuple[bytes]]:
        return PackedHtml, (self.packed,)

    def __repr__(self) -> str:
        return f"PackedHtml.pack({str(self)!r})"


@fast_state
@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str
    lang: str = ""
    published: dt.datetime | None = None


@fast_state
@dataclass(frozen=True, slots=True)
class Tldr:
    """Each part is inline HTML (rendered from inline Markdown), '' when absent."""

    what_changed: str = ""
    why_it_matters: str = ""
    what_to_do_next: str = ""

    def __bool__(self) -> bool:
        return bool(self.what_changed or self.why_it_matters or self.what_to_do_next)


@fast_state
@dataclass(frozen=True, slots=True)
class Metric:
    label: str
    value: str
    """Display text: numbers keep the author's precision (37.6 stays 37.6)."""
    unit: str = ""
    change: str = ""
    series: str = ""
    """Name of the time series this metric belongs to across briefs (sitegen/series.py)."""
    series_location: SourceLocation | None = field(default=None, compare=False)


@fast_state
@dataclass(frozen=True, slots=True)
class Comparison:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@fast_state
@dataclass(frozen=True, slots=True)
class Prediction:
    claim: str
    """Inline HTML."""
    rationale: str = ""
    """Inline HTML, '' when absent."""
    resolve_by: dt.date | None = None
    """When the prediction falls due; None: open-ended."""
    outcome: str = ""
    """'', 'pending', 'hit', 'miss' or 'partial' (OUTCOMES); '' reads as pending."""
    outcome_note: str = ""
    """Inline HTML."""
    resolved_in: str = ""
    """Slug of the brief that settled it."""
    resolved_in_location: SourceLocation | None = field(default=None, compare=False)

    @property
    def settled(self) -> bool:
        return self.outcome in SETTLED


OUTCOMES = ("pending", "hit", "miss", "partial")
"""What `outcome:` may say. A partial hit counts half in hit rates (pages/predictions.py)."""
SETTLED = ("hit", "miss", "partial")


@fast_state
@dataclass(frozen=True, slots=True)
class Correction:
    date: dt.datetime
    note: str
    """Inline HTML."""


@fast_state
@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: str
    """YYYY, YYYY-MM or YYYY-MM-DD, as written."""
    event: str
    """Inline HTML."""


@fast_state
@dataclass(frozen=True, slots=True)
class FieldValues:
    """Values of brief fields that Brief has no typed attribute for, in table order."""

    items: tuple[tuple[str, Any], ...] = ()

    def get(self, name: str) -> Any:
        for key, value in self.items:
            if key == name:
                return value
        raise KeyError(name)

    def without(self, names: Iterable[str]) -> FieldValues:
        dropped = set(names)
        kept = tuple(item for item in self.items if item[0] not in dropped)
        return self if len(kept) == len(self.items) else FieldValues(kept)


@fast_state
@dataclass(frozen=True, slots=True)
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
    body_html: str | PackedHtml
    """The body's HTML: packed when parsed (PackedHtml), '' on a card; `str()` reads either."""
    weight: float = 0.0
    tldr: Tldr = Tldr()
    audience: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    metrics: tuple[Metric, ...] = ()
    related: tuple[str, ...] = ()
    """Pinned related slugs, in the author's order."""
    related_locations: tuple[SourceLocation, ...] = ()
    draft: bool = False
    publish_at: dt.datetime | None = None
    """When it goes live (`date` stays the date of the news); None: as soon as it is built."""
    expires: dt.datetime | None = None
    """When it comes down again; None: never."""
    updated: dt.datetime | None = None
    """When its content last changed in substance (shown, and the feeds' and sitemap's date)."""
    aliases: tuple[str, ...] = ()
    """Slugs it had before: each gets a redirect page (pages/aliases.py)."""
    alias_locations: tuple[SourceLocation, ...] = field(default=(), compare=False)
    story: str = ""
    """The story it names (`story:`); '' when none (it may still join one: sitegen/stories.py)."""
    term_locations: tuple[tuple[str, str, SourceLocation], ...] = ()
    """(taxonomy, name, where) for each tag, audience and the source name: for slug clashes."""
    reading_minutes: int = 1
    """Minutes to read the whole brief (sitegen/reading.py): shown on its card and its page."""
    cjk_chars: str = ""
    """The CJK characters of its file, sorted, found when it is parsed (in a worker): what the
    site's CJK web font must hold (pages/webfont.py). Not on its card."""
    more: FieldValues = FieldValues()
    """The other fields of the brief-field table (sitegen/brieffields.py): those only
    templates read, e.g. takeaways (inline HTML), comparison, timeline. Each reads as
    brief.<name> too. A field gets a typed attribute above when Python code reads it."""

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails. Dunders and a `more` not yet set (a slot being
        # filled by unpickling) are plain AttributeErrors.
        try:
            more = object.__getattribute__(self, "more")
        except AttributeError:
            more = None
        if more is not None and not name.startswith("__"):
            try:
                return more.get(name)
            except KeyError:
                pass
        raise AttributeError(f"brief has no field '{name}' (a card has only the fields lists show)")


@fast_state
@dataclass(frozen=True, slots=True)
class Page:
    """A plain page from content/*.md."""

    source_path: str
    slug: str
    slug_location: SourceLocation
    title: str
    summary: str
    body_html: str


@fast_state
@dataclass(frozen=True, slots=True)
class OutputFile:
    path: str
    """Relative to the output folder, '/'-separated, e.g. 'briefs/x/index.html'."""
    data: bytes


@fast_state
@dataclass(frozen=True, slots=True)
class LinkedFile:
    """An output file whose bytes are already in a file of the site's cache (a social card).
    The writer hard-links it into the output (or copies it, across file systems), so a
    cached card costs no read and no write. The cache file is never changed once written."""

    path: str
    """Relative to the output folder, like OutputFile.path."""
    source: Path | str
    """The cache file (a string where there are thousands: making Path objects costs)."""
    key: str
    """What its bytes were made from (their cache key): equal keys, equal bytes."""


@fast_state
@dataclass(frozen=True, slots=True)
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


@fast_state
@dataclass(frozen=True, slots=True)
class RelatedLink:
    slug: str
    later: bool
    """True when the related brief is newer: shown as a "Later update"."""
    pinned: bool = False
    lang: str = ""
    """Set when the related brief is in another language of the site (sitegen/languages.py):
    its language code; `href` is then its page's URL and `language` the language's own name."""
    href: str = ""
    language: str = ""


@fast_state
@dataclass(frozen=True, slots=True)
class Term:
    name: str
    """As first written by an author."""
    slug: str
    slugs: tuple[str, ...]
    """Briefs with this term, newest first."""


@dataclass(frozen=True)
class TaxonomyKind:
    key: str
    """'tags', 'audiences' or 'sources': also the URL prefix."""
    singular: str
    plural: str
    field: str
    """The brief field its names come from ('source': the source's name)."""
    feeds: bool
    """Each term has an Atom feed."""


TAXONOMY_KINDS = (
    TaxonomyKind("tags", "Tag", "Tags", "tags", feeds=True),
    TaxonomyKind("audiences", "Audience", "Audiences", "audience", feeds=True),
    TaxonomyKind("sources", "Source", "Sources", "source", feeds=False),
)
"""The taxonomies of a site, in the order their pages are listed."""


def term_names(b: Brief, kind: TaxonomyKind) -> tuple[str, ...]:
    """The names a brief files under one taxonomy, as written."""
    return (b.source.name,) if kind.field == "source" else getattr(b, kind.field)  # type: ignore[no-any-return]


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
    now: dt.datetime = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    """The build clock (sitegen/clock.py): what is live, scheduled, expired or overdue."""
    series: Mapping[str, Any] = field(default_factory=dict)
    """Series name -> series.Series: metric history across briefs."""
    stories: tuple[Any, ...] = ()
    """stories.Story of the site, the most recently updated first."""
    offline: Mapping[str, str] = field(default_factory=dict)
    """Briefs built only for preview (--drafts): slug -> 'draft', 'scheduled' or 'expired'."""
    clock_events: tuple[dt.datetime, ...] = ()
    """Every moment a brief goes live or expires (published or not): between two of them the
    output changes with the clock only at midnight (clock.stable_window)."""
    translations: Mapping[str, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)
    """Brief slug -> every version of its story, itself included: (language, absolute URL, language
    name), in the order of `languages`. Only briefs that have a translation (sitegen/languages.py)."""
    editions: tuple[Site, ...] = ()
    """The other languages of a multilingual site, each a Site built under /<lang>/."""
    elsewhere: Mapping[str, Brief] = field(default_factory=dict)
    """Slug -> the card of a brief in another language that a related link here points to."""

    @property
    def today(self) -> dt.date:
        """The build clock's date in the site timezone: what is overdue."""
        return self.now.astimezone(self.config.tz).date()

    @functools.cached_property
    def story_of(self) -> dict[str, Any]:
        """Brief slug -> its stories.Story."""
        return {slug: story for story in self.stories for slug in story.slugs}
