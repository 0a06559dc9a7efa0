"""Turn an assembled Site into page jobs, and page jobs into bytes.

A job is (output path, template, context); rendering one is a pure function of the job
and the Environment, so jobs can be rendered in any order or in worker processes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode
from xml.sax.saxutils import escape as xml_escape

from collections.abc import Sequence

from sitegen import brieffields
from sitegen.config import SiteConfig
from sitegen.memo import NO_MEMO, Memo
from sitegen.model import TAXONOMY_KINDS, Brief, OutputFile, RelatedLink, Site, Taxonomy, Term, Week
from sitegen.urls import brief_path, href, list_path, output_file, page_path, taxonomy_slug, week_path
from sitegen.weekly import year_and_week


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Job:
    path: str
    """Output file relative to the output folder."""
    template: str
    context: dict[str, Any] = field(hash=False)
    rendering: str
    """Shown in template errors: what was being rendered."""


@dataclass(frozen=True)
class Pager:
    number: int
    total: int
    prev_rel: str | None
    next_rel: str | None


def paginate(items: tuple[Any, ...], per_page: int, prefix: str) -> list[tuple[tuple[Any, ...], Pager, str]]:
    """Chunks of items with their pager and URL; always at least one (possibly empty) page."""
    total = max(1, math.ceil(len(items) / per_page))
    out = []
    for n in range(1, total + 1):
        chunk = items[(n - 1) * per_page: n * per_page]
        prev_rel = list_path(prefix, n - 1) if n > 1 else None
        next_rel = list_path(prefix, n + 1) if n < total else None
        out.append((chunk, Pager(n, total, prev_rel, next_rel), list_path(prefix, n)))
    return out


def freshness(brief: Brief) -> str:
    """'collected in 14m': time from the source's publication to the brief's date."""
    published = brief.source.published
    if published is None or not brief.has_time:
        return ""
    minutes = int((brief.date - published).total_seconds() // 60)
    if minutes < 0:
        return ""
    if minutes < 60:
        return f"collected in {minutes}m"
    hours, mins = divmod(minutes, 60)
    if hours < 48:
        return f"collected in {hours}h {mins}m" if mins else f"collected in {hours}h"
    return f"collected in {hours // 24}d"


def share_links(config: SiteConfig, brief: Brief) -> dict[str, str]:
    page = config.origin + href(config.base_path, brief_path(brief.slug))
    return {
        "x": "https://x.com/intent/post?" + urlencode({"url": page, "text": brief.title}),
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": page}),
    }


def cards_of(site: Site, memo: Memo = NO_MEMO) -> dict[str, Brief]:
    """Card projections of every brief; with a memo, a brief whose card did not change
    (a body edit) keeps its card object, so every list showing it is reused as is."""
    return {b.slug: card_of(b, memo) for b in site.briefs}


def card_of(b: Brief, memo: Memo = NO_MEMO) -> Brief:
    return memo.get(("card", b.slug), (b,), lambda: memo.same(("card=", b.slug), card(b)))


def card(b: Brief) -> Brief:
    """A brief as shown in lists: see brieffields.card."""
    return brieffields.card(b)


@dataclass(frozen=True)
class TermLink:
    name: str
    rel: str
    lang: str = ""


@dataclass(frozen=True)
class TaxonomyName:
    """What a term page shows of its taxonomy (not its terms: a page must not depend on them)."""

    key: str
    """'tags', 'audiences' or 'sources'."""
    singular: str


def term_links(b: Brief) -> dict[str, tuple[TermLink, ...] | TermLink]:
    """Links from a brief to its tag, audience and source pages."""
    return {
        "tags": tuple(TermLink(n, f"tags/{taxonomy_slug(n)}/") for n in dict.fromkeys(b.tags)),
        "audiences": tuple(TermLink(n, f"audiences/{taxonomy_slug(n)}/") for n in dict.fromkeys(b.audience)),
        "source": TermLink(b.source.name, f"sources/{taxonomy_slug(b.source.name)}/", b.source.lang),
    }


def brief_jobs(site: Site, cards: dict[str, Brief], memo: Memo = NO_MEMO) -> list[Job]:
    return [brief_page_job(site, cards, b, memo) for b in site.briefs]


def brief_page_job(site: Site, cards: dict[str, Brief], b: Brief, memo: Memo = NO_MEMO) -> Job:
    links = site.related.get(b.slug, ())
    shown = tuple([cards[link.slug] for link in links])  # the related cards
    week_key = site.week_of[b.slug]
    return memo.get(("brief", b.slug), (site.config, b, links, shown, week_key),
                    lambda: brief_job(site.config, b, tuple(zip(shown, links)), week_key))


def brief_job(c: SiteConfig, b: Brief, related: tuple[tuple[Brief, RelatedLink], ...], week_key: str) -> Job:
    """A brief's page. `related`: (card, link) of each related brief."""
    rel = brief_path(b.slug)
    url = c.origin + href(c.base_path, rel)
    context = {
        "page": PageMeta(b.title, b.summary, rel, "brief", "article", published=b.date),
        "brief": b,
        "terms": term_links(b),
        "freshness": freshness(b),
        "week": {"key": week_key, "rel": week_path(week_key), "label": week_label(week_key)},
        "related": related,
        "share": share_links(c, b),
        "jsonld": {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": b.title,
            "description": b.summary,
            "datePublished": b.date.isoformat(),
            "url": url,
            "mainEntityOfPage": url,
            "isBasedOn": b.source.url,
            "publisher": {"@type": "Organization", "name": c.title},
            "keywords": list(b.tags),
        },
    }
    return Job(output_file(rel), "brief.html", context, b.source_path)


