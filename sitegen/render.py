"""What a page job is, and the card projection of a brief that lists show.

A job is (output path, template, context); rendering one is a pure function of the job
and the Environment, so jobs can be rendered in any order or in worker processes. Which
jobs a site has is decided by the page kinds in sitegen/pages/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sitegen import brieffields
from sitegen.memo import NO_MEMO, Memo
from sitegen.model import Brief, Site
from sitegen.slotted import fast_state


@fast_state
@dataclass(frozen=True, slots=True)
class PageMeta:
    """What base.html needs for every page: <title>, description, canonical, social tags."""

    title: str
    description: str
    rel: str
    """Site-relative URL path, e.g. 'briefs/x/' ('' for home)."""
    kind: str
    """'home', 'brief', 'page', 'list', 'week', 'archive', '404'."""
    og_type: str = "website"
    noindex: bool = False
    published: dt.datetime | None = None
    image: Any = None
    """Its og:image (pages.social.SocialImage), or None: then twitter:card is 'summary'."""


@dataclass(frozen=True)
class Job:
    path: str
    """Output file relative to the output folder."""
    template: str
    context: dict[str, Any] = field(hash=False)
    rendering: str
    """Shown in template errors: what was being rendered."""


class PageEntry(NamedTuple):
    """What outputs made after the pages (the sitemap) may read of a page job: small enough that a
    build can keep it for every page (lastbuild.BuildRecord) instead of making the jobs again."""

    path: str
    noindex: bool
    """For people only (the 404 page, redirects): not in the sitemap."""


def page_entries(jobs: Iterable[Job]) -> tuple[PageEntry, ...]:
    return tuple([PageEntry(job.path, _noindex(job)) for job in jobs])


def _noindex(job: Job) -> bool:
    page = job.context.get("page")
    return bool(page is not None and page.noindex)


def cards_of(site: Site, memo: Memo = NO_MEMO) -> dict[str, Brief]:
    """Card projections of every brief; with a memo, a brief whose card did not change
    (a body edit) keeps its card object, so every list showing it is reused as is."""
    return {b.slug: card_of(b, memo) for b in site.briefs}


def card_of(b: Brief, memo: Memo = NO_MEMO) -> Brief:
    return memo.get(("card", b.slug), (b,), lambda: memo.same(("card=", b.slug), card(b)))


def card(b: Brief) -> Brief:
    """A brief as shown in lists: see brieffields.card (no body, no page-only fields)."""
    return brieffields.card(b)


def rel_of(path: str) -> str:
    """Inverse of urls.output_file for HTML pages."""
    return path[: -len("index.html")] if path.endswith("index.html") else path
