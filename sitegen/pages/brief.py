"""A brief's own page: every section, its related updates, its week, share links, JSON-LD."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from sitegen.brieffields import contents
from sitegen.config import SiteConfig
from sitegen.memo import Memo
from sitegen.messages import Messages
from sitegen.model import Brief, RelatedLink, Site
from sitegen.pages.kind import Cards, Edit, PageKind, Reads
from sitegen.pages.links import term_links
from sitegen.pages.social import cards_on, social_image
from sitegen.render import Job, PageMeta
from sitegen.series import Series, sparkline
from sitegen.stories import Story
from sitegen.urls import brief_path, href, output_file, week_path
from sitegen.weekly import week_label


def brief_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    social = cards_on()
    return [brief_page_job(site, cards, b, memo, social) for b in site.briefs]


def remake_brief_jobs(site: Site, cards: Cards, memo: Memo, edit: Edit) -> list[Job]:
    """Only the edited briefs' pages and those showing a changed related card."""
    social = cards_on()
    return [brief_page_job(site, cards, site.by_slug[s], memo, social) for s in sorted(edit.briefs | edit.relinked)]


def brief_page_job(site: Site, cards: Cards, b: Brief, memo: Memo, social: bool = True) -> Job:
    links = site.related.get(b.slug, ())
    shown = tuple([cards.get(link.slug) or site.elsewhere[link.slug] for link in links])  # the related cards
    week_key = site.week_of[b.slug]
    series = tuple(site.series[m.series] for m in b.metrics if m.series in site.series)
    story = site.story_of.get(b.slug)
    offline = site.offline.get(b.slug, "")
    versions = site.translations.get(b.slug, ())
    return memo.get(("brief", b.slug), (site.config, b, links, shown, week_key, social, series, story, offline, versions),
                    lambda: brief_job(site.config, b, tuple(zip(shown, links)), week_key, social, series, story, offline,
                                      versions))


def brief_job(c: SiteConfig, b: Brief, related: tuple[tuple[Brief, RelatedLink], ...], week_key: str,
              social: bool = True, series: tuple[Series, ...] = (), story: Story | None = None,
              offline: str = "", translations: tuple[tuple[str, str, str], ...] = ()) -> Job:
    """A brief's page. `related`: (card, link) of each related brief. `social`: whether social
    cards are made (its og:image is then its card, unless it names an image of its own);
    `series`: the metric histories its metrics belong to; `story`: the story it is part of;
    `offline`: why a preview (--drafts) shows a brief the public site does not ('draft',
    'scheduled', 'expired'); `translations`: every version of its story in the site's languages."""
    rel = brief_path(b.slug)
    url = c.origin + href(c.base_path, rel)
    image = social_image(c, b, social)
    context = {
        "page": PageMeta(b.title, b.summary, rel, "brief", "article", published=b.date, image=image),
        "brief": b,
        "contents": contents(b),
        "terms": term_links(b),
        "freshness": freshness(b, c.messages),
        "week": {"key": week_key, "rel": week_path(week_key), "label": week_label(week_key, c.messages)},
        "related": related,
        "history": {s.name: (s, sparkline(tuple(p.value for p in s.points))) for s in series if len(s.points) > 1},
        "share": share_links(c, b),
        "story": story,
        "offline": offline,
        "translations": translations,
        "jsonld": {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": b.title,
            "description": b.summary,
            "datePublished": b.date.isoformat(),
            "dateModified": (b.updated or b.date).isoformat(),
            "url": url,
            "mainEntityOfPage": url,
            "isBasedOn": b.source.url,
            "publisher": {"@type": "Organization", "name": c.title},
            "keywords": list(b.tags),
            **({"image": image.url} if image else {}),
        },
    }
    return Job(output_file(rel), "brief.html", context, b.source_path)


def freshness(brief: Brief, messages: Messages) -> str:
    """'collected in 14m': time from the source's publication to the brief's date."""
    published = brief.source.published
    if published is None or not brief.has_time:
        return ""
    minutes = int((brief.date - published).total_seconds() // 60)
    if minutes < 0:
        return ""
    m = messages
    if minutes < 60:
        return m.gettext("collected in %(minutes)sm", minutes=minutes)
    hours, mins = divmod(minutes, 60)
    if hours < 48 and mins:
        return m.gettext("collected in %(hours)sh %(minutes)sm", hours=hours, minutes=mins)
    if hours < 48:
        return m.gettext("collected in %(hours)sh", hours=hours)
    return m.gettext("collected in %(days)sd", days=hours // 24)


SHARE_TARGETS = ("email", "x", "linkedin", "bluesky", "mastodon")
"""Where a brief can be shared: plain links to each service's share page, no script of theirs."""


def share_links(config: SiteConfig, brief: Brief) -> dict[str, str]:
    page = config.origin + href(config.base_path, brief_path(brief.slug))
    text = f"{brief.title} {page}"
    return {
        "page": page,
        "email": "mailto:?" + urlencode({"subject": brief.title, "body": f"{brief.summary}\n\n{page}"},
                                         quote_via=quote),
        "x": "https://x.com/intent/post?" + urlencode({"url": page, "text": brief.title}),
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": page}),
        "bluesky": "https://bsky.app/intent/compose?" + urlencode({"text": text}),
        "mastodon": "https://mastodonshare.com/?" + urlencode({"text": brief.title, "url": page}),
    }


KIND = PageKind("brief", Reads.SHAPE | Reads.BODIES | Reads.CARDS | Reads.RELATED,
                jobs=brief_jobs, remake=remake_brief_jobs, reserved=("briefs",))
