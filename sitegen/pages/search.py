"""/search/: full-text search over the briefs, with Pagefind's UI served from the site itself.

The index is made after the pages are written (sitegen/search.py, run on the staged site);
this kind only renders the page and owns the URL segments `search` and `pagefind`. Its header
entry becomes the search box of every page (a plain GET form to this page: without
JavaScript it is a link to a page that says how else to find briefs).
"""

from __future__ import annotations

from sitegen.memo import Memo
from sitegen.model import Site
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.messages import N_
from sitegen.render import Job, PageMeta

REL = "search/"
PATH = "search/index.html"
BUNDLE = "pagefind"
"""The folder of the site where sitegen.search has Pagefind write the index and its UI."""


def search_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    # Indexable: /search/ itself is a page (a search box; without JavaScript, the ways to browse);
    # result URLs (?q=...) carry its canonical URL, so crawlers see one page, not one per query.
    meta = PageMeta(c.messages.gettext("Search"), c.messages.gettext("Search the briefs of %(site)s.", site=c.title),
                    REL, "search")
    return [memo.get("search", (c,), lambda: Job(PATH, "search.html", {"page": meta, "bundle": BUNDLE + "/"}, PATH))]


KIND = PageKind("search", Reads.SHAPE, jobs=search_jobs, reserved=("search", BUNDLE),
                nav=lambda site: ((N_("Search"), REL),))
