"""Plain pages from content/*.md (about, ...) at /<slug>/, each linked from the header."""

from __future__ import annotations

from sitegen.memo import Memo
from sitegen.model import Site
from sitegen.pages.kind import Cards, NavLinks, PageKind, Reads
from sitegen.render import Job, PageMeta
from sitegen.urls import output_file, page_path


def plain_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    return [memo.get(("page", p.slug), (c, p), lambda p=p: Job(  # type: ignore[misc]
        output_file(page_path(p.slug)), "page.html",
        {"page": PageMeta(p.title, p.summary or c.description, page_path(p.slug), "page"), "doc": p},
        p.source_path)) for p in site.pages]


def plain_nav(site: Site) -> NavLinks:
    return tuple((p.title, page_path(p.slug)) for p in sorted(site.pages, key=lambda p: p.slug))


KIND = PageKind("plain", Reads.SHAPE, jobs=plain_jobs, nav=plain_nav)
