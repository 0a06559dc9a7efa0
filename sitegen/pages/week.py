"""One digest per ISO week at /weekly/<YYYY>-w<WW>/: every brief, the week's metrics, audiences, tags."""

from __future__ import annotations

from sitegen.config import SiteConfig
from sitegen.memo import Memo
from sitegen.model import Brief, Site, Week
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.pages.links import TermLink, term_counts
from sitegen.render import Job, PageMeta
from sitegen.urls import brief_path, href, output_file, taxonomy_slug, week_audience_path, week_path
from sitegen.weekly import brief_count, week_heading, week_key, week_label, week_range


def week_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    updated: dict[str, list[Brief]] = {}  # week key -> cards of briefs updated that week, published before it
    for b in site.briefs:
        if b.updated is not None:
            key = week_key(b.updated, c.tz)
            if key != site.week_of[b.slug]:
                updated.setdefault(key, []).append(cards[b.slug])
    jobs = []
    for i, week in enumerate(site.weeks):
        newer = site.weeks[i - 1].key if i > 0 else None
        older = site.weeks[i + 1].key if i + 1 < len(site.weeks) else None
        items = tuple(cards[s] for s in week.slugs)
        changed = tuple(updated.get(week.key, ()))
        jobs.append(memo.get(("week", week.key), (c, week, newer, older, items, changed),
                             lambda week=week, newer=newer, older=older, items=items, changed=changed:  # type: ignore[misc]
                             week_job(c, week, newer, older, items, changed)))
    return jobs


def week_job(c: SiteConfig, week: Week, newer: str | None, older: str | None, items: tuple[Brief, ...],
             updated: tuple[Brief, ...] = ()) -> Job:
    """A weekly recap. `items`: the cards of its briefs, in the week's order; `updated`: cards
    of earlier briefs updated during the week."""
    base = c.origin + c.base_path
    n = len(items)
    m = c.messages
    heading = week_heading(week, n, m)
    rel = week_path(week.key)
    context = {
        "page": PageMeta(m.gettext("Weekly recap: week %(week)s, %(year)s", week=week.number, year=week.year),
                         m.gettext("%(count)s from %(dates)s: ", count=brief_count(n, m), dates=week_range(week, m))
                         + "; ".join(b.title for b in items[:3]), rel, "week"),
        "week": week,
        "heading": heading,
        "items": list(items),
        "updated": updated,
        "metrics": [(b, b.metrics) for b in items if b.metrics],
        # The chips lead to this week's digest for each audience (pages/week_audience.py).
        "audiences": [(TermLink(link.name, week_audience_path(week.key, taxonomy_slug(link.name))), count)
                      for link, count in term_counts(items, "audiences")],
        "tags": term_counts(items, "tags"),
        "newer": (week_path(newer), week_label(newer, m)) if newer else None,
        "older": (week_path(older), week_label(older, m)) if older else None,
        "jsonld": {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "name": heading,
            "numberOfItems": n,
            "itemListElement": [
                {"@type": "ListItem", "position": k + 1, "url": base + href("", brief_path(b.slug)).lstrip("/"),
                 "name": b.title}
                for k, b in enumerate(items)
            ],
        },
    }
    return Job(output_file(rel), "week.html", context, f"weekly recap {week.key}")


KIND = PageKind("week", Reads.SHAPE | Reads.CARDS, jobs=week_jobs, reserved=("weekly",))
