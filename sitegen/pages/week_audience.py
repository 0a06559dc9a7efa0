"""Per-audience digests of a week at /weekly/<YYYY>-w<WW>/<audience-slug>/: that audience's briefs
with every "what to do next" gathered into one list; and each audience's weekly Atom feed
(/audiences/<slug>/weekly.xml, one entry per week digest)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.config import SiteConfig
from sitegen.memo import NO_MEMO, Memo
from sitegen.model import Brief, OutputFile, Site, Week
from sitegen.pages.feeds import atom
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.render import Job, PageEntry, PageMeta
from sitegen.urls import (audience_weekly_feed_path, brief_path, email_path, href, output_file, taxonomy_slug,
                          term_path, week_audience_path, week_path)
from sitegen.weekly import brief_count, week_label, week_range


@dataclass(frozen=True)
class WeekAudience:
    """One audience in one week."""

    name: str
    """As the briefs write it (names with one slug are one name: assemble refuses two)."""
    slug: str
    slugs: tuple[str, ...]
    """Its briefs of the week, in the week's order (most important first)."""


def week_audiences(site: Site, week: Week) -> tuple[WeekAudience, ...]:
    """The audiences of a week's briefs, most briefs first, then by name (as the week's chips)."""
    members: dict[str, list[str]] = {}
    for s in week.slugs:
        for name in dict.fromkeys(site.by_slug[s].audience):
            members.setdefault(name, []).append(s)
    ordered = sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0].casefold()))
    return tuple(WeekAudience(name, taxonomy_slug(name), tuple(slugs)) for name, slugs in ordered)


def find_audience(audiences: Sequence[WeekAudience], wanted: str) -> WeekAudience | None:
    """The audience a reader named, by its name or its slug ('Investors', 'investors')."""
    slug = taxonomy_slug(wanted)
    return next((a for a in audiences if a.slug == slug or a.name == wanted), None)


@dataclass(frozen=True)
class ToDo:
    """One "what to do next", with the brief it comes from."""

    slug: str
    title: str
    text: str
    """Inline HTML."""


def week_audience_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    jobs = []
    for week in site.weeks:
        audiences = week_audiences(site, week)
        others = tuple((a.name, a.slug, len(a.slugs)) for a in audiences)
        for a in audiences:
            items = tuple(cards[s] for s in a.slugs)
            jobs.append(memo.get(("week_audience", week.key, a.slug), (c, week.key, week.start, a, items, others),
                                 lambda week=week, a=a, items=items: (  # type: ignore[misc]
                                     audience_digest_job(c, week, a, items, others))))
    return jobs


def audience_digest_job(c: SiteConfig, week: Week, audience: WeekAudience, items: tuple[Brief, ...],
                        others: tuple[tuple[str, str, int], ...]) -> Job:
    """`items`: the audience's cards of the week; `others`: (name, slug, count) of every audience of the week."""
    rel = week_audience_path(week.key, audience.slug)
    n = len(items)
    m = c.messages
    todo = [ToDo(b.slug, b.title, b.tldr.what_to_do_next) for b in items if b.tldr.what_to_do_next]
    context = {
        "page": PageMeta(m.gettext("For %(audience)s: week %(week)s, %(year)s", audience=audience.name,
                                   week=week.number, year=week.year),
                         m.gettext("%(count)s for %(audience)s from %(dates)s: ", count=brief_count(n, m),
                                   audience=audience.name, dates=week_range(week, m))
                         + "; ".join(b.title for b in items[:3]), rel, "week-audience"),
        "week": week,
        "week_label": week_label(week.key, m),
        "week_rel": week_path(week.key),
        "audience": audience,
        "audience_rel": term_path("audiences", audience.slug),
        "feed_rel": audience_weekly_feed_path(audience.slug),
        "email_rel": email_path(rel, "html"),
        "text_rel": email_path(rel, "text"),
        "dates": week_range(week, m),
        "count": brief_count(n, m),
        "todo": todo,
        "items": list(items),
        "others": [(name, week_audience_path(week.key, slug), count) for name, slug, count in others
                   if slug != audience.slug],
    }
    return Job(output_file(rel), "week-audience.html", context, f"audience digest {week.key} {audience.name}")


# --- each audience's weekly feed --------------------------------------------------------------------

def audience_weekly_feeds(site: Site, pages: Sequence[PageEntry] = (), memo: Memo = NO_MEMO) -> list[OutputFile]:
    """One Atom feed per audience: an entry per week it has briefs in, newest first."""
    c = site.config
    per_audience: dict[str, list[tuple[Week, WeekAudience]]] = {}
    for week in site.weeks:
        for a in week_audiences(site, week):
            per_audience.setdefault(a.slug, []).append((week, a))
    files = []
    for slug, entries in sorted(per_audience.items()):
        entries = entries[: c.feed_count]
        # What the feed shows of each brief: a body edit leaves it alone.
        shown = tuple((b.slug, b.title, b.summary, b.tldr, b.date, b.updated)
                      for _, a in entries for b in (site.by_slug[s] for s in a.slugs))
        files.append(memo.get(("week_audience", audience_weekly_feed_path(slug)), (c, tuple(entries), shown),
                              lambda entries=entries: audience_feed(site, entries)))  # type: ignore[misc]
    return files


def audience_feed(site: Site, entries: Sequence[tuple[Week, WeekAudience]]) -> OutputFile:
    c = site.config
    name, slug = entries[0][1].name, entries[0][1].slug
    out = []
    m = c.messages
    for week, a in entries:
        briefs = [site.by_slug[s] for s in a.slugs]
        url = c.origin + href(c.base_path, week_audience_path(week.key, a.slug))
        n = len(briefs)
        title = f"{name}: {week_label(week.key, m)} · {week_range(week, m)} · {brief_count(n, m)}"
        todo = "".join(f"<li>{b.tldr.what_to_do_next} ({html.escape(b.title)})</li>"
                       for b in briefs if b.tldr.what_to_do_next)
        items = "".join(
            f'<li><a href="{html.escape(c.origin + href(c.base_path, brief_path(b.slug)))}">{html.escape(b.title)}</a>: '
            f"{html.escape(b.summary)}{' ' + b.tldr.what_changed if b.tldr.what_changed else ''}</li>"
            for b in briefs)
        content = (f"<h2>{html.escape(m.gettext('What to do this week'))}</h2><ul>{todo}</ul>" if todo else "") + f"<ol>{items}</ol>"
        updated = max(b.updated or b.date for b in briefs)
        out.append((url, title, updated, "; ".join(b.title for b in briefs[:3]), content, (), updated))
    return atom(site, audience_weekly_feed_path(slug), m.gettext("%(site)s: weekly digest for %(audience)s", site=c.title, audience=name),
                term_path("audiences", slug), out)


KIND = PageKind("week_audience", Reads.SHAPE | Reads.CARDS, jobs=week_audience_jobs, files=audience_weekly_feeds,
                reserved=("weekly",))
