"""/assets/style.css: the site's one stylesheet, linked by every page (templates.STYLESHEET).

One file instead of the same 17 KB inlined into every page: a 10,000-brief site is 570 MB instead
of 913 MB without social cards (GitHub Pages publishes at most 1 GB), and a reader's browser
fetches it once."""

from __future__ import annotations

from sitegen.memo import Memo
from sitegen.model import Site
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.render import Job
from sitegen.templates import STYLESHEET, STYLESHEET_PATH


def stylesheet_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    return [Job(STYLESHEET_PATH, STYLESHEET, {}, "the stylesheet")]


KIND = PageKind("stylesheet", Reads.SHAPE, jobs=stylesheet_jobs, reserved=("assets",))
