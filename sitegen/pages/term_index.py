"""/tags/, /audiences/, /sources/: every term of a taxonomy with its brief count."""

from __future__ import annotations

from sitegen.memo import Memo
from sitegen.model import TAXONOMY_KINDS, Site
from sitegen.pages.kind import Cards, PageKind, Reads
from sitegen.render import Job, PageMeta
from sitegen.urls import output_file, taxonomy_path

HEADINGS = {k.key: k.plural for k in TAXONOMY_KINDS}


def term_index_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    c = site.config
    return [memo.get(("terms", tax.key), (c, tax), lambda tax=tax: Job(  # type: ignore[misc]
        output_file(taxonomy_path(tax.key)), "terms.html",
        {"page": PageMeta(HEADINGS[tax.key], f"All {tax.key} of {c.title} with their brief counts.",
                          taxonomy_path(tax.key), "terms"),
         "taxonomy": tax,
         "heading": HEADINGS[tax.key]},
        f"{tax.key} index")) for tax in site.taxonomies]


KIND = PageKind("term_index", Reads.SHAPE, jobs=term_index_jobs, reserved=tuple(k.key for k in TAXONOMY_KINDS),
                nav=lambda site: (("Tags", taxonomy_path("tags")), ("Sources", taxonomy_path("sources"))))
