"""The home page: the newest brief as the lead with its TL;DR, then every brief grouped by
ISO week (a link to that week's recap), paginated at /page/N/; audience chips filter
without JavaScript by linking to the audience pages."""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.config import SiteConfig
from sitegen.memo import Memo
from sitegen.model import Brief, Site, Week
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.pages.links import TermLink, term_counts
from sitegen.pages.listing import Pager, paginate
from sitegen.render import Job, PageMeta
from sitegen.urls import output_file, week_path
from sitegen.messages import N_, Messages
from sitegen.weekly import week_range, week_short


@dataclass(frozen=True)
class WeekGroup:
    """A run of consecutive briefs of one ISO week, as the home page lists them."""

    key: str
    label: str
    """'Week 47'."""
    dates: str
    """'16–22 Nov 2026'."""
    rel: str
    """The week's recap page."""
    items: tuple[Brief, ...]


def week_groups(items: tuple[Brief, ...], week_of: dict[str, Week], messages: Messages) -> tuple[WeekGroup, ...]:
    groups: list[WeekGroup] = []
    for b in items:
        week = week_of[b.slug]
        if groups and groups[-1].key == week.key:
            last = groups[-1]
            groups[-1] = WeekGroup(last.key, last.label, last.dates, last.rel, (*last.items, b))
        else:
            groups.append(WeekGroup(week.key, week_short(week, messages), week_range(week, messages), week_path(week.key), (b,)))
    return tuple(groups)


def home_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    weeks = {w.key: w for w in site.weeks}
    week_of = {slug: weeks[key] for slug, key in site.week_of.items()}
    items = tuple(cards.values())
    audiences = tuple(term_counts(items, "audiences"))
    jobs = []
    for chunk, pager, rel in paginate(items, c.per_page, ""):
        chunk_weeks = tuple(week_of[b.slug] for b in chunk)
        jobs.append(memo.get(("home", rel), (c, chunk, pager, chunk_weeks, audiences),
                             lambda chunk=chunk, pager=pager, rel=rel:  # type: ignore[misc]
                             home_job(c, chunk, pager, rel, week_of, audiences)))
    return jobs


def home_job(c: SiteConfig, chunk: tuple[Brief, ...], pager: Pager, rel: str, week_of: dict[str, Week],
             audiences: tuple[tuple[TermLink, int], ...]) -> Job:
    # Page 1 leads with the newest brief; later pages are only the list.
    lead = chunk[0] if pager.number == 1 and chunk else None
    rest = chunk[1:] if lead else chunk
    title = c.title if pager.number == 1 else c.messages.gettext("%(title)s (page %(number)s)", title=c.title, number=pager.number)
    context = {
        "page": PageMeta(title, c.description, rel, "home"),
        "heading": title,
        "lead": lead,
        "groups": week_groups(rest, week_of, c.messages),
        "audiences": audiences,
        "pager": pager,
    }
    return Job(output_file(rel), "home.html", context, f"home page {pager.number}")


KIND = PageKind("home", Reads.SHAPE | Reads.CARDS, jobs=home_jobs, reserved=("page",),
                nav=lambda site: ((N_("Latest"), ""),))
