"""The weekly email: weekly/<week>/email.html and email.txt, and the same for each audience of
the week (weekly/<week>/<audience-slug>/email.html and .txt).

Newsletter-ready: a table layout with its CSS inlined (layouts/email.html, through the
`inline_css` filter), absolute links only, a preheader from the lead brief's TL;DR, no images
or scripts, and a plain-text twin (layouts/email.txt). It stays under Gmail's 102 KB clipping
limit: a big week shows its first briefs and links to the recap for the rest ("N more").
`sitegen digest` prints these same files (sitegen/digest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from sitegen.config import SiteConfig
from sitegen.emailhtml import email_fragment, preheader
from sitegen.localize import separators
from sitegen.memo import Memo
from sitegen.model import Brief, Site, Week
from sitegen.numbers import Change, format_value, parse_change
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.pages.week_audience import WeekAudience, week_audiences
from sitegen.render import Job
from sitegen.slotted import fast_state
from sitegen.urls import (WEEKLY_FEED_PATH, audience_weekly_feed_path, brief_path, email_path, href, term_path,
                          week_audience_path, week_path)
from sitegen.weekly import brief_count, week_heading, week_label, week_range

EMAIL_MAX_BRIEFS = 10
"""Briefs an email shows at most; the rest are one "N more in the recap" link."""
EMAIL_BUDGET_BYTES = 85_000
"""What the shown briefs may take, estimated before rendering (ITEM_BYTES each plus their text),
so that the email, with its frame, stays well under GMAIL_CLIP_BYTES."""
ITEM_BYTES = 3_000
"""One brief's markup in the email, inline styles included, without its text (measured: about 2.6 KB)."""
LINK_BYTES = 60
"""What one link inside a TL;DR adds to its markup, counted with the text (its inline style: ~50 bytes)."""
GMAIL_CLIP_BYTES = 102 * 1024
"""Gmail shows "[Message clipped]" for HTML over this size."""
METRICS_SHOWN = 3


@fast_state
@dataclass(frozen=True, slots=True)
class EmailMetric:
    label: str
    value: str
    change: Change | None


@fast_state
@dataclass(frozen=True, slots=True)
class EmailItem:
    """One brief as the email shows it: its fragments made email-safe, its links absolute."""

    slug: str
    title: str
    url: str
    summary: str
    date: dt.datetime
    source: str
    audiences: tuple[str, ...]
    metrics: tuple[EmailMetric, ...]
    what_changed: Markup
    why_it_matters: Markup
    what_to_do_next: Markup

    @property
    def has_tldr(self) -> bool:
        return bool(self.what_changed or self.why_it_matters or self.what_to_do_next)


def email_item(c: SiteConfig, b: Brief) -> EmailItem:
    url = c.origin + href(c.base_path, brief_path(b.slug))
    metrics = tuple(EmailMetric(m.label, format_value(m.value, m.unit, separators(c.language)), parse_change(m.change) if m.change else None)
                    for m in b.metrics[:METRICS_SHOWN])
    t = b.tldr
    return EmailItem(b.slug, b.title, url, b.summary, b.date, b.source.name, b.audience, metrics,
                     email_fragment(t.what_changed, url), email_fragment(t.why_it_matters, url),
                     email_fragment(t.what_to_do_next, url))


def _item(made: dict[str, EmailItem], c: SiteConfig, b: Brief) -> EmailItem:
    item = made.get(b.slug)
    if item is None:
        item = made[b.slug] = email_item(c, b)
    return item


def estimated_bytes(item: EmailItem) -> int:
    text = (item.title, item.summary, item.source, *item.audiences, item.what_changed, item.why_it_matters,
            item.what_to_do_next, *(m.label + m.value for m in item.metrics))
    links = sum(str(part).count("<a ") for part in (item.what_changed, item.why_it_matters, item.what_to_do_next))
    return ITEM_BYTES + 2 * len(item.url) + sum(len(str(s).encode("utf-8")) for s in text) + LINK_BYTES * links


