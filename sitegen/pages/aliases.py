"""Redirect pages at the old addresses of renamed briefs (`aliases:`): a meta refresh, a
canonical link to the new address, noindex, and a visible link for readers and tools that
do not follow refreshes. Static hosting has no server redirects, so this is the redirect."""

from __future__ import annotations

from sitegen.memo import Memo
from sitegen.model import Site
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.render import Job, PageMeta
from sitegen.urls import brief_path, output_file


def alias_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    jobs = []
    for b in site.briefs:
        for alias in b.aliases:
            card = cards[b.slug]
            rel = brief_path(alias)
            meta = PageMeta(c.messages.gettext("Moved: %(title)s", title=card.title), card.summary, rel, "redirect",
                            noindex=True)
            jobs.append(memo.get(("aliases", alias), (c, card.title, card.summary, b.slug),
                                 lambda meta=meta, rel=rel, slug=b.slug, title=card.title:  # type: ignore[misc]
                                 Job(output_file(rel), "redirect.html",
                                     {"page": meta, "target": brief_path(slug), "title": title},
                                     f"redirect {rel}")))
    return jobs


KIND = PageKind("aliases", Reads.SHAPE | Reads.CARDS, jobs=alias_jobs)