def week_label(key: str) -> str:
    year, week = year_and_week(key)
    return f"Week {week}, {year}"


def week_range(week: Week) -> str:
    """'27 Apr – 3 May 2026' (years shown on both ends only when they differ)."""
    a, b = week.start, week.end
    if a.year != b.year:
        return f"{a.day} {a:%b %Y} – {b.day} {b:%b %Y}"
    if a.month != b.month:
        return f"{a.day} {a:%b} – {b.day} {b:%b %Y}"
    return f"{a.day}–{b.day} {b:%b %Y}"


def _counts(briefs: Sequence[Brief], key: str) -> list[tuple[TermLink, int]]:
    counts: dict[str, int] = {}
    for b in briefs:
        for name in dict.fromkeys(b.tags if key == "tags" else b.audience):
            counts[name] = counts.get(name, 0) + 1
    return [(TermLink(n, f"{key}/{taxonomy_slug(n)}/"), c)
            for n, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))]


def week_jobs(site: Site, cards: dict[str, Brief], memo: Memo = NO_MEMO) -> list[Job]:
    c = site.config
    jobs = []
    for i, week in enumerate(site.weeks):
        newer = site.weeks[i - 1].key if i > 0 else None
        older = site.weeks[i + 1].key if i + 1 < len(site.weeks) else None
        items = tuple(cards[s] for s in week.slugs)
        jobs.append(memo.get(("week", week.key), (c, week, newer, older, items),
                             lambda week=week, newer=newer, older=older, items=items:  # type: ignore[misc]
                             week_job(c, week, newer, older, items)))
    jobs.append(memo.get("weekly", (c, site.weeks), lambda: archive_job(c, site.weeks)))
    return jobs


