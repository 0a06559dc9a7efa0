"""The home page: every brief's card, newest first, paginated at /page/N/."""

from __future__ import annotations

from sitegen.memo import Memo
from sitegen.model import Site
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.pages.listing import list_jobs
from sitegen.render import Job


def home_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    return list_jobs(c, tuple(cards.values()), "", c.title, c.description, "home", memo=memo)


KIND = PageKind("home", Reads.SHAPE | Reads.CARDS, jobs=home_jobs, reserved=("page",),
                nav=lambda site: (("Latest", ""),))
