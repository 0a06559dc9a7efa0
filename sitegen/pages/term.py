"""The pages of one tag, audience or source: /tags/<slug>/, paginated like the home page."""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.config import SiteConfig
from sitegen.memo import Memo
from sitegen.model import TAXONOMY_KINDS, Site, Taxonomy, Term
from sitegen.pages.feeds import FEED_TAXONOMIES
from sitegen.pages.kind import Cards, Edit, PageKind, Reads
from sitegen.pages.listing import list_jobs
from sitegen.messages import N_
from sitegen.render import Job
from sitegen.urls import feed_path, term_path


TERM_TEXTS = {
    "tags": (N_("Tag: %(term)s"), N_("Briefs filed under tag %(term)s.")),
    "audiences": (N_("Audience: %(term)s"), N_("Briefs filed under audience %(term)s.")),
    "sources": (N_("Source: %(term)s"), N_("Briefs filed under source %(term)s.")),
}
"""A term page's title and description, by taxonomy: whole sentences, so each language can word them."""


@dataclass(frozen=True)
class TaxonomyName:
    """What a term page shows of its taxonomy (not its terms: a page must not depend on them)."""

    key: str
    """'tags', 'audiences' or 'sources'."""
    singular: str


def all_term_jobs(site: Site, cards: Cards, memo: Memo) -> list[Job]:
    return [job for tax in site.taxonomies for term in tax.terms for job in term_jobs(site.config, cards, tax, term, memo)]


def remake_term_jobs(site: Site, cards: Cards, memo: Memo, edit: Edit) -> list[Job]:
    """Only the terms that list a brief whose card changed."""
    return [job for tax in site.taxonomies for term in edit.terms_with(tax.key)
            for job in term_jobs(site.config, cards, tax, term, memo)]


def term_jobs(c: SiteConfig, cards: Cards, tax: Taxonomy, term: Term, memo: Memo) -> list[Job]:
    """The pages of one tag, audience or source."""
    items = tuple([cards[s] for s in term.slugs])
    rel = term_path(tax.key, term.slug)
    extra = {"term": term, "taxonomy": TaxonomyName(tax.key, tax.singular),
             "feed_rel": feed_path(rel) if tax.key in FEED_TAXONOMIES else None}
    title, description = TERM_TEXTS[tax.key]
    return list_jobs(c, items, rel, c.messages.gettext(title, term=term.name),
                     c.messages.gettext(description, term=term.name), "term", extra, memo)


KIND = PageKind("term", Reads.SHAPE | Reads.CARDS, jobs=all_term_jobs, remake=remake_term_jobs,
                reserved=tuple(k.key for k in TAXONOMY_KINDS))
