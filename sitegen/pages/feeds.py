"""The feeds: Atom and JSON Feed of the newest briefs, Atom per tag, audience and week digest.

Timestamps come from the content, never the clock.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape, quoteattr

from sitegen.config import SiteConfig
from sitegen.localize import separators
from sitegen.memo import NO_MEMO, Memo
from sitegen.model import TAXONOMY_KINDS, Brief, OutputFile, Site, Week
from sitegen.numbers import format_value
from sitegen.pages.kind import PageKind, Reads
from sitegen.render import PageEntry
from sitegen.urls import WEEKLY_FEED_PATH, WEEKLY_PATH, brief_path, feed_path, href, term_path, week_path
from sitegen.weekly import brief_count, week_label, week_range

FEED_TAXONOMIES = tuple(k.key for k in TAXONOMY_KINDS if k.feeds)
"""Taxonomies whose terms have an Atom feed (sources have none)."""

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _abs(site: Site, rel: str) -> str:
    return site.config.origin + href(site.config.base_path, rel)


def _brief_html(b: Brief, c: SiteConfig, full: bool = True) -> str:
    """Entry content. Summary: the hook and the TL;DR. Full: every section of the brief, in
    the order of its page. Inline HTML fields were sanitized when the brief was parsed; plain
    text fields (metric labels, table cells) are escaped here."""
    esc = html.escape
    m = c.messages
    def h2(msgid: str) -> str:
        return f"<h2>{esc(m.gettext(msgid))}</h2>"

    parts = []
    tldr = [("What changed", b.tldr.what_changed), ("Why it matters", b.tldr.why_it_matters),
            ("What to do next", b.tldr.what_to_do_next)]
    items = "".join(f"<li><strong>{esc(m.gettext('%(label)s:', label=m.gettext(label)))}</strong> {text}</li>"
                    for label, text in tldr if text)
    if not full:
        parts.append(f"<p>{esc(b.summary)}</p>")
    if items:
        parts.append(f"<ul>{items}</ul>")
    if full:
        if b.metrics:
            seps = separators(c.language)
            rows = "".join(f"<li>{esc(x.label)}: <strong>{esc(format_value(x.value, x.unit, seps) if x.value else '')}</strong>"
                           f"{' (' + esc(x.change) + ')' if x.change else ''}</li>" for x in b.metrics)
            parts.append(f"{h2('Key metrics')}<ul>{rows}</ul>")
        parts.append(str(b.body_html))
        if b.takeaways:
            parts.append(h2("Key takeaways") + "<ul>" + "".join(f"<li>{t}</li>" for t in b.takeaways) + "</ul>")
        if b.comparison:
            table = b.comparison
            head = "".join(f"<th>{esc(col)}</th>" for col in table.columns)
            body = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in table.rows)
            parts.append(f"<h2>{esc(table.title)}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if b.deep_dive:
            parts.append(h2("Technical deep dive") + "".join(f"<p>{p}</p>" for p in b.deep_dive))
        if b.predictions:
            parts.append(h2("Future implications") + "<ol>" + "".join(
                f"<li>{p.claim}{' ' + p.rationale if p.rationale else ''}</li>" for p in b.predictions) + "</ol>")
        if b.timeline:
            parts.append(h2("Timeline") + "<ul>" + "".join(f"<li>{esc(t.date)}: {t.event}</li>" for t in b.timeline)
                         + "</ul>")
    link = f'<a href="{esc(b.source.url)}">{esc(b.source.name)}</a>'
    parts.append(f"<p>{esc(m.gettext('Source: %(term)s', term=chr(0))).replace(chr(0), link)}</p>")  # the link is HTML
    return "\n".join(parts)


Entry = tuple[str, str, dt.datetime, str, str, Sequence[str], dt.datetime]
"""(id/url, title, published, summary, content_html, categories, updated) of one feed entry."""


def atom(site: Site, rel: str, title: str, alternate_rel: str, entries: Sequence[Entry]) -> OutputFile:
    c = site.config
    updated = max((e[6] for e in entries), default=EPOCH)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(c.language)}>',
        f"  <id>{escape(_abs(site, rel))}</id>",
        f"  <title>{escape(title)}</title>",
        f"  <subtitle>{escape(c.description)}</subtitle>",
        f"  <updated>{updated.isoformat()}</updated>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(_abs(site, rel))}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(_abs(site, alternate_rel))}/>',
        f"  <author><name>{escape(c.author or c.title)}</name></author>",
        "  <generator>sitegen</generator>",
    ]
    for url, entry_title, when, summary, content, categories, changed in entries:
        out += [
            "  <entry>",
            f"    <id>{escape(url)}</id>",
            f"    <title>{escape(entry_title)}</title>",
            f"    <updated>{changed.isoformat()}</updated>",
            f"    <published>{when.isoformat()}</published>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>',
            f"    <summary>{escape(summary)}</summary>",
            f'    <content type="html">{escape(content)}</content>',
            *(f"    <category term={quoteattr(cat)}/>" for cat in categories),
            "  </entry>",
        ]
    out.append("</feed>\n")
    return OutputFile(rel, "\n".join(out).encode("utf-8"))


def brief_entries(site: Site, briefs: Sequence[Brief], full: bool | None = None) -> list[Entry]:
    """Feed entries of these briefs; `full` defaults to the site's feed.content."""
    full = site.config.feed_content == "full" if full is None else full
    return [(_abs(site, brief_path(b.slug)), b.title, b.date, b.summary, _brief_html(b, site.config, full), b.tags,
             b.updated or b.date) for b in briefs]


