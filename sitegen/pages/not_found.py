"""/404.html: what GitHub Pages serves for a missing page, with the five latest briefs."""

from __future__ import annotations

from sitegen.memo import Memo
from sitegen.model import Site
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.render import Job, PageMeta

PATH = "404.html"


def not_found_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    items = tuple(cards[b.slug] for b in site.briefs[:5])
    meta = PageMeta(c.messages.gettext("Page not found"), c.messages.gettext("The page you asked for does not exist."),
                    PATH, "404", noindex=True)
    return [memo.get("404", (c, items), lambda: Job(PATH, "404.html", {"page": meta, "items": items}, PATH))]


KIND = PageKind("not_found", Reads.SHAPE | Reads.CARDS, jobs=not_found_jobs, reserved=(PATH,))
