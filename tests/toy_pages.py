"""Two page kinds that exist only for tests, written the way a new kind is added:
a KIND that says what its jobs are, what they read, the URL it owns and its header link."""

from __future__ import annotations

from sitegen.memo import Memo
from sitegen.model import Site
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.render import Job

TEMPLATES = {
    "layouts/toy-titles.html": "<ul>{% for t in titles %}<li>{{ t }}</li>{% endfor %}</ul>\n",
    "layouts/toy-sizes.html": "<ul>{% for slug, n in sizes %}<li>{{ slug }}: {{ n }}</li>{% endfor %}</ul>\n",
}
"""Their templates, for a test site's layouts/."""


def titles_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    """/titles/: the title of every brief, newest first. It reads cards only."""
    items = tuple(cards.values())
    return [memo.get("toy_titles", (items,), lambda: Job(
        "titles/index.html", "toy-titles.html", {"titles": [c.title for c in items]}, "toy titles"))]


def sizes_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    """/sizes/: the length of every brief's body. It reads whole briefs."""
    briefs = site.briefs
    return [memo.get("toy_sizes", (briefs,), lambda: Job(
        "sizes/index.html", "toy-sizes.html", {"sizes": [(b.slug, len(b.body_html)) for b in briefs]},
        "toy sizes"))]


TITLES = PageKind("toy_titles", Reads.SHAPE | Reads.CARDS, jobs=titles_jobs, reserved=("titles",),
                  nav=lambda site: (("Titles", "titles/"),))
SIZES = PageKind("toy_sizes", Reads.SHAPE | Reads.BODIES, jobs=sizes_jobs, reserved=("sizes",))
