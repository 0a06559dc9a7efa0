"""/tags/, /audiences/, /sources/: every term of a taxonomy with its brief count."""

from __future__ import annotations

from sitegen.memo import Memo
from sitegen.model import TAXONOMY_KINDS, Site
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.messages import N_
from sitegen.render import Job, PageMeta
from sitegen.urls import output_file, taxonomy_path

HEADINGS = {k.key: k.plural for k in TAXONOMY_KINDS}
"""English names, translated when shown (TaxonomyKind.plural is a catalog message)."""
DESCRIPTIONS = {
    "tags": N_("All tags of %(site)s with their brief counts."),
    "audiences": N_("All audiences of %(site)s with their brief counts."),
    "sources": N_("All sources of %(site)s with their brief counts."),
}


def term_index_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    return [memo.get(("terms", tax.key), (c, tax), lambda tax=tax: Job(  # type: ignore[misc]
        output_file(taxonomy_path(tax.key)), "terms.html",
        {"page": PageMeta(c.messages.gettext(HEADINGS[tax.key]),
                          c.messages.gettext(DESCRIPTIONS[tax.key], site=c.title), taxonomy_path(tax.key), "terms"),
         "taxonomy": tax,
         "heading": c.messages.gettext(HEADINGS[tax.key])},
        f"{tax.key} index")) for tax in site.taxonomies]


KIND = PageKind("term_index", Reads.SHAPE, jobs=term_index_jobs, reserved=tuple(k.key for k in TAXONOMY_KINDS),
                nav=lambda site: ((N_("Tags"), taxonomy_path("tags")), (N_("Sources"), taxonomy_path("sources"))))