def brief_feed(site: Site, rel: str, title: str, alternate_rel: str, briefs: Sequence[Brief]) -> OutputFile:
    """An Atom feed of briefs that stays under feed.max_kb: when full entries make it larger, the
    oldest entries carry their summary instead, then the oldest are left out (never the newest)."""
    limit = site.config.feed_max_kb * 1024
    entries = brief_entries(site, briefs)
    feed = atom(site, rel, title, alternate_rel, entries)
    if len(feed.data) <= limit:
        return feed
    short = brief_entries(site, briefs, full=False)
    overhead = len(atom(site, rel, title, alternate_rel, []).data)
    size = [len(atom(site, rel, title, alternate_rel, [e]).data) - overhead for e in entries]
    short_size = [len(atom(site, rel, title, alternate_rel, [e]).data) - overhead for e in short]
    total = overhead + sum(size)
    for k in range(len(entries) - 1, 0, -1):  # the oldest first: full -> summary
        if total <= limit:
            break
        total += short_size[k] - size[k]
        size[k], entries[k] = short_size[k], short[k]
    while total > limit and len(entries) > 1:  # still too big: leave the oldest out
        total -= size.pop()
        entries.pop()
    return atom(site, rel, title, alternate_rel, entries)


def json_feed(site: Site, briefs: Sequence[Brief]) -> OutputFile:
    c = site.config
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": c.title,
        "home_page_url": _abs(site, ""),
        "feed_url": _abs(site, "feed.json"),
        "description": c.description,
        "language": c.language,
        "authors": [{"name": c.author or c.title}],
        "items": [
            {
                "id": _abs(site, brief_path(b.slug)),
                "url": _abs(site, brief_path(b.slug)),
                "external_url": b.source.url,
                "title": b.title,
                "summary": b.summary,
                "content_html": _brief_html(b, c, c.feed_content == "full"),
                "date_published": b.date.isoformat(),
                "date_modified": (b.updated or b.date).isoformat(),
                "tags": list(b.tags),
            }
            for b in briefs
        ],
    }
    return OutputFile("feed.json", (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def week_digest_html(site: Site, slugs: Sequence[str]) -> str:
    items = []
    for s in slugs:
        b = site.by_slug[s]
        tldr = " ".join(t for t in (b.tldr.what_changed, b.tldr.why_it_matters, b.tldr.what_to_do_next) if t)
        items.append(f'<li><a href="{html.escape(_abs(site, brief_path(b.slug)))}">{html.escape(b.title)}</a>: '
                     f"{html.escape(b.summary)}{' ' + tldr if tldr else ''}</li>")
    return "<ol>" + "".join(items) + "</ol>"


def all_feeds(site: Site, pages: Sequence[PageEntry] = (), memo: Memo = NO_MEMO) -> Iterator[OutputFile]:
    """Every feed, one at a time (a build writes and frees each before making the next: together
    they are 70 MB at 10,000 briefs); with a memo, a feed whose briefs are the same objects is
    not rebuilt."""
    c = site.config
    newest = tuple(site.briefs[: c.feed_count])
    yield memo.get("feed.xml", (c, newest), lambda: brief_feed(site, "feed.xml", c.title, "", newest))
    yield memo.get("feed.json", (c, newest), lambda: json_feed(site, newest))
    for tax in site.taxonomies:
        if tax.key not in FEED_TAXONOMIES:
            continue
        for term in tax.terms:
            briefs = tuple(site.by_slug[s] for s in term.slugs[: c.feed_count])
            prefix = term_path(tax.key, term.slug)
            yield memo.get(feed_path(prefix), (c, term.name, briefs),
                           lambda prefix=prefix, term=term, briefs=briefs: brief_feed(  # type: ignore[misc]
                               site, feed_path(prefix), f"{c.title}: {term.name}", prefix, briefs))
    weeks = site.weeks[: c.feed_count]
    # What the weekly feed shows of each brief: a body edit leaves it alone.
    shown = tuple((b.slug, b.title, b.summary, b.tldr, b.date, b.updated)
                  for w in weeks for b in (site.by_slug[s] for s in w.slugs))
    yield memo.get(WEEKLY_FEED_PATH, (c, weeks, shown), lambda: weekly_feed(site, weeks))


def weekly_feed(site: Site, weeks: Sequence[Week]) -> OutputFile:
    c = site.config
    entries = []
    for w in weeks:
        updated = max(site.by_slug[s].updated or site.by_slug[s].date for s in w.slugs)
        n = len(w.slugs)
        title = f"{week_label(w.key, c.messages)} · {week_range(w, c.messages)} · {brief_count(n, c.messages)}"
        summary = "; ".join(site.by_slug[s].title for s in w.slugs[:3])
        entries.append((_abs(site, week_path(w.key)), title, updated, summary, week_digest_html(site, w.slugs), (),
                        updated))
    return atom(site, WEEKLY_FEED_PATH, c.messages.gettext("%(site)s: weekly recaps", site=c.title), WEEKLY_PATH, entries)


# The feeds carry bodies, so a body edit reaches them; their memo entries say exactly what each reads.
KIND = PageKind("feeds", Reads.SHAPE | Reads.BODIES, files=all_feeds, reserved=("feed.xml", "feed.json"))