def cap(items: Sequence[EmailItem], most: int = EMAIL_MAX_BRIEFS, budget: int = EMAIL_BUDGET_BYTES) -> int:
    """How many of `items` (most important first) the email shows: at most `most`, within the
    byte budget, and always the first."""
    used = 0
    for n, item in enumerate(items):
        cost = estimated_bytes(item)
        if n and (n >= most or used + cost > budget):
            return n
        used += cost
    return len(items)


@dataclass(frozen=True)
class EmailToDo:
    text: Markup
    title: str
    url: str


def email_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    jobs: list[Job] = []
    # A brief is in its week's email and in each of its audiences' (2 to 3 emails): one item for all.
    made: dict[str, EmailItem] = {}
    for week in site.weeks:
        items = tuple(cards[s] for s in week.slugs)
        jobs += memo.get(("week_email", week.key), (c, week, items),
                         lambda week=week, items=items: email_pair(c, week, None, items, made))  # type: ignore[misc]
        for a in week_audiences(site, week):
            mine = tuple(cards[s] for s in a.slugs)
            jobs += memo.get(("week_email", week.key, a.slug), (c, week, a, mine),
                             lambda week=week, a=a, mine=mine: email_pair(c, week, a, mine, made))  # type: ignore[misc]
    return jobs


def email_pair(c: SiteConfig, week: Week, audience: WeekAudience | None, briefs: tuple[Brief, ...],
               made: dict[str, EmailItem] | None = None) -> tuple[Job, Job]:
    """email.html and email.txt of a week, or of one audience's part of it. `made`: the items
    already made for these cards (by slug), within one call of email_jobs."""
    rel = week_path(week.key) if audience is None else week_audience_path(week.key, audience.slug)
    made = {} if made is None else made
    items = [_item(made, c, b) for b in briefs]
    shown = cap(items)
    def absolute(path: str) -> str:
        return c.origin + href(c.base_path, path)

    lead = briefs[0]
    m = c.messages
    label = week_label(week.key, m)
    context = {
        "email": {
            "title": (f"{c.title}: {label}" if audience is None
                      else m.gettext("%(site)s for %(audience)s: %(week)s", site=c.title, audience=audience.name,
                                     week=label)),
            "kicker": m.gettext("Weekly recap") if audience is None else m.gettext("For %(audience)s", audience=audience.name),
            "heading": week_heading(week, len(briefs), m),
            "dates": week_range(week, m),
            "count": brief_count(len(briefs), m),
            "week_label": label,
            "preheader": preheader(lead.tldr.what_changed or lead.summary),
            "audience": audience.name if audience is not None else "",
            "briefs": items[:shown],
            "more": len(items) - shown,
            "web_url": absolute(rel),
            "week_url": absolute(week_path(week.key)),
            "home_url": absolute(""),
            "feed_url": absolute(WEEKLY_FEED_PATH if audience is None else audience_weekly_feed_path(audience.slug)),
            "audience_url": absolute(term_path("audiences", audience.slug)) if audience is not None else "",
            "todo": ([] if audience is None else
                     [EmailToDo(i.what_to_do_next, i.title, i.url) for i in items[:shown] if i.what_to_do_next]),
        },
    }
    what = f"email of {week.key}" + (f" for {audience.name}" if audience is not None else "")
    return (Job(email_path(rel, "html"), "email.html", context, what),
            Job(email_path(rel, "text"), "email.txt", context, what + " (text)"))


def email_job_of(site: Site, cards: Cards, week: Week, audience: WeekAudience | None, fmt: str) -> Job:
    """The job of one email (`sitegen digest`): the same job a build renders."""
    briefs = tuple(cards[s] for s in (week.slugs if audience is None else audience.slugs))
    html_job, text_job = email_pair(site.config, week, audience, briefs)
    return html_job if fmt == "html" else text_job


KIND = PageKind("week_email", Reads.SHAPE | Reads.CARDS, jobs=email_jobs, reserved=("weekly",))