def week_job(c: SiteConfig, week: Week, newer: str | None, older: str | None, items: tuple[Brief, ...]) -> Job:
    """A weekly recap. `items`: the cards of its briefs, in the week's order."""
    base = c.origin + c.base_path
    n = len(items)
    heading = f"Week {week.number} · {week_range(week)} · {n} brief{'s' if n != 1 else ''}"
    rel = week_path(week.key)
    context = {
        "page": PageMeta(f"Weekly recap: week {week.number}, {week.year}",
                         f"{n} brief{'s' if n != 1 else ''} from {week_range(week)}: "
                         + "; ".join(b.title for b in items[:3]), rel, "week"),
        "week": week,
        "heading": heading,
        "items": list(items),
        "metrics": [(b, b.metrics) for b in items if b.metrics],
        "audiences": _counts(items, "audiences"),
        "tags": _counts(items, "tags"),
        "newer": (week_path(newer), week_label(newer)) if newer else None,
        "older": (week_path(older), week_label(older)) if older else None,
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


def archive_job(c: SiteConfig, weeks: tuple[Week, ...]) -> Job:
    archive = {
        "page": PageMeta("Weekly recaps", f"Every week of {c.title}, newest first.", "weekly/", "archive"),
        "weeks": [(w, week_label(w.key), week_range(w)) for w in weeks],
    }
    return Job("weekly/index.html", "weekly.html", archive, "weekly archive")


def taxonomy_jobs(site: Site, cards: dict[str, Brief], memo: Memo = NO_MEMO) -> list[Job]:
    c = site.config
    jobs = []
    plural = {k.key: k.plural for k in TAXONOMY_KINDS}
    for tax in site.taxonomies:
        for term in tax.terms:
            jobs += term_jobs(c, cards, tax, term, memo)
        jobs.append(memo.get(("terms", tax.key), (c, tax), lambda tax=tax: Job(  # type: ignore[misc]
            f"{tax.key}/index.html", "terms.html",
            {"page": PageMeta(plural[tax.key], f"All {tax.key} of {c.title} with their brief counts.",
                              f"{tax.key}/", "terms"),
             "taxonomy": tax,
             "heading": plural[tax.key]},
            f"{tax.key} index")))
    return jobs


def term_jobs(c: SiteConfig, cards: dict[str, Brief], tax: Taxonomy, term: Term, memo: Memo = NO_MEMO) -> list[Job]:
    """The pages of one tag, audience or source."""
    items = tuple([cards[s] for s in term.slugs])
    extra = {"term": term, "taxonomy": TaxonomyName(tax.key, tax.singular),
             "feed_rel": f"{tax.key}/{term.slug}/feed.xml" if tax.key in FEED_TAXONOMIES else None}
    return list_jobs(c, items, f"{tax.key}/{term.slug}/", f"{tax.singular}: {term.name}",
                     f"Briefs filed under {tax.singular.lower()} {term.name}.", "term", extra, memo)


def home_jobs(site: Site, cards: dict[str, Brief], memo: Memo = NO_MEMO) -> list[Job]:
    c = site.config
    return list_jobs(c, tuple(cards.values()), "", c.title, c.description, "home", memo=memo)


FEED_TAXONOMIES = tuple(k.key for k in TAXONOMY_KINDS if k.feeds)


def list_jobs(c: SiteConfig, items: tuple[Brief, ...], prefix: str, title: str, description: str,
              kind: str, extra: dict[str, Any] | None = None, memo: Memo = NO_MEMO) -> list[Job]:
    jobs = []
    extra = extra or {}
    extra_deps = tuple(extra.items())
    for chunk, pager, rel in paginate(items, c.per_page, prefix):
        jobs.append(memo.get(("list", rel), (c, chunk, pager, title, description, kind, extra_deps),
                             lambda chunk=chunk, pager=pager, rel=rel:  # type: ignore[misc]
                             list_job(chunk, pager, rel, title, description, kind, extra)))
    return jobs


def list_job(chunk: tuple[Brief, ...], pager: Pager, rel: str, title: str, description: str, kind: str,
             extra: dict[str, Any]) -> Job:
    page_title = title if pager.number == 1 else f"{title} (page {pager.number})"
    context = {
        "page": PageMeta(page_title, description, rel, kind),
        "heading": title,
        "items": chunk,
        "pager": pager,
        **extra,
    }
    return Job(output_file(rel), "list.html", context, f"{title} page {pager.number}")


def page_jobs(site: Site, memo: Memo = NO_MEMO) -> list[Job]:
    c = site.config
    return [memo.get(("page", p.slug), (c, p), lambda p=p: Job(  # type: ignore[misc]
        output_file(page_path(p.slug)), "page.html",
        {"page": PageMeta(p.title, p.summary or c.description, page_path(p.slug), "page"), "doc": p},
        p.source_path)) for p in site.pages]


def not_found_job(site: Site, cards: dict[str, Brief], memo: Memo = NO_MEMO) -> Job:
    items = tuple(cards[b.slug] for b in site.briefs[:5])
    meta = PageMeta("Page not found", "The page you asked for does not exist.", "404.html", "404", noindex=True)
    return memo.get("404", (items,), lambda: Job("404.html", "404.html", {"page": meta, "items": items}, "404.html"))


def site_nav(site: Site) -> tuple[tuple[str, str], ...]:
    """Header links: the latest briefs, then every plain page."""
    return (("Latest", ""), ("Weekly", "weekly/"), ("Tags", "tags/"), ("Sources", "sources/")) + tuple((p.title, page_path(p.slug)) for p in sorted(site.pages, key=lambda p: p.slug))


def all_jobs(site: Site, memo: Memo = NO_MEMO, cards: dict[str, Brief] | None = None) -> list[Job]:
    """Every page of the site. With a memo (serve), a job whose inputs did not change is
    the same Job object as last time."""
    cards = cards_of(site, memo) if cards is None else cards
    jobs = home_jobs(site, cards, memo)
    jobs += brief_jobs(site, cards, memo)
    jobs += week_jobs(site, cards, memo)
    jobs += taxonomy_jobs(site, cards, memo)
    jobs += page_jobs(site, memo)
    jobs.append(not_found_job(site, cards, memo))
    return jobs


def sitemap(site: Site, rels: list[str], lastmod: dict[str, dt.datetime]) -> OutputFile:
    """Every HTML page (but the 404), absolute URLs, lastmod from content dates."""
    base = site.config.origin
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for rel in sorted(rels):
        loc = xml_escape(base + href(site.config.base_path, rel))
        mod = lastmod.get(rel)
        mod_xml = f"<lastmod>{mod.isoformat()}</lastmod>" if mod else ""
        lines.append(f"  <url><loc>{loc}</loc>{mod_xml}</url>")
    lines.append("</urlset>\n")
    return OutputFile("sitemap.xml", "\n".join(lines).encode())


def extras(site: Site) -> list[OutputFile]:
    c = site.config
    sitemap_url = c.origin + href(c.base_path, "sitemap.xml")
    files = [
        OutputFile("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n".encode()),
        OutputFile(".nojekyll", b""),
    ]
    if c.cname:
        files.append(OutputFile("CNAME", (c.cname.strip() + "\n").encode()))
    return files


def rel_of(path: str) -> str:
    """Inverse of output_file for HTML pages."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


def quote_path(rel: str) -> str:
    return quote(rel)
